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

// The triggers and rules of every table and view, and the event triggers (owners aside: the
// catalog always knows one), one line each.
std::string Triggers(const ir::Database& db) {
  ir::Database only;
  only.schemas.clear();
  for (const auto& [name, t] : db.tables) {
    ir::Table copy;
    copy.name = name;
    copy.triggers = t.triggers;
    copy.rules = t.rules;
    only.tables[name] = copy;
  }
  for (const auto& [name, v] : db.views) {
    ir::View copy;
    copy.name = name;
    copy.triggers = v.triggers;
    copy.rules = v.rules;
    only.views[name] = copy;
  }
  for (const auto& [name, e] : db.event_triggers) {
    ir::EventTrigger copy = e;
    copy.owner.reset();
    only.event_triggers[name] = copy;
  }
  return ir::DebugPrint(only);
}

// `expect`: a line fragment the state must contain (so that an empty state cannot pass).
void ExpectBothFrontEndsAgree(const std::string& sql, const std::string& expect = "  trigger ") {
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
  INFO(Triggers(from_sql));
  CHECK(Triggers(from_sql).find(expect) != std::string::npos);
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

TEST_CASE("constraint triggers: catalog and SQL front ends agree", "[catalog][trigger]") {
  ExpectBothFrontEndsAgree(R"sql(
CREATE SCHEMA app;
CREATE FUNCTION app.trg() RETURNS trigger LANGUAGE plpgsql AS $$begin return null; end$$;
CREATE TABLE app.ref (id int);
CREATE TABLE app.t (id int, x int);
CREATE CONSTRAINT TRIGGER k AFTER INSERT OR UPDATE ON app.t FROM app.ref DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION app.trg('x');
CREATE CONSTRAINT TRIGGER k2 AFTER DELETE ON app.t DEFERRABLE FOR EACH ROW
  WHEN (OLD.x > 0) EXECUTE FUNCTION app.trg();
CREATE CONSTRAINT TRIGGER k3 AFTER UPDATE OF x ON app.t FOR EACH ROW EXECUTE FUNCTION app.trg();
COMMENT ON TRIGGER k ON app.t IS 'deferred';
ALTER TABLE app.t DISABLE TRIGGER k3;
)sql",
                           "  trigger k after insert update row execute app.trg(x) constraint from app.ref deferrable "
                           "initially deferred enabled=O comment=\"deferred\"");
}

TEST_CASE("view triggers: catalog and SQL front ends agree", "[catalog][trigger]") {
  ExpectBothFrontEndsAgree(R"sql(
CREATE SCHEMA app;
CREATE FUNCTION app.trg() RETURNS trigger LANGUAGE plpgsql AS $$begin return new; end$$;
CREATE TABLE app.t (id int, x int);
CREATE VIEW app.v AS SELECT id, x FROM app.t;
CREATE TRIGGER v_ins INSTEAD OF INSERT OR UPDATE OR DELETE ON app.v FOR EACH ROW EXECUTE FUNCTION app.trg('a');
CREATE TRIGGER v_stmt BEFORE UPDATE ON app.v FOR EACH STATEMENT EXECUTE FUNCTION app.trg();
COMMENT ON TRIGGER v_ins ON app.v IS 'write through';
)sql",
                           "  trigger v_ins instead of insert update delete row execute app.trg(a) enabled=O "
                           "comment=\"write through\"");
}

TEST_CASE("rules: catalog and SQL front ends agree", "[catalog][rule]") {
  ExpectBothFrontEndsAgree(R"sql(
CREATE SCHEMA app;
CREATE FUNCTION app.big(v int) RETURNS boolean LANGUAGE sql AS 'select v > 10';
CREATE TABLE app.t (id int, x int);
CREATE TABLE app.log (id int, note text);
CREATE VIEW app.v AS SELECT id, x FROM app.t;
CREATE RULE t_ins AS ON INSERT TO app.t WHERE app.big(NEW.x)
  DO ALSO INSERT INTO app.log (id, note) VALUES (NEW.id, 'big'::text);
CREATE RULE t_del AS ON DELETE TO app.t DO INSTEAD NOTHING;
CREATE RULE t_upd AS ON UPDATE TO app.t
  DO (INSERT INTO app.log (id) VALUES (OLD.id); DELETE FROM app.log WHERE log.id = NEW.id);
CREATE RULE v_ins AS ON INSERT TO app.v DO INSTEAD INSERT INTO app.t (id, x) VALUES (NEW.id, NEW.x);
COMMENT ON RULE t_del ON app.t IS 'keep rows';
ALTER TABLE app.t DISABLE RULE t_upd;
ALTER TABLE app.t ENABLE ALWAYS RULE t_ins;
)sql",
                           "  rule t_del on delete do instead nothing enabled=O comment=\"keep rows\"");
}

TEST_CASE("event triggers: catalog and SQL front ends agree", "[catalog][trigger]") {
  ExpectBothFrontEndsAgree(R"sql(
CREATE SCHEMA ops;
CREATE FUNCTION ops.log_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$begin end$$;
CREATE EVENT TRIGGER audit ON ddl_command_end WHEN TAG IN ('create table', 'ALTER TABLE')
  EXECUTE FUNCTION ops.log_ddl();
CREATE EVENT TRIGGER gone ON sql_drop EXECUTE FUNCTION ops.log_ddl();
ALTER EVENT TRIGGER gone DISABLE;
COMMENT ON EVENT TRIGGER audit IS 'who changed what';
)sql",
                           "event trigger audit on ddl_command_end tags (CREATE TABLE, ALTER TABLE) execute "
                           "ops.log_ddl enabled=O comment=\"who changed what\"");
}
