#include <catch2/catch.hpp>

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
CREATE FUNCTION h() RETURNS int LANGUAGE sql RETURN 1;
CREATE FUNCTION k(a int DEFAULT 1, b int) RETURNS int LANGUAGE sql AS 'select 1';
CREATE FUNCTION m(nosuch) RETURNS int LANGUAGE sql AS 'select 1';
CREATE FUNCTION n() RETURNS int LANGUAGE c AS 'lib', 'sym';
CREATE AGGREGATE agg(int) (sfunc = int4pl, stype = int);
DROP FUNCTION nothere(int);
DROP FUNCTION IF EXISTS nothere(int);
)");
  std::string all = c.AllMessages();
  CHECK_THAT(all, Catch::Contains("test.sql:2:1: error: function \"public.f()\" already exists with same argument types"));
  CHECK_THAT(all, Catch::Contains("test.sql:3:1: error: not yet supported: function \"public.h\": SQL-standard function body"));
  CHECK_THAT(all, Catch::Contains("test.sql:4:1: error: function \"public.k\": input parameters after one with a default"));
  CHECK_THAT(all, Catch::Contains("test.sql:5:19: error: function \"public.m\": argument 1: type \"nosuch\" does not exist"));
  CHECK_THAT(all, Catch::Contains("test.sql:6:1: error: not yet supported: function \"public.n\": AS 'object file'"));
  CHECK_THAT(all, Catch::Contains("test.sql:7:1: error: not yet supported: CREATE AGGREGATE"));
  CHECK_THAT(all, Catch::Contains("test.sql:8:1: error: function \"nothere\" does not exist"));
  CHECK(c.messages.size() == 7);
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
