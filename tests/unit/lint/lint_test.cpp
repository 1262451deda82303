// The risk rules over migration text, with no database: which rule fires at which line and
// column, and which must not (the safe alternative, a table created earlier in the file, a
// schema that proves the statement cheap).
#include "lint/lint.h"

#include <catch2/catch.hpp>

#include <algorithm>

#include "compiler/sql/compile.h"
#include "compiler/sql/migration.h"

using namespace schemac;

namespace {

struct Linted {
  ir::SourceManager sources;
  ir::Diagnostics diags;
  std::vector<lint::Finding> findings;

  /// The message of the first finding of rule `id`.
  std::string Message(std::string_view id) const {
    for (const lint::Finding& f : findings) {
      if (f.rule->id == id) return f.message;
    }
    return "";
  }

  /// "line:col MGnnn" per finding, one a line, in order; the timeouts asked for once per file
  /// (MG701, MG702) only `with_hygiene`, the statements that fail when run again outside a
  /// transaction (MG706) only `with_idempotency`.
  std::string Lines(bool with_hygiene = false, bool with_idempotency = false) const {
    std::string out;
    for (const lint::Finding& f : findings) {
      if (!with_hygiene && (f.rule->id == "MG701" || f.rule->id == "MG702")) continue;
      if (!with_idempotency && f.rule->id == "MG706") continue;
      ir::LineCol at = sources.Resolve(f.span.file, f.span.begin);
      out += std::to_string(at.line) + ":" + std::to_string(at.column) + " " + std::string(f.rule->id) + "\n";
    }
    return out;
  }

  /// The same, of the rules `ids` only.
  std::string Lines(std::initializer_list<std::string_view> ids) const {
    std::string out;
    for (const lint::Finding& f : findings) {
      if (std::find(ids.begin(), ids.end(), f.rule->id) == ids.end()) continue;
      ir::LineCol at = sources.Resolve(f.span.file, f.span.begin);
      out += std::to_string(at.line) + ":" + std::to_string(at.column) + " " + std::string(f.rule->id) + "\n";
    }
    return out;
  }
};

Linted Lint(const std::string& migration, const std::string& schema = "", lint::LintOptions options = {}) {
  Linted l;
  std::optional<ir::Database> context;
  if (!schema.empty()) {
    context = sql::CompileText("schema.sql", schema, sql::CompileOptions{}, l.sources, l.diags);
  }
  int32_t file = l.sources.Add("m.sql", migration);
  sql::MigrationFile parsed = sql::ReadMigration(file, l.sources, l.diags);
  l.findings = lint::LintFile(parsed, l.sources, context ? &*context : nullptr, options, l.diags);
  return l;
}

}  // namespace

TEST_CASE("lint: every rule of the table has a unique id, a name and a safe alternative", "[lint]") {
  std::set<std::string_view> ids;
  for (const lint::RuleInfo& r : lint::Rules()) {
    CHECK(ids.insert(r.id).second);
    CHECK(r.id.size() == 5);
    CHECK_FALSE(r.name.empty());
    CHECK_FALSE(r.safe_alternative.empty());
  }
  CHECK(lint::FindRule("MG101")->name == "index-create-blocking");
  CHECK(lint::FindRule("MG999") == nullptr);
}

TEST_CASE("lint: index rules fire on existing tables only, and not on the concurrent forms", "[lint]") {
  Linted l = Lint(R"(SET lock_timeout = '2s';
SET statement_timeout = '5min';
CREATE INDEX a_idx ON a (x);
CREATE TABLE b (x int);
CREATE INDEX b_idx ON b (x);
  -- a comment before the statement
  DROP INDEX a_old;
DROP INDEX CONCURRENTLY a_older;
REINDEX TABLE a;
REINDEX (CONCURRENTLY) TABLE a;
CREATE INDEX CONCURRENTLY a2_idx ON a (y);
)");
  REQUIRE(l.diags.items().empty());
  CHECK(l.Lines(true) == "3:1 MG101\n7:3 MG103\n9:1 MG104\n");
}

TEST_CASE("lint: a partitioned table's index is MG102 when the schema says so", "[lint]") {
  Linted l = Lint("CREATE INDEX p_idx ON p (k);\nCREATE INDEX p_only ON ONLY p (k);\n",
                  "CREATE TABLE p (k int) PARTITION BY RANGE (k);");
  CHECK(l.Lines() == "1:1 MG102\n");
}

TEST_CASE("lint: ATTACH PARTITION scans unless the file validated a CHECK on the table, an index attach never does",
          "[lint]") {
  Linted l = Lint(R"(ALTER TABLE p ATTACH PARTITION p1 FOR VALUES FROM (0) TO (10);
ALTER TABLE p2 ADD CONSTRAINT p2_bound CHECK (k IS NOT NULL AND k >= 10 AND k < 20) NOT VALID;
ALTER TABLE p ATTACH PARTITION p2 FOR VALUES FROM (10) TO (20);
ALTER TABLE p2 VALIDATE CONSTRAINT p2_bound;
ALTER TABLE p ATTACH PARTITION p2 FOR VALUES FROM (10) TO (20);
ALTER INDEX p_idx ATTACH PARTITION p1_idx;
)");
  CHECK(l.Lines() == "1:1 MG501\n3:1 MG501\n4:1 MG809\n");
  // A parent and a partition both created by the file hold no rows: nothing to scan. An existing
  // parent may have a DEFAULT partition with rows, which the attach scans.
  Linted fresh = Lint(R"(CREATE TABLE q (k int) PARTITION BY RANGE (k);
CREATE TABLE q1 (k int);
ALTER TABLE q ATTACH PARTITION q1 FOR VALUES FROM (0) TO (10);
CREATE TABLE p3 (k int);
ALTER TABLE p ATTACH PARTITION p3 FOR VALUES FROM (20) TO (30);
)");
  CHECK(fresh.Lines() == "5:1 MG501\n");
}

TEST_CASE("lint: an index on a materialized view the file created builds on rows nobody reads yet", "[lint]") {
  Linted l = Lint("CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x;\nCREATE INDEX mv_x ON mv (x);\nCREATE INDEX old_x ON old_mv (x);\n");
  CHECK(l.Lines() == "3:1 MG101\n");
}

TEST_CASE("lint: constraints: validated forms scan, NOT VALID and USING INDEX do not", "[lint]") {
  Linted l = Lint(R"(ALTER TABLE t ADD CONSTRAINT c1 CHECK (x > 0);
ALTER TABLE t ADD CONSTRAINT c2 CHECK (x > 0) NOT VALID;
ALTER TABLE t ADD CONSTRAINT f1 FOREIGN KEY (x) REFERENCES u (id);
ALTER TABLE t ADD CONSTRAINT f2 FOREIGN KEY (x) REFERENCES u (id) NOT VALID;
ALTER TABLE t ADD CONSTRAINT u1 UNIQUE (x);
ALTER TABLE t ADD CONSTRAINT u2 UNIQUE USING INDEX t_x_idx;
ALTER TABLE t ADD PRIMARY KEY (id);
ALTER TABLE t VALIDATE CONSTRAINT c2;
)");
  CHECK(l.Lines() == "1:1 MG201\n3:1 MG202\n5:1 MG204\n7:1 MG205\n8:1 MG809\n");
}

TEST_CASE("lint: VALIDATE in the transaction that added the constraint scans under its lock", "[lint]") {
  Linted l = Lint(R"(BEGIN;
ALTER TABLE t ADD CONSTRAINT c CHECK (x > 0) NOT VALID;
ALTER TABLE t VALIDATE CONSTRAINT c;
COMMIT;
ALTER TABLE t VALIDATE CONSTRAINT c;
)");
  CHECK(l.Lines() == "3:1 MG203\n3:1 MG703\n5:1 MG809\n");
}

TEST_CASE("lint: columns: fast defaults, volatile defaults, rewriting kinds, required columns", "[lint]") {
  Linted l = Lint(R"(ALTER TABLE t ADD COLUMN a text;
ALTER TABLE t ADD COLUMN b timestamptz DEFAULT now();
ALTER TABLE t ADD COLUMN c uuid DEFAULT gen_random_uuid();
ALTER TABLE t ADD COLUMN d bigserial;
ALTER TABLE t ADD COLUMN e bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE t ADD COLUMN f int NOT NULL;
ALTER TABLE t ADD COLUMN g int NOT NULL DEFAULT 0;
ALTER TABLE t ALTER COLUMN a SET DEFAULT 'x';
ALTER TABLE t ALTER COLUMN a DROP NOT NULL;
ALTER TABLE t DROP COLUMN z;
ALTER TABLE t RENAME COLUMN a TO aa;
)");
  CHECK(l.Lines() ==
        "1:1 MG301\n2:1 MG301\n3:1 MG302\n4:1 MG902\n4:1 MG303\n5:1 MG303\n6:1 MG304\n7:1 MG301\n8:1 MG308\n"
        "9:1 MG309\n10:1 MG402\n11:1 MG406\n");
}

TEST_CASE("lint: type changes need the schema to tell a rewrite from a widening", "[lint]") {
  const char* migration = R"(ALTER TABLE t ALTER COLUMN name TYPE varchar(200);
ALTER TABLE t ALTER COLUMN name TYPE text;
ALTER TABLE t ALTER COLUMN n TYPE bigint;
ALTER TABLE t ALTER COLUMN price TYPE numeric(12,2);
)";
  Linted blind = Lint(migration);
  CHECK(blind.Lines() == "1:1 MG306\n2:1 MG306\n3:1 MG306\n4:1 MG306\n");
  for (const lint::Finding& f : blind.findings) CHECK(f.low_confidence == (f.rule->id == "MG306"));
  Linted known = Lint(migration, "CREATE TABLE t (name varchar(100), n int, price numeric(10,2));");
  CHECK(known.Lines() == "1:1 MG307\n2:1 MG307\n3:1 MG306\n4:1 MG307\n");
  for (const lint::Finding& f : known.findings) CHECK_FALSE(f.low_confidence);
}

TEST_CASE("lint: each statement sees the schema as the file's earlier statements left it", "[lint]") {
  const char* schema = "CREATE TABLE t (id bigint PRIMARY KEY, name varchar(100), n int);";
  // A column added, renamed or retyped earlier in the file has the type it was given there.
  Linted l = Lint(R"(ALTER TABLE t ADD COLUMN nick varchar(10);
ALTER TABLE t ALTER COLUMN nick TYPE varchar(20);
ALTER TABLE t RENAME COLUMN name TO full_name;
ALTER TABLE t ALTER COLUMN full_name TYPE text;
ALTER TABLE t ALTER COLUMN n TYPE bigint;
ALTER TABLE t ALTER COLUMN n TYPE numeric;
ALTER TABLE t ALTER COLUMN nick SET NOT NULL;
ALTER TABLE t ALTER COLUMN nick SET NOT NULL;
)",
                  schema);
  CHECK(l.Lines({"MG306", "MG307", "MG305"}) ==
        "2:1 MG307\n4:1 MG307\n5:1 MG306\n6:1 MG306\n7:1 MG305\n");
  // Without the context nothing is known, and the retypes are conservative.
  Linted blind = Lint("ALTER TABLE t ADD COLUMN nick varchar(10);\nALTER TABLE t ALTER COLUMN nick TYPE varchar(20);\n");
  CHECK(blind.Lines({"MG306", "MG307"}) == "2:1 MG306\n");
}

TEST_CASE("lint: SET NOT NULL is free after a validated CHECK (col IS NOT NULL)", "[lint]") {
  Linted l = Lint(R"(ALTER TABLE t ALTER COLUMN a SET NOT NULL;
ALTER TABLE t ADD CONSTRAINT b_nn CHECK (b IS NOT NULL) NOT VALID;
ALTER TABLE t ALTER COLUMN b SET NOT NULL;
ALTER TABLE t VALIDATE CONSTRAINT b_nn;
ALTER TABLE t ALTER COLUMN b SET NOT NULL;
ALTER TABLE t ALTER COLUMN c SET NOT NULL;
)",
                  "CREATE TABLE t (a int, b int, c int, CONSTRAINT c_nn CHECK (c IS NOT NULL));");
  CHECK(l.Lines() == "1:1 MG305\n3:1 MG305\n4:1 MG809\n");
}

TEST_CASE("lint: destructive statements", "[lint]") {
  Linted l = Lint(R"(DROP TABLE a;
DROP TABLE b CASCADE;
TRUNCATE c;
DROP SCHEMA s;
ALTER TABLE d RENAME TO e;
ALTER TABLE f SET SCHEMA other;
DROP VIEW v;
CREATE TABLE tmp (x int);
DROP TABLE tmp;
)");
  CHECK(l.Lines() == "1:1 MG401\n2:1 MG404\n2:1 MG401\n3:1 MG405\n4:1 MG403\n5:1 MG407\n6:1 MG408\n7:1 MG409\n");
}

TEST_CASE("lint: transactions: concurrent forms inside one, nesting, enum values used too early", "[lint]") {
  Linted l = Lint(R"(BEGIN;
CREATE INDEX CONCURRENTLY i ON t (x);
ALTER TYPE mood ADD VALUE 'meh' AFTER 'sad';
INSERT INTO t (m) VALUES ('meh');
BEGIN;
COMMIT;
COMMIT;
VACUUM FULL t;
)");
  CHECK(l.Lines() == "2:1 MG704\n4:1 MG601\n5:1 MG705\n7:1 MG705\n8:1 MG801\n");
  lint::LintOptions in_tx;
  in_tx.assume_in_transaction = true;
  CHECK(Lint("DROP INDEX CONCURRENTLY i;\n", "", in_tx).Lines() == "1:1 MG704\n");
  CHECK(Lint("BEGIN;\nALTER TABLE t ADD COLUMN a int;\n").Lines() == "2:1 MG301\n2:1 MG705\n");
}

TEST_CASE("lint: lock_timeout is asked for once, before the first strong lock on an existing table", "[lint]") {
  Linted bare = Lint("CREATE TABLE n (x int);\nALTER TABLE n ADD COLUMN y int;\nALTER TABLE t ADD COLUMN y int;\n");
  CHECK(bare.Lines(true) == "3:1 MG301\n3:1 MG701\n3:1 MG702\n");
  Linted set = Lint("SET lock_timeout = '2s';\nALTER TABLE t ADD COLUMN y int;\n");
  CHECK(set.Lines(true) == "2:1 MG301\n2:1 MG702\n");
}

TEST_CASE("lint: severities: class defaults and per-rule overrides", "[lint]") {
  lint::LintOptions options;
  options.severities["MG301"] = lint::Severity::Off;
  options.severities["MG402"] = lint::Severity::Warning;
  Linted l = Lint("ALTER TABLE t ADD COLUMN a int;\nALTER TABLE t DROP COLUMN b;\nDO $$ BEGIN END $$;\n", "", options);
  CHECK(l.Lines() == "2:1 MG402\n3:1 MG708\n");
  for (const lint::Finding& f : l.findings) {
    if (f.rule->id == "MG402") CHECK(f.severity == lint::Severity::Warning);
  }
  CHECK(lint::DefaultSeverity(lint::RiskClass::DataLoss) == lint::Severity::Error);
  CHECK(lint::DefaultSeverity(lint::RiskClass::Safe) == lint::Severity::Info);
}

TEST_CASE("lint: a syntax error is reported with its position, and the statements before it are linted", "[lint]") {
  Linted l = Lint("DROP TABLE a;\nALTER TABLE t ADD COLUMN;\n");
  REQUIRE(l.diags.items().size() == 1);
  CHECK(ir::FormatDiagnostic(l.diags.items()[0], &l.sources).rfind("m.sql:2:", 0) == 0);
  CHECK(l.Lines() == "1:1 MG401\n");
}

TEST_CASE("lint: schemac:ignore suppresses the next statement's finding, ignore-file the file's", "[lint]") {
  Linted l = Lint(R"(-- schemac:ignore-file MG701, MG702 reason="the runner sets the timeouts"
-- schemac:ignore MG402 reason="column unused since v41"
ALTER TABLE t DROP COLUMN legacy;
ALTER TABLE t DROP COLUMN other;
-- schemac:ignore MG401 reason="nothing to suppress here"
ALTER TABLE t ADD COLUMN a int;
-- schemac:ignore MG999 reason="no such rule"
SELECT 1;
)");
  std::string suppressed;
  for (const lint::Finding& f : l.findings) {
    ir::LineCol at = l.sources.Resolve(f.span.file, f.span.begin);
    if (f.suppressed_by) {
      ir::LineCol by = l.sources.Resolve(f.suppressed_by->file, f.suppressed_by->begin);
      suppressed += std::string(f.rule->id) + "@" + std::to_string(at.line) + " by " + std::to_string(by.line) + ": " +
                    f.suppression_reason + "\n";
    }
  }
  CHECK(suppressed ==
        "MG402@3 by 2: column unused since v41\nMG701@3 by 1: the runner sets the timeouts\n"
        "MG702@3 by 1: the runner sets the timeouts\n");
  std::string diags;
  for (const ir::Diagnostic& d : l.diags.items()) diags += ir::FormatDiagnostic(d, &l.sources) + "\n";
  CHECK(diags ==
        "m.sql:5:1: warning: this directive suppresses MG401, but MG401 reports nothing on the next statement "
        "[lint.unused-suppression]\n"
        "m.sql:7:1: error: schemac:ignore names rule MG999, which does not exist [lint.unknown-rule]\n");
}

TEST_CASE("lint: a malformed directive is an error at the place it goes wrong", "[lint]") {
  Linted l = Lint("-- schemac:ignore MG402\nALTER TABLE t DROP COLUMN c;\n");
  REQUIRE(l.diags.items().size() == 1);
  CHECK(ir::FormatDiagnostic(l.diags.items()[0], &l.sources) ==
        "m.sql:1:24: error: malformed schemac directive: expected reason=\"...\" [compile.directive]");
}

TEST_CASE("lint: rules that need the schema: dropping a foreign key, a primary key over nullable columns", "[lint]") {
  const char* schema = R"(CREATE TABLE u (id int PRIMARY KEY);
CREATE TABLE t (id int, nn int NOT NULL, u_id int, CONSTRAINT t_u_fk FOREIGN KEY (u_id) REFERENCES u (id),
  CONSTRAINT t_check CHECK (id > 0));
CREATE UNIQUE INDEX t_id_idx ON t (id);
CREATE UNIQUE INDEX t_nn_idx ON t (nn);)";
  Linted l = Lint(R"(ALTER TABLE t DROP CONSTRAINT t_u_fk;
ALTER TABLE t DROP CONSTRAINT t_check;
ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_id_idx;
ALTER TABLE t ADD CONSTRAINT t_pkey2 PRIMARY KEY USING INDEX t_nn_idx;
CREATE TABLE n (a int, b text, a int);
)",
                  schema);
  CHECK(l.Lines() == "1:1 MG208\n3:1 MG206\n5:1 MG710\n");
  REQUIRE(l.findings[0].rule->id == "MG208");
  CHECK(l.findings[0].message ==
        "dropping foreign key t_u_fk takes an ACCESS EXCLUSIVE lock on t and on public.u, the table it references");
}

TEST_CASE("lint: --pg-version: behaviour of releases before 11 and 12", "[lint]") {
  const char* migration = R"(ALTER TABLE t ADD COLUMN a int DEFAULT 0;
ALTER TABLE t ADD CONSTRAINT a_nn CHECK (a IS NOT NULL);
ALTER TABLE t ALTER COLUMN a SET NOT NULL;
BEGIN;
ALTER TYPE mood ADD VALUE 'meh' BEFORE 'sad';
COMMIT;
)";
  CHECK(Lint(migration).Lines() == "1:1 MG301\n2:1 MG201\n");
  lint::LintOptions old;
  old.pg_version = 10;
  CHECK(Lint(migration, "", old).Lines() == "1:1 MG302\n2:1 MG201\n3:1 MG305\n5:1 MG601\n");
}

TEST_CASE("lint: an identifier longer than 63 bytes is reported as written (the parser truncates it)", "[lint]") {
  const std::string long_name(70, 'c');
  Linted l = Lint("CREATE TABLE t (\"" + long_name + "\" int);\nALTER TABLE t ADD COLUMN " + long_name +
                  "x int;\nCREATE TABLE short_enough (" + std::string(63, 'd') + " int);\n");
  CHECK(l.Lines() == "1:1 MG709\n2:1 MG709\n");
  CHECK(l.findings[0].message == "identifier \"" + long_name + "\" is 70 bytes: PostgreSQL silently truncates it to "
                                 "its first 63");
}

TEST_CASE("lint: MG901 integer keys, identities and serials, not plain integer columns", "[lint]") {
  Linted l = Lint(R"(CREATE TABLE a (id int PRIMARY KEY, n int, code smallint UNIQUE, parent_id integer REFERENCES a (id), big bigint);
CREATE TABLE b (x int, y int, z int, CONSTRAINT b_pk PRIMARY KEY (x, y));
CREATE TABLE c (id serial, seq int GENERATED ALWAYS AS IDENTITY, tags int[], id2 bigserial);
ALTER TABLE t ADD COLUMN u_id int REFERENCES u (id);
ALTER TABLE t ADD COLUMN count int;
CREATE TABLE d (id bigint PRIMARY KEY, a_id bigint REFERENCES a (id), n smallint);
)");
  REQUIRE(l.diags.items().empty());
  CHECK(l.Lines() ==
        "1:1 MG901\n1:1 MG901\n1:1 MG901\n1:1 MG905\n2:1 MG901\n2:1 MG901\n3:1 MG901\n3:1 MG902\n3:1 MG901\n"
        "3:1 MG902\n4:1 MG901\n4:1 MG301\n5:1 MG301\n6:1 MG905\n");
  std::string messages;
  for (const lint::Finding& f : l.findings) {
    if (f.rule->id == "MG901") messages += f.message + "\n";
  }
  CHECK(messages ==
        "column id is integer and a key: it runs out at 2147483647\n"
        "column code is smallint and a key: it runs out at 32767\n"
        "column parent_id is integer and a key: it runs out at 2147483647\n"
        "column x is integer and a key: it runs out at 2147483647\n"
        "column y is integer and a key: it runs out at 2147483647\n"
        "column id is serial: it runs out at 2147483647\n"
        "column seq is integer and an identity column: it runs out at 2147483647\n"
        "column u_id is integer and a key: it runs out at 2147483647\n");
  for (const lint::Finding& f : l.findings) {
    if (f.rule->id == "MG901") CHECK(f.severity == lint::Severity::Info);
  }
}

TEST_CASE("lint: MG905 a foreign key no index of the file or schema starts with", "[lint]") {
  Linted l = Lint(R"(CREATE TABLE parent (id bigint PRIMARY KEY);
CREATE TABLE child (id bigint PRIMARY KEY, parent_id bigint REFERENCES parent (id), other_id bigint REFERENCES parent (id));
CREATE TABLE pair (a bigint, b bigint, c bigint, CONSTRAINT pair_fk FOREIGN KEY (a, b) REFERENCES x (a, b));
CREATE INDEX child_parent_idx ON child (parent_id);
CREATE INDEX pair_idx ON pair (b, a, c);
ALTER TABLE t ADD CONSTRAINT t_u_fk FOREIGN KEY (u_id) REFERENCES u (id) NOT VALID;
CREATE TABLE late (id bigint, p_id bigint REFERENCES parent (id));
CREATE INDEX late_partial ON late (p_id) WHERE p_id IS NOT NULL;
CREATE TABLE expr (id bigint, p_id bigint REFERENCES parent (id));
CREATE INDEX expr_idx ON expr ((id + 1), p_id);
CREATE TABLE gone (p_id bigint REFERENCES parent (id));
CREATE INDEX gone_idx ON gone (p_id);
DROP INDEX gone_idx;
CREATE TABLE copied (LIKE child INCLUDING ALL, q_id bigint REFERENCES parent (id));
CREATE TABLE keyed (p_id bigint REFERENCES parent (id), n bigint, PRIMARY KEY (p_id, n));
)");
  REQUIRE(l.diags.items().empty());
  // (gone_idx is an index of a table this file created: its drop is no MG103.)
  CHECK(l.Lines() == "2:1 MG905\n7:1 MG905\n9:1 MG905\n11:1 MG905\n");
  CHECK(l.Message("MG905") ==
        "foreign key on child (other_id) has no index that starts with its columns: each DELETE on parent, or change "
        "of its key, scans child");
  CHECK(l.findings[0].severity == lint::Severity::Info);  // the first finding is MG905 at line 2

  const char* schema = R"(CREATE TABLE u (id bigint PRIMARY KEY);
CREATE TABLE t (id bigint, u_id bigint, v_id bigint, w_id bigint, CONSTRAINT t_pk PRIMARY KEY (u_id, id));
CREATE INDEX t_v_idx ON t (v_id, id);
CREATE INDEX t_w_idx ON t (w_id) WHERE w_id > 0;)";
  Linted known = Lint(R"(ALTER TABLE t ADD CONSTRAINT t_u_fk FOREIGN KEY (u_id) REFERENCES u (id) NOT VALID;
ALTER TABLE t ADD CONSTRAINT t_v_fk FOREIGN KEY (v_id) REFERENCES u (id) NOT VALID;
ALTER TABLE t ADD CONSTRAINT t_w_fk FOREIGN KEY (w_id) REFERENCES u (id) NOT VALID;
ALTER TABLE t ADD CONSTRAINT t_id_fk FOREIGN KEY (id) REFERENCES u (id) NOT VALID;
DROP INDEX CONCURRENTLY t_v_idx;
)",
                      schema);
  REQUIRE(known.diags.items().empty());
  CHECK(known.Lines() == "2:1 MG905\n3:1 MG905\n4:1 MG905\n");
  CHECK(known.Message("MG905") ==
        "foreign key t_v_fk on t (v_id) has no index that starts with its columns: each DELETE on u, or change of its "
        "key, scans t");
  // The same foreign keys with no schema: t's indexes are unknown, so nothing is said.
  CHECK(Lint("ALTER TABLE t ADD CONSTRAINT t_w_fk FOREIGN KEY (w_id) REFERENCES u (id) NOT VALID;\n").Lines() == "");
}

TEST_CASE("lint: MG906 a column order that wastes 8 bytes or more of padding per row", "[lint]") {
  Linted l = Lint(R"(CREATE TABLE readings (active boolean, taken_at timestamptz, ok boolean, value float8);
CREATE TABLE ordered (id bigint, at timestamptz, n int, flag boolean);
CREATE TABLE tail (flag boolean, id bigint);
CREATE TABLE mixed (a boolean, b bigint, note text, c boolean, d bigint);
CREATE TABLE wide (a boolean, b bigint, c boolean, d bigint, e boolean, f bigint, note text);
CREATE TABLE custom (a boolean, b bigint, c boolean, d bigint, m mood);
CREATE TABLE arrays (a boolean, b bigint[], c boolean, d bigint);
)");
  REQUIRE(l.diags.items().empty());
  CHECK(l.Lines() == "1:1 MG906\n5:1 MG906\n");
  CHECK(l.Message("MG906") ==
        "ordering the columns of readings as (taken_at, value, active, ok) saves 8 bytes of alignment padding per row");
  std::vector<std::string> messages;
  for (const lint::Finding& f : l.findings) {
    if (f.rule->id == "MG906") messages.push_back(f.message);
  }
  REQUIRE(messages.size() == 2);
  CHECK(messages[1] ==
        "ordering the columns of wide as (b, d, f, a, c, e, note) saves 20 bytes of alignment padding per row");
}

TEST_CASE("lint: MG706 CREATE, ADD and DROP without IF [NOT] EXISTS, outside a transaction only", "[lint]") {
  Linted l = Lint(R"(CREATE TABLE a (id bigint);
CREATE TABLE IF NOT EXISTS b (id bigint);
CREATE INDEX a_idx ON a (id);
CREATE INDEX IF NOT EXISTS a_idx2 ON a (id);
CREATE INDEX ON a (id);
ALTER TABLE a ADD COLUMN x int, ADD COLUMN IF NOT EXISTS y int;
ALTER TABLE a ADD COLUMN IF NOT EXISTS z int, DROP COLUMN IF EXISTS w;
ALTER TABLE a DROP CONSTRAINT IF EXISTS a_x_check, ADD CONSTRAINT a_x_check CHECK (x > 0);
ALTER TABLE a ADD CONSTRAINT a_y_check CHECK (y > 0);
DROP INDEX CONCURRENTLY IF EXISTS a_c_idx;
CREATE INDEX CONCURRENTLY a_c_idx ON a (x);
CREATE INDEX CONCURRENTLY a_d_idx ON a (y);
DROP TABLE IF EXISTS b;
DROP VIEW v;
ALTER TYPE mood ADD VALUE IF NOT EXISTS 'meh';
ALTER TYPE mood ADD VALUE 'bof' AFTER 'meh';
COMMENT ON TABLE a IS 'x';
BEGIN;
CREATE TABLE c (id bigint);
DROP TABLE c;
COMMIT;
)");
  REQUIRE(l.diags.items().empty());
  std::string mg706;
  for (const lint::Finding& f : l.findings) {
    if (f.rule->id != "MG706") continue;
    mg706 += std::to_string(l.sources.Resolve(f.span.file, f.span.begin).line) + ": " + f.message + "\n";
  }
  const std::string tail = ", outside a transaction: if the file stops part-way and runs again, this statement fails or "
                           "repeats\n";
  CHECK(mg706 == "1: CREATE TABLE a without IF NOT EXISTS" + tail +
                     "3: CREATE INDEX a_idx without IF NOT EXISTS" + tail +
                     "5: CREATE INDEX on a without a name (each run adds another index)" + tail +
                     "6: ADD COLUMN x without IF NOT EXISTS" + tail +
                     "9: ADD CONSTRAINT a_y_check with no DROP CONSTRAINT IF EXISTS before it" + tail +
                     "12: CREATE INDEX CONCURRENTLY a_d_idx with no DROP INDEX CONCURRENTLY IF EXISTS before it" + tail +
                     "14: DROP VIEW v without IF EXISTS" + tail +
                     "16: ADD VALUE 'bof' without IF NOT EXISTS" + tail);
  lint::LintOptions in_tx;
  in_tx.assume_in_transaction = true;
  CHECK(Lint("CREATE TABLE a (id bigint);\nDROP TABLE b;\n", "", in_tx).Lines(false, true) == "2:1 MG401\n");
}

TEST_CASE("lint: MG707 a second ALTER TABLE of an existing table in one transaction", "[lint]") {
  Linted l = Lint(R"(SET lock_timeout = '2s';
BEGIN;
ALTER TABLE t ADD COLUMN a text;
ALTER TABLE t ADD COLUMN b text;
ALTER TABLE public.t ALTER COLUMN a SET DEFAULT 'x';
ALTER TABLE u ADD COLUMN a text;
ALTER TABLE t ADD CONSTRAINT t_a_check CHECK (a <> '') NOT VALID;
ALTER TABLE t VALIDATE CONSTRAINT t_a_check;
CREATE TABLE n (id bigint);
ALTER TABLE n ADD COLUMN a text;
ALTER TABLE n ADD COLUMN b text;
ALTER INDEX t_idx SET (fillfactor = 70);
ALTER INDEX t_idx SET (fillfactor = 80);
COMMIT;
ALTER TABLE t ADD COLUMN c text;
)");
  REQUIRE(l.diags.items().empty());
  std::string mg707;
  for (const lint::Finding& f : l.findings) {
    if (f.rule->id == "MG707") mg707 += std::to_string(l.sources.Resolve(f.span.file, f.span.begin).line) + " ";
  }
  CHECK(mg707 == "4 5 7 ");
  CHECK(l.Message("MG707") ==
        "t was already altered in this transaction (line 3): one ALTER TABLE with all the subcommands scans or "
        "rewrites it once");
  // Outside a transaction each statement's lock is short: nothing to say.
  CHECK(Lint("ALTER TABLE t ADD COLUMN a text;\nALTER TABLE t ADD COLUMN b text;\n").Lines() ==
        "1:1 MG301\n2:1 MG301\n");
}

TEST_CASE("lint: MG809 statements that take only SHARE UPDATE EXCLUSIVE, and only when all of it is cheap", "[lint]") {
  Linted l = Lint(R"(ALTER TABLE t ALTER COLUMN a SET STATISTICS 500;
ALTER TABLE t SET (fillfactor = 70, autovacuum_enabled = false, toast.autovacuum_enabled = false);
ALTER TABLE t SET (user_catalog_table = true);
ALTER TABLE t ALTER COLUMN a SET STATISTICS 500, ADD COLUMN b text;
COMMENT ON COLUMN t.a IS 'the a';
ALTER INDEX t_idx RENAME TO t_a_idx;
ALTER TABLE t CLUSTER ON t_a_idx;
ALTER TABLE t VALIDATE CONSTRAINT t_check;
ANALYZE t;
BEGIN;
ALTER TABLE t ADD CONSTRAINT t_c CHECK (a > 0) NOT VALID;
ALTER TABLE t VALIDATE CONSTRAINT t_c;
COMMIT;
VACUUM t;
)");
  REQUIRE(l.diags.items().empty());
  CHECK(l.Lines(true) ==
        "1:1 MG809\n2:1 MG809\n3:1 MG701\n3:1 MG702\n4:1 MG301\n5:1 MG809\n6:1 MG809\n7:1 MG809\n8:1 MG809\n9:1 MG809\n"
        "12:1 MG203\n12:1 MG703\n");
  std::string messages;
  for (const lint::Finding& f : l.findings) {
    if (f.rule->id == "MG809") messages += f.message + "\n";
  }
  CHECK(messages ==
        "ALTER TABLE takes only a SHARE UPDATE EXCLUSIVE lock on t: reads and writes go on\n"
        "ALTER TABLE takes only a SHARE UPDATE EXCLUSIVE lock on t: reads and writes go on\n"
        "COMMENT ON takes only a SHARE UPDATE EXCLUSIVE lock: reads and writes go on\n"
        "ALTER INDEX ... RENAME takes only a SHARE UPDATE EXCLUSIVE lock on t_idx: reads and writes go on\n"
        "ALTER TABLE takes only a SHARE UPDATE EXCLUSIVE lock on t: reads and writes go on\n"
        "ALTER TABLE takes only a SHARE UPDATE EXCLUSIVE lock on t (it scans the table, without blocking traffic): "
        "reads and writes go on\n"
        "ANALYZE takes only a SHARE UPDATE EXCLUSIVE lock on t (it reads a sample of the table): reads and writes go "
        "on\n");
}

TEST_CASE("lint: dropping an index of a table the file created is no MG103, of an existing table it is", "[lint]") {
  Linted l = Lint("CREATE TABLE fresh (x int);\nCREATE INDEX fresh_x ON fresh (x);\nDROP INDEX fresh_x;\n"
                  "CREATE INDEX CONCURRENTLY old_x ON old (x);\nDROP INDEX old_x;\n");
  CHECK(l.Lines() == "5:1 MG103\n");
}

TEST_CASE("lint: REINDEX of an index, a table or a schema says what it locks", "[lint]") {
  Linted l = Lint("REINDEX INDEX a_idx;\nREINDEX TABLE a;\nBEGIN;\nREINDEX SCHEMA app;\nCOMMIT;\n"
                  "REINDEX (CONCURRENTLY) SCHEMA app;\n");
  CHECK(l.Lines() == "1:1 MG104\n2:1 MG104\n4:1 MG704\n4:1 MG104\n");
  CHECK(l.Message("MG704") == "REINDEX SCHEMA cannot run inside a transaction block");
  std::string messages;
  for (const lint::Finding& f : l.findings) {
    if (f.rule->id == "MG104") messages += f.message + "\n";
  }
  CHECK(messages.find("ACCESS EXCLUSIVE lock on the index a_idx (and a SHARE lock on its table)") != std::string::npos);
  CHECK(messages.find("each index of every table in schema app") != std::string::npos);
}

TEST_CASE("lint: DROP POLICY, TRIGGER and RULE name the table they are on", "[lint]") {
  lint::LintOptions on;
  on.severities["MG711"] = lint::Severity::Warning;
  Linted l = Lint("DROP POLICY p ON t;\nDROP TRIGGER tr ON app.a;\nDROP RULE r ON app.b;\n", "", on);
  CHECK(l.Message("MG711") == "t is not schema-qualified: search_path decides what it names");
  CHECK(l.Message("MG409") == "dropping trigger tr on app.a: what uses it breaks");
  CHECK(l.Lines() == "1:1 MG805\n1:1 MG711\n2:1 MG409\n");
}

TEST_CASE("lint: MG711 is off by default, and on it names the unqualified relations of DDL", "[lint]") {
  const char* migration = R"(CREATE TABLE app.a (id bigint, u_id bigint REFERENCES users (id));
ALTER TABLE app.a ADD CONSTRAINT a_t_fk FOREIGN KEY (u_id) REFERENCES app.teams (id) NOT VALID;
CREATE INDEX a_idx ON a (id);
ALTER TABLE orders ADD CONSTRAINT o_fk FOREIGN KEY (u_id) REFERENCES users (id) NOT VALID;
DROP POLICY p ON app.a;
SELECT * FROM t;
DROP FUNCTION f();
)";
  CHECK(lint::FindRule("MG711")->opt_in);
  CHECK(lint::DefaultSeverity(*lint::FindRule("MG711")) == lint::Severity::Off);
  CHECK(lint::DefaultSeverity(*lint::FindRule("MG901")) == lint::Severity::Info);
  Linted off = Lint(migration);
  for (const lint::Finding& f : off.findings) CHECK(f.rule->id != "MG711");
  lint::LintOptions on;
  on.severities["MG711"] = lint::Severity::Warning;
  Linted l = Lint(migration, "", on);
  REQUIRE(l.diags.items().empty());
  std::string mg711;
  for (const lint::Finding& f : l.findings) {
    if (f.rule->id != "MG711") continue;
    CHECK(f.severity == lint::Severity::Warning);
    mg711 += std::to_string(l.sources.Resolve(f.span.file, f.span.begin).line) + ": " + f.message + "\n";
  }
  CHECK(mg711 ==
        "1: users is not schema-qualified: search_path decides what it names\n"
        "3: a is not schema-qualified: search_path decides what it names\n"
        "4: orders, users are not schema-qualified: search_path decides what they name\n");
}

TEST_CASE("lint: MG907 checks the names a migration gives against [lint.naming], and nothing without it", "[lint]") {
  const char* migration = R"(CREATE TABLE Orders (id bigint, UserId bigint, CONSTRAINT orders_pk PRIMARY KEY (id));
CREATE INDEX orders_user ON orders (userid);
CREATE INDEX ix_orders_id ON orders (id);
CREATE INDEX ON orders (id);
ALTER TABLE orders ADD COLUMN total_cents bigint CONSTRAINT total_positive CHECK (total_cents > 0);
ALTER TABLE orders ADD CONSTRAINT fk_orders_user FOREIGN KEY (userid) REFERENCES users (id);
ALTER TABLE orders RENAME COLUMN userid TO "userId";
ALTER INDEX orders_user RENAME TO ix_orders_user;
ALTER TABLE orders RENAME TO Order_Lines;
)";
  CHECK(Lint(migration).Message("MG907").empty());
  lint::LintOptions options;
  options.naming = {{"table", "^[a-z_]+$"}, {"column", "^[a-z_]+$"}, {"index", "^ix_"}, {"constraint", "^(pk|fk|ck)_"}};
  Linted l = Lint(migration, "", options);
  REQUIRE(l.diags.items().empty());
  std::string mg907;
  for (const lint::Finding& f : l.findings) {
    if (f.rule->id != "MG907") continue;
    CHECK(f.severity == lint::Severity::Info);
    mg907 += std::to_string(l.sources.Resolve(f.span.file, f.span.begin).line) + ": " + f.message + "\n";
  }
  // Unquoted names are folded to lower case by the parser, as PostgreSQL does.
  CHECK(mg907 ==
        "1: constraint name orders_pk does not match the pattern \"^(pk|fk|ck)_\" of [lint.naming]\n"
        "2: index name orders_user does not match the pattern \"^ix_\" of [lint.naming]\n"
        "5: constraint name total_positive does not match the pattern \"^(pk|fk|ck)_\" of [lint.naming]\n"
        "7: column name userId does not match the pattern \"^[a-z_]+$\" of [lint.naming]\n");
}
