#include <catch2/catch.hpp>

#include "sql_test_util.h"

using schemac::sql::testing::Compile;

TEST_CASE("rule: every part of CREATE RULE is recorded", "[sql][rule]") {
  auto c = Compile(R"(
CREATE SCHEMA app;
SET search_path = app;
CREATE TABLE t (id int, x int);
CREATE TABLE log (id int, note text);
CREATE FUNCTION big(v int) RETURNS boolean LANGUAGE sql AS 'select v > 10';
CREATE RULE t_ins AS ON INSERT TO t WHERE big(NEW.x) DO ALSO INSERT INTO log VALUES (NEW.id, 'big');
CREATE RULE t_del AS ON DELETE TO t DO INSTEAD NOTHING;
CREATE RULE t_upd AS ON UPDATE TO t DO (INSERT INTO log (id) VALUES (OLD.id); DELETE FROM log WHERE id = NEW.id);
COMMENT ON RULE t_del ON t IS 'keep rows';
ALTER TABLE t DISABLE RULE t_upd;
)");
  REQUIRE(c.AllMessages() == "");
  const auto& t = c.Table("app", "t");
  REQUIRE(t.rules.size() == 3);
  const auto& i = t.rules.at("t_ins");
  CHECK(i.event == '3');
  CHECK_FALSE(i.instead);
  REQUIRE(i.where);
  CHECK(i.where->text == "app.big(new.x)");
  CHECK(i.actions == std::vector<std::string>{"INSERT INTO app.log VALUES (new.id, 'big')"});
  CHECK(i.deps.keys == std::vector<std::string>{"func:app.big", "rel:app.log", "rel:app.t"});
  const auto& d = t.rules.at("t_del");
  CHECK(d.event == '4');
  CHECK(d.instead);
  CHECK(d.actions.empty());
  CHECK(d.comment == std::optional<std::string>("keep rows"));
  const auto& u = t.rules.at("t_upd");
  CHECK(u.event == '2');
  CHECK(u.enabled == 'D');
  CHECK(u.actions == std::vector<std::string>{"INSERT INTO app.log (id) VALUES (old.id)",
                                              "DELETE FROM app.log WHERE id = new.id"});
  CHECK_THAT(schemac::sql::testing::PrintTable(c.db, "app", "t"),
             Catch::Contains("  rule t_del on delete do instead nothing enabled=O comment=\"keep rows\""));
}

TEST_CASE("rule: on a view, in any order, OR REPLACE and DROP", "[sql][rule]") {
  auto c = Compile(R"(
COMMENT ON RULE v_ins ON v IS 'kept';
CREATE RULE v_ins AS ON INSERT TO v DO INSTEAD INSERT INTO t VALUES (NEW.id);
CREATE OR REPLACE RULE v_ins AS ON INSERT TO v DO INSTEAD INSERT INTO t (id) VALUES (NEW.id + 1);
CREATE RULE v_del AS ON DELETE TO v DO INSTEAD DELETE FROM t WHERE id = OLD.id;
DROP RULE v_del ON v;
DROP RULE IF EXISTS nope ON v;
CREATE VIEW v AS SELECT id FROM t;
CREATE TABLE t (id int);
)");
  REQUIRE(c.AllMessages() == "");
  const auto& v = c.db.views.at({"public", "v"});
  REQUIRE(v.rules.size() == 1);
  const auto& r = v.rules.at("v_ins");
  CHECK(r.instead);
  CHECK(r.actions == std::vector<std::string>{"INSERT INTO public.t (id) VALUES (new.id + 1)"});
  CHECK(r.comment == std::optional<std::string>("kept"));
  CHECK(r.deps.keys == std::vector<std::string>{"rel:public.t", "rel:public.v"});
}

TEST_CASE("rule: errors carry their position", "[sql][rule]") {
  auto c = Compile(R"(CREATE TABLE t (id int);
CREATE RULE a AS ON INSERT TO nowhere DO NOTHING;
CREATE RULE b AS ON INSERT TO t DO ALSO INSERT INTO missing VALUES (1);
CREATE RULE c AS ON SELECT TO t DO INSTEAD SELECT 1;
CREATE RULE d AS ON DELETE TO t DO NOTHING;
CREATE RULE d AS ON DELETE TO t DO NOTHING;
DROP RULE zz ON t;
ALTER TABLE t ENABLE RULE yy;
)");
  std::string all = c.AllMessages();
  CHECK_THAT(all, Catch::Contains("test.sql:2:1: error: relation \"nowhere\" does not exist"));
  CHECK_THAT(all, Catch::Contains("test.sql:3:1: error: rule \"b\" on table \"public.t\": relation \"missing\" does not exist"));
  CHECK_THAT(all, Catch::Contains("test.sql:4:1: error: not yet supported: rule \"c\" on table \"public.t\": ON SELECT rules"));
  CHECK_THAT(all, Catch::Contains("test.sql:6:1: error: rule \"d\" on table \"public.t\": rule \"d\" for relation \"t\" already exists"));
  CHECK_THAT(all, Catch::Contains("test.sql:7:1: error: rule \"zz\" for relation \"t\" does not exist"));
  CHECK_THAT(all, Catch::Contains("test.sql:8:1: error: table \"public.t\": rule \"yy\" for table \"t\" does not exist"));
}
