#include <catch2/catch.hpp>

#include "sql_test_util.h"

using schemac::ir::TypeRef;
using schemac::sql::testing::Compile;

TEST_CASE("domain: defaults, NOT NULL and PostgreSQL's check names", "[sql][domain]") {
  auto c = Compile(R"(
    CREATE DOMAIN d4 AS int CONSTRAINT d4_check CHECK (VALUE > 1) CHECK (VALUE > 2) CHECK (VALUE > 3)
      DEFAULT 5 NOT NULL;
    CREATE DOMAIN name10 AS varchar(10) COLLATE "C";
    COMMENT ON DOMAIN d4 IS 'four';
    COMMENT ON CONSTRAINT d4_check1 ON DOMAIN d4 IS 'second';)");
  REQUIRE(c.AllMessages() == "");
  const auto& d = c.db.domains.at({"public", "d4"});
  CHECK(d.base_type == TypeRef{"pg_catalog", "int4", "", false});
  REQUIRE(d.default_expr);
  CHECK(d.default_expr->text == "5");
  CHECK(d.not_null);
  REQUIRE(d.checks.size() == 3);
  CHECK(d.checks.at("d4_check").check->text == "value > 1");
  CHECK(d.checks.at("d4_check1").check->text == "value > 2");
  CHECK(d.checks.at("d4_check2").check->text == "value > 3");
  CHECK(d.checks.at("d4_check1").comment == std::optional<std::string>("second"));
  CHECK(d.comment == std::optional<std::string>("four"));
  const auto& n = c.db.domains.at({"public", "name10"});
  CHECK(n.base_type == TypeRef{"pg_catalog", "varchar", "10", false});
  CHECK(n.collation == std::optional<schemac::ir::QualifiedName>({"pg_catalog", "C"}));
}

TEST_CASE("domain: ALTER DOMAIN forms", "[sql][domain]") {
  auto c = Compile(R"(
    CREATE DOMAIN amount AS numeric(10,2) DEFAULT 0 NOT NULL CHECK (VALUE >= 0.0);
    ALTER DOMAIN amount DROP DEFAULT;
    ALTER DOMAIN amount DROP NOT NULL;
    ALTER DOMAIN amount ADD CONSTRAINT small CHECK (VALUE < 10.0) NOT VALID;
    ALTER DOMAIN amount ADD CHECK (VALUE <> 1.0) NOT VALID;
    ALTER DOMAIN amount VALIDATE CONSTRAINT amount_check1;
    ALTER DOMAIN amount DROP CONSTRAINT amount_check;
    ALTER DOMAIN amount OWNER TO bob;)");
  REQUIRE(c.AllMessages() == "");
  const auto& d = c.db.domains.at({"public", "amount"});
  CHECK_FALSE(d.default_expr);
  CHECK_FALSE(d.not_null);
  REQUIRE(d.checks.size() == 2);
  CHECK_FALSE(d.checks.at("small").validated);
  CHECK(d.checks.at("amount_check1").validated);
  CHECK(d.owner == std::optional<std::string>("bob"));
}

TEST_CASE("domain: a later domain or composite type resolves columns, arguments and base types", "[sql][domain]") {
  auto c = Compile(R"(
    CREATE TABLE t (a posint, b pair[], c posint[]);
    CREATE FUNCTION f(x posint) RETURNS pair LANGUAGE sql AS 'select null::pair';
    CREATE DOMAIN posint AS base CHECK (VALUE > 0);
    CREATE DOMAIN base AS int;
    CREATE TYPE pair AS (l posint, r text COLLATE "C");
    COMMENT ON COLUMN pair.l IS 'left';
    COMMENT ON TYPE pair IS 'two';)");
  REQUIRE(c.AllMessages() == "");
  const auto& t = c.db.tables.at({"public", "t"});
  CHECK(t.columns[0].type == TypeRef{"public", "posint", "", false});
  CHECK(t.columns[1].type == TypeRef{"public", "pair", "", true});
  CHECK(t.columns[2].type == TypeRef{"public", "posint", "", true});
  CHECK(c.db.functions.count({"public", "f(public.posint)"}) == 1);
  const auto& d = c.db.domains.at({"public", "posint"});
  CHECK(d.base_type == TypeRef{"public", "base", "", false});
  CHECK(d.deps.keys == std::vector<std::string>{"type:public.base"});
  const auto& p = c.db.composite_types.at({"public", "pair"});
  REQUIRE(p.attributes.size() == 2);
  CHECK(p.attributes[0].comment == std::optional<std::string>("left"));
  CHECK(p.attributes[1].collation == std::optional<schemac::ir::QualifiedName>({"pg_catalog", "C"}));
  CHECK(p.comment == std::optional<std::string>("two"));
  CHECK(p.deps.keys == std::vector<std::string>{"type:public.posint"});
}

TEST_CASE("domain: errors and DROP", "[sql][domain]") {
  auto c = Compile(R"(
    CREATE DOMAIN d AS int CONSTRAINT c CHECK (VALUE > 0) CONSTRAINT c CHECK (VALUE > 1);
    CREATE DOMAIN e AS int NULL NOT NULL;
    CREATE DOMAIN m AS missing_type;
    CREATE TABLE x (id int);
    CREATE TYPE x AS (a int);)");
  std::string m = c.AllMessages();
  CHECK_THAT(m, Catch::Contains("domain \"public.d\": constraint \"c\" already exists"));
  CHECK_THAT(m, Catch::Contains("conflicting NULL/NOT NULL"));
  CHECK_THAT(m, Catch::Contains("type \"missing_type\" does not exist"));
  CHECK_THAT(m, Catch::Contains("conflicts with the row type of the table"));

  auto dropped = Compile(R"(
    CREATE DOMAIN d AS int;
    CREATE TYPE p AS (a int);
    CREATE DOMAIN e AS int;
    DROP DOMAIN d;
    DROP TYPE p, e;)");
  REQUIRE(dropped.AllMessages() == "");
  CHECK(dropped.db.domains.empty());
  CHECK(dropped.db.composite_types.empty());
}
