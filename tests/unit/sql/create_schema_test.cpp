#include <catch2/catch.hpp>

#include "sql_test_util.h"

using schemac::sql::testing::Compile;

TEST_CASE("create schema: IF NOT EXISTS, AUTHORIZATION, owner, implicit public", "[sql][schema]") {
  auto c = Compile(R"(
    CREATE TABLE t (a int);
    CREATE SCHEMA public;
    CREATE SCHEMA app AUTHORIZATION alice;
    CREATE SCHEMA IF NOT EXISTS app;
    CREATE SCHEMA AUTHORIZATION bob;
    ALTER SCHEMA public OWNER TO pg_database_owner;)");
  REQUIRE(c.AllMessages() == "");
  CHECK(schemac::ir::DebugPrint(c.db) ==
        "schema app comment=- owner=\"alice\"\n"
        "schema bob comment=- owner=\"bob\"\n"
        "schema public comment=\"standard public schema\" owner=\"pg_database_owner\"\n"
        "table public.t comment=- owner=-\n"
        "  column a pg_catalog.int4 comment=-\n");
}

TEST_CASE("create schema: an empty set of files is a fresh database (public only)", "[sql][schema]") {
  auto c = Compile("SET search_path = app;");
  REQUIRE(c.AllMessages() == "");
  CHECK(schemac::ir::DebugPrint(c.db) == "schema public comment=\"standard public schema\" owner=-\n");
}

TEST_CASE("create schema: embedded schema elements are not supported", "[sql][schema]") {
  auto c = Compile("CREATE SCHEMA s CREATE TABLE t (a int);");
  CHECK(c.AllMessages() ==
        "test.sql:1:1: error: not yet supported: schema \"s\": CREATE SCHEMA with embedded statements "
        "[compile.unsupported]\n");
}
