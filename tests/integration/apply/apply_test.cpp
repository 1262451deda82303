// `schemac apply` and `schemac history` against PostgreSQL: the run lock, the policy, timeouts and
// retries, failures, cancellation, an interrupted concurrent build resumed, and verification.
// Every test checks the database by dump or introspection afterwards.
#include <catch2/catch.hpp>

#include <memory>

#include <nlohmann/json.hpp>

#include "compiler/catalog/session.h"
#include "tests/integration/apply/apply_test_util.h"

namespace {

using namespace schemac;
using namespace schemac::applytest;

// A database to migrate, and a directory for the desired-state files.
struct Fixture {
  TempDir dir;
  testing::ScratchDatabase db;
  explicit Fixture(const std::string& name) : dir("schemac-" + name), db(name) {}

  std::string File(const std::string& name, const std::string& text) const {
    WriteFile(dir.File(name), text);
    return dir.File(name);
  }
  /// `schemac apply --db <db> --dev-db <test server> <file> args...`
  std::vector<std::string> Apply(const std::string& file, std::vector<std::string> args = {}) const {
    std::vector<std::string> out = {"apply", "--db", db.Conninfo(), "--dev-db", testing::TestConninfo(), file};
    out.insert(out.end(), args.begin(), args.end());
    return out;
  }
  /// The managed state's dump (schemac's own schema left out).
  std::string Dump() const { return testing::DumpSchema(db.Conninfo(), "schemac"); }
  /// A session holding a lock on public.t in `mode`, in an open transaction (ROLLBACK releases it).
  std::unique_ptr<catalog::Session> HoldLock(const std::string& mode) const {
    auto session = std::make_unique<catalog::Session>(db.Conninfo());
    session->Execute("BEGIN");
    session->Execute("LOCK TABLE public.t IN " + mode + " MODE");
    return session;
  }
};

const char* kV1 = "CREATE TABLE public.t (id integer PRIMARY KEY, v text);\n";
const char* kV2 =
    "CREATE TABLE public.t (id integer PRIMARY KEY, v text, note text DEFAULT 'n');\n"
    "CREATE INDEX t_v ON public.t (v);\n";

TEST_CASE("apply migrates, verifies and records each run, and a second apply has nothing to do", "[apply]") {
  Fixture f("apply_basic");
  std::string v1 = f.File("v1.sql", kV1), v2 = f.File("v2.sql", kV2);
  RunResult first = RunSchemac(f.Apply(v1));
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  testing::RunSql(f.db.Conninfo(), "INSERT INTO t VALUES (1, 'a'), (2, 'b')");

  RunResult second = RunSchemac(f.Apply(v2));
  INFO(second.err);
  REQUIRE(second.exit_code == 0);
  CHECK_THAT(second.err, Catch::Contains("applied 2 step(s) (history run 2)"));
  testing::ScratchDatabase want("apply_basic_want");
  testing::RunSql(want.Conninfo(), kV2);
  CHECK(LineDiff(testing::DumpSchema(want.Conninfo()), f.Dump()) == "");
  CHECK(Query(f.db.Conninfo(), "SELECT string_agg(id || v || note, ',' ORDER BY id) FROM t") == "1an,2bn\n");

  RunResult again = RunSchemac(f.Apply(v2));
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.err, Catch::Contains("nothing to do"));
  CHECK(Runs(f.db.Conninfo()) == "1|apply|applied\n2|apply|applied\n3|apply|no_changes\n");
  // The schema schemac owns is no part of the managed state.
  CHECK(RunSchemac({"plan", "--db", f.db.Conninfo(), "--dev-db", testing::TestConninfo(), "--exit-code", v2})
            .exit_code == 0);

  RunResult history = RunSchemac({"history", "--db", f.db.Conninfo(), "--format", "json", "--id", "2"});
  REQUIRE(history.exit_code == 0);
  nlohmann::json j = nlohmann::json::parse(history.out);
  REQUIRE(j["runs"].size() == 1);
  const nlohmann::json& run = j["runs"][0];
  CHECK(run["status"] == "applied");
  CHECK(run["db_user"] == Query(f.db.Conninfo(), "SELECT current_user").substr(0, run["db_user"].get<std::string>().size()));
  CHECK_THAT(run["forward_sql"].get<std::string>(), Catch::Contains("ADD COLUMN note"));
  CHECK_THAT(run["rollback_sql"].get<std::string>(), Catch::Contains("DROP COLUMN note"));
  REQUIRE(run["steps"].size() == 2);
  for (const auto& step : run["steps"]) {
    CHECK(step["status"] == "done");
    CHECK(step["seconds"].is_number());
  }
  RunResult text = RunSchemac({"history", "--db", f.db.Conninfo()});
  CHECK_THAT(text.out, Catch::Contains("no_changes"));
}

TEST_CASE("apply refuses a step outside --allow, and --dry-run rehearses and changes nothing", "[apply]") {
  Fixture f("apply_policy");
  std::string v2 = f.File("v2.sql", kV2), v1 = f.File("v1.sql", kV1);
  REQUIRE(RunSchemac(f.Apply(v2)).exit_code == 0);
  testing::RunSql(f.db.Conninfo(), "INSERT INTO t VALUES (1, 'a', 'x')");
  const std::string before = f.Dump();

  // v1 drops the column `note`: data loss.
  RunResult refused = RunSchemac(f.Apply(v1));
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.err, Catch::Contains("drop_column public.t.note") && Catch::Contains("[class data-loss]"));
  CHECK(f.Dump() == before);
  CHECK(Runs(f.db.Conninfo()) == "1|apply|applied\n2|apply|refused\n");

  RunResult dry = RunSchemac(f.Apply(v1, {"--allow", "safe,locks,data-loss", "--dry-run"}));
  INFO(dry.err);
  CHECK(dry.exit_code == 0);
  CHECK_THAT(dry.err, Catch::Contains("dry run: step 1 (drop_index public.t.t_v): rehearsed"));
  CHECK_THAT(dry.err, Catch::Contains("dry run: step 2 (drop_column public.t.note): rehearsed"));
  CHECK_THAT(dry.err, Catch::Contains("AccessExclusiveLock on public.t"));
  CHECK(f.Dump() == before);
  CHECK(Query(f.db.Conninfo(), "SELECT note FROM t") == "x\n");
  CHECK(Runs(f.db.Conninfo()) == "1|apply|applied\n2|apply|refused\n");  // a dry run is not recorded

  RunResult allowed = RunSchemac(f.Apply(v1, {"--allow", "safe,locks,data-loss"}));
  INFO(allowed.err);
  CHECK(allowed.exit_code == 0);
  CHECK(Query(f.db.Conninfo(), "SELECT count(*) FROM information_schema.columns WHERE table_name = 't'") == "2\n");
}

TEST_CASE("apply rejects bad options before connecting", "[apply]") {
  Fixture f("apply_usage");
  std::string v1 = f.File("v1.sql", kV1);
  CHECK(RunSchemac(f.Apply(v1, {"--lock-timeout", "2 seconds"})).exit_code == 2);
  CHECK(RunSchemac(f.Apply(v1, {"--allow", "safe,reckless"})).exit_code == 2);
  CHECK(RunSchemac({"apply", "--db", "not-a-dsn", v1}).exit_code == 2);
  RunResult missing = RunSchemac(f.Apply(f.dir.File("missing.sql")));
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::Contains("missing.sql"));
  CHECK(Query(f.db.Conninfo(), "SELECT count(*) FROM pg_namespace WHERE nspname = 'schemac'") == "0\n");
}

TEST_CASE("a failing statement rolls the whole transaction back and names its step", "[apply]") {
  Fixture f("apply_failing");
  std::string v1 = f.File("v1.sql", kV1);
  REQUIRE(RunSchemac(f.Apply(v1)).exit_code == 0);
  testing::RunSql(f.db.Conninfo(), "INSERT INTO t VALUES (1, 'same'), (2, 'same')");
  const std::string before = f.Dump();
  std::string unique = f.File("unique.sql",
                              "CREATE TABLE public.t (id integer PRIMARY KEY, v text, extra integer, "
                              "CONSTRAINT t_v_key UNIQUE (v));\n");
  RunResult r = RunSchemac(f.Apply(unique, {"--allow", "safe,locks,blocking"}));
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.err, Catch::Contains("public.t.t_v_key") && Catch::Contains("23505") &&
                        Catch::Contains("its transaction rolled back"));
  CHECK(f.Dump() == before);
  CHECK(Runs(f.db.Conninfo()) == "1|apply|applied\n2|apply|failed\n");
  CHECK(Query(f.db.Conninfo(), "SELECT string_agg(status, ',' ORDER BY step) FROM schemac.history_step WHERE run_id = 2") ==
        "rolled_back,failed\n");
}

TEST_CASE("lock_timeout: bounded retries, then exit 3 with nothing changed", "[apply]") {
  Fixture f("apply_lock_timeout");
  std::string v1 = f.File("v1.sql", kV1), v2 = f.File("v2.sql", kV2);
  REQUIRE(RunSchemac(f.Apply(v1)).exit_code == 0);
  const std::string before = f.Dump();
  // 0.3 s per wait, 3 waits, backoff 0.5 + 1 s between: a bound of 2.4 s per transaction.
  const std::vector<std::string> options = {"--lock-timeout", "300ms", "--retries", "2"};

  SECTION("a reader holds ACCESS SHARE: the ALTER's transaction is retried") {
    std::unique_ptr<catalog::Session> holder_session = f.HoldLock("ACCESS SHARE");
    catalog::Session& holder = *holder_session;
    auto start = std::chrono::steady_clock::now();
    RunResult r = RunSchemac(f.Apply(v2, options));
    double seconds = Elapsed(start);
    INFO(r.err);
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("retry 1/2 of the transaction") && Catch::Contains("retry 2/2") &&
                          Catch::Contains("55P03"));
    CHECK(seconds < 2.4 + 20);  // the bound, plus planning
    CHECK(Runs(f.db.Conninfo()) == "1|apply|applied\n2|apply|failed\n");
    holder.Execute("ROLLBACK");
  }
  SECTION("an ALTER holds ACCESS EXCLUSIVE: introspection itself is retried") {
    std::unique_ptr<catalog::Session> holder_session = f.HoldLock("ACCESS EXCLUSIVE");
    catalog::Session& holder = *holder_session;
    RunResult r = RunSchemac(f.Apply(v2, options));
    INFO(r.err);
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("introspection: lock_timeout 300ms reached; retry 2/2"));
    CHECK_THAT(r.err, Catch::Contains("(pid " + std::to_string(holder.BackendPid()) + ")"));
    holder.Execute("ROLLBACK");
    CHECK(Runs(f.db.Conninfo()) == "1|apply|applied\n");
  }
  CHECK(f.Dump() == before);
}

TEST_CASE("two applies started together while a conflicting lock is held: exactly one applies", "[apply]") {
  Fixture f("apply_two");
  std::string v1 = f.File("v1.sql", kV1), v2 = f.File("v2.sql", kV2);
  REQUIRE(RunSchemac(f.Apply(v1)).exit_code == 0);
  std::unique_ptr<catalog::Session> holder_session = f.HoldLock("ACCESS SHARE");
  catalog::Session& holder = *holder_session;
  const std::vector<std::string> options = {"--lock-timeout", "500ms", "--retries", "8"};
  Background a(f.dir, "a", f.Apply(v2, options));
  Background b(f.dir, "b", f.Apply(v2, options));
  // One of them waits for the table lock, the other for the run lock.
  REQUIRE(WaitUntil(f.db.Conninfo(), SchemacWaitsForLock()));
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  holder.Execute("ROLLBACK");
  RunResult ra = a.Wait(), rb = b.Wait();
  INFO(ra.err);
  INFO(rb.err);
  CHECK(ra.exit_code == 0);
  CHECK(rb.exit_code == 0);
  CHECK(Query(f.db.Conninfo(), "SELECT string_agg(status, ',' ORDER BY status) FROM schemac.history WHERE id > 1") ==
        "applied,no_changes\n");
  CHECK(Query(f.db.Conninfo(), "SELECT count(*) FROM schemac.history_step WHERE status = 'done'") == "3\n");
}

TEST_CASE("a second apply waits for the run lock, then exits 3 naming the holder", "[apply]") {
  Fixture f("apply_busy");
  std::string v1 = f.File("v1.sql", kV1);
  catalog::Session holder(f.db.Conninfo());
  holder.Execute("SET application_name = 'other-migrator'");
  holder.Query("SELECT pg_advisory_lock(29539, 2)");
  RunResult r = RunSchemac(f.Apply(v1, {"--lock-wait", "1s"}));
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.err, Catch::Contains("pid " + std::to_string(holder.BackendPid())) &&
                        Catch::Contains("other-migrator"));
  CHECK(Query(f.db.Conninfo(), "SELECT count(*) FROM pg_class WHERE relname = 't'") == "0\n");

  // Released within --lock-wait: the waiting apply runs, whatever its --statement-timeout.
  Background waiting(f.dir, "waiting", f.Apply(v1, {"--lock-wait", "60s", "--statement-timeout", "1s"}));
  REQUIRE(WaitUntil(f.db.Conninfo(), SchemacWaitsForLock()));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  holder.Query("SELECT pg_advisory_unlock(29539, 2)");
  RunResult r2 = waiting.Wait();
  INFO(r2.err);
  CHECK(r2.exit_code == 0);
  CHECK(Query(f.db.Conninfo(), "SELECT count(*) FROM pg_class WHERE relname = 't'") == "1\n");
}

TEST_CASE("the backend terminated mid-transaction: nothing committed, the failure recorded, a rerun succeeds",
          "[apply]") {
  Fixture f("apply_terminated");
  std::string v1 = f.File("v1.sql", kV1), v2 = f.File("v2.sql", kV2);
  REQUIRE(RunSchemac(f.Apply(v1)).exit_code == 0);
  const std::string before = f.Dump();
  std::unique_ptr<catalog::Session> holder_session = f.HoldLock("ACCESS SHARE");
  catalog::Session& holder = *holder_session;
  Background run(f.dir, "run", f.Apply(v2, {"--lock-timeout", "30s"}));
  REQUIRE(WaitUntil(f.db.Conninfo(), SchemacWaitsForLock()));
  testing::QueryValue(f.db.Conninfo(),
                      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND "
                      "application_name = 'schemac' AND wait_event_type = 'Lock'");
  RunResult r = run.Wait();
  INFO(r.err);
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.err, Catch::Contains("connection was lost"));
  holder.Execute("ROLLBACK");
  CHECK(f.Dump() == before);
  CHECK(Runs(f.db.Conninfo()) == "1|apply|applied\n2|apply|failed\n");
  RunResult rerun = RunSchemac(f.Apply(v2));
  INFO(rerun.err);
  CHECK(rerun.exit_code == 0);
  CHECK(Runs(f.db.Conninfo()) == "1|apply|applied\n2|apply|failed\n3|apply|applied\n");
}

TEST_CASE("SIGTERM cancels the running statement, rolls back and records the run as cancelled", "[apply]") {
  Fixture f("apply_cancel");
  std::string v1 = f.File("v1.sql", kV1), v2 = f.File("v2.sql", kV2);
  REQUIRE(RunSchemac(f.Apply(v1)).exit_code == 0);
  const std::string before = f.Dump();
  std::unique_ptr<catalog::Session> holder_session = f.HoldLock("ACCESS SHARE");
  catalog::Session& holder = *holder_session;
  Background run(f.dir, "run", f.Apply(v2, {"--lock-timeout", "60s", "--report", f.dir.File("report.json")}));
  REQUIRE(WaitUntil(f.db.Conninfo(), SchemacWaitsForLock()));
  auto start = std::chrono::steady_clock::now();
  run.Signal(SIGTERM);
  RunResult r = run.Wait();
  INFO(r.err);
  CHECK(r.exit_code == 3);
  CHECK(Elapsed(start) < 30);  // far less than the 60 s lock_timeout it was waiting under
  holder.Execute("ROLLBACK");
  CHECK(f.Dump() == before);
  CHECK(Runs(f.db.Conninfo()) == "1|apply|applied\n2|apply|cancelled\n");
  nlohmann::json report = nlohmann::json::parse(ReadFile(f.dir.File("report.json")));
  CHECK(report["status"] == "cancelled");
  CHECK(report["exit_code"] == 3);
  // The run lock went with it.
  CHECK(RunSchemac(f.Apply(v2, {"--lock-wait", "5s"})).exit_code == 0);
}

TEST_CASE("SIGKILL during a concurrent index build, then --resume finishes the migration", "[apply]") {
  Fixture f("apply_resume");
  std::string v1 = f.File("v1.sql", kV1);
  std::string v2 = f.File("v2.sql", "CREATE TABLE public.t (id integer PRIMARY KEY, v text);\n"
                                    "CREATE INDEX t_v ON public.t (v);\n");
  REQUIRE(RunSchemac(f.Apply(v1)).exit_code == 0);
  testing::RunSql(f.db.Conninfo(),
                  "INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 2000000) g; ANALYZE t");
  Background run(f.dir, "run", f.Apply(v2, {"--online", "--allow", "safe,locks,blocking"}));
  REQUIRE(WaitUntil(f.db.Conninfo(),
                    "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE datname = current_database() AND "
                    "application_name = 'schemac' AND query LIKE 'CREATE INDEX CONCURRENTLY%' AND state = 'active')"));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  run.Signal(SIGKILL);
  RunResult killed = run.Wait();
  REQUIRE(killed.exit_code == -SIGKILL);
  // The build had created its index, invalid until it finishes; the server stops it within
  // client_connection_check_interval (1 s) of the client's death, well before it could finish.
  CHECK(Query(f.db.Conninfo(), "SELECT count(*) FROM pg_index WHERE NOT indisvalid") == "1\n");
  CHECK(Query(f.db.Conninfo(), "SELECT status FROM schemac.history_step WHERE run_id = 2") == "running\n");

  // Without --resume, apply refuses to start over an interrupted run.
  RunResult refused = RunSchemac(f.Apply(v2, {"--online", "--lock-wait", "30s"}));
  INFO(refused.err);
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.err, Catch::Contains("--resume"));

  RunResult resumed = RunSchemac(f.Apply(v2, {"--online", "--resume", "--lock-wait", "30s", "--allow", "safe,locks,blocking"}));
  INFO(resumed.err);
  CHECK(resumed.exit_code == 0);
  CHECK(Query(f.db.Conninfo(), "SELECT count(*) FROM pg_index WHERE NOT indisvalid") == "0\n");
  CHECK(RunSchemac({"plan", "--db", f.db.Conninfo(), "--dev-db", testing::TestConninfo(), "--exit-code", v2})
            .exit_code == 0);
  // The invalid index was rebuilt, not built a second time beside it.
  CHECK_THAT(Query(f.db.Conninfo(), "SELECT forward_sql FROM schemac.history WHERE id = 3"),
             Catch::Contains("REINDEX INDEX CONCURRENTLY public.t_v;"));
  CHECK(Query(f.db.Conninfo(),
              "SELECT string_agg(id || ':' || status || ':' || COALESCE(resumes::text, '-') || ':' || "
              "COALESCE(resumed_by::text, '-'), ',' ORDER BY id) FROM schemac.history WHERE id > 1") ==
        "2:resumed:-:3,3:applied:2:-\n");
}

TEST_CASE("a one-transaction plan is verified before COMMIT: a mismatch commits nothing", "[apply]") {
  Fixture f("apply_verify");
  // An event trigger the desired state holds comments every new table: the database then differs
  // from the files, and the verification inside the transaction sees it.
  const std::string base =
      "CREATE FUNCTION public.sneaky() RETURNS event_trigger LANGUAGE plpgsql AS $$\n"
      "DECLARE o record;\n"
      "BEGIN\n"
      "  FOR o IN SELECT * FROM pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE TABLE' LOOP\n"
      "    EXECUTE 'COMMENT ON TABLE ' || o.object_identity || ' IS ''sneaky''';\n"
      "  END LOOP;\n"
      "END $$;\n"
      "CREATE EVENT TRIGGER sneaky ON ddl_command_end WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION public.sneaky();\n";
  std::string v1 = f.File("v1.sql", base);
  std::string v2 = f.File("v2.sql", base + kV1);
  RunResult first = RunSchemac(f.Apply(v1));
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  const std::string before = f.Dump();
  RunResult r = RunSchemac(f.Apply(v2));
  INFO(r.err);
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.err, Catch::Contains("still differs") && Catch::Contains("COMMENT ON TABLE"));
  CHECK(f.Dump() == before);
  CHECK(Runs(f.db.Conninfo()) == "1|apply|applied\n2|apply|failed\n");
}

}  // namespace

namespace {

TEST_CASE("apply --plan runs a reviewed plan only on the state it was made for", "[apply]") {
  Fixture f("apply_plan_file");
  std::string v1 = f.File("v1.sql", kV1), v2 = f.File("v2.sql", kV2);
  REQUIRE(RunSchemac(f.Apply(v1)).exit_code == 0);
  const std::string plan = f.dir.File("plan.json");
  REQUIRE(RunSchemac({"plan", "--db", f.db.Conninfo(), "--dev-db", testing::TestConninfo(), v2, "--format", "json",
                      "-o", plan})
              .exit_code == 0);
  const std::string before = f.Dump();

  // The database changes after the plan was made: the plan is stale.
  testing::RunSql(f.db.Conninfo(), "CREATE TABLE public.extra (id integer)");
  RunResult stale = RunSchemac({"apply", "--db", f.db.Conninfo(), "--dev-db", testing::TestConninfo(), "--plan", plan});
  CHECK(stale.exit_code == 1);
  CHECK_THAT(stale.err, Catch::Contains("stale plan"));
  testing::RunSql(f.db.Conninfo(), "DROP TABLE public.extra");
  CHECK(f.Dump() == before);

  // Unchanged again: it runs, and is verified against the files it was made from.
  RunResult ok = RunSchemac({"apply", "--db", f.db.Conninfo(), "--dev-db", testing::TestConninfo(), "--plan", plan});
  INFO(ok.err);
  CHECK(ok.exit_code == 0);
  CHECK(Query(f.db.Conninfo(), "SELECT target FROM schemac.history ORDER BY id DESC LIMIT 1") == plan + "\n");
  CHECK(RunSchemac({"plan", "--db", f.db.Conninfo(), "--dev-db", testing::TestConninfo(), "--exit-code", v2})
            .exit_code == 0);

  WriteFile(f.dir.File("bad.json"), "{\"format\": \"something else\"}");
  RunResult bad = RunSchemac({"apply", "--db", f.db.Conninfo(), "--plan", f.dir.File("bad.json")});
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("bad.json") && Catch::Contains("schemac.plan/1"));
}

TEST_CASE("rollback runs the recorded rollback with the same safeguards, only from the state the run left",
          "[apply]") {
  Fixture f("apply_rollback");
  std::string v1 = f.File("v1.sql", kV1), v2 = f.File("v2.sql", kV2);
  REQUIRE(RunSchemac(f.Apply(v1)).exit_code == 0);
  testing::RunSql(f.db.Conninfo(), "INSERT INTO t VALUES (1, 'a')");
  const std::string was = f.Dump();
  REQUIRE(RunSchemac(f.Apply(v2)).exit_code == 0);
  const std::string is = f.Dump();

  // Undoing ADD COLUMN drops it: data loss, refused by default.
  RunResult refused = RunSchemac({"rollback", "--db", f.db.Conninfo()});
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.err, Catch::Contains("[class data-loss]"));
  CHECK(f.Dump() == is);

  // A change by hand since: the recorded rollback no longer fits.
  testing::RunSql(f.db.Conninfo(), "CREATE INDEX by_hand ON t (note)");
  RunResult stale = RunSchemac({"rollback", "--db", f.db.Conninfo(), "--allow", "safe,locks,data-loss"});
  CHECK(stale.exit_code == 1);
  CHECK_THAT(stale.err, Catch::Contains("no longer in the state run 2 left"));
  testing::RunSql(f.db.Conninfo(), "DROP INDEX by_hand");

  RunResult undone = RunSchemac({"rollback", "--db", f.db.Conninfo(), "--allow", "safe,locks,data-loss"});
  INFO(undone.err);
  CHECK(undone.exit_code == 0);
  CHECK(testing::WithoutColumnOrder(f.Dump()) == testing::WithoutColumnOrder(was));
  CHECK(Query(f.db.Conninfo(), "SELECT string_agg(id || v, ',') FROM t") == "1a\n");
  CHECK(Query(f.db.Conninfo(), "SELECT rolls_back FROM schemac.history WHERE kind = 'rollback' ORDER BY id") ==
        "2\n2\n");
  CHECK(Query(f.db.Conninfo(), "SELECT string_agg(status, ',' ORDER BY id) FROM schemac.history") ==
        "applied,rolled_back,refused,applied\n");
  CHECK(RunSchemac({"plan", "--db", f.db.Conninfo(), "--dev-db", testing::TestConninfo(), "--exit-code", v1})
            .exit_code == 0);
  // --to names a run that is not applied: refused.
  CHECK(RunSchemac({"rollback", "--db", f.db.Conninfo(), "--to", "2"}).exit_code == 1);
}

}  // namespace

namespace {

TEST_CASE("apply --backup saves the tables that data-loss steps touch, and the saved data restores", "[apply]") {
  Fixture f("apply_backup");
  std::string v2 = f.File("v2.sql", kV2 + std::string("CREATE TABLE public.gone (k integer, w text);\n"));
  std::string v1 = f.File("v1.sql", kV1);
  REQUIRE(RunSchemac(f.Apply(v2)).exit_code == 0);
  testing::RunSql(f.db.Conninfo(), "INSERT INTO t VALUES (1, 'a', 'keep me'); INSERT INTO gone VALUES (7, 'seven')");
  const std::string dir = f.dir.File("backups");
  RunResult r = RunSchemac(f.Apply(v1, {"--allow", "safe,locks,data-loss", "--backup", dir}));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string path = Query(f.db.Conninfo(), "SELECT backup FROM schemac.history WHERE id = 2");
  CHECK(path == dir + "/schemac-run-2.dump\n");
  CHECK_THAT(r.err, Catch::Contains("saved 2 table(s)"));
  CHECK(Query(f.db.Conninfo(), "SELECT count(*) FROM pg_class WHERE relname = 'gone'") == "0\n");

  testing::ScratchDatabase restored("apply_backup_restored");
  catalog::ProcessResult p = catalog::RunProcess({catalog::EmbeddedCluster::FindBinDir() + "/pg_restore", "--no-owner",
                                                  "-d", restored.Conninfo(), dir + "/schemac-run-2.dump"});
  INFO(p.err);
  REQUIRE(p.Ok());
  CHECK(Query(restored.Conninfo(), "SELECT note FROM public.t") == "keep me\n");
  CHECK(Query(restored.Conninfo(), "SELECT k || w FROM public.gone") == "7seven\n");
}

}  // namespace

namespace {

TEST_CASE("a transaction too large for the lock table is refused, and --batch splits it", "[apply]") {
  Fixture f("apply_batch");
  // 1100 tables with a key: about 6600 lock-table entries, above the 64 x 100 of a default server.
  std::string sql;
  for (int i = 0; i < 1100; ++i) sql += "CREATE TABLE public.t" + std::to_string(i) + " (id integer PRIMARY KEY, v text);\n";
  std::string big = f.File("big.sql", sql);
  const std::string capacity = Query(f.db.Conninfo(),
                                     "SELECT current_setting('max_locks_per_transaction')::int * "
                                     "(current_setting('max_connections')::int + "
                                     "current_setting('max_prepared_transactions')::int)");
  REQUIRE(std::stoi(capacity) < 6600);
  RunResult refused = RunSchemac(f.Apply(big));
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.err, Catch::Contains("lock-table entries") && Catch::Contains("--batch"));
  CHECK(Query(f.db.Conninfo(), "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == "0\n");

  RunResult batched = RunSchemac(f.Apply(big, {"--batch"}));
  INFO(batched.err);
  CHECK(batched.exit_code == 0);
  CHECK_THAT(batched.err, Catch::Contains("Atomicity is lost"));
  CHECK(Query(f.db.Conninfo(), "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == "1100\n");
  CHECK(Query(f.db.Conninfo(), "SELECT max(segment) > 1 FROM schemac.history_step WHERE run_id = 2") == "t\n");
}

}  // namespace

namespace {

TEST_CASE("apply --backup saves a partitioned table with the partitions that hold its rows", "[apply]") {
  Fixture f("apply_backup_partitioned");
  const std::string parts =
      "CREATE TABLE public.p (k integer NOT NULL, w text) PARTITION BY RANGE (k);\n"
      "CREATE TABLE public.p1 PARTITION OF public.p FOR VALUES FROM (0) TO (100);\n";
  std::string with = f.File("with.sql", parts);
  std::string without = f.File("without.sql",
                                "CREATE TABLE public.p (k integer NOT NULL) PARTITION BY RANGE (k);\n"
                                "CREATE TABLE public.p1 PARTITION OF public.p FOR VALUES FROM (0) TO (100);\n");
  REQUIRE(RunSchemac(f.Apply(with)).exit_code == 0);
  testing::RunSql(f.db.Conninfo(), "INSERT INTO p VALUES (5, 'five')");
  const std::string dir = f.dir.File("backups");
  RunResult r = RunSchemac(f.Apply(without, {"--allow", "safe,locks,data-loss", "--backup", dir}));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  testing::ScratchDatabase restored("apply_backup_partitioned_restored");
  catalog::ProcessResult p = catalog::RunProcess({catalog::EmbeddedCluster::FindBinDir() + "/pg_restore", "--no-owner",
                                                  "-d", restored.Conninfo(), dir + "/schemac-run-2.dump"});
  INFO(p.err);
  REQUIRE(p.Ok());
  CHECK(Query(restored.Conninfo(), "SELECT k || w FROM public.p") == "5five\n");
}

}  // namespace
