#include <catch2/catch.hpp>

#include "sql_test_util.h"

using schemac::sql::testing::Compile;
using schemac::ir::Grant;
using schemac::ir::PrivilegeTarget;
using schemac::ir::DefaultPrivilegeKey;

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
ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO reader GRANTED BY admin;
GRANT SELECT ON t TO CURRENT_USER;
GRANT EXECUTE ON t TO reader;
GRANT SELECT (nope) ON t TO reader;
GRANT USAGE ON TYPE nope TO reader;)");
  // PostgreSQL 15's grammar has no GRANTED BY in ALTER DEFAULT PRIVILEGES.
  CHECK_THAT(c.AllMessages(), Catch::Contains("test.sql:2:59: error: syntax error at or near \"GRANTED\""));
  CHECK_THAT(c.AllMessages(), Catch::Contains("test.sql:3:1: error: not yet supported: GRANT to CURRENT_USER"));
  CHECK_THAT(c.AllMessages(), Catch::Contains("test.sql:4:1: error: GRANT: invalid privilege type EXECUTE for table "
                                              "public.t"));
  CHECK_THAT(c.AllMessages(), Catch::Contains("test.sql:5:1: error: GRANT: column \"nope\" of public.t does not exist"));
  CHECK_THAT(c.AllMessages(), Catch::Contains("test.sql:6:1: error: type \"nope\""));
}

TEST_CASE("default privileges: GRANT and REVOKE apply incrementally, per role, schema and kind", "[sql][grant]") {
  auto c = Compile(R"(
CREATE SCHEMA app;
ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT INSERT, SELECT ON TABLES TO writer WITH GRANT OPTION;
ALTER DEFAULT PRIVILEGES IN SCHEMA app REVOKE GRANT OPTION FOR SELECT ON TABLES FROM writer;
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
ALTER DEFAULT PRIVILEGES FOR ROLE admin, owner2 IN SCHEMA app GRANT ALL ON SEQUENCES TO reader, admin;
ALTER DEFAULT PRIVILEGES GRANT USAGE ON SCHEMAS TO reader;
ALTER DEFAULT PRIVILEGES REVOKE USAGE ON SCHEMAS FROM reader;
ALTER DEFAULT PRIVILEGES REVOKE USAGE ON TYPES FROM PUBLIC;
ALTER DEFAULT PRIVILEGES GRANT USAGE ON TYPES TO PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA app REVOKE SELECT ON TABLES FROM reader;
ALTER DEFAULT PRIVILEGES GRANT EXECUTE ON ROUTINES TO runner;
)");
  REQUIRE(c.AllMessages() == "");
  const auto& d = c.db.default_privileges;
  CHECK(d.at(DefaultPrivilegeKey{"", "", 'r'}) == std::vector<Grant>{{"reader", "SELECT", false}});
  // IN SCHEMA adds to the global entry; its REVOKE cannot take away what the global one gives.
  CHECK(d.at(DefaultPrivilegeKey{"", "app", 'r'}) ==
        std::vector<Grant>{{"writer", "INSERT", true}, {"writer", "SELECT", false}});
  CHECK(d.at(DefaultPrivilegeKey{"", "", 'f'}) == std::vector<Grant>{{"runner", "EXECUTE", false}});
  // The role's own privileges are left out.
  CHECK(d.at(DefaultPrivilegeKey{"admin", "app", 's'}) ==
        std::vector<Grant>{{"reader", "SELECT", false}, {"reader", "UPDATE", false}, {"reader", "USAGE", false}});
  CHECK(d.at(DefaultPrivilegeKey{"owner2", "app", 's'}).size() == 6);
  // Back to the built-in default: nothing recorded.
  CHECK_FALSE(d.count(DefaultPrivilegeKey{"", "", 'n'}));
  CHECK_FALSE(d.count(DefaultPrivilegeKey{"", "", 'T'}));
  CHECK(d.size() == 5);
  CHECK_THAT(schemac::ir::DebugPrint(c.db),
             Catch::Contains("default privileges on sequences in schema app for role admin: SELECT to reader"));
}

TEST_CASE("default privileges: objects created afterwards get them, as PostgreSQL gives them", "[sql][grant]") {
  auto c = Compile(R"(
CREATE SCHEMA app;
CREATE TABLE app.before (a int);
ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO reader WITH GRANT OPTION;
ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT USAGE ON SEQUENCES TO reader;
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
ALTER DEFAULT PRIVILEGES GRANT USAGE ON SCHEMAS TO reader;
ALTER DEFAULT PRIVILEGES FOR ROLE other GRANT ALL ON TABLES TO other_reader;
CREATE TABLE app.t (id serial, b int);
CREATE TABLE public.p (a int);
CREATE VIEW app.v AS SELECT 1 AS x;
CREATE FUNCTION app.f() RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE SCHEMA later;
REVOKE GRANT OPTION FOR SELECT ON app.v FROM reader;
ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO auditor;
CREATE OR REPLACE VIEW app.v AS SELECT 1 AS x;
)");
  REQUIRE(c.AllMessages() == "");
  const auto& p = c.db.privileges;
  CHECK(p.at(PrivilegeTarget{'r', "app", "t", ""}) == std::vector<Grant>{{"reader", "SELECT", true}});
  CHECK(p.at(PrivilegeTarget{'r', "public", "p", ""}) == std::vector<Grant>{{"reader", "SELECT", false}});
  // REVOKE after the creation; CREATE OR REPLACE keeps the privileges (no auditor).
  CHECK(p.at(PrivilegeTarget{'r', "app", "v", ""}) == std::vector<Grant>{{"reader", "SELECT", false}});
  // A serial column's sequence is created with the table.
  CHECK(p.at(PrivilegeTarget{'s', "app", "t_id_seq", ""}) == std::vector<Grant>{{"reader", "USAGE", false}});
  CHECK(p.at(PrivilegeTarget{'f', "app", "f()", ""}).empty());
  CHECK(p.at(PrivilegeTarget{'n', "later", "", ""}) == std::vector<Grant>{{"reader", "USAGE", false}});
  // Created before.
  CHECK_FALSE(p.count(PrivilegeTarget{'r', "app", "before", ""}));
  CHECK_FALSE(p.count(PrivilegeTarget{'n', "app", "", ""}));
}

TEST_CASE("default privileges: schemas dropped again take theirs along, errors with positions", "[sql][grant]") {
  auto c = Compile(R"(CREATE SCHEMA gone;
ALTER DEFAULT PRIVILEGES IN SCHEMA gone GRANT SELECT ON TABLES TO reader;
DROP SCHEMA gone;
CREATE SCHEMA gone;
ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT USAGE ON SCHEMAS TO reader;
ALTER DEFAULT PRIVILEGES GRANT EXECUTE ON TABLES TO reader;
ALTER DEFAULT PRIVILEGES FOR ROLE CURRENT_USER GRANT SELECT ON TABLES TO reader;
ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO SESSION_USER;
ALTER DEFAULT PRIVILEGES IN SCHEMA nope GRANT SELECT ON TABLES TO reader;
ALTER DEFAULT PRIVILEGES REVOKE SELECT ON TABLES FROM reader CASCADE;
ALTER DEFAULT PRIVILEGES GRANT SELECT (a) ON TABLES TO reader;
ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC WITH GRANT OPTION;)");
  std::string m = c.AllMessages();
  CHECK_THAT(m, Catch::Contains("test.sql:5:1: error: ALTER DEFAULT PRIVILEGES GRANT: cannot use IN SCHEMA clause when "
                                "using GRANT/REVOKE ON SCHEMAS"));
  CHECK_THAT(m, Catch::Contains("test.sql:6:1: error: ALTER DEFAULT PRIVILEGES GRANT: invalid privilege type EXECUTE for "
                                "tables"));
  CHECK_THAT(m, Catch::Contains("test.sql:7:1: error: not yet supported: ALTER DEFAULT PRIVILEGES FOR ROLE CURRENT_USER"));
  CHECK_THAT(m, Catch::Contains("test.sql:8:1: error: not yet supported: ALTER DEFAULT PRIVILEGES GRANT to CURRENT_USER"));
  CHECK_THAT(m, Catch::Contains("test.sql:9:1: error: schema \"nope\" does not exist"));
  CHECK_THAT(m, Catch::Contains("test.sql:10:1: error: not yet supported: ALTER DEFAULT PRIVILEGES REVOKE ... CASCADE"));
  CHECK_THAT(m, Catch::Contains("test.sql:11:1: error: ALTER DEFAULT PRIVILEGES GRANT: default privileges cannot be set "
                                "for columns"));
  CHECK_THAT(m, Catch::Contains("test.sql:12:1: error: ALTER DEFAULT PRIVILEGES GRANT: grant options can only be granted "
                                "to roles"));
  CHECK(c.db.default_privileges.empty());
}
