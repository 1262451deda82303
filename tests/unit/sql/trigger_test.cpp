#include <catch2/catch.hpp>

#include "sql_test_util.h"

using schemac::sql::testing::Compile;

namespace {

const char* kFunction = R"(
CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS 'begin return new; end';
)";

}  // namespace

TEST_CASE("trigger: every part of CREATE TRIGGER is recorded", "[sql][trigger]") {
  auto c = Compile(std::string(kFunction) + R"(
CREATE TABLE t (id int, x int, y text);
CREATE TRIGGER t_upd BEFORE INSERT OR UPDATE OF y, x ON t FOR EACH ROW
  WHEN (NEW.x IS DISTINCT FROM OLD.x) EXECUTE FUNCTION trg('a', 1, b);
CREATE TRIGGER t_stmt AFTER DELETE OR TRUNCATE ON t FOR EACH STATEMENT EXECUTE PROCEDURE public.trg();
CREATE TRIGGER t_tab AFTER INSERT ON t REFERENCING NEW TABLE AS fresh FOR EACH STATEMENT EXECUTE FUNCTION trg();
CREATE TRIGGER t_con AFTER UPDATE ON t FOR EACH ROW EXECUTE FUNCTION trg();
COMMENT ON TRIGGER t_con ON t IS 'checks';
ALTER TABLE t DISABLE TRIGGER t_stmt, ENABLE REPLICA TRIGGER t_tab;
)");
  REQUIRE(c.AllMessages() == "");
  const auto& t = c.Table("public", "t");
  REQUIRE(t.triggers.size() == 4);
  const auto& u = t.triggers.at("t_upd");
  CHECK(u.timing == 'b');
  CHECK(u.on_insert);
  CHECK(u.on_update);
  CHECK_FALSE(u.on_delete);
  CHECK(u.for_each_row);
  CHECK(u.update_columns == std::vector<std::string>{"y", "x"});
  REQUIRE(u.when);
  CHECK(u.when->text == "new.x IS DISTINCT FROM old.x");
  CHECK(u.function == schemac::ir::QualifiedName{"public", "trg"});
  CHECK(u.function_args == std::vector<std::string>{"a", "1", "b"});
  CHECK(u.deps.keys == std::vector<std::string>{"col:public.t.x", "col:public.t.y", "func:public.trg", "rel:public.t"});
  const auto& s = t.triggers.at("t_stmt");
  CHECK(s.timing == 'a');
  CHECK(s.on_delete);
  CHECK(s.on_truncate);
  CHECK_FALSE(s.for_each_row);
  CHECK(s.enabled == 'D');
  CHECK(t.triggers.at("t_tab").new_table == "fresh");
  CHECK(t.triggers.at("t_tab").enabled == 'R');
  const auto& k = t.triggers.at("t_con");
  CHECK_FALSE(k.constraint);
  CHECK(k.comment == std::optional<std::string>("checks"));
  CHECK(k.enabled == 'O');
}

TEST_CASE("trigger: statements in any order", "[sql][trigger]") {
  auto c = Compile(R"(
ALTER TABLE t DISABLE TRIGGER g;
COMMENT ON TRIGGER g ON t IS 'later';
CREATE TRIGGER g AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION trg();
CREATE TABLE t (id int);
)" + std::string(kFunction));
  REQUIRE(c.AllMessages() == "");
  const auto& g = c.Table("public", "t").triggers.at("g");
  CHECK(g.enabled == 'D');
  CHECK(g.comment == std::optional<std::string>("later"));
}

TEST_CASE("trigger: OR REPLACE, DROP and DROP TABLE", "[sql][trigger]") {
  auto c = Compile(std::string(kFunction) + R"(
CREATE TABLE t (id int);
CREATE TABLE u (id int);
CREATE TRIGGER g AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION trg();
COMMENT ON TRIGGER g ON t IS 'kept';
ALTER TABLE t DISABLE TRIGGER g;
CREATE OR REPLACE TRIGGER g BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION trg();
CREATE TRIGGER h AFTER INSERT ON u FOR EACH ROW EXECUTE FUNCTION trg();
CREATE TRIGGER i AFTER INSERT ON u FOR EACH ROW EXECUTE FUNCTION trg();
DROP TRIGGER h ON u;
DROP TRIGGER IF EXISTS nope ON u;
)");
  REQUIRE(c.AllMessages() == "");
  const auto& g = c.Table("public", "t").triggers.at("g");
  CHECK(g.timing == 'b');
  CHECK(g.on_update);
  CHECK_FALSE(g.on_insert);
  CHECK(g.comment == std::optional<std::string>("kept"));
  CHECK(g.enabled == 'O');
  CHECK(c.Table("public", "u").triggers.size() == 1);
  CHECK(c.Table("public", "u").triggers.count("i") == 1);
}

TEST_CASE("trigger: errors carry their position", "[sql][trigger]") {
  auto c = Compile(R"(CREATE FUNCTION notrg() RETURNS int LANGUAGE sql AS 'select 1';
CREATE TABLE t (id int);
CREATE TRIGGER a AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION missing();
CREATE TRIGGER b AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION notrg();
CREATE TRIGGER c AFTER UPDATE OF nope ON t FOR EACH ROW EXECUTE FUNCTION trg();
CREATE TRIGGER d AFTER TRUNCATE ON t FOR EACH ROW EXECUTE FUNCTION trg();
CREATE TRIGGER e AFTER INSERT ON nowhere FOR EACH ROW EXECUTE FUNCTION trg();
CREATE TRIGGER f AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION trg();
CREATE TRIGGER f AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION trg();
DROP TRIGGER zz ON t;
ALTER TABLE t ENABLE TRIGGER yy;
CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS 'begin return new; end';
)");
  std::string all = c.AllMessages();
  CHECK_THAT(all, Catch::Contains("test.sql:3:1: error: trigger \"a\" on table \"public.t\": function missing() does not exist"));
  CHECK_THAT(all, Catch::Contains("test.sql:4:1: error: trigger \"b\" on table \"public.t\": function public.notrg() must return type trigger"));
  CHECK_THAT(all, Catch::Contains("test.sql:5:1: error: trigger \"c\" on table \"public.t\": column \"nope\" does not exist"));
  CHECK_THAT(all, Catch::Contains("test.sql:6:1: error: trigger \"d\" on table \"public.t\": TRUNCATE FOR EACH ROW triggers are not supported"));
  CHECK_THAT(all, Catch::Contains("test.sql:7:1: error: relation \"nowhere\" does not exist"));
  CHECK_THAT(all, Catch::Contains("test.sql:9:1: error: trigger \"f\" on table \"public.t\": trigger \"f\" for relation \"t\" already exists"));
  CHECK_THAT(all, Catch::Contains("test.sql:10:1: error: trigger \"zz\" for table \"t\" does not exist"));
  CHECK_THAT(all, Catch::Contains("test.sql:11:1: error: table \"public.t\": trigger \"yy\" for table \"t\" does not exist"));
}

TEST_CASE("trigger: constraint triggers", "[sql][trigger]") {
  auto c = Compile(std::string(kFunction) + R"(
CREATE TABLE t (id int);
CREATE SCHEMA o;
CREATE TABLE o.ref (id int);
CREATE CONSTRAINT TRIGGER k AFTER INSERT OR UPDATE ON t FROM o.ref DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION trg('x');
CREATE CONSTRAINT TRIGGER plain AFTER DELETE ON t FOR EACH ROW EXECUTE FUNCTION trg();
CREATE CONSTRAINT TRIGGER late AFTER DELETE ON t INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION trg();
COMMENT ON TRIGGER k ON t IS 'deferred check';
)");
  REQUIRE(c.AllMessages() == "");
  const auto& k = c.Table("public", "t").triggers.at("k");
  CHECK(k.constraint);
  CHECK(k.deferrable);
  CHECK(k.initially_deferred);
  CHECK(k.from_table == std::optional<schemac::ir::QualifiedName>({"o", "ref"}));
  CHECK(k.comment == std::optional<std::string>("deferred check"));
  CHECK(k.deps.keys == std::vector<std::string>{"func:public.trg", "rel:o.ref", "rel:public.t"});
  const auto& p = c.Table("public", "t").triggers.at("plain");
  CHECK(p.constraint);
  CHECK_FALSE(p.deferrable);
  CHECK_FALSE(p.from_table);
  // INITIALLY DEFERRED implies DEFERRABLE (PostgreSQL's grammar).
  CHECK(c.Table("public", "t").triggers.at("late").deferrable);
}

TEST_CASE("trigger: constraint trigger errors", "[sql][trigger]") {
  auto c = Compile(std::string(kFunction) + R"(
CREATE TABLE t (id int);
CREATE VIEW v AS SELECT id FROM t;
CREATE CONSTRAINT TRIGGER a AFTER INSERT ON v FOR EACH ROW EXECUTE FUNCTION trg();
CREATE CONSTRAINT TRIGGER b AFTER INSERT ON t FROM nowhere FOR EACH ROW EXECUTE FUNCTION trg();
CREATE CONSTRAINT TRIGGER d AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION trg();
CREATE OR REPLACE TRIGGER d AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION trg();
)");
  std::string all = c.AllMessages();
  CHECK_THAT(all, Catch::Contains("test.sql:6:1: error: trigger \"a\" on view \"public.v\": views cannot have row-level BEFORE or AFTER triggers"));
  CHECK_THAT(all, Catch::Contains("test.sql:7:1: error: trigger \"b\" on table \"public.t\": relation \"nowhere\" does not exist"));
  CHECK_THAT(all, Catch::Contains("test.sql:9:1: error: trigger \"d\" on table \"public.t\": CREATE OR REPLACE cannot replace a constraint trigger"));
}

TEST_CASE("trigger: INSTEAD OF and statement triggers on a view", "[sql][trigger]") {
  auto c = Compile(R"(
CREATE VIEW v AS SELECT id FROM t;
CREATE TRIGGER g INSTEAD OF INSERT OR UPDATE ON v FOR EACH ROW EXECUTE FUNCTION trg();
CREATE TRIGGER s BEFORE INSERT ON v FOR EACH STATEMENT EXECUTE FUNCTION trg();
COMMENT ON TRIGGER g ON v IS 'writes through';
CREATE TABLE t (id int);
DROP TRIGGER s ON v;
CREATE TRIGGER s2 AFTER DELETE ON v EXECUTE FUNCTION trg();
)" + std::string(kFunction));
  REQUIRE(c.AllMessages() == "");
  const auto& v = c.db.views.at({"public", "v"});
  REQUIRE(v.triggers.size() == 2);
  const auto& g = v.triggers.at("g");
  CHECK(g.timing == 'i');
  CHECK(g.on_insert);
  CHECK(g.on_update);
  CHECK(g.for_each_row);
  CHECK(g.comment == std::optional<std::string>("writes through"));
  CHECK(g.deps.keys == std::vector<std::string>{"func:public.trg", "rel:public.v"});
  CHECK_FALSE(v.triggers.at("s2").for_each_row);
  CHECK_THAT(schemac::ir::DebugPrint(c.db), Catch::Contains("  trigger g instead of insert update row execute public.trg() "
                                                             "enabled=O comment=\"writes through\""));
}

TEST_CASE("trigger: what views cannot have", "[sql][trigger]") {
  auto c = Compile(std::string(kFunction) + R"(
CREATE TABLE t (id int);
CREATE VIEW v AS SELECT id FROM t;
CREATE MATERIALIZED VIEW m AS SELECT id FROM t;
CREATE TRIGGER a AFTER INSERT ON v FOR EACH ROW EXECUTE FUNCTION trg();
CREATE TRIGGER b INSTEAD OF INSERT ON v EXECUTE FUNCTION trg();
CREATE TRIGGER c AFTER TRUNCATE ON v EXECUTE FUNCTION trg();
CREATE TRIGGER d AFTER INSERT ON m EXECUTE FUNCTION trg();
CREATE TRIGGER e INSTEAD OF INSERT ON t FOR EACH ROW EXECUTE FUNCTION trg();
)");
  std::string all = c.AllMessages();
  CHECK_THAT(all, Catch::Contains("test.sql:7:1: error: trigger \"a\" on view \"public.v\": views cannot have row-level BEFORE or AFTER triggers"));
  CHECK_THAT(all, Catch::Contains("test.sql:8:1: error: trigger \"b\" on view \"public.v\": INSTEAD OF triggers must be FOR EACH ROW"));
  CHECK_THAT(all, Catch::Contains("test.sql:9:1: error: trigger \"c\" on view \"public.v\": views cannot have TRUNCATE triggers"));
  CHECK_THAT(all, Catch::Contains("test.sql:10:1: error: trigger \"d\": \"m\" is a materialized view; it cannot have triggers"));
  CHECK_THAT(all, Catch::Contains("test.sql:11:1: error: trigger \"e\" on table \"public.t\": public.t is a table; tables cannot have INSTEAD OF triggers"));
}

TEST_CASE("event trigger: create, alter, comment, owner, drop", "[sql][trigger]") {
  auto c = Compile(R"(
CREATE EVENT TRIGGER audit ON ddl_command_end WHEN TAG IN ('create table', 'ALTER TABLE') EXECUTE FUNCTION ops.log_ddl();
CREATE EVENT TRIGGER gone ON sql_drop EXECUTE PROCEDURE ops.log_ddl();
CREATE EVENT TRIGGER temp ON table_rewrite EXECUTE FUNCTION ops.log_ddl();
ALTER EVENT TRIGGER audit DISABLE;
ALTER EVENT TRIGGER gone ENABLE ALWAYS;
ALTER EVENT TRIGGER gone OWNER TO postgres;
COMMENT ON EVENT TRIGGER audit IS 'who changed what';
DROP EVENT TRIGGER temp;
DROP EVENT TRIGGER IF EXISTS never;
CREATE SCHEMA ops;
CREATE FUNCTION ops.log_ddl() RETURNS event_trigger LANGUAGE plpgsql AS 'begin end';
)");
  REQUIRE(c.AllMessages() == "");
  REQUIRE(c.db.event_triggers.size() == 2);
  const auto& a = c.db.event_triggers.at("audit");
  CHECK(a.event == "ddl_command_end");
  CHECK(a.tags == std::vector<std::string>{"CREATE TABLE", "ALTER TABLE"});
  CHECK(a.function == schemac::ir::QualifiedName{"ops", "log_ddl"});
  CHECK(a.enabled == 'D');
  CHECK(a.comment == std::optional<std::string>("who changed what"));
  CHECK(a.deps.keys == std::vector<std::string>{"func:ops.log_ddl"});
  const auto& g = c.db.event_triggers.at("gone");
  CHECK(g.enabled == 'A');
  CHECK(g.owner == std::optional<std::string>("postgres"));
  CHECK_THAT(schemac::ir::DebugPrint(c.db),
             Catch::Contains("event trigger audit on ddl_command_end tags (CREATE TABLE, ALTER TABLE) execute "
                             "ops.log_ddl enabled=D comment=\"who changed what\" owner=-"));
}

TEST_CASE("event trigger: errors carry their position", "[sql][trigger]") {
  auto c = Compile(R"(CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS 'begin return new; end';
CREATE FUNCTION e() RETURNS event_trigger LANGUAGE plpgsql AS 'begin end';
CREATE EVENT TRIGGER a ON ddl_command_end EXECUTE FUNCTION f();
CREATE EVENT TRIGGER b ON nonsense EXECUTE FUNCTION e();
CREATE EVENT TRIGGER c ON ddl_command_end WHEN colour IN ('red') EXECUTE FUNCTION e();
CREATE EVENT TRIGGER d ON ddl_command_end EXECUTE FUNCTION e();
CREATE EVENT TRIGGER d ON ddl_command_end EXECUTE FUNCTION e();
ALTER EVENT TRIGGER zz DISABLE;
CREATE EVENT TRIGGER x ON sql_drop EXECUTE FUNCTION missing();
)");
  std::string all = c.AllMessages();
  CHECK_THAT(all, Catch::Contains("test.sql:3:1: error: event trigger \"a\": function public.f() must return type event_trigger"));
  CHECK_THAT(all, Catch::Contains("test.sql:4:1: error: event trigger \"b\": unrecognized event name \"nonsense\""));
  CHECK_THAT(all, Catch::Contains("test.sql:5:1: error: event trigger \"c\": unrecognized filter variable \"colour\""));
  CHECK_THAT(all, Catch::Contains("test.sql:7:1: error: event trigger \"d\" already exists"));
  CHECK_THAT(all, Catch::Contains("test.sql:8:1: error: event trigger \"zz\" does not exist"));
  CHECK_THAT(all, Catch::Contains("test.sql:9:1: error: event trigger \"x\": function missing() does not exist"));
}
