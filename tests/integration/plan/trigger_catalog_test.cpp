// Triggers read back from PostgreSQL equal what the SQL front end builds from the same
// statements (ir::DebugPrint of the tables' triggers), WHEN conditions included once the
// catalog expressions are normalized.
#include <string>

#include <catch2/catch.hpp>

#include "compiler/canon/server_canonicalize.h"
#include "compiler/catalog/introspect.h"
#include "compiler/ir/schema.h"
#include "compiler/sql/compile.h"
#include "tests/support/pg_fixture.h"

using namespace schemac;

namespace {

std::string Messages(const ir::Diagnostics& diags, const ir::SourceManager* sources) {
  std::string out;
  for (const ir::Diagnostic& d : diags.items()) out += ir::FormatDiagnostic(d, sources) + "\n";
  return out;
}

// The triggers of every table, one line each.
std::string Triggers(const ir::Database& db) {
  ir::Database only;
  only.schemas.clear();
  for (const auto& [name, t] : db.tables) {
    ir::Table copy;
    copy.name = name;
    copy.triggers = t.triggers;
    only.tables[name] = copy;
  }
  return ir::DebugPrint(only);
}

void ExpectBothFrontEndsAgree(const std::string& sql) {
  testing::ScratchDatabase scratch("trgcat");
  testing::RunSql(scratch.Conninfo(), sql);
  ir::Diagnostics cat_diags;
  ir::Database from_catalog = catalog::Introspect(scratch.Conninfo(), {}, cat_diags);
  canon::NormalizeCatalogExpressions(from_catalog, cat_diags);
  INFO(Messages(cat_diags, nullptr));
  REQUIRE_FALSE(cat_diags.HasErrors());
  ir::SourceManager sources;
  ir::Diagnostics sql_diags;
  ir::Database from_sql = sql::CompileText("t.sql", sql, {}, sources, sql_diags);
  INFO(Messages(sql_diags, &sources));
  REQUIRE_FALSE(sql_diags.HasErrors());
  CHECK(Triggers(from_catalog) == Triggers(from_sql));
  CHECK(Triggers(from_sql).find("trigger ") != std::string::npos);
}

}  // namespace

TEST_CASE("triggers: catalog and SQL front ends agree", "[catalog][trigger]") {
  ExpectBothFrontEndsAgree(R"sql(
CREATE SCHEMA app;
CREATE FUNCTION app.trg() RETURNS trigger LANGUAGE plpgsql AS $$begin return new; end$$;
CREATE FUNCTION app.big(v int) RETURNS boolean LANGUAGE sql AS 'select v > 10';
CREATE TABLE app.t (id int, x int, "Y" text);
CREATE TRIGGER t_upd BEFORE UPDATE OF "Y", x ON app.t FOR EACH ROW
  WHEN (NEW.x IS DISTINCT FROM OLD.x) EXECUTE FUNCTION app.trg('a', 1, 'it''s', E'\\x');
CREATE TRIGGER t_big AFTER INSERT ON app.t FOR EACH ROW
  WHEN (app.big(NEW.x) AND NEW."Y" IS NOT NULL) EXECUTE FUNCTION app.trg();
CREATE TRIGGER "Odd Name" AFTER DELETE OR TRUNCATE ON app.t FOR EACH STATEMENT EXECUTE PROCEDURE app.trg();
CREATE TRIGGER t_tab AFTER UPDATE ON app.t REFERENCING OLD TABLE AS gone NEW TABLE AS fresh
  FOR EACH STATEMENT EXECUTE FUNCTION app.trg();
COMMENT ON TRIGGER t_tab ON app.t IS 'checks';
ALTER TABLE app.t DISABLE TRIGGER "Odd Name", ENABLE REPLICA TRIGGER t_tab, ENABLE ALWAYS TRIGGER t_big;
)sql");
}
