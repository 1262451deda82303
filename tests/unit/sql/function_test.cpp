#include <catch2/catch.hpp>

#include "compiler/sql/function_body.h"
#include "sql_test_util.h"

using schemac::ir::ArgMode;
using schemac::ir::TypeRef;
using schemac::sql::testing::Compile;

namespace {

std::string PrintFunctions(const schemac::ir::Database& db) {
  schemac::ir::Database one;
  one.schemas.clear();
  one.functions = db.functions;
  return schemac::ir::DebugPrint(one);
}

}  // namespace

TEST_CASE("function: defaults of pg_proc are filled in", "[sql][function]") {
  auto c = Compile(R"(
    CREATE FUNCTION add(a integer, b integer DEFAULT 1) RETURNS integer
      LANGUAGE sql AS $$ SELECT a + b $$;)");
  REQUIRE(c.AllMessages() == "");
  const auto& f = c.db.functions.at({"public", "add(int4, int4)"});
  CHECK(f.name.name == "add");
  CHECK(f.return_type == TypeRef{"pg_catalog", "int4", "", false});
  CHECK(f.language == "sql");
  CHECK(f.body == " SELECT a + b ");
  CHECK(f.volatility == 'v');
  CHECK(f.parallel == 'u');
  CHECK(f.cost == 100);
  CHECK(f.rows == 0);
  CHECK_FALSE(f.strict);
  CHECK_FALSE(f.args[0].default_expr);
  REQUIRE(f.args[1].default_expr);
  CHECK(f.args[1].default_expr->text == "1");
}

TEST_CASE("function: attributes, SET, SETOF, modes and modifiers dropped", "[sql][function]") {
  auto c = Compile(R"(
    CREATE SCHEMA app;
    CREATE OR REPLACE FUNCTION app.f(IN x varchar(10), INOUT y text DEFAULT 'q', OUT z numeric(5,2),
                                     VARIADIC rest int[] DEFAULT NULL)
      RETURNS SETOF record LANGUAGE plpgsql STABLE STRICT SECURITY DEFINER LEAKPROOF PARALLEL SAFE
      COST 5 ROWS 20 SET search_path = app, public SET work_mem = '64MB'
      AS 'begin return; end';
    COMMENT ON FUNCTION app.f(varchar, text, int[]) IS 'doc';
    ALTER FUNCTION app.f(character varying, text, integer[]) OWNER TO bob;)");
  REQUIRE(c.AllMessages() == "");
  REQUIRE(c.db.functions.count({"app", "f(varchar, text, int4[])"}));
  const auto& f = c.db.functions.at({"app", "f(varchar, text, int4[])"});
  CHECK(f.args.size() == 4);
  CHECK(f.args[0].mode == ArgMode::In);
  CHECK(f.args[0].type == TypeRef{"pg_catalog", "varchar", "", false});
  CHECK(f.args[1].mode == ArgMode::InOut);
  CHECK(f.args[1].default_expr->text == "'q'::text");
  CHECK(f.args[2].mode == ArgMode::Out);
  CHECK(f.args[2].type == TypeRef{"pg_catalog", "numeric", "", false});
  CHECK(f.args[3].mode == ArgMode::Variadic);
  CHECK(f.args[3].default_expr->text == "NULL::int[]");
  CHECK(f.returns_set);
  CHECK(f.return_type == TypeRef{"pg_catalog", "record", "", false});
  CHECK(f.volatility == 's');
  CHECK(f.strict);
  CHECK(f.security_definer);
  CHECK(f.leakproof);
  CHECK(f.parallel == 's');
  CHECK(f.cost == 5);
  CHECK(f.rows == 20);
  REQUIRE(f.config.size() == 2);
  CHECK(f.config[0].name == "search_path");
  CHECK(f.config[0].value == "app, public");
  CHECK(f.config[1].value == "64MB");
  CHECK(f.comment == "doc");
  CHECK(f.owner == "bob");
}

TEST_CASE("function: RETURNS TABLE, procedures, overloads, enum arguments defined later", "[sql][function]") {
  auto c = Compile(R"(
    CREATE FUNCTION g(mood) RETURNS TABLE (a int, b text) LANGUAGE sql AS 'select 1, ''x''';
    CREATE FUNCTION g(int) RETURNS TABLE (a int) LANGUAGE sql AS 'select 1';
    CREATE PROCEDURE p(a int, INOUT b text) LANGUAGE plpgsql AS $body$begin b := $$x$$; end$body$;
    CREATE TYPE mood AS ENUM ('x');
    DROP FUNCTION g(integer);
    CREATE FUNCTION g(int) RETURNS void LANGUAGE sql AS '';)");
  REQUIRE(c.AllMessages() == "");
  const auto& g = c.db.functions.at({"public", "g(public.mood)"});
  CHECK(g.returns_set);
  CHECK(g.rows == 1000);
  CHECK(g.return_type == TypeRef{"pg_catalog", "record", "", false});
  CHECK(g.args[1].mode == ArgMode::Table);
  CHECK(g.deps.keys == std::vector<std::string>{"type:public.mood"});
  const auto& g2 = c.db.functions.at({"public", "g(int4)"});
  CHECK(g2.return_type == TypeRef{"pg_catalog", "void", "", false});
  CHECK_FALSE(g2.returns_set);
  const auto& p = c.db.functions.at({"public", "p(int4, text)"});
  CHECK(p.kind == schemac::ir::FunctionKind::Procedure);
  CHECK_FALSE(p.return_type);
  CHECK(p.body == "begin b := $$x$$; end");
}

TEST_CASE("function: errors carry positions", "[sql][function]") {
  auto c = Compile(R"(CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'select 1';
CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'select 2';
CREATE FUNCTION h() RETURNS int LANGUAGE plpgsql RETURN 1;
CREATE FUNCTION k(a int DEFAULT 1, b int) RETURNS int LANGUAGE sql AS 'select 1';
CREATE FUNCTION m(nosuch) RETURNS int LANGUAGE sql AS 'select 1';
CREATE FUNCTION n() RETURNS int LANGUAGE c AS 'lib', 'sym';
CREATE AGGREGATE agg(int) (sfunc = int4pl);
DROP FUNCTION nothere(int);
DROP FUNCTION IF EXISTS nothere(int);
CREATE FUNCTION w(int) RETURNS int LANGUAGE internal WINDOW AS 'window_rank';
CREATE FUNCTION i(int) RETURNS int LANGUAGE internal AS 'int4abs';
)");
  std::string all = c.AllMessages();
  CHECK_THAT(all, Catch::Contains("test.sql:2:1: error: function \"public.f()\" already exists with same argument types"));
  CHECK_THAT(all, Catch::Contains("test.sql:3:1: error: function \"public.h\": inline SQL function body only valid for language SQL"));
  CHECK_THAT(all, Catch::Contains("test.sql:4:1: error: function \"public.k\": input parameters after one with a default"));
  CHECK_THAT(all, Catch::Contains("test.sql:5:19: error: function \"public.m\": argument 1: type \"nosuch\" does not exist"));
  CHECK_THAT(all, Catch::Contains("test.sql:6:1: error: not yet supported: function \"public.n\": AS 'object file'"));
  CHECK_THAT(all, Catch::Contains("test.sql:7:1: error: aggregate \"public.agg\": aggregate stype must be specified"));
  CHECK_THAT(all, Catch::Contains("test.sql:8:1: error: function \"nothere\" does not exist"));
  CHECK_THAT(all, Catch::Contains("test.sql:10:1: error: not yet supported: function \"public.w\": window function"));
  CHECK_THAT(all, Catch::Contains("test.sql:11:1: error: not yet supported: function \"public.i\": LANGUAGE internal"));
  CHECK(c.messages.size() == 9);
}

TEST_CASE("function: DebugPrint", "[sql][function]") {
  auto c = Compile(R"(
    CREATE FUNCTION s.f(a int DEFAULT 2) RETURNS SETOF text LANGUAGE sql IMMUTABLE AS 'select ''x''';
    CREATE SCHEMA s;)");
  REQUIRE(c.AllMessages() == "");
  CHECK(PrintFunctions(c.db) ==
        "function s.f(int4) [in a pg_catalog.int4 default 2] returns setof pg_catalog.text language sql volatility i "
        "parallel u cost 100 rows 1000 comment=- owner=-\n  body \"select 'x'\"\n");
}

TEST_CASE("function: SQL-standard bodies are kept as canonical text, with what they use", "[sql][function]") {
  auto c = Compile(R"(
    CREATE FUNCTION inc(a int) RETURNS int LANGUAGE sql IMMUTABLE RETURN a   +   1;
    CREATE FUNCTION total(a int) RETURNS bigint BEGIN ATOMIC
      SELECT sum(c) FROM t WHERE id = a;
    END;
    CREATE PROCEDURE put(x int) LANGUAGE sql BEGIN ATOMIC
      INSERT INTO t (id, c) VALUES (x, inc(x));
      UPDATE app.u SET m = 'ok'::mood WHERE id = x;
    END;
    CREATE FUNCTION nothing() RETURNS void LANGUAGE sql BEGIN ATOMIC END;
    CREATE FUNCTION up(s text) RETURNS text LANGUAGE sql RETURN pg_catalog.upper(s) || pg_catalog.btrim(s);
    CREATE TABLE t (id int, c int);
    CREATE SCHEMA app;
    CREATE TYPE mood AS ENUM ('ok');
    CREATE TABLE app.u (id int, m mood);)");
  REQUIRE(c.AllMessages() == "");
  const auto& inc = c.db.functions.at({"public", "inc(int4)"});
  CHECK(inc.language == "sql");
  CHECK(inc.body == "");
  CHECK(inc.sql_body == "RETURN a + 1");
  CHECK(inc.deps.keys.empty());
  const auto& total = c.db.functions.at({"public", "total(int4)"});
  CHECK(total.language == "sql");  // implied by BEGIN ATOMIC
  CHECK(total.sql_body == "BEGIN ATOMIC\n    SELECT sum(c) FROM public.t WHERE id = a;\nEND");
  CHECK(total.deps.keys == std::vector<std::string>{"rel:public.t"});
  const auto& put = c.db.functions.at({"public", "put(int4)"});
  CHECK(put.sql_body ==
        "BEGIN ATOMIC\n    INSERT INTO public.t (id, c) VALUES (x, public.inc(x));\n"
        "    UPDATE app.u SET m = 'ok'::public.mood WHERE id = x;\nEND");
  CHECK(put.deps.keys ==
        std::vector<std::string>{"func:public.inc", "rel:app.u", "rel:public.t", "type:public.mood"});
  CHECK(c.db.functions.at({"public", "nothing()"}).sql_body == "BEGIN ATOMIC\nEND");
  // pg_catalog calls are printed unqualified by PostgreSQL; SQL-syntax forms keep their qualifier.
  CHECK(c.db.functions.at({"public", "up(text)"}).sql_body == "RETURN upper(s) || btrim(s)");
}

TEST_CASE("function: SQL-standard body text from the catalog normalizes to the same text", "[sql][function]") {
  std::string error;
  CHECK(schemac::sql::NormalizeSqlBody("RETURN (a + 1)", &error) == "RETURN a + 1");
  CHECK(error == "");
  CHECK(schemac::sql::NormalizeSqlBody("BEGIN ATOMIC\n SELECT sum(t.c) AS sum\n    FROM public.t\n   WHERE (t.id = "
                                       "total.a);\nEND",
                                       &error) == "BEGIN ATOMIC\n    SELECT sum(t.c) AS sum FROM public.t WHERE t.id = total.a;\nEND");
  CHECK(schemac::sql::NormalizeSqlBody("BEGIN ATOMIC\n    SELECT 1;\nEND", &error) == "BEGIN ATOMIC\n    SELECT 1;\nEND");
  CHECK(error == "");
  schemac::sql::NormalizeSqlBody("RETURN (", &error);
  CHECK(error != "");
}

TEST_CASE("aggregate: options, ordered-set and old syntax", "[sql][function][aggregate]") {
  auto c = Compile(R"(
    CREATE AGGREGATE mysum(int) (sfunc = int4pl, stype = int4, initcond = 0, parallel = safe);
    CREATE AGGREGATE app.cnt(*) (sfunc = int8inc, stype = int8, initcond = '0');
    CREATE AGGREGATE pct(float8 ORDER BY float8) (sfunc = ordered_set_transition, stype = internal,
      finalfunc = percentile_disc_final, finalfunc_extra);
    CREATE AGGREGATE rk(VARIADIC "any" ORDER BY VARIADIC "any") (sfunc = ordered_set_transition_multi,
      stype = internal, finalfunc = rank_final, finalfunc_extra, hypothetical);
    CREATE AGGREGATE myavg(x float8) (sfunc = float8_accum, stype = float8[], finalfunc = float8_avg,
      combinefunc = float8_combine, initcond = '{0,0,0}', msfunc = float8_accum, minvfunc = float8_accum,
      mstype = float8[], minitcond = '{0,0,0}', mfinalfunc = float8_avg, sortop = >, sspace = 24,
      finalfunc_modify = shareable);
    CREATE AGGREGATE old (basetype = int4, sfunc = step, stype = int4);
    CREATE FUNCTION step(s int, v int) RETURNS int LANGUAGE sql RETURN s + v;
    CREATE SCHEMA app;
    COMMENT ON AGGREGATE mysum(int) IS 'sum';
    COMMENT ON AGGREGATE app.cnt(*) IS 'count';
    ALTER AGGREGATE pct(float8 ORDER BY float8) OWNER TO bob;
    CREATE AGGREGATE gone(int) (sfunc = int4pl, stype = int4);
    DROP AGGREGATE gone(int);)");
  REQUIRE(c.AllMessages() == "");
  INFO(PrintFunctions(c.db));
  const auto& sum = c.db.functions.at({"public", "mysum(int4)"});
  CHECK(sum.kind == schemac::ir::FunctionKind::Aggregate);
  CHECK(sum.language == "internal");
  CHECK(sum.body == "aggregate_dummy");
  CHECK(sum.volatility == 'i');
  CHECK(sum.cost == 1);
  CHECK(sum.parallel == 's');
  CHECK_FALSE(sum.return_type);
  CHECK(sum.comment == "sum");
  REQUIRE(sum.aggregate);
  CHECK(sum.aggregate->kind == 'n');
  CHECK(sum.aggregate->sfunc == schemac::ir::QualifiedName{"pg_catalog", "int4pl"});
  CHECK(sum.aggregate->stype == TypeRef{"pg_catalog", "int4", "", false});
  CHECK(sum.aggregate->initcond == "0");
  CHECK(sum.aggregate->finalfunc_modify == 'r');
  const auto& cnt = c.db.functions.at({"app", "cnt()"});
  CHECK(cnt.args.empty());
  CHECK(cnt.comment == "count");
  const auto& pct = c.db.functions.at({"public", "pct(float8, float8)"});
  CHECK(pct.aggregate->kind == 'o');
  CHECK(pct.aggregate->num_direct_args == 1);
  CHECK(pct.aggregate->finalfunc_extra);
  CHECK(pct.aggregate->finalfunc_modify == 'w');  // the default of ordered-set aggregates
  CHECK(pct.owner == "bob");
  const auto& rk = c.db.functions.at({"public", "rk(any)"});
  CHECK(rk.aggregate->kind == 'h');
  CHECK(rk.aggregate->num_direct_args == 1);
  CHECK(rk.args.size() == 1);
  CHECK(rk.args[0].mode == ArgMode::Variadic);
  const auto& avg = c.db.functions.at({"public", "myavg(float8)"});
  CHECK(avg.args[0].name == "x");
  CHECK(avg.aggregate->stype == TypeRef{"pg_catalog", "float8", "", true});
  CHECK(avg.aggregate->mstype == TypeRef{"pg_catalog", "float8", "", true});
  CHECK(avg.aggregate->sortop == schemac::ir::QualifiedName{"pg_catalog", ">"});
  CHECK(avg.aggregate->sspace == 24);
  CHECK(avg.aggregate->finalfunc_modify == 's');
  CHECK(avg.aggregate->mfinalfunc_modify == 'r');
  const auto& old = c.db.functions.at({"public", "old(int4)"});
  CHECK(old.aggregate->sfunc == schemac::ir::QualifiedName{"public", "step"});
  CHECK(old.deps.keys == std::vector<std::string>{"func:public.step"});
  CHECK_FALSE(c.db.functions.count({"public", "gone(int4)"}));
}

TEST_CASE("aggregate: wrong kind and missing parts are errors", "[sql][function][aggregate]") {
  auto c = Compile(R"(CREATE AGGREGATE a(int) (sfunc = int4pl, stype = int4);
DROP FUNCTION a(int);
CREATE AGGREGATE b(int) (sfunc = int4pl, stype = int4, msfunc = int4pl);
CREATE AGGREGATE c(int) (sfunc = nosuch, stype = int4);
CREATE AGGREGATE d(int) (sfunc = int4pl, stype = int4, bogus = 1);
)");
  std::string all = c.AllMessages();
  CHECK_THAT(all, Catch::Contains("test.sql:2:1: error: \"public.a(int4)\" is not a function"));
  CHECK_THAT(all, Catch::Contains("test.sql:3:1: error: aggregate \"public.b\": aggregate msfunc, minvfunc and mstype"));
  CHECK_THAT(all, Catch::Contains("error: aggregate \"public.c\": function \"nosuch\" does not exist"));
  CHECK_THAT(all, Catch::Contains("error: aggregate \"public.d\": aggregate attribute \"bogus\" not recognized"));
}
