#include <catch2/catch.hpp>

#include "sql_test_util.h"

using schemac::sql::testing::Compile;

TEST_CASE("errors: a syntax error after a UTF-8 identifier on line 40 reports line 40", "[sql][errors]") {
  std::string text;
  for (int i = 1; i < 40; ++i) text += "-- line " + std::to_string(i) + " \xc3\xa9\xc3\xa9\n";
  text += "CREATE TABLE \"\xc3\xa9t\xc3\xa9\" (\xe5\x90\x8d\xe5\x89\x8d int,, b int);\n";
  auto c = Compile(text);
  REQUIRE(c.messages.size() == 1);
  // Columns count bytes: "CREATE TABLE "été" (名前 int," is 33 bytes, so the second comma is column 34.
  CHECK(c.messages[0] == "test.sql:40:34: error: syntax error at or near \",\" [compile.syntax]");
}

TEST_CASE("errors: every syntax error is reported and the rest still compiles", "[sql][errors]") {
  auto c = Compile("CREATE TABLE a (x int);\nCREATE TABLE (;\nCREATE TABLE b (y int);\nCREAT TABLE c ();\n");
  CHECK(c.AllMessages() ==
        "test.sql:2:14: error: syntax error at or near \"(\" [compile.syntax]\n"
        "test.sql:4:1: error: syntax error at or near \"CREAT\" [compile.syntax]\n");
  CHECK(c.db.tables.size() == 2);
}

TEST_CASE("errors: unsupported statements name the statement", "[sql][errors]") {
  auto c = Compile(R"(CREATE STATISTICS s ON a, b FROM t;
CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = int4eq);
CREATE PUBLICATION p FOR ALL TABLES;
CREATE EXTENSION IF NOT EXISTS plpgsql;
CREATE EXTENSION hstore CASCADE;
INSERT INTO t VALUES (1);
SELECT pg_catalog.setval('s', 1, true);
CREATE SUBSCRIPTION sub CONNECTION 'dbname=x' PUBLICATION p;)");
  CHECK(c.AllMessages() ==
        "test.sql:1:1: error: not yet supported: CREATE STATISTICS [compile.unsupported-statement]\n"
        "test.sql:2:1: error: not yet supported: CREATE OPERATOR [compile.unsupported-statement]\n"
        "test.sql:3:1: error: not yet supported: CREATE PUBLICATION [compile.unsupported-statement]\n"
        "test.sql:5:1: error: not yet supported: extension \"hstore\": CASCADE (write each required extension instead) [compile.unsupported]\n"
        "test.sql:6:1: warning: data statement ignored: only the schema is compiled [compile.ignored-data]\n"
        "test.sql:7:1: warning: SELECT statement ignored: only the schema is compiled [compile.ignored-data]\n"
        "test.sql:8:1: error: not yet supported: CREATE SUBSCRIPTION [compile.unsupported-statement]\n");
}

TEST_CASE("errors: duplicates and conflicts show both locations", "[sql][errors]") {
  auto c = Compile(R"(CREATE TABLE t (a int);
CREATE TABLE t (b int);
CREATE SEQUENCE t;
CREATE TABLE u (a int, a int);
CREATE TABLE v (a int CONSTRAINT k CHECK (a > 0), CONSTRAINT k CHECK (a < 9));
CREATE TABLE w (a int PRIMARY KEY, PRIMARY KEY (a));
CREATE SCHEMA s;
CREATE SCHEMA s;)");
  CHECK(c.AllMessages() ==
        "test.sql:2:1: error: table \"public.t\" is defined more than once [compile.duplicate]\n"
        "test.sql:1:1: note: previous definition is here\n"
        "test.sql:3:1: error: sequence \"public.t\" conflicts with table of the same name (relations share one "
        "namespace per schema) [compile.conflict]\n"
        "test.sql:1:1: note: previous definition is here\n"
        "test.sql:4:24: error: table \"public.u\": column \"a\" is specified more than once [compile.duplicate]\n"
        "test.sql:5:51: error: table \"public.v\": constraint \"k\" is defined more than once [compile.duplicate]\n"
        "test.sql:5:23: note: previous definition is here\n"
        "test.sql:6:36: error: table \"public.w\": multiple primary keys are not allowed [compile.invalid]\n"
        "test.sql:6:23: note: previous definition is here\n"
        "test.sql:8:1: error: schema \"s\" is defined more than once [compile.duplicate]\n"
        "test.sql:7:1: note: previous definition is here\n");
}

TEST_CASE("errors: psql meta-commands are skipped with offsets intact, empty input is an empty schema",
          "[sql][errors]") {
  auto c = Compile("\\restrict abc\n\\connect db\nCREATE TABLE t (a int,, b int);\n\\unrestrict abc\n");
  CHECK(c.AllMessages() == "test.sql:3:23: error: syntax error at or near \",\" [compile.syntax]\n");
  auto empty = Compile("");
  CHECK(empty.Clean());
  CHECK(schemac::ir::DebugPrint(empty.db) == "schema public comment=\"standard public schema\" owner=-\n");
  auto comments = Compile("-- nothing here\n/* still nothing */\n");
  CHECK(comments.Clean());
  CHECK(schemac::ir::DebugPrint(comments.db) == "schema public comment=\"standard public schema\" owner=-\n");
}

TEST_CASE("errors: a table and a type may not share a name", "[sql][errors]") {
  auto c = Compile("CREATE TYPE x AS ENUM ('a');\nCREATE TABLE x (a int);\nCREATE TABLE y (a int);\nCREATE TYPE y AS ENUM ('b');");
  CHECK(c.AllMessages() ==
        "test.sql:2:1: error: table \"public.x\" conflicts with the type of the same name [compile.conflict]\n"
        "test.sql:1:1: note: previous definition is here\n"
        "test.sql:4:1: error: type \"public.y\" conflicts with the row type of the table of the same name "
        "[compile.conflict]\n"
        "test.sql:3:1: note: previous definition is here\n");
}

TEST_CASE("errors: BEGIN/COMMIT are accepted, ROLLBACK is not", "[sql][errors]") {
  auto c = Compile("BEGIN;\nCREATE TABLE t (a int);\nCOMMIT;\nSTART TRANSACTION;\nROLLBACK;\n");
  CHECK(c.AllMessages() == "test.sql:5:1: error: not yet supported: ROLLBACK [compile.unsupported-statement]\n");
  CHECK(c.db.tables.size() == 1);
}
