// GRANT / REVOKE against PostgreSQL: the catalog front end reads what the SQL front end builds
// (the owner's own privileges aside, defaults left out), plans that grant, revoke and change grant
// options round-trip, a rebuilt view gets its privileges back, and a role missing on the server is
// an error before anything runs.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "tests/integration/plan/plan_test_util.h"

using namespace schemac;
using namespace schemac::plantest;

namespace {

// Roles are global to the server: created once, tolerant of a concurrent test creating them.
void EnsureRoles(const std::string& conninfo) {
  for (const char* role : {"schemac_reader", "Schemac Writer"}) {
    testing::RunSql(conninfo, fmt::format("DO $$BEGIN CREATE ROLE \"{}\" NOLOGIN; "
                                          "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END$$;",
                                          role));
  }
}

const char* const kA = R"sql(
CREATE SCHEMA app;
CREATE TABLE app.t (id int PRIMARY KEY, name text, secret text);
CREATE VIEW app.v AS SELECT t.id, t.name FROM app.t;
CREATE SEQUENCE app.s;
CREATE FUNCTION app.f(a int) RETURNS int LANGUAGE sql AS 'SELECT a';
CREATE TYPE app.mood AS ENUM ('a', 'b');
GRANT USAGE ON SCHEMA app TO schemac_reader;
GRANT SELECT, INSERT ON app.t TO schemac_reader;
GRANT SELECT (name), UPDATE (name) ON app.t TO "Schemac Writer";
GRANT SELECT ON app.v TO PUBLIC;
GRANT USAGE ON SEQUENCE app.s TO schemac_reader WITH GRANT OPTION;
REVOKE EXECUTE ON FUNCTION app.f(int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.f(int) TO schemac_reader;
REVOKE USAGE ON TYPE app.mood FROM PUBLIC;
GRANT ALL ON TABLE app.t TO "Schemac Writer";
)sql";

const char* const kB = R"sql(
CREATE SCHEMA app;
CREATE TABLE app.t (id int PRIMARY KEY, name text, secret text);
CREATE VIEW app.v AS SELECT t.id FROM app.t;
CREATE SEQUENCE app.s;
CREATE FUNCTION app.f(a int) RETURNS int LANGUAGE sql AS 'SELECT a';
CREATE TYPE app.mood AS ENUM ('a', 'b');
GRANT USAGE, CREATE ON SCHEMA app TO schemac_reader;
GRANT SELECT ON app.t TO schemac_reader WITH GRANT OPTION;
GRANT SELECT (name, secret) ON app.t TO "Schemac Writer";
GRANT SELECT ON app.v TO PUBLIC;
GRANT USAGE ON SEQUENCE app.s TO schemac_reader;
GRANT EXECUTE ON FUNCTION app.f(int) TO schemac_reader;
GRANT ALL ON TABLE app.t TO "Schemac Writer";
REVOKE TRUNCATE ON app.t FROM "Schemac Writer";
GRANT USAGE ON TYPE app.mood TO schemac_reader;
)sql";

}  // namespace

TEST_CASE("privileges: the files plan to nothing against the database they built", "[plan][privilege]") {
  testing::ScratchDatabase db("priv_same");
  EnsureRoles(db.Conninfo());
  testing::RunSql(db.Conninfo(), kA);
  TempDir dir("priv_same");
  WriteFile(dir.File("schema.sql"), kA);
  cli::PlanOutcome same = cli::PlanStates(PlanOptions({db.Conninfo()}, {dir.path()}));
  INFO(DiagText(same));
  REQUIRE(same.exit_code == cli::kExitOk);
  CHECK(Forward(same) == "");
  // The catalog front end leaves the owner's privileges and the defaults out.
  CHECK(Query(db.Conninfo(), "SELECT count(*) FROM pg_catalog.pg_class WHERE relname = 't' AND relacl IS NOT NULL") ==
        "1\n");
}

TEST_CASE("privileges: grants, revokes and grant options round-trip, a rebuilt view gets its grants back",
          "[plan][privilege]") {
  testing::ScratchDatabase live("priv_live");
  EnsureRoles(live.Conninfo());
  testing::RunSql(live.Conninfo(), kA);
  TempDir bdir("priv_b");
  WriteFile(bdir.File("schema.sql"), kB);
  TempDir adir("priv_a");
  WriteFile(adir.File("schema.sql"), kA);
  cli::PlanOutcome forward = cli::PlanStates(PlanOptions({live.Conninfo()}, {bdir.path()}));
  INFO(DiagText(forward));
  REQUIRE(forward.exit_code == cli::kExitOk);
  const std::string sql = Forward(forward);
  INFO(sql);
  CHECK(sql.find("REVOKE TRUNCATE ON TABLE app.t FROM \"Schemac Writer\";") != std::string::npos);
  CHECK(sql.find("GRANT SELECT ON TABLE app.t TO schemac_reader WITH GRANT OPTION;") != std::string::npos);
  CHECK(sql.find("GRANT SELECT (secret) ON TABLE app.t TO \"Schemac Writer\";") != std::string::npos);
  CHECK(sql.find("GRANT EXECUTE ON FUNCTION app.f(integer) TO PUBLIC;") != std::string::npos);
  // The view loses a column, so it is dropped and created: its PUBLIC grant is given again.
  CHECK(sql.find("DROP VIEW app.v;") != std::string::npos);
  CHECK(sql.find("GRANT SELECT ON TABLE app.v TO PUBLIC;") != std::string::npos);
  testing::RunSqlScriptWithPsql(live.Conninfo(), sql);
  cli::PlanOutcome again = cli::PlanStates(PlanOptions({live.Conninfo()}, {bdir.path()}));
  INFO(DiagText(again));
  CHECK(Forward(again) == "");
  CHECK(Query(live.Conninfo(), "SELECT has_table_privilege('public', 'app.v', 'SELECT')") == "t\n");

  testing::RunSqlScriptWithPsql(live.Conninfo(), emit::RenderSql(forward.plans.rollback));
  cli::PlanOutcome back = cli::PlanStates(PlanOptions({live.Conninfo()}, {adir.path()}));
  INFO(DiagText(back));
  CHECK(Forward(back) == "");
}

TEST_CASE("privileges: a role missing on the server is an error naming the object and the role",
          "[plan][privilege]") {
  testing::ScratchDatabase live("priv_role");
  TempDir dir("priv_role");
  WriteFile(dir.File("schema.sql"), "CREATE TABLE t (a int);\nGRANT SELECT ON t TO schemac_no_such_role;\n");
  cli::PlanOutcome out = cli::PlanStates(PlanOptions({live.Conninfo()}, {dir.path()}));
  CHECK(out.exit_code == cli::kExitInvalid);
  CHECK(DiagText(out).find("error: privileges on table public.t: role \"schemac_no_such_role\" does not exist on the "
                           "server (schemac does not create roles)") != std::string::npos);
  CHECK(out.plans.forward.empty());
}

namespace {

// Default privileges: global, per schema, for another role, on every kind; objects created before
// and after them; an identity column whose sequence gets the sequence defaults.
const char* const kDefaultsB = R"sql(
CREATE SCHEMA app;
CREATE TABLE app.early (a int);
CREATE FUNCTION app.early_f() RETURNS int LANGUAGE sql AS 'SELECT 1';
ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO schemac_reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT INSERT ON TABLES TO "Schemac Writer" WITH GRANT OPTION;
ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT USAGE ON SEQUENCES TO schemac_reader;
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
ALTER DEFAULT PRIVILEGES GRANT EXECUTE ON FUNCTIONS TO schemac_reader;
ALTER DEFAULT PRIVILEGES REVOKE USAGE ON TYPES FROM PUBLIC;
ALTER DEFAULT PRIVILEGES GRANT USAGE ON SCHEMAS TO schemac_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE schemac_reader IN SCHEMA app GRANT SELECT ON TABLES TO "Schemac Writer";
CREATE TABLE app.t (id int GENERATED ALWAYS AS IDENTITY, n serial, b text);
CREATE SEQUENCE app.s;
CREATE VIEW app.v AS SELECT t.id FROM app.t;
CREATE FUNCTION app.f(a int) RETURNS int LANGUAGE sql AS 'SELECT a';
CREATE TYPE app.mood AS ENUM ('a', 'b');
CREATE SCHEMA extra;
CREATE TABLE public.p (a int);
REVOKE SELECT ON app.v FROM schemac_reader;
GRANT USAGE ON TYPE app.mood TO PUBLIC;
)sql";

const char* const kDefaultsA = R"sql(
CREATE SCHEMA app;
CREATE TABLE app.early (a int);
CREATE FUNCTION app.early_f() RETURNS int LANGUAGE sql AS 'SELECT 1';
ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT, UPDATE ON TABLES TO schemac_reader;
ALTER DEFAULT PRIVILEGES GRANT USAGE ON TYPES TO schemac_reader;
CREATE TABLE app.t (id int GENERATED ALWAYS AS IDENTITY, n serial, b text);
CREATE TYPE app.mood AS ENUM ('a', 'b');
)sql";

}  // namespace

TEST_CASE("default privileges: the files plan to nothing against the database they built", "[plan][privilege]") {
  for (const char* schema : {kDefaultsA, kDefaultsB}) {
    testing::ScratchDatabase db("adp_same");
    EnsureRoles(db.Conninfo());
    testing::RunSql(db.Conninfo(), schema);
    TempDir dir("adp_same");
    WriteFile(dir.File("schema.sql"), schema);
    cli::PlanOutcome same = cli::PlanStates(PlanOptions({db.Conninfo()}, {dir.path()}));
    INFO(schema);
    INFO(DiagText(same));
    REQUIRE(same.exit_code == cli::kExitOk);
    CHECK(Forward(same) == "");
    CHECK(emit::RenderSql(same.plans.rollback) == "");
  }
  // What the database holds: the objects created after the defaults got them.
  testing::ScratchDatabase db("adp_check");
  EnsureRoles(db.Conninfo());
  testing::RunSql(db.Conninfo(), kDefaultsB);
  CHECK(Query(db.Conninfo(), "SELECT has_table_privilege('schemac_reader', 'app.t', 'SELECT'), "
                             "has_table_privilege('schemac_reader', 'app.early', 'SELECT'), "
                             "has_function_privilege('public', 'app.f(int)', 'EXECUTE'), "
                             "has_function_privilege('public', 'app.early_f()', 'EXECUTE')") == "t|f|f|t\n");
}

TEST_CASE("default privileges: plans change them first, created objects start from them, both ways",
          "[plan][privilege]") {
  // From an empty database, and from A, to B and back.
  for (const char* start : {"", kDefaultsA}) {
    testing::ScratchDatabase live("adp_live");
    EnsureRoles(live.Conninfo());
    if (*start) testing::RunSql(live.Conninfo(), start);
    TempDir bdir("adp_b");
    WriteFile(bdir.File("schema.sql"), kDefaultsB);
    TempDir adir("adp_a");
    WriteFile(adir.File("schema.sql"), *start ? start : "");
    cli::PlanOutcome forward = cli::PlanStates(PlanOptions({live.Conninfo()}, {bdir.path()}));
    INFO(DiagText(forward));
    REQUIRE(forward.exit_code == cli::kExitOk);
    const std::string sql = Forward(forward);
    INFO(sql);
    CHECK(sql.find("ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO schemac_reader;") != std::string::npos);
    CHECK(sql.find("ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;") != std::string::npos);
    CHECK(sql.find("ALTER DEFAULT PRIVILEGES FOR ROLE schemac_reader IN SCHEMA app GRANT SELECT ON TABLES TO "
                   "\"Schemac Writer\";") != std::string::npos);
    // Default privileges change before anything is created.
    CHECK(sql.find("ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES") < sql.find("CREATE TABLE public.p"));
    // The view gets SELECT from the defaults and the files revoke it.
    CHECK(sql.find("REVOKE SELECT ON TABLE app.v FROM schemac_reader;") != std::string::npos);
    testing::RunSqlScriptWithPsql(live.Conninfo(), sql);
    cli::PlanOutcome again = cli::PlanStates(PlanOptions({live.Conninfo()}, {bdir.path()}));
    INFO(DiagText(again));
    CHECK(again.exit_code == cli::kExitOk);
    CHECK(Forward(again) == "");
    CHECK(Query(live.Conninfo(), "SELECT has_table_privilege('schemac_reader', 'app.early', 'SELECT'), "
                                 "has_sequence_privilege('schemac_reader', 'app.s', 'USAGE')") == "f|t\n");

    const std::string rollback = emit::RenderSql(forward.plans.rollback);
    INFO(rollback);
    testing::RunSqlScriptWithPsql(live.Conninfo(), rollback);
    cli::PlanOutcome back = cli::PlanStates(PlanOptions({live.Conninfo()}, {adir.path()}));
    INFO(DiagText(back));
    CHECK(back.exit_code == cli::kExitOk);
    CHECK(Forward(back) == "");
    CHECK(Query(live.Conninfo(), "SELECT count(*) FROM pg_catalog.pg_default_acl") == (*start ? "2\n" : "0\n"));
  }
}

TEST_CASE("default privileges: a role missing on the server is an error", "[plan][privilege]") {
  testing::ScratchDatabase live("adp_role");
  TempDir dir("adp_role");
  WriteFile(dir.File("schema.sql"),
            "ALTER DEFAULT PRIVILEGES FOR ROLE schemac_no_such_owner GRANT SELECT ON TABLES TO PUBLIC;\n");
  cli::PlanOutcome out = cli::PlanStates(PlanOptions({live.Conninfo()}, {dir.path()}));
  CHECK(out.exit_code == cli::kExitInvalid);
  CHECK(DiagText(out).find("error: default privileges on tables for role schemac_no_such_owner: role "
                           "\"schemac_no_such_owner\" does not exist on the server") != std::string::npos);
  CHECK(out.plans.forward.empty());
}

TEST_CASE("default privileges: pg_dump output (FOR ROLE the connecting role) plans to nothing",
          "[plan][privilege]") {
  testing::ScratchDatabase db("adp_dump");
  EnsureRoles(db.Conninfo());
  // Without the identity column: pg_dump grants on its sequence what the defaults gave it, and
  // privileges on an identity sequence are not modelled (an error in the files).
  std::string schema = kDefaultsB;
  const std::string identity = "id int GENERATED ALWAYS AS IDENTITY, ";
  REQUIRE(schema.find(identity) != std::string::npos);
  schema.replace(schema.find(identity), identity.size(), "id int, ");
  testing::RunSql(db.Conninfo(), schema);
  const std::string dump = PgDumpSchemaOnly(db.Conninfo());
  INFO(dump);
  REQUIRE(dump.find("ALTER DEFAULT PRIVILEGES FOR ROLE") != std::string::npos);
  TempDir dir("adp_dump");
  WriteFile(dir.File("dump.sql"), dump);
  cli::PlanOutcome same = cli::PlanStates(PlanOptions({db.Conninfo()}, {dir.path()}));
  INFO(DiagText(same));
  REQUIRE(same.exit_code == cli::kExitOk);
  CHECK(Forward(same) == "");
}
