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
