#include <catch2/catch.hpp>

#include "sql_test_util.h"

using schemac::sql::testing::Compile;
using schemac::ir::Grant;
using schemac::ir::PrivilegeTarget;

TEST_CASE("grant: privileges are recorded where they differ from the default", "[sql][grant]") {
  auto c = Compile(R"(
CREATE SCHEMA app;
SET search_path = app;
CREATE TABLE t (id int PRIMARY KEY, name text);
CREATE VIEW v AS SELECT id FROM t;
CREATE SEQUENCE s;
CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql AS 'SELECT a';
CREATE TYPE mood AS ENUM ('a');
CREATE DOMAIN posint AS int;
GRANT SELECT, insert ON t TO reader, PUBLIC;
GRANT ALL PRIVILEGES ON SEQUENCE s TO writer WITH GRANT OPTION;
REVOKE GRANT OPTION FOR UPDATE ON SEQUENCE s FROM writer;
GRANT UPDATE (name) ON t TO writer;
REVOKE EXECUTE ON FUNCTION f(int) FROM PUBLIC;
GRANT USAGE ON DOMAIN posint TO reader;
GRANT USAGE ON SCHEMA app TO reader;
REVOKE ALL ON TYPE mood FROM PUBLIC;
GRANT USAGE ON TYPE mood TO PUBLIC;
)");
  REQUIRE(c.AllMessages() == "");
  const auto& p = c.db.privileges;
  CHECK(p.at(PrivilegeTarget{'r', "app", "t", ""}) ==
        std::vector<Grant>{{"", "INSERT", false}, {"", "SELECT", false}, {"reader", "INSERT", false},
                           {"reader", "SELECT", false}});
  CHECK(p.at(PrivilegeTarget{'s', "app", "s", ""}) ==
        std::vector<Grant>{{"writer", "SELECT", true}, {"writer", "UPDATE", false}, {"writer", "USAGE", true}});
  CHECK(p.at(PrivilegeTarget{'c', "app", "t", "name"}) == std::vector<Grant>{{"writer", "UPDATE", false}});
  CHECK(p.at(PrivilegeTarget{'f', "app", "f(int4)", ""}).empty());  // no EXECUTE for PUBLIC any more
  CHECK(p.at(PrivilegeTarget{'T', "app", "posint", ""}) ==
        std::vector<Grant>{{"", "USAGE", false}, {"reader", "USAGE", false}});
  CHECK(p.at(PrivilegeTarget{'n', "app", "", ""}) == std::vector<Grant>{{"reader", "USAGE", false}});
  // Back to the default: nothing recorded.
  CHECK_FALSE(p.count(PrivilegeTarget{'T', "app", "mood", ""}));
  CHECK_FALSE(p.count(PrivilegeTarget{'r', "app", "v", ""}));
}

TEST_CASE("grant: ALL TABLES IN SCHEMA, targets defined later, dropped objects", "[sql][grant]") {
  auto c = Compile(R"(
GRANT SELECT ON later TO reader;
CREATE TABLE later (a int);
CREATE TABLE gone (a int);
CREATE VIEW v AS SELECT 1 AS x;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO auditor;
DROP TABLE gone;
)");
  REQUIRE(c.AllMessages() == "");
  const auto& p = c.db.privileges;
  CHECK(p.at(PrivilegeTarget{'r', "public", "later", ""}) ==
        std::vector<Grant>{{"auditor", "SELECT", false}, {"reader", "SELECT", false}});
  CHECK(p.at(PrivilegeTarget{'r', "public", "v", ""}) == std::vector<Grant>{{"auditor", "SELECT", false}});
  CHECK_FALSE(p.count(PrivilegeTarget{'r', "public", "gone", ""}));
  CHECK_THAT(schemac::ir::DebugPrint(c.db), Catch::Contains("privileges on table public.v: SELECT to auditor\n"));
}

TEST_CASE("grant: what is not supported is an error with its position", "[sql][grant]") {
  auto c = Compile(R"(CREATE TABLE t (a int);
ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO reader;
GRANT SELECT ON t TO CURRENT_USER;
GRANT EXECUTE ON t TO reader;
GRANT SELECT (nope) ON t TO reader;
GRANT USAGE ON TYPE nope TO reader;)");
  CHECK_THAT(c.AllMessages(), Catch::Contains("test.sql:2:1: error: not yet supported: ALTER DEFAULT PRIVILEGES"));
  CHECK_THAT(c.AllMessages(), Catch::Contains("test.sql:3:1: error: not yet supported: GRANT to CURRENT_USER"));
  CHECK_THAT(c.AllMessages(), Catch::Contains("test.sql:4:1: error: GRANT: invalid privilege type EXECUTE for table "
                                              "public.t"));
  CHECK_THAT(c.AllMessages(), Catch::Contains("test.sql:5:1: error: GRANT: column \"nope\" of public.t does not exist"));
  CHECK_THAT(c.AllMessages(), Catch::Contains("test.sql:6:1: error: type \"nope\""));
}
