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

TEST_CASE("trigger: constraint triggers are not yet supported", "[sql][trigger]") {
  auto c = Compile(std::string(kFunction) + R"(
CREATE TABLE t (id int);
CREATE CONSTRAINT TRIGGER k AFTER INSERT ON t DEFERRABLE FOR EACH ROW EXECUTE FUNCTION trg();
)");
  CHECK_THAT(c.AllMessages(), Catch::Contains("test.sql:5:1: error: not yet supported: trigger \"k\": CREATE CONSTRAINT TRIGGER"));
}

TEST_CASE("trigger: on a view is not yet supported", "[sql][trigger]") {
  auto c = Compile(std::string(kFunction) + R"(
CREATE TABLE t (id int);
CREATE VIEW v AS SELECT id FROM t;
CREATE TRIGGER g INSTEAD OF INSERT ON v FOR EACH ROW EXECUTE FUNCTION trg();
)");
  CHECK_THAT(c.AllMessages(), Catch::Contains("not yet supported: trigger \"g\": trigger on a view"));
}
