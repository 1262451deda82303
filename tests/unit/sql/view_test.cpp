// The SQL front end on views and materialized views: canonical query text, options, column
// lists, dependencies, comments, owners, DROP, and what stays unsupported.
#include <catch2/catch.hpp>

#include "compiler/sql/view_query.h"
#include "sql_test_util.h"

using schemac::sql::testing::Compile;
namespace ir = schemac::ir;

TEST_CASE("view: query deparsed, deps resolved through the search path", "[sql][view]") {
  auto c = Compile(R"(
    CREATE SCHEMA app;
    CREATE TABLE app.t (id int, name text);
    SET search_path = app;
    CREATE VIEW v1 AS select   ID, Name from T where id > 1;
    CREATE VIEW public.v2 (a) AS SELECT v1.id FROM v1 JOIN app.t USING (id);
    CREATE VIEW v3 AS WITH w AS (SELECT 1 AS x) SELECT x FROM w;
  )");
  REQUIRE(c.AllMessages() == "");
  const ir::View& v1 = c.db.views.at({"app", "v1"});
  CHECK_FALSE(v1.materialized);
  CHECK(v1.query == "SELECT id, name FROM app.t WHERE id > 1");
  CHECK(v1.deps.keys == std::vector<std::string>{"col:app.t.id", "col:app.t.name", "rel:app.t"});
  const ir::View& v2 = c.db.views.at({"public", "v2"});
  CHECK(v2.column_names == std::vector<std::string>{"a"});
  // USING (id) reads id of both sides; v1's output is not known offline, so v1 stays whole.
  CHECK(v2.deps.keys == std::vector<std::string>{"col:app.t.id", "rel:app.t", "rel:app.v1"});
  CHECK(v2.query == "SELECT v1.id FROM app.v1 JOIN app.t USING (id)");
  // A CTE name is not a relation.
  CHECK(c.db.views.at({"app", "v3"}).deps.keys.empty());
}

TEST_CASE("view: options and check option", "[sql][view]") {
  auto c = Compile(R"(
    CREATE TABLE t (id int);
    CREATE VIEW a WITH (security_barrier, security_invoker = false) AS SELECT id FROM t WITH CASCADED CHECK OPTION;
    CREATE VIEW b WITH (check_option = LOCAL) AS SELECT id FROM t;
    CREATE VIEW c AS SELECT id FROM t WITH CHECK OPTION;
  )");
  REQUIRE(c.AllMessages() == "");
  using P = ir::StorageParam;
  CHECK(c.db.views.at({"public", "a"}).options ==
        std::vector<P>{{"security_barrier", "true"}, {"security_invoker", "false"}, {"check_option", "cascaded"}});
  CHECK(c.db.views.at({"public", "b"}).options == std::vector<P>{{"check_option", "local"}});
  CHECK(c.db.views.at({"public", "c"}).options == std::vector<P>{{"check_option", "cascaded"}});
}

TEST_CASE("view: materialized, comments, owner, replace, drop", "[sql][view]") {
  auto c = Compile(R"(
    CREATE TABLE t (id int);
    CREATE MATERIALIZED VIEW m WITH (fillfactor = 70) AS SELECT id FROM t WITH NO DATA;
    COMMENT ON MATERIALIZED VIEW m IS 'mat';
    CREATE VIEW v AS SELECT id FROM t;
    COMMENT ON VIEW v IS 'plain';
    COMMENT ON COLUMN v.id IS 'the id';
    ALTER VIEW v OWNER TO alice;
    ALTER MATERIALIZED VIEW m OWNER TO bob;
    CREATE OR REPLACE VIEW v AS SELECT id, 1 AS one FROM t;
    CREATE VIEW gone AS SELECT 1;
    DROP VIEW gone;
    DROP VIEW IF EXISTS never;
  )");
  REQUIRE(c.AllMessages() == "");
  const ir::View& m = c.db.views.at({"public", "m"});
  CHECK(m.materialized);
  CHECK_FALSE(m.with_data);
  CHECK(m.options == std::vector<ir::StorageParam>{{"fillfactor", "70"}});
  CHECK(m.comment == "mat");
  CHECK(m.owner == "bob");
  const ir::View& v = c.db.views.at({"public", "v"});
  CHECK(v.query == "SELECT id, 1 AS one FROM public.t");
  CHECK(v.comment == "plain");
  CHECK(v.owner == "alice");
  CHECK(v.column_comments.at("id") == "the id");
  CHECK(c.db.views.count({"public", "gone"}) == 0);
}

TEST_CASE("view: errors", "[sql][view]") {
  auto c = Compile(R"(CREATE TABLE t (id int);
CREATE VIEW t AS SELECT 1;
CREATE VIEW v AS SELECT 1;
CREATE VIEW v AS SELECT 2;
CREATE VIEW w WITH (fillfactor = 10) AS SELECT 1;
CREATE MATERIALIZED VIEW m AS SELECT 1;
CREATE INDEX ON v (x);
DROP MATERIALIZED VIEW v;
CREATE TEMP VIEW tv AS SELECT 1;)");
  CHECK(c.AllMessages() ==
        "test.sql:2:1: error: view \"public.t\" conflicts with table of the same name (relations share one namespace "
        "per schema) [compile.conflict]\n"
        "test.sql:1:1: note: previous definition is here\n"
        "test.sql:4:1: error: view \"public.v\" is defined more than once [compile.duplicate]\n"
        "test.sql:3:1: note: previous definition is here\n"
        "test.sql:5:1: error: view \"public.w\": unrecognized parameter \"fillfactor\" [compile.invalid]\n"
        "test.sql:7:1: error: cannot create an index on view \"public.v\" [compile.invalid]\n"
        "test.sql:8:1: error: materialized view \"v\" does not exist [compile.undefined]\n"
        "test.sql:9:1: error: not yet supported: temporary view [compile.unsupported]\n");
}

TEST_CASE("view: normalizing catalog text", "[sql][view]") {
  std::string error;
  CHECK(schemac::sql::NormalizeViewQuery(" SELECT t.id\n   FROM public.t\n  WHERE (t.id > 1);", &error) ==
        "SELECT t.id FROM public.t WHERE t.id > 1");
  CHECK(error.empty());
  schemac::sql::NormalizeViewQuery("SELECT FROM WHERE", &error);
  CHECK_FALSE(error.empty());
}

TEST_CASE("view: indexes of a materialized view", "[sql][view]") {
  auto c = Compile(R"(
    CREATE TABLE t (id int, total numeric);
    CREATE MATERIALIZED VIEW m AS SELECT id, sum(total) AS total FROM t GROUP BY id;
    CREATE UNIQUE INDEX ON m (id);
    CREATE INDEX m_total ON m (total DESC) WHERE total > 0;
    COMMENT ON INDEX m_total IS 'big ones';
    CREATE INDEX gone ON m (id);
    DROP INDEX gone;
  )");
  REQUIRE(c.AllMessages() == "");
  const ir::View& m = c.db.views.at({"public", "m"});
  REQUIRE(m.indexes.size() == 2);
  CHECK(m.indexes.at("m_id_idx").unique);
  const ir::Index& ix = m.indexes.at("m_total");
  CHECK(ix.elements.at(0).descending);
  CHECK(ix.predicate->text == "total > 0");
  CHECK(ix.comment == "big ones");
}

TEST_CASE("views: a table named like an earlier view conflicts with it", "[sql][view]") {
  auto c = Compile(R"(CREATE VIEW v AS SELECT 1 AS one;
CREATE TABLE v (a int);)");
  CHECK(c.AllMessages().find("test.sql:2:1: error: table \"public.v\" conflicts with view of the same name") !=
        std::string::npos);
}

TEST_CASE("view: the columns a view reads are its dependencies, or the whole relation", "[sql][view]") {
  auto c = Compile(R"(
    CREATE TABLE t (id int, name text, amount int);
    CREATE TABLE u (id int, note text);
    CREATE VIEW q AS SELECT x.id FROM public.t x WHERE x.amount > 0;
    CREATE VIEW q2 AS SELECT public.t.name FROM public.t;
    CREATE VIEW j AS SELECT note FROM t JOIN u ON t.id = u.id;
    CREATE VIEW star AS SELECT * FROM t;
    CREATE VIEW qstar AS SELECT u.*, t.id FROM t, u;
    CREATE VIEW whole AS SELECT row_to_json(t) FROM t;
    CREATE VIEW nat AS SELECT id FROM t NATURAL JOIN u;
    CREATE VIEW counted AS SELECT count(*) FROM t;
    CREATE VIEW sub AS SELECT s.n FROM (SELECT name AS n FROM t) s;
  )");
  REQUIRE(c.AllMessages() == "");
  auto deps = [&](const char* v) { return c.db.views.at({"public", v}).deps.keys; };
  using K = std::vector<std::string>;
  // An alias, and the schema-qualified relation name, name the same columns.
  CHECK(deps("q") == K{"col:public.t.amount", "col:public.t.id", "rel:public.t"});
  CHECK(deps("q2") == K{"col:public.t.name", "rel:public.t"});
  // An unqualified column belongs to the relation that has it (both, if both have it).
  CHECK(deps("j") == K{"col:public.t.id", "col:public.u.id", "col:public.u.note", "rel:public.t", "rel:public.u"});
  // `*`, `u.*`, a whole-row reference and NATURAL JOIN read the whole relation.
  CHECK(deps("star") == K{"rel:public.t"});
  CHECK(deps("qstar") == K{"col:public.t.id", "rel:public.t", "rel:public.u"});
  CHECK(deps("whole") == K{"rel:public.t"});
  CHECK(deps("nat") == K{"rel:public.t", "rel:public.u"});
  CHECK(deps("counted") == K{"rel:public.t"});
  // A subquery's alias is not a relation: its own references name the columns.
  CHECK(deps("sub") == K{"col:public.t.name", "rel:public.t"});
}

TEST_CASE("view: casts name their types, OR REPLACE keeps triggers and rules", "[sql][view]") {
  auto c = Compile(R"(
    CREATE VIEW early AS SELECT 'a'::mood AS m, '{[1,2)}'::span_multirange AS s;
    CREATE TYPE mood AS ENUM ('a');
    CREATE TYPE span AS RANGE (subtype = int4, multirange_type_name = span_multirange);
    CREATE VIEW v AS SELECT 1 AS one;
    CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS 'begin return new; end';
    CREATE TRIGGER v_ins INSTEAD OF INSERT ON v FOR EACH ROW EXECUTE FUNCTION f();
    CREATE RULE v_del AS ON DELETE TO v DO INSTEAD NOTHING;
    CREATE OR REPLACE VIEW v AS SELECT 1 AS one, 2 AS two;
  )");
  REQUIRE(c.AllMessages() == "");
  const ir::View& early = c.db.views.at({"public", "early"});
  // The view waited for the types it casts to, and names them qualified.
  CHECK(early.deps.keys == std::vector<std::string>{"type:public.mood", "type:public.span_multirange"});
  CHECK(early.query.find("'a'::public.mood") != std::string::npos);
  const ir::View& v = c.db.views.at({"public", "v"});
  CHECK(v.query == "SELECT 1 AS one, 2 AS two");
  CHECK(v.triggers.count("v_ins") == 1);
  CHECK(v.rules.count("v_del") == 1);
}
