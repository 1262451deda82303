#include <catch2/catch.hpp>

#include "sql_test_util.h"

using schemac::sql::testing::Compile;

TEST_CASE("enum: create, add value before/after, owner, comment", "[sql][enum]") {
  auto c = Compile(R"(
    CREATE TYPE mood AS ENUM ('sad', 'ok');
    ALTER TYPE mood ADD VALUE 'happy' AFTER 'ok';
    ALTER TYPE mood ADD VALUE 'meh' BEFORE 'ok';
    ALTER TYPE mood ADD VALUE 'ecstatic';
    ALTER TYPE mood ADD VALUE IF NOT EXISTS 'ok';
    ALTER TYPE mood OWNER TO bob;
    COMMENT ON TYPE mood IS 'feelings';
    CREATE TABLE t (m mood, ms public.mood[]);)");
  REQUIRE(c.AllMessages() == "");
  const auto& e = c.db.enums.at({"public", "mood"});
  CHECK(e.values == std::vector<std::string>{"sad", "meh", "ok", "happy", "ecstatic"});
  CHECK(e.owner == "bob");
  CHECK(e.comment == "feelings");
  const auto& t = c.Table("public", "t");
  CHECK(t.columns[0].type == schemac::ir::TypeRef{"public", "mood", "", false});
  CHECK(t.columns[1].type == schemac::ir::TypeRef{"public", "mood", "", true});
}

TEST_CASE("enum: a column may use an enum defined later or in another schema on the path", "[sql][enum]") {
  auto c = Compile(R"(
    CREATE SCHEMA app;
    SET search_path TO app, public;
    CREATE TABLE t (m mood);
    CREATE TYPE public.mood AS ENUM ('x');)");
  REQUIRE(c.AllMessages() == "");
  CHECK(c.Table("app", "t").columns[0].type.schema == "public");
}

TEST_CASE("enum: errors", "[sql][enum]") {
  auto c = Compile(R"(CREATE TYPE m AS ENUM ('a', 'a');
CREATE TYPE n AS ENUM ('a');
CREATE TYPE n AS ENUM ('b');
ALTER TYPE n ADD VALUE 'a';
ALTER TYPE n ADD VALUE 'c' AFTER 'zz';
ALTER TYPE nope ADD VALUE 'x';)");
  CHECK(c.AllMessages() ==
        "test.sql:1:1: error: type \"public.m\": enum label \"a\" used more than once [compile.invalid]\n"
        "test.sql:3:1: error: type \"public.n\" is defined more than once [compile.duplicate]\n"
        "test.sql:2:1: note: previous definition is here\n"
        "test.sql:4:1: error: type \"public.n\": enum label \"a\" already exists [compile.duplicate]\n"
        "test.sql:5:1: error: type \"public.n\": enum label \"zz\" does not exist [compile.undefined]\n"
        "test.sql:6:1: error: type \"nope\" does not exist [compile.undefined]\n");
}
