// Foreign-data wrappers, servers, user mappings and foreign tables in the SQL front end.
#include <catch2/catch.hpp>

#include "sql_test_util.h"

using schemac::sql::testing::Compile;

TEST_CASE("foreign: wrappers, servers, mappings and foreign tables are recorded", "[sql][foreign]") {
  auto c = Compile(R"(
CREATE FOREIGN DATA WRAPPER remote OPTIONS (debug 'true');
COMMENT ON FOREIGN DATA WRAPPER remote IS 'the wrapper';
CREATE SERVER films TYPE 'pg' VERSION '15' FOREIGN DATA WRAPPER remote OPTIONS (host 'db.example', port '5432');
ALTER SERVER films OWNER TO admin;
CREATE USER MAPPING FOR PUBLIC SERVER films OPTIONS (user 'reader');
CREATE USER MAPPING FOR "Bob" SERVER films;
CREATE SCHEMA app;
CREATE FOREIGN TABLE app.film (
  code char(5) OPTIONS (column_name 'film_code') NOT NULL,
  title varchar(40) DEFAULT 'untitled',
  CHECK (code <> '')
) SERVER films OPTIONS (schema_name 'public', table_name 'films');
COMMENT ON FOREIGN TABLE app.film IS 'remote films';
COMMENT ON COLUMN app.film.title IS 'the title';
)");
  REQUIRE(c.AllMessages() == "");
  const auto& w = c.db.foreign_data_wrappers.at("remote");
  CHECK_FALSE(w.handler);
  CHECK(w.options == schemac::ir::FdwOptions{{"debug", "true"}});
  CHECK(w.comment == std::optional<std::string>("the wrapper"));
  const auto& s = c.db.foreign_servers.at("films");
  CHECK(s.wrapper == "remote");
  CHECK(s.type == std::optional<std::string>("pg"));
  CHECK(s.version == std::optional<std::string>("15"));
  CHECK(s.owner == std::optional<std::string>("admin"));
  CHECK(s.deps.keys == std::vector<std::string>{"fdw:remote"});
  REQUIRE(c.db.user_mappings.size() == 2);
  CHECK(c.db.user_mappings.at({"films", ""}).options == schemac::ir::FdwOptions{{"user", "reader"}});
  CHECK(c.db.user_mappings.at({"films", "Bob"}).deps.keys == std::vector<std::string>{"server:films"});
  CHECK(schemac::sql::testing::PrintTable(c.db, "app", "film") ==
        "table app.film comment=\"remote films\" owner=-\n"
        "  foreign server films options schema_name=\"public\" table_name=\"films\"\n"
        "  column code pg_catalog.bpchar(5) not null options column_name=\"film_code\" comment=-\n"
        "  column title pg_catalog.varchar(40) default 'untitled' comment=\"the title\"\n"
        "  constraint film_code_check check (code <> '') comment=-\n");
}

TEST_CASE("foreign: ALTER ... OPTIONS adds, sets and drops, ALTER SERVER VERSION, DROP", "[sql][foreign]") {
  auto c = Compile(R"(
CREATE FOREIGN DATA WRAPPER w;
ALTER FOREIGN DATA WRAPPER w OPTIONS (ADD a '1', b '2');
ALTER FOREIGN DATA WRAPPER w OPTIONS (SET a '3', DROP b);
CREATE SERVER s VERSION '1' FOREIGN DATA WRAPPER w;
ALTER SERVER s VERSION '2' OPTIONS (ADD host 'h');
CREATE SERVER gone FOREIGN DATA WRAPPER w;
DROP SERVER gone;
DROP SERVER IF EXISTS never;
CREATE FOREIGN TABLE ft (a int, b text) SERVER s;
ALTER FOREIGN TABLE ft OPTIONS (ADD table_name 'remote_ft');
ALTER FOREIGN TABLE ft ALTER COLUMN a OPTIONS (ADD column_name 'A'), ADD COLUMN c bigint OPTIONS (x 'y');
ALTER FOREIGN TABLE ft DROP COLUMN b, ALTER COLUMN c SET NOT NULL;
CREATE FOREIGN TABLE other (a int) SERVER s;
DROP FOREIGN TABLE other;
)");
  REQUIRE(c.AllMessages() == "");
  CHECK(c.db.foreign_data_wrappers.at("w").options == schemac::ir::FdwOptions{{"a", "3"}});
  CHECK(c.db.foreign_servers.at("s").version == std::optional<std::string>("2"));
  CHECK(c.db.foreign_servers.at("s").options == schemac::ir::FdwOptions{{"host", "h"}});
  CHECK(c.db.foreign_servers.count("gone") == 0);
  CHECK(c.db.tables.count({"public", "other"}) == 0);
  CHECK(schemac::sql::testing::PrintTable(c.db, "public", "ft") ==
        "table public.ft comment=- owner=-\n"
        "  foreign server s options table_name=\"remote_ft\"\n"
        "  column a pg_catalog.int4 options column_name=\"A\" comment=-\n"
        "  column c pg_catalog.int8 not null options x=\"y\" comment=-\n");
}

TEST_CASE("foreign: a user mapping's secrets are never kept", "[sql][foreign]") {
  auto c = Compile(R"(CREATE FOREIGN DATA WRAPPER w;
CREATE SERVER s FOREIGN DATA WRAPPER w;
CREATE USER MAPPING FOR alice SERVER s OPTIONS (user 'alice', password 'hunter2', sslkey '/k');
ALTER USER MAPPING FOR alice SERVER s OPTIONS (SET password 'other', ADD application 'app');
)");
  CHECK(c.db.user_mappings.at({"s", "alice"}).options ==
        schemac::ir::FdwOptions{{"application", "app"}, {"user", "alice"}});
  CHECK(c.AllMessages().find("hunter2") == std::string::npos);
  CHECK(c.AllMessages() ==
        "test.sql:3:63: warning: user mapping for \"alice\" server \"s\": option \"password\" holds a secret: schemac "
        "neither keeps nor plans it (set it outside the schema files) [compile.ignored-secret]\n"
        "test.sql:3:83: warning: user mapping for \"alice\" server \"s\": option \"sslkey\" holds a secret: schemac "
        "neither keeps nor plans it (set it outside the schema files) [compile.ignored-secret]\n"
        "test.sql:4:52: warning: user mapping for \"alice\" server \"s\": option \"password\" holds a secret: schemac "
        "neither keeps nor plans it (set it outside the schema files) [compile.ignored-secret]\n");
  CHECK(schemac::ir::IsSecretOption("PassWord"));
  CHECK(schemac::ir::IsSecretOption("api_token"));
  CHECK_FALSE(schemac::ir::IsSecretOption("user"));
}

TEST_CASE("foreign: statements defined out of order wait for what they use", "[sql][foreign]") {
  auto c = Compile(R"(CREATE FOREIGN TABLE ft (a int) SERVER s;
CREATE USER MAPPING FOR PUBLIC SERVER s;
CREATE SERVER s FOREIGN DATA WRAPPER w;
CREATE FOREIGN DATA WRAPPER w;
)");
  REQUIRE(c.AllMessages() == "");
  CHECK(c.db.tables.at({"public", "ft"}).foreign->server == "s");
  CHECK(c.db.user_mappings.size() == 1);
}

TEST_CASE("foreign: errors carry their location", "[sql][foreign]") {
  auto c = Compile(R"(CREATE FOREIGN DATA WRAPPER w;
CREATE SERVER s FOREIGN DATA WRAPPER nope;
CREATE SERVER u FOREIGN DATA WRAPPER w OPTIONS (host 'a', host 'b');
CREATE SERVER t FOREIGN DATA WRAPPER w;
CREATE FOREIGN TABLE ft (id int PRIMARY KEY, CHECK (id > 0)) SERVER t;
ALTER SERVER t OPTIONS (SET port '1');
CREATE INDEX ON ft (id);
CREATE USER MAPPING FOR CURRENT_USER SERVER t;
DROP SERVER t;
COMMENT ON TABLE ft IS 'x';
ALTER FOREIGN TABLE ft ENABLE ROW LEVEL SECURITY;
CREATE TABLE plain (id int);
ALTER FOREIGN TABLE plain OPTIONS (ADD a 'b');
)");
  const std::string m = c.AllMessages();
  INFO(m);
  CHECK(m.find("test.sql:2:1: error: server \"s\": foreign-data wrapper \"nope\" does not exist [compile.undefined]") !=
        std::string::npos);
  CHECK(m.find("test.sql:3:59: error: server \"u\": option \"host\" provided more than once [compile.duplicate]") !=
        std::string::npos);
  CHECK(m.find("test.sql:5:33: error: table \"public.ft\": primary key constraints are not supported on foreign "
               "tables [compile.invalid]") != std::string::npos);
  CHECK(m.find("test.sql:6:29: error: server \"t\": option \"port\" not found [compile.undefined]") !=
        std::string::npos);
  CHECK(m.find("test.sql:7:1: error: cannot create index on foreign table \"public.ft\" [compile.invalid]") !=
        std::string::npos);
  CHECK(m.find("test.sql:8:25: error: not yet supported: user mapping for CURRENT_USER") != std::string::npos);
  CHECK(m.find("test.sql:9:1: error: cannot drop server \"t\" because foreign table \"public.ft\" depends on it") !=
        std::string::npos);
  CHECK(m.find("test.sql:10:1: error: table \"ft\" does not exist") != std::string::npos);
  CHECK(m.find("test.sql:11:1: error: not yet supported: table \"public.ft\": ALTER FOREIGN TABLE sub-command") !=
        std::string::npos);
  CHECK(m.find("test.sql:13:1: error: table \"public.plain\" is not a foreign table [compile.invalid]") !=
        std::string::npos);
  // The CHECK is kept.
  CHECK(c.Table("public", "ft").constraints.count("ft_id_check") == 1);
}

TEST_CASE("foreign: privileges on servers and wrappers", "[sql][foreign][grant]") {
  auto c = Compile(R"(CREATE FOREIGN DATA WRAPPER w;
CREATE SERVER s FOREIGN DATA WRAPPER w;
CREATE SERVER gone FOREIGN DATA WRAPPER w;
GRANT USAGE ON FOREIGN SERVER s, gone TO bob;
GRANT ALL ON FOREIGN DATA WRAPPER w TO bob WITH GRANT OPTION;
REVOKE GRANT OPTION FOR USAGE ON FOREIGN DATA WRAPPER w FROM bob;
DROP SERVER gone;
)");
  REQUIRE(c.AllMessages() == "");
  using schemac::ir::Grant;
  using schemac::ir::PrivilegeTarget;
  CHECK(c.db.privileges.at(PrivilegeTarget{'S', "", "s", ""}) == std::vector<Grant>{{"bob", "USAGE", false}});
  CHECK(c.db.privileges.at(PrivilegeTarget{'W', "", "w", ""}) == std::vector<Grant>{{"bob", "USAGE", false}});
  CHECK(c.db.privileges.count(PrivilegeTarget{'S', "", "gone", ""}) == 0);

  auto e = Compile(R"(CREATE EXTENSION postgres_fdw;
GRANT USAGE ON FOREIGN DATA WRAPPER postgres_fdw TO bob;
GRANT SELECT ON FOREIGN SERVER nope TO bob;
)");
  CHECK(e.AllMessages().find("test.sql:2:1: error: not yet supported: GRANT on foreign-data wrapper \"postgres_fdw\" "
                             "that the files do not define (an extension's)") != std::string::npos);
  CHECK(e.AllMessages().find("test.sql:3:1: error: server \"nope\" does not exist") != std::string::npos);
}
