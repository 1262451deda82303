#include <catch2/catch.hpp>

#include "sql_test_util.h"

using schemac::sql::CompileOptions;
using schemac::sql::testing::Compile;

TEST_CASE("name resolution: SET search_path, set_config and the default path", "[sql][resolution]") {
  auto c = Compile(R"(
    CREATE SCHEMA a; CREATE SCHEMA b;
    CREATE TABLE t0 (id int PRIMARY KEY);
    SET search_path = b, a;
    CREATE TABLE t1 (id int PRIMARY KEY);
    SET search_path TO "$user", pg_catalog, a, b;
    CREATE TABLE t2 (r int REFERENCES t1);
    SELECT pg_catalog.set_config('search_path', 'b', false);
    CREATE TABLE t3 (r int REFERENCES t1);
    SELECT pg_catalog.set_config('search_path', '', false);
    CREATE TABLE t4 (id int);
    RESET search_path;
    CREATE TABLE t5 (id int);
    SET statement_timeout = 0;
    SET default_tablespace = '';
    SET default_table_access_method = heap;)");
  REQUIRE(c.AllMessages() == "");
  CHECK(c.db.tables.count({"public", "t0"}));
  CHECK(c.db.tables.count({"b", "t1"}));
  CHECK(c.db.tables.count({"a", "t2"}));
  CHECK(c.Table("a", "t2").constraints.at("t2_r_fkey").ref_table == schemac::ir::QualifiedName{"b", "t1"});
  CHECK(c.Table("b", "t3").constraints.at("t3_r_fkey").ref_table == schemac::ir::QualifiedName{"b", "t1"});
  CHECK(c.db.tables.count({"public", "t4"}));
  CHECK(c.db.tables.count({"public", "t5"}));
}

TEST_CASE("name resolution: CompileOptions::default_search_path", "[sql][resolution]") {
  CompileOptions options;
  options.default_search_path = {"pg_catalog", "app"};
  auto c = Compile("CREATE SCHEMA app; CREATE TABLE t (a int);", options);
  REQUIRE(c.AllMessages() == "");
  CHECK(c.db.tables.count({"app", "t"}));
}

TEST_CASE("name resolution: statements in any order, FK columns from the referenced primary key",
          "[sql][resolution]") {
  auto c = Compile(R"(
    CREATE TABLE app.child (p int REFERENCES app.parent, m app.mood);
    COMMENT ON TABLE app.parent IS 'later';
    ALTER TABLE app.parent ADD COLUMN extra int;
    CREATE TABLE app.parent (id int PRIMARY KEY);
    CREATE TYPE app.mood AS ENUM ('x');
    CREATE SCHEMA app;)");
  REQUIRE(c.AllMessages() == "");
  const auto& fk = c.Table("app", "child").constraints.at("child_p_fkey");
  CHECK(fk.ref_columns == std::vector<std::string>{"id"});
  CHECK(c.Table("app", "parent").comment == "later");
  CHECK(c.Table("app", "parent").columns.size() == 2);
  CHECK(c.Table("app", "child").columns[1].type.schema == "app");
}

TEST_CASE("name resolution: nextval defaults are qualified as PostgreSQL stores them", "[sql][resolution][expr]") {
  auto c = Compile(R"(
    CREATE SCHEMA app;
    SET search_path = app;
    CREATE SEQUENCE s;
    CREATE SEQUENCE "Odd";
    CREATE TABLE t (a bigint DEFAULT nextval('s'), b bigint DEFAULT pg_catalog.nextval('"Odd"'::regclass),
                    c bigint DEFAULT nextval('app.s'::regclass));)");
  REQUIRE(c.AllMessages() == "");
  const auto& t = c.Table("app", "t");
  CHECK(t.columns[0].default_expr->text == "nextval('app.s'::regclass)");
  CHECK(t.columns[1].default_expr->text == "nextval('app.\"Odd\"'::regclass)");
  CHECK(t.columns[2].default_expr->text == "nextval('app.s'::regclass)");
}

TEST_CASE("name resolution: undefined references are errors", "[sql][resolution]") {
  auto c = Compile(R"(CREATE TABLE t (a int REFERENCES nowhere, b int);
CREATE TABLE u (id int, x int REFERENCES t (b));
CREATE TABLE v (x int REFERENCES u (nope));
CREATE TABLE w (x int REFERENCES u);
CREATE TABLE ghost.t (a int);)");
  CHECK(c.AllMessages() ==
        "test.sql:5:1: error: schema \"ghost\" does not exist [compile.undefined]\n"
        "test.sql:1:23: error: table \"public.t\": constraint \"t_a_fkey\": referenced table \"public.nowhere\" does "
        "not exist [compile.undefined]\n"
        "test.sql:2:31: error: table \"public.u\": constraint \"u_x_fkey\": there is no unique constraint matching "
        "given keys for referenced table \"public.t\" [compile.invalid]\n"
        "test.sql:3:23: error: table \"public.v\": constraint \"v_x_fkey\": referenced column \"nope\" of table "
        "\"public.u\" does not exist [compile.undefined]\n"
        "test.sql:4:23: error: table \"public.w\": constraint \"w_x_fkey\": there is no primary key for referenced "
        "table \"public.u\" [compile.invalid]\n");
}

TEST_CASE("name resolution: calls of the files' own functions are schema-qualified, built-ins are not",
          "[sql][resolution][function]") {
  // The table comes first: its default and CHECK call functions defined later, in two schemas.
  auto c = Compile(R"(
    CREATE SCHEMA app;
    SET search_path = app, public;
    CREATE TABLE t (
      id int DEFAULT next_id() CHECK (positive(id) AND abs(id) < 100),
      code text DEFAULT lower(label('x')),
      at timestamptz DEFAULT now());
    CREATE FUNCTION public.next_id() RETURNS int LANGUAGE sql AS 'SELECT 1';
    CREATE FUNCTION app.positive(x int) RETURNS boolean LANGUAGE sql AS 'SELECT x > 0';
    CREATE FUNCTION public.positive(x int) RETURNS boolean LANGUAGE sql AS 'SELECT x > 1';
    CREATE FUNCTION label(t text) RETURNS text LANGUAGE sql AS 'SELECT t';
    CREATE DOMAIN app.small AS int CHECK (positive(VALUE)) DEFAULT next_id();
    CREATE TABLE u (id int DEFAULT next_id(), e text DEFAULT uuid_nil());)");
  REQUIRE(c.AllMessages() == "");
  const auto& t = c.Table("app", "t");
  CHECK(t.columns[0].default_expr->text == "public.next_id()");
  CHECK(t.constraints.at("t_id_check").check->text == "app.positive(id) AND abs(id) < 100");
  CHECK(t.columns[1].default_expr->text == "lower(app.label('x'))");
  CHECK(t.columns[2].default_expr->text == "now()");
  // Defined before use: qualified at once. A function these files do not define stays as written.
  CHECK(c.Table("app", "u").columns[0].default_expr->text == "public.next_id()");
  CHECK(c.Table("app", "u").columns[1].default_expr->text == "uuid_nil()");
  const auto& d = c.db.domains.at({"app", "small"});
  CHECK(d.default_expr->text == "public.next_id()");
  CHECK(d.checks.begin()->second.check->text == "app.positive(value)");
}

TEST_CASE("name resolution: casts to the files' own types are schema-qualified, also when defined later",
          "[sql][resolution][expr]") {
  auto c = Compile(R"(
    CREATE SCHEMA app;
    SET search_path = app, public;
    CREATE TABLE t (
      a int CHECK (a::posint > 0),
      m text CHECK (m::mood IS NOT NULL) DEFAULT 'x'::text,
      d date DEFAULT '2024-01-01'::date,
      r text CHECK (r::citext IS NOT NULL));
    CREATE DOMAIN public.posint AS int;
    CREATE TYPE app.mood AS ENUM ('x');
    CREATE DOMAIN app.small AS int CHECK ((VALUE)::posint < 100);)");
  REQUIRE(c.AllMessages() == "");
  const auto& t = c.Table("app", "t");
  CHECK(t.constraints.at("t_a_check").check->text == "a::public.posint > 0");
  CHECK(t.constraints.at("t_m_check").check->text == "m::app.mood IS NOT NULL");
  // Built-in types stay as written; a type these files do not define (an extension's) too.
  CHECK(t.columns[1].default_expr->text == "'x'::text");
  CHECK(t.columns[2].default_expr->text == "'2024-01-01'::date");
  CHECK(t.constraints.at("t_r_check").check->text == "r::citext IS NOT NULL");
  const auto& d = c.db.domains.at({"app", "small"});
  CHECK(d.checks.begin()->second.check->text == "value::public.posint < 100");
  CHECK(std::count(d.deps.keys.begin(), d.deps.keys.end(), "type:public.posint") == 1);
}
