// The rule table against PostgreSQL 15: for one statement of each rule that names a table lock,
// the lock the classifier claims is the strongest PostgreSQL actually holds on the table (read
// from pg_locks inside the statement's transaction, rolled back), a claimed rewrite gives the
// table a new relfilenode (and no claimed rewrite keeps it), and the classifier fires the rule
// on that statement.
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <pqxx/pqxx>

#include "compiler/sql/compile.h"
#include "compiler/sql/migration.h"
#include "lint/lint.h"
#include "tests/integration/plan/plan_test_util.h"

using namespace schemac;

namespace {

const char* const kSchema = R"sql(
CREATE DOMAIN dom AS int;
CREATE TABLE u (id int PRIMARY KEY);
CREATE TABLE t (id int, a int, v varchar(10), n int NOT NULL DEFAULT 0, d dom, x int);
CREATE INDEX t_a_idx ON t (a);
CREATE UNIQUE INDEX t_v_uidx ON t (v);
CREATE TABLE w (u_id int CONSTRAINT w_u_fk REFERENCES u (id));
CREATE TABLE p (k int) PARTITION BY RANGE (k);
CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (10);
CREATE TABLE p2 (k int);
CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x;
CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
)sql";

struct Case {
  const char* rule;
  const char* statement;
  const char* table;  // whose lock and relfilenode are checked
};

const Case kCases[] = {
    {"MG101", "CREATE INDEX t_x_idx ON t (x)", "t"},
    {"MG102", "CREATE INDEX p_k_idx ON p (k)", "p1"},
    {"MG103", "DROP INDEX t_a_idx", "t"},
    {"MG104", "REINDEX TABLE t", "t"},
    {"MG201", "ALTER TABLE t ADD CONSTRAINT t_x_check CHECK (x > 0)", "t"},
    {"MG202", "ALTER TABLE t ADD CONSTRAINT t_id_fk FOREIGN KEY (id) REFERENCES u (id)", "t"},
    {"MG204", "ALTER TABLE t ADD CONSTRAINT t_x_key UNIQUE (x)", "t"},
    {"MG205", "ALTER TABLE t ADD PRIMARY KEY (n)", "t"},
    {"MG206", "ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_v_uidx", "t"},
    {"MG208", "ALTER TABLE w DROP CONSTRAINT w_u_fk", "u"},
    {"MG209", "ALTER DOMAIN dom ADD CONSTRAINT dom_check CHECK (VALUE > 0)", "t"},
    {"MG301", "ALTER TABLE t ADD COLUMN b text", "t"},
    {"MG302", "ALTER TABLE t ADD COLUMN b float8 DEFAULT random()", "t"},
    {"MG303", "ALTER TABLE t ADD COLUMN b bigserial", "t"},
    {"MG305", "ALTER TABLE t ALTER COLUMN x SET NOT NULL", "t"},
    {"MG306", "ALTER TABLE t ALTER COLUMN x TYPE bigint", "t"},
    {"MG307", "ALTER TABLE t ALTER COLUMN v TYPE varchar(20)", "t"},
    {"MG308", "ALTER TABLE t ALTER COLUMN x SET DEFAULT 1", "t"},
    {"MG309", "ALTER TABLE t ALTER COLUMN n DROP NOT NULL", "t"},
    {"MG401", "DROP TABLE t", "t"},
    {"MG402", "ALTER TABLE t DROP COLUMN x", "t"},
    {"MG405", "TRUNCATE t", "t"},
    {"MG406", "ALTER TABLE t RENAME COLUMN x TO y", "t"},
    {"MG407", "ALTER TABLE t RENAME TO t2", "t"},
    {"MG501", "ALTER TABLE p ATTACH PARTITION p2 FOR VALUES FROM (10) TO (20)", "p2"},
    {"MG502", "ALTER TABLE p DETACH PARTITION p1", "p"},
    {"MG801", "CLUSTER t USING t_a_idx", "t"},
    {"MG802", "ALTER TABLE t SET UNLOGGED", "t"},
    {"MG803", "REFRESH MATERIALIZED VIEW mv", "mv"},
    {"MG804", "CREATE TRIGGER t_trg BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION trg()", "t"},
    {"MG805", "ALTER TABLE t ENABLE ROW LEVEL SECURITY", "t"},
    {"MG807", "ALTER TABLE t REPLICA IDENTITY FULL", "t"},
    {"MG809", "ALTER TABLE t ALTER COLUMN x SET STATISTICS 500", "t"},
};

// pg_locks.mode as lint::LockName spells it: "AccessExclusiveLock" -> "ACCESS EXCLUSIVE".
std::string Spelled(std::string mode) {
  if (mode.size() > 4 && mode.compare(mode.size() - 4, 4, "Lock") == 0) mode.resize(mode.size() - 4);
  std::string out;
  for (std::size_t i = 0; i < mode.size(); ++i) {
    char c = mode[i];
    if (std::isupper(static_cast<unsigned char>(c)) && i > 0) out += ' ';
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

int Rank(const std::string& spelled) {
  for (int m = static_cast<int>(lint::LockMode::AccessShare); m <= static_cast<int>(lint::LockMode::AccessExclusive);
       ++m) {
    if (lint::LockName(static_cast<lint::LockMode>(m)) == spelled) return m;
  }
  return 0;
}

}  // namespace

TEST_CASE("lint: each rule's lock and rewrite are what PostgreSQL 15 does", "[lint][pg]") {
  testing::ScratchDatabase db("lint_locks");
  testing::RunSql(db.Conninfo(), kSchema);
  ir::SourceManager sources;
  ir::Diagnostics diags;
  ir::Database context = sql::CompileText("schema.sql", kSchema, sql::CompileOptions{}, sources, diags);
  REQUIRE_FALSE(diags.HasErrors());
  pqxx::connection conn(db.Conninfo());
  for (const Case& c : kCases) {
    INFO(c.rule << ": " << c.statement);
    const lint::RuleInfo* rule = lint::FindRule(c.rule);
    REQUIRE(rule != nullptr);
    // What PostgreSQL does.
    std::string strongest;
    bool rewritten = false;
    {
      pqxx::work tx(conn);
      pqxx::row before =
          tx.exec1(fmt::format("SELECT '{0}'::regclass::oid, pg_relation_filenode('{0}')", c.table));
      tx.exec0(c.statement);
      pqxx::result locks = tx.exec_params(
          "SELECT mode FROM pg_locks WHERE locktype = 'relation' AND relation = $1 AND pid = pg_backend_pid() "
          "AND granted",
          before[0].as<long>());
      for (const auto& row : locks) {
        std::string mode = Spelled(row[0].c_str());
        if (Rank(mode) > Rank(strongest)) strongest = mode;
      }
      pqxx::result after = tx.exec_params("SELECT pg_relation_filenode($1::oid)", before[0].as<long>());
      rewritten = !after[0][0].is_null() && !before[1].is_null() && after[0][0].as<long>() != before[1].as<long>();
      tx.abort();
    }
    CHECK(strongest == std::string(lint::LockName(rule->lock)));
    CHECK(rewritten == rule->rewrite);
    // What the classifier says of the statement, knowing the schema.
    int32_t file = sources.Add(std::string(c.rule) + ".sql", std::string("SET lock_timeout = '2s';\n") + c.statement + ";\n");
    sql::MigrationFile migration = sql::ReadMigration(file, sources, diags);
    std::vector<lint::Finding> findings = lint::LintFile(migration, sources, &context, {}, diags);
    std::string fired;
    for (const lint::Finding& f : findings) fired += std::string(f.rule->id) + " ";
    INFO("fired: " << fired);
    CHECK(fired.find(c.rule) != std::string::npos);
  }
}
