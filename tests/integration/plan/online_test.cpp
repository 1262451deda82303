// `plan --online`: indexes of existing tables built and dropped CONCURRENTLY outside any
// transaction, CHECKs and foreign keys added NOT VALID then validated in a later transaction,
// timeouts in the plan itself; applied with psql both ways, each reaching its target exactly.
#include <catch2/catch.hpp>

#include "tests/integration/plan/plan_test_util.h"

namespace {

using namespace schemac;
using namespace schemac::plantest;

const char* const kBefore = R"(
CREATE TABLE teams (id int PRIMARY KEY);
CREATE TABLE users (id int PRIMARY KEY, team_id int, email text, age int);
CREATE INDEX users_email_old ON users (email);
COMMENT ON INDEX users_email_old IS 'by email';
)";

const char* const kAfter = R"(
CREATE TABLE teams (id int PRIMARY KEY);
CREATE TABLE users (id int PRIMARY KEY, team_id int REFERENCES teams (id), email text, age int,
  CONSTRAINT age_ok CHECK (age >= 0));
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE TABLE fresh (id int PRIMARY KEY, x int CHECK (x > 0));
CREATE INDEX fresh_x ON fresh (x);
)";

}  // namespace

TEST_CASE("online plans: CONCURRENTLY, NOT VALID then VALIDATE, timeouts, and both ways reach their targets",
          "[plan][online]") {
  TempDir dir("schemac-online");
  WriteFile(dir.File("before.sql"), kBefore);
  WriteFile(dir.File("after.sql"), kAfter);
  testing::ScratchDatabase live("online_live"), want("online_want"), was("online_was");
  testing::RunSql(live.Conninfo(), kBefore);
  testing::RunSql(was.Conninfo(), kBefore);
  testing::RunSql(want.Conninfo(), kAfter);
  testing::RunSql(live.Conninfo(), "INSERT INTO teams VALUES (1); INSERT INTO users VALUES (1, 1, 'a@x', 3), (2, NULL, 'b@x', 4)");

  cli::DiffOptions options = PlanOptions({live.Conninfo()}, {dir.File("after.sql")});
  options.online = true;
  options.statement_timeout = "1min";
  cli::PlanOutcome out = cli::PlanStates(options);
  INFO(DiagText(out));
  REQUIRE(out.exit_code == cli::kExitOk);
  const emit::Plan& plan = out.plans.forward;
  const std::string sql = emit::RenderSql(plan);
  INFO(sql);
  // Segments: the concurrent drop alone first, the main transaction, the concurrent build, the validations.
  REQUIRE(plan.segments.size() == 4);
  CHECK_FALSE(plan.segments[0].transactional);
  CHECK(plan.segments[1].transactional);
  CHECK_FALSE(plan.segments[2].transactional);
  CHECK(plan.segments[3].transactional);
  CHECK(sql.find("DROP INDEX CONCURRENTLY public.users_email_old;") != std::string::npos);
  CHECK(sql.find("CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON public.users") != std::string::npos);
  // The new table's index is built with it, in the transaction: nobody waits on a new table.
  CHECK(sql.find("CREATE INDEX fresh_x ON public.fresh") != std::string::npos);
  CHECK(sql.find("ADD CONSTRAINT age_ok CHECK (age >= 0) NOT VALID;") != std::string::npos);
  CHECK(sql.find("FOREIGN KEY (team_id) REFERENCES public.teams (id) NOT VALID;") != std::string::npos);
  CHECK(sql.find("ALTER TABLE public.users VALIDATE CONSTRAINT age_ok;") > sql.find("CREATE UNIQUE INDEX CONCURRENTLY"));
  CHECK(sql.find("ALTER TABLE public.users VALIDATE CONSTRAINT users_team_id_fkey;") != std::string::npos);
  // Timeouts: in each transaction; none on the builds and validations.
  CHECK(sql.find("BEGIN;\nSET LOCAL lock_timeout = '2s';\nSET LOCAL statement_timeout = '1min';\n") != std::string::npos);
  CHECK(sql.find("SET lock_timeout = '2s';\nSET statement_timeout = 0;\n-- drop_index") != std::string::npos);
  CHECK(sql.find("BEGIN;\nSET LOCAL lock_timeout = '2s';\nSET LOCAL statement_timeout = 0;\n-- validate_constraint") !=
        std::string::npos);
  // With the plan's own lock_timeout, the risk rules do not ask for one.
  options.classify = true;
  cli::PlanOutcome classified = cli::PlanStates(options);
  REQUIRE(classified.exit_code == cli::kExitOk);
  for (const emit::Segment& seg : classified.plans.forward.segments) {
    for (const emit::Step& step : seg.steps) {
      for (const std::string& f : step.findings) CHECK(f.rfind("MG701", 0) != 0);
    }
  }

  const std::string rollback = emit::RenderSql(out.plans.rollback);
  testing::RunSqlScriptWithPsql(live.Conninfo(), sql);
  CHECK(LineDiff(testing::DumpSchema(want.Conninfo()), testing::DumpSchema(live.Conninfo())) == "");
  CHECK(Query(live.Conninfo(), "SELECT count(*) FROM pg_index WHERE NOT indisvalid") == "0\n");
  {
    cli::PlanOutcome again = cli::PlanStates(options);
    REQUIRE(again.exit_code == cli::kExitOk);
    CHECK(Forward(again) == "");
  }
  INFO(rollback);
  CHECK(rollback.find("DROP INDEX CONCURRENTLY public.users_email_key;") != std::string::npos);
  // The index built again goes out of the transaction with its comment.
  CHECK(rollback.find("CREATE INDEX CONCURRENTLY users_email_old ON public.users USING btree (email);\n-- set_comment "
                      "public.users.users_email_old\nCOMMENT ON INDEX") != std::string::npos);
  testing::RunSqlScriptWithPsql(live.Conninfo(), rollback);
  CHECK(LineDiff(testing::DumpSchema(was.Conninfo()), testing::DumpSchema(live.Conninfo())) == "");
  cli::PlanOutcome back = cli::PlanStates(PlanOptions({live.Conninfo()}, {dir.File("before.sql")}));
  REQUIRE(back.exit_code == cli::kExitOk);
  CHECK(Forward(back) == "");
}

TEST_CASE("online plans: [plan] online = true in schemac.toml, as --online", "[plan][online]") {
  TempDir dir("schemac-online-config");
  WriteFile(dir.File("after.sql"), kAfter);
  WriteFile(dir.File("schemac.toml"), "[plan]\nonline = true\n");
  testing::ScratchDatabase live("online_config");
  testing::RunSql(live.Conninfo(), kBefore);
  RunResult r = RunSchemac({"plan", "--db", live.Conninfo(), "--dev-db", testing::TestConninfo(), "--config",
                            dir.File("schemac.toml"), dir.File("after.sql")});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("CREATE UNIQUE INDEX CONCURRENTLY users_email_key") != std::string::npos);
  RunResult plain = RunSchemac({"plan", "--db", live.Conninfo(), "--dev-db", testing::TestConninfo(), dir.File("after.sql")});
  REQUIRE(plain.exit_code == 0);
  CHECK(plain.out.find("\nCREATE UNIQUE INDEX users_email_key") != std::string::npos);
  CHECK(plain.out.find("\nCREATE UNIQUE INDEX CONCURRENTLY") == std::string::npos);
}
