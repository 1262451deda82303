// The integration-test fixture: scratch databases, psql scripts, normalized schema dumps.
#include "tests/support/pg_fixture.h"

#include <stdexcept>
#include <string>

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include "compiler/catalog/conninfo.h"

using namespace schemac::testing;

TEST_CASE("scratch databases are created empty, unique, and dropped", "[fixture]") {
  std::string a = CreateScratchDatabase("fixture");
  std::string b = CreateScratchDatabase("fixture");
  std::string name_a = schemac::catalog::ConninfoDatabase(a);
  CHECK(name_a != schemac::catalog::ConninfoDatabase(b));
  CHECK(name_a.rfind("fixture_", 0) == 0);
  CHECK(schemac::testing::QueryValue(a, "SELECT current_database()") == name_a);
  CHECK(schemac::testing::QueryValue(a, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = 'public'") == "0");
  DropDatabase(a);
  DropDatabase(b);
  CHECK(schemac::testing::QueryValue(TestConninfo(), "SELECT count(*) FROM pg_database WHERE datname = '" + name_a + "'") == "0");
}

TEST_CASE("RunSql runs several statements and reports errors", "[fixture]") {
  ScratchDatabase db("fixture");
  RunSql(db.Conninfo(), "CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2);");
  CHECK(schemac::testing::QueryValue(db.Conninfo(), "SELECT sum(id) FROM t") == "3");
  CHECK_THROWS_WITH(RunSql(db.Conninfo(), "SELECT * FROM missing"),
                    Catch::Matchers::Contains("relation \"missing\" does not exist"));
}

TEST_CASE("RunSqlScriptWithPsql runs text and files, stops at the first error with psql's message",
          "[fixture]") {
  ScratchDatabase db("fixture");
  RunSqlScriptWithPsql(db.Conninfo(),
                       "CREATE TABLE a (id int);\n"
                       "CREATE INDEX CONCURRENTLY a_id ON a (id);\n"  // not allowed in a transaction block
                       "\\echo done\n");
  CHECK(schemac::testing::QueryValue(db.Conninfo(), "SELECT count(*) FROM pg_indexes WHERE indexname = 'a_id'") == "1");
  try {
    RunSqlScriptWithPsql(db.Conninfo(), "CREATE TABLE b (id int);\nSELECT 1/0;\nCREATE TABLE c (id int);\n");
    FAIL("expected psql to fail");
  } catch (const std::runtime_error& e) {
    CHECK_THAT(e.what(), Catch::Matchers::Contains("division by zero"));
  }
  CHECK(schemac::testing::QueryValue(db.Conninfo(), "SELECT count(*) FROM pg_class WHERE relname IN ('b', 'c')") == "1");
}

TEST_CASE("NormalizeDump drops noise and sorts blocks like the conformance judge", "[fixture]") {
  std::string dump =
      "--\n-- PostgreSQL database dump\n--\n\n"
      "\\restrict AbCdEf123\n"
      "SET statement_timeout = 0;\n"
      "SELECT pg_catalog.set_config('search_path', '', false);\n\n"
      "--\n-- Name: b; Type: TABLE; Schema: public; Owner: -\n--\n\n"
      "CREATE TABLE public.b (\n    id integer   \n);\n\n"
      "--\n-- Name: a; Type: TABLE; Schema: public; Owner: -\n--\n\n"
      "CREATE TABLE public.a (\n    id integer\n);\n\n"
      "\\unrestrict AbCdEf123\n";
  CHECK(NormalizeDump(dump) ==
        "CREATE TABLE public.a (\n    id integer\n);\n\n"
        "CREATE TABLE public.b (\n    id integer\n);\n\n");
}

TEST_CASE("DumpSchema compares equal regardless of creation order and differs on real changes",
          "[fixture]") {
  ScratchDatabase one("fixture");
  ScratchDatabase two("fixture");
  RunSql(one.Conninfo(),
         "CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int REFERENCES a); CREATE INDEX ON b (id);");
  RunSql(two.Conninfo(),
         "CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int); CREATE INDEX ON b (id); "
         "ALTER TABLE b ADD FOREIGN KEY (id) REFERENCES a;");
  std::string d1 = DumpSchema(one.Conninfo());
  CHECK(d1 == DumpSchema(two.Conninfo()));
  CHECK(d1.find("CREATE TABLE public.a") != std::string::npos);
  CHECK(d1.find("restrict") == std::string::npos);
  CHECK(d1.find("SET ") == std::string::npos);
  RunSql(two.Conninfo(), "ALTER TABLE b ADD COLUMN x text");
  CHECK(d1 != DumpSchema(two.Conninfo()));
}
