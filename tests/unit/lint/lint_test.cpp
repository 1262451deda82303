// The risk rules over migration text, with no database: which rule fires at which line and
// column, and which must not (the safe alternative, a table created earlier in the file, a
// schema that proves the statement cheap).
#include "lint/lint.h"

#include <catch2/catch.hpp>

#include "compiler/sql/compile.h"
#include "compiler/sql/migration.h"

using namespace schemac;

namespace {

struct Linted {
  ir::SourceManager sources;
  ir::Diagnostics diags;
  std::vector<lint::Finding> findings;

  /// "line:col MGnnn" per finding, one a line, in order.
  std::string Lines(bool with_hygiene = false) const {
    std::string out;
    for (const lint::Finding& f : findings) {
      if (!with_hygiene && (f.rule->id == "MG701" || f.rule->id == "MG702")) continue;
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
  CHECK(l.Lines() == "1:1 MG201\n3:1 MG202\n5:1 MG204\n7:1 MG205\n");
}

TEST_CASE("lint: VALIDATE in the transaction that added the constraint scans under its lock", "[lint]") {
  Linted l = Lint(R"(BEGIN;
ALTER TABLE t ADD CONSTRAINT c CHECK (x > 0) NOT VALID;
ALTER TABLE t VALIDATE CONSTRAINT c;
COMMIT;
ALTER TABLE t VALIDATE CONSTRAINT c;
)");
  CHECK(l.Lines() == "3:1 MG203\n3:1 MG703\n");
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

TEST_CASE("lint: SET NOT NULL is free after a validated CHECK (col IS NOT NULL)", "[lint]") {
  Linted l = Lint(R"(ALTER TABLE t ALTER COLUMN a SET NOT NULL;
ALTER TABLE t ADD CONSTRAINT b_nn CHECK (b IS NOT NULL) NOT VALID;
ALTER TABLE t ALTER COLUMN b SET NOT NULL;
ALTER TABLE t VALIDATE CONSTRAINT b_nn;
ALTER TABLE t ALTER COLUMN b SET NOT NULL;
ALTER TABLE t ALTER COLUMN c SET NOT NULL;
)",
                  "CREATE TABLE t (a int, b int, c int, CONSTRAINT c_nn CHECK (c IS NOT NULL));");
  CHECK(l.Lines() == "1:1 MG305\n3:1 MG305\n");
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
  CHECK(l.findings[2].severity == lint::Severity::Warning);  // MG402 (after MG701/MG702)
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
