// `plan --online`: every recipe of docs/planning.md#online-plans (indexes built, dropped,
// redefined and rebuilt CONCURRENTLY; CHECKs and foreign keys NOT VALID then validated; NOT NULL
// through a validated CHECK; keys USING a concurrent index; partitioned tables' indexes; partitions
// attached and detached after a validated CHECK of their bound; timeouts in the plan itself),
// applied with psql both ways, each reaching its target exactly.
#include <catch2/catch.hpp>

#include <functional>

#include <pqxx/pqxx>

#include "tests/integration/plan/plan_test_util.h"

namespace {

using namespace schemac;
using namespace schemac::plantest;

// A before -> after pair planned online: the two files, and three databases: `live`, where the
// plans run, and `want` and `was`, built from the files, to compare it with by pg_dump.
struct OnlinePair {
  TempDir dir;
  testing::ScratchDatabase live, want, was;
  OnlinePair(const std::string& name, const char* before, const char* after)
      : dir("schemac-" + name), live(name + "_live"), want(name + "_want"), was(name + "_was") {
    WriteFile(dir.File("before.sql"), before);
    WriteFile(dir.File("after.sql"), after);
    testing::RunSql(live.Conninfo(), before);
    testing::RunSql(was.Conninfo(), before);
    testing::RunSql(want.Conninfo(), after);
  }

  /// Online plan options from `live` to the after file; with `strict`, classified with no
  /// small-table downgrade (so that a recipe that still blocks shows as blocking).
  cli::DiffOptions Options(bool strict = false) const {
    cli::DiffOptions options = PlanOptions({live.Conninfo()}, {dir.File("after.sql")});
    options.online = true;
    if (strict) {
      options.classify = true;
      options.small_table_rows = 0;
      options.small_table_rows_given = true;
    }
    return options;
  }

  /// Runs `out`'s forward plan with psql: `live` then dumps as `want`, and plans to nothing;
  /// then its rollback: `live` dumps as `was`, and the before file plans to nothing. `rows`
  /// checks the data after each.
  void RoundTrip(const cli::PlanOutcome& out, const cli::DiffOptions& options,
                 const std::function<void()>& rows = {}) {
    const std::string rollback = emit::RenderSql(out.plans.rollback);
    testing::RunSqlScriptWithPsql(live.Conninfo(), emit::RenderSql(out.plans.forward));
    CHECK(LineDiff(testing::DumpSchema(want.Conninfo()), testing::DumpSchema(live.Conninfo())) == "");
    CHECK(Query(live.Conninfo(), "SELECT count(*) FROM pg_index WHERE NOT indisvalid") == "0\n");
    if (rows) rows();
    cli::PlanOutcome again = cli::PlanStates(options);
    REQUIRE(again.exit_code == cli::kExitOk);
    CHECK(Forward(again) == "");
    INFO(rollback);
    testing::RunSqlScriptWithPsql(live.Conninfo(), rollback);
    CHECK(LineDiff(testing::DumpSchema(was.Conninfo()), testing::DumpSchema(live.Conninfo())) == "");
    if (rows) rows();
    cli::PlanOutcome back = cli::PlanStates(PlanOptions({live.Conninfo()}, {dir.File("before.sql")}));
    REQUIRE(back.exit_code == cli::kExitOk);
    CHECK(Forward(back) == "");
  }
};

// Where `text` is in `sql` (a failed CHECK names the text).
std::size_t At(const std::string& sql, const std::string& text) {
  std::size_t p = sql.find(text);
  INFO(text);
  CHECK(p != std::string::npos);
  return p;
}

// No step of `plan` has a blocking finding.
void CheckNothingBlocks(const emit::Plan& plan) {
  for (const emit::Segment& seg : plan.segments) {
    for (const emit::Step& step : seg.steps) {
      for (const emit::StepRisk& risk : step.risks) {
        INFO(step.change << " " << risk.rule);
        CHECK(risk.risk_class != "blocking");
      }
    }
  }
}

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
  OnlinePair pair("online", kBefore, kAfter);
  testing::RunSql(pair.live.Conninfo(), "INSERT INTO teams VALUES (1); INSERT INTO users VALUES (1, 1, 'a@x', 3), (2, NULL, 'b@x', 4)");

  cli::DiffOptions options = pair.Options();
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
  INFO(rollback);
  CHECK(rollback.find("DROP INDEX CONCURRENTLY public.users_email_key;") != std::string::npos);
  // The index built again goes out of the transaction with its comment.
  CHECK(rollback.find("CREATE INDEX CONCURRENTLY users_email_old ON public.users USING btree (email);\n-- set_comment "
                      "public.users.users_email_old\nCOMMENT ON INDEX") != std::string::npos);
  pair.RoundTrip(out, options);
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

namespace {

const char* const kKeysBefore = R"(
CREATE TABLE accounts (id int, email text, region text, score int);
CREATE INDEX accounts_score ON accounts (score);
COMMENT ON INDEX accounts_score IS 'by score';
CREATE TABLE notes (body text);
)";

const char* const kKeysAfter = R"(
CREATE TABLE accounts (id int NOT NULL PRIMARY KEY, email text NOT NULL, region text, score int,
  CONSTRAINT accounts_email_key UNIQUE (email) DEFERRABLE);
CREATE INDEX accounts_score ON accounts (score DESC) WHERE score > 0;
COMMENT ON INDEX accounts_score IS 'by score';
COMMENT ON CONSTRAINT accounts_email_key ON accounts IS 'one account per address';
CREATE TABLE notes (body text NOT NULL);
)";

}  // namespace

TEST_CASE("online plans: NOT NULL via a validated CHECK, keys USING a concurrent index, index redefinitions",
          "[plan][online]") {
  OnlinePair pair("online_keys", kKeysBefore, kKeysAfter);
  testing::RunSql(pair.live.Conninfo(),
                  "INSERT INTO accounts SELECT g, 'u' || g || '@x', 'eu', g % 7 FROM generate_series(1, 200) g; "
                  "INSERT INTO notes VALUES ('a'), ('b')");
  const cli::DiffOptions options = pair.Options(true);
  cli::PlanOutcome out = cli::PlanStates(options);
  INFO(DiagText(out));
  REQUIRE(out.exit_code == cli::kExitOk);
  const emit::Plan& plan = out.plans.forward;
  const std::string sql = emit::RenderSql(plan);
  INFO(sql);
  CheckNothingBlocks(plan);
  auto at = [&](const std::string& text) { return At(sql, text); };
  // NOT NULL: a CHECK added NOT VALID, validated later, then SET NOT NULL and the CHECK dropped.
  std::size_t check = at("ALTER TABLE public.notes ADD CONSTRAINT body_not_null CHECK (body IS NOT NULL) NOT VALID;");
  std::size_t validate = at("ALTER TABLE public.notes VALIDATE CONSTRAINT body_not_null;");
  std::size_t set = at("ALTER TABLE public.notes ALTER COLUMN body SET NOT NULL;\n"
                       "ALTER TABLE public.notes DROP CONSTRAINT body_not_null;");
  CHECK(check < validate);
  CHECK(validate < set);
  // Keys: the unique index built CONCURRENTLY, then the constraint added USING it (after the
  // NOT NULLs of its columns), its comment after it.
  std::size_t build = at("CREATE UNIQUE INDEX CONCURRENTLY accounts_pkey ON public.accounts USING btree (id);");
  std::size_t id_not_null = at("ALTER TABLE public.accounts ALTER COLUMN id SET NOT NULL;");
  std::size_t pkey = at("ALTER TABLE public.accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY USING INDEX accounts_pkey;");
  CHECK(build < pkey);
  CHECK(id_not_null < pkey);
  std::size_t unique = at("ALTER TABLE public.accounts ADD CONSTRAINT accounts_email_key UNIQUE USING INDEX "
                          "accounts_email_key DEFERRABLE;");
  CHECK(unique < at("COMMENT ON CONSTRAINT accounts_email_key ON public.accounts"));
  // The redefined index: built under another name, the old one dropped, the new one renamed.
  std::size_t build_new = at("CREATE INDEX CONCURRENTLY accounts_score_new ON public.accounts USING btree (score DESC) "
                             "WHERE score > 0;");
  std::size_t drop_old = at("DROP INDEX CONCURRENTLY public.accounts_score;");
  std::size_t rename = at("ALTER INDEX public.accounts_score_new RENAME TO accounts_score;");
  CHECK(build_new < drop_old);
  CHECK(drop_old < rename);
  CHECK(rename < at("COMMENT ON INDEX public.accounts_score IS 'by score';"));
  // The last transactions: one per table.
  REQUIRE(plan.segments.size() >= 2);
  const emit::Segment& last = plan.segments.back();
  const emit::Segment& before_last = plan.segments[plan.segments.size() - 2];
  CHECK(last.transactional);
  CHECK(before_last.transactional);
  CHECK(last.steps.front().object.name != before_last.steps.front().object.name);
  pair.RoundTrip(out, options, [&] { CHECK(Query(pair.live.Conninfo(), "SELECT count(*) FROM accounts") == "200\n"); });
}

TEST_CASE("online plans: a NULL left in the column fails the validation, before NOT NULL is set", "[plan][online]") {
  TempDir dir("schemac-online-null");
  WriteFile(dir.File("after.sql"), "CREATE TABLE notes (body text NOT NULL);");
  testing::ScratchDatabase live("online_null");
  testing::RunSql(live.Conninfo(), "CREATE TABLE notes (body text); INSERT INTO notes VALUES ('a'), (NULL);");
  cli::DiffOptions options = PlanOptions({live.Conninfo()}, {dir.File("after.sql")});
  options.online = true;
  cli::PlanOutcome out = cli::PlanStates(options);
  REQUIRE(out.exit_code == cli::kExitOk);
  const std::string sql = emit::RenderSql(out.plans.forward);
  INFO(sql);
  CHECK_THROWS(testing::RunSqlScriptWithPsql(live.Conninfo(), sql));
  // The CHECK was committed NOT VALID; the column is still nullable.
  CHECK(Query(live.Conninfo(), "SELECT attnotnull FROM pg_attribute WHERE attrelid = 'notes'::regclass AND "
                               "attname = 'body'") == "f\n");
  CHECK(Query(live.Conninfo(), "SELECT convalidated FROM pg_constraint WHERE conname = 'body_not_null'") == "f\n");
}

namespace {

const char* const kPartitionsBefore = R"(
CREATE TABLE m (k int NOT NULL, v text) PARTITION BY RANGE (k);
CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10);
CREATE TABLE m2 (k int NOT NULL, v text);
CREATE TABLE l (c text, v int) PARTITION BY LIST (c);
CREATE TABLE l1 PARTITION OF l FOR VALUES IN ('a', 'b');
CREATE TABLE l2 (c text, v int);
CREATE TABLE h (k int) PARTITION BY HASH (k);
CREATE TABLE h0 (k int);
)";

const char* const kPartitionsAfter = R"(
CREATE TABLE m (k int NOT NULL, v text) PARTITION BY RANGE (k);
CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (5);
CREATE TABLE m2 PARTITION OF m FOR VALUES FROM (10) TO (MAXVALUE);
CREATE TABLE l (c text, v int) PARTITION BY LIST (c);
CREATE TABLE l1 PARTITION OF l FOR VALUES IN ('a', 'b', NULL);
CREATE TABLE l2 PARTITION OF l FOR VALUES IN ('it''s', 'x');
CREATE TABLE h (k int) PARTITION BY HASH (k);
CREATE TABLE h0 PARTITION OF h FOR VALUES WITH (MODULUS 1, REMAINDER 0);
)";

}  // namespace

TEST_CASE("online plans: partitions attached after a validated CHECK of their bound, which spares the scan",
          "[plan][online]") {
  OnlinePair pair("online_attach", kPartitionsBefore, kPartitionsAfter);
  const std::string& live = pair.live.Conninfo();
  testing::RunSql(live,
                  "INSERT INTO m VALUES (1, 'a'), (2, 'b'); INSERT INTO m2 VALUES (11, 'c'); "
                  "INSERT INTO l VALUES ('a', 1); INSERT INTO l2 VALUES ('x', 2), ('it''s', 3); INSERT INTO h0 VALUES (1)");
  cli::DiffOptions options = pair.Options();
  options.classify = true;
  cli::PlanOutcome out = cli::PlanStates(options);
  INFO(DiagText(out));
  REQUIRE(out.exit_code == cli::kExitOk);
  const std::string sql = emit::RenderSql(out.plans.forward);
  INFO(sql);
  auto at = [&](const std::string& text) { return At(sql, text); };
  std::size_t check = at("ALTER TABLE public.m2 ADD CONSTRAINT m2_bound CHECK (k IS NOT NULL AND k >= 10) NOT VALID;");
  at("ALTER TABLE public.m1 ADD CONSTRAINT m1_bound CHECK (k IS NOT NULL AND k >= 0 AND k < 5) NOT VALID;");
  at("ALTER TABLE public.l1 ADD CONSTRAINT l1_bound CHECK (c IS NULL OR c = ANY (ARRAY['a', 'b'])) NOT VALID;");
  at("ALTER TABLE public.l2 ADD CONSTRAINT l2_bound CHECK (c IS NOT NULL AND c = ANY (ARRAY['it''s', 'x'])) NOT VALID;");
  std::size_t validate = at("ALTER TABLE public.m2 VALIDATE CONSTRAINT m2_bound;");
  std::size_t attach = at("ALTER TABLE public.m ATTACH PARTITION public.m2 FOR VALUES FROM (10) TO (MAXVALUE);");
  std::size_t drop = at("ALTER TABLE public.m2 DROP CONSTRAINT m2_bound;");
  CHECK(check < validate);
  CHECK(validate < attach);
  CHECK(attach < drop);
  // HASH bounds have no such CHECK: the plain attach, with its finding.
  CHECK(sql.find("h0_bound") == std::string::npos);
  for (const emit::Segment& seg : out.plans.forward.segments) {
    for (const emit::Step& step : seg.steps) {
      for (const emit::StepRisk& risk : step.risks) {
        if (risk.rule == "MG501") CHECK(step.object.name == "h0");
      }
    }
  }

  // Each attached table is scanned once, by its VALIDATE: ATTACH finds the bound implied.
  auto scans = [&](const char* table) {
    return std::stoll(Query(live, std::string("SELECT seq_scan FROM pg_stat_user_tables WHERE relname = '") + table + "'"));
  };
  const long long m2_before = scans("m2"), l2_before = scans("l2");
  int calls = 0;
  pair.RoundTrip(out, options, [&] {
    const bool after_forward = calls++ == 0;
    if (after_forward) {
      CHECK(scans("m2") == m2_before + 1);
      CHECK(scans("l2") == l2_before + 1);
    }
    CHECK(Query(live, "SELECT count(*) FROM m") == (after_forward ? "3\n" : "2\n"));
    CHECK(Query(live, "SELECT count(*) FROM l") == (after_forward ? "3\n" : "1\n"));
  });
}

TEST_CASE("online plans: an index or key of a partitioned table: ON ONLY the parent, built concurrently on each "
          "partition, attached",
          "[plan][online]") {
  const char* before = R"(
CREATE TABLE m (k int NOT NULL, v text) PARTITION BY RANGE (k);
CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10);
CREATE TABLE m2 PARTITION OF m FOR VALUES FROM (10) TO (20);
CREATE TABLE m3 PARTITION OF m FOR VALUES FROM (20) TO (40) PARTITION BY RANGE (k);
CREATE TABLE m3a PARTITION OF m3 FOR VALUES FROM (20) TO (40);
)";
  const char* after = R"(
CREATE TABLE m (k int NOT NULL, v text, PRIMARY KEY (k)) PARTITION BY RANGE (k);
CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10);
CREATE TABLE m2 PARTITION OF m FOR VALUES FROM (10) TO (20);
CREATE TABLE m3 PARTITION OF m FOR VALUES FROM (20) TO (40) PARTITION BY RANGE (k);
CREATE TABLE m3a PARTITION OF m3 FOR VALUES FROM (20) TO (40);
CREATE INDEX m_v ON m (v);
COMMENT ON INDEX m_v IS 'by v';
)";
  OnlinePair pair("online_parted", before, after);
  testing::RunSql(pair.live.Conninfo(), "INSERT INTO m SELECT g, 'v' || g FROM generate_series(0, 29) g");
  const cli::DiffOptions options = pair.Options(true);
  cli::PlanOutcome out = cli::PlanStates(options);
  INFO(DiagText(out));
  REQUIRE(out.exit_code == cli::kExitOk);
  const std::string sql = emit::RenderSql(out.plans.forward);
  INFO(sql);
  CheckNothingBlocks(out.plans.forward);
  auto at = [&](const std::string& text) { return At(sql, text); };
  std::size_t parent = at("CREATE INDEX m_v ON ONLY public.m USING btree (v);");
  std::size_t build = at("CREATE INDEX CONCURRENTLY m1_v_idx ON public.m1 USING btree (v);");
  std::size_t attach = at("ALTER INDEX public.m_v ATTACH PARTITION public.m1_v_idx;");
  CHECK(parent < build);
  CHECK(build < attach);
  std::size_t key_build = at("CREATE UNIQUE INDEX CONCURRENTLY m2_pkey ON public.m2 USING btree (k);");
  std::size_t key = at("ALTER TABLE public.m2 ADD CONSTRAINT m2_pkey PRIMARY KEY USING INDEX m2_pkey;");
  std::size_t key_attach = at("ALTER INDEX public.m_pkey ATTACH PARTITION public.m2_pkey;");
  CHECK(at("ALTER TABLE ONLY public.m ADD CONSTRAINT m_pkey PRIMARY KEY (k);") < key_build);
  CHECK(key_build < key);
  CHECK(key < key_attach);
  // Two levels: the middle table's index ON ONLY it and attached to the top's in the main
  // transaction, the leaf's built concurrently and attached to the middle's.
  CHECK(at("CREATE INDEX m3_v_idx ON ONLY public.m3 USING btree (v);") < build);
  std::size_t leaf_build = at("CREATE INDEX CONCURRENTLY m3a_v_idx ON public.m3a USING btree (v);");
  CHECK(leaf_build < at("ALTER INDEX public.m3_v_idx ATTACH PARTITION public.m3a_v_idx;"));
  pair.RoundTrip(out, options, [&] { CHECK(Query(pair.live.Conninfo(), "SELECT count(*) FROM m") == "30\n"); });
}

TEST_CASE("an index the database holds invalid (a failed concurrent build) is rebuilt: REINDEX, CONCURRENTLY online",
          "[plan][online]") {
  TempDir dir("schemac-reindex");
  const char* schema = "CREATE TABLE t (id int, email text);\nCREATE UNIQUE INDEX t_email ON t (email);\n";
  WriteFile(dir.File("schema.sql"), schema);
  testing::ScratchDatabase live("reindex_live"), want("reindex_want");
  testing::RunSql(want.Conninfo(), schema);
  testing::RunSql(live.Conninfo(), "CREATE TABLE t (id int, email text); INSERT INTO t VALUES (1, 'a'), (2, 'a');");
  // The build fails on the duplicate and leaves the index behind, invalid.
  CHECK_THROWS(testing::RunSqlScriptWithPsql(live.Conninfo(), "CREATE UNIQUE INDEX CONCURRENTLY t_email ON t (email);"));
  testing::RunSql(live.Conninfo(), "DELETE FROM t WHERE id = 2");
  REQUIRE(Query(live.Conninfo(), "SELECT count(*) FROM pg_index WHERE NOT indisvalid") == "1\n");

  for (bool online : {false, true}) {
    cli::DiffOptions options = PlanOptions({live.Conninfo()}, {dir.File("schema.sql")});
    options.online = online;
    cli::PlanOutcome out = cli::PlanStates(options);
    INFO(DiagText(out));
    REQUIRE(out.exit_code == cli::kExitOk);
    const std::string sql = emit::RenderSql(out.plans.forward);
    INFO(sql);
    CHECK(sql.find(online ? "REINDEX INDEX CONCURRENTLY public.t_email;" : "BEGIN;\n-- reindex_index public.t.t_email\n") !=
          std::string::npos);
    // Nothing in the rollback: no statement makes an index invalid again.
    CHECK(out.plans.rollback.empty());
  }
  cli::DiffOptions options = PlanOptions({live.Conninfo()}, {dir.File("schema.sql")});
  options.online = true;
  testing::RunSqlScriptWithPsql(live.Conninfo(), emit::RenderSql(cli::PlanStates(options).plans.forward));
  CHECK(Query(live.Conninfo(), "SELECT count(*) FROM pg_index WHERE NOT indisvalid") == "0\n");
  CHECK(LineDiff(testing::DumpSchema(want.Conninfo()), testing::DumpSchema(live.Conninfo())) == "");
  cli::PlanOutcome again = cli::PlanStates(PlanOptions({live.Conninfo()}, {dir.File("schema.sql")}));
  REQUIRE(again.exit_code == cli::kExitOk);
  CHECK(Forward(again) == "");
}

TEST_CASE("online plans: a partition detached for good: DETACH CONCURRENTLY after a validated CHECK of its bound, "
          "so that PostgreSQL adds none",
          "[plan][online]") {
  const char* before = R"(
CREATE TABLE m (k int NOT NULL, v text) PARTITION BY RANGE (k);
CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10);
CREATE TABLE m2 PARTITION OF m FOR VALUES FROM (10) TO (20);
CREATE TABLE d (k int) PARTITION BY LIST (k);
CREATE TABLE d1 PARTITION OF d FOR VALUES IN (1);
CREATE TABLE d_other PARTITION OF d DEFAULT;
)";
  const char* after = R"(
CREATE TABLE m (k int NOT NULL, v text) PARTITION BY RANGE (k);
CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10);
CREATE TABLE m2 (k int NOT NULL, v text);
CREATE TABLE d (k int) PARTITION BY LIST (k);
CREATE TABLE d1 (k int);
CREATE TABLE d_other PARTITION OF d DEFAULT;
)";
  OnlinePair pair("online_detach", before, after);
  testing::RunSql(pair.live.Conninfo(),
                  "INSERT INTO m SELECT g, 'v' FROM generate_series(0, 19) g; INSERT INTO d VALUES (1), (2)");
  const cli::DiffOptions options = pair.Options();
  cli::PlanOutcome out = cli::PlanStates(options);
  INFO(DiagText(out));
  REQUIRE(out.exit_code == cli::kExitOk);
  const std::string sql = emit::RenderSql(out.plans.forward);
  INFO(sql);
  auto at = [&](const std::string& text) { return At(sql, text); };
  std::size_t check = at("ALTER TABLE public.m2 ADD CONSTRAINT m2_bound CHECK (k IS NOT NULL AND k >= 10 AND k < 20) NOT VALID;");
  std::size_t validate = at("ALTER TABLE public.m2 VALIDATE CONSTRAINT m2_bound;");
  std::size_t detach = at("ALTER TABLE public.m DETACH PARTITION public.m2 CONCURRENTLY;");
  std::size_t drop = at("ALTER TABLE IF EXISTS public.m2 DROP CONSTRAINT IF EXISTS m2_bound;");
  CHECK(check < validate);
  CHECK(validate < detach);
  CHECK(detach < drop);
  // Not with a DEFAULT partition, which PostgreSQL forbids: the plain detach.
  at("ALTER TABLE public.d DETACH PARTITION public.d1;");
  CHECK(sql.find("d1_bound") == std::string::npos);
  pair.RoundTrip(out, options, [&] { CHECK(Query(pair.live.Conninfo(), "SELECT count(*) FROM m2") == "10\n"); });
}

TEST_CASE("a partition left pending detach by an interrupted DETACH CONCURRENTLY stops planning, naming FINALIZE",
          "[plan][online]") {
  testing::ScratchDatabase live("detach_pending");
  testing::RunSql(live.Conninfo(), "CREATE TABLE m (k int) PARTITION BY RANGE (k); "
                                   "CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10);");
  {
    // A reader's open transaction makes the detach's second phase wait, until its lock_timeout.
    pqxx::connection reader(live.Conninfo());
    pqxx::work read(reader);
    read.exec("SELECT count(*) FROM m1");
    pqxx::connection ddl(live.Conninfo());
    pqxx::nontransaction session(ddl);
    session.exec("SET lock_timeout = '300ms'");
    CHECK_THROWS(session.exec("ALTER TABLE m DETACH PARTITION m1 CONCURRENTLY"));
    read.commit();
  }
  REQUIRE(Query(live.Conninfo(), "SELECT inhdetachpending FROM pg_inherits") == "t\n");
  TempDir dir("schemac-detach-pending");
  WriteFile(dir.File("schema.sql"), "CREATE TABLE m (k int) PARTITION BY RANGE (k);\nCREATE TABLE m1 (k int);\n");
  cli::PlanOutcome out = cli::PlanStates(PlanOptions({live.Conninfo()}, {dir.File("schema.sql")}));
  CHECK(out.exit_code != cli::kExitOk);
  CHECK(DiagText(out).find("partition public.m1 is pending detach from public.m") != std::string::npos);
  CHECK(DiagText(out).find("ALTER TABLE public.m DETACH PARTITION public.m1 FINALIZE") != std::string::npos);
}

TEST_CASE("online plans: renames run before the concurrent drops that name the new names", "[plan][online][rename]") {
  // The renamed index is then redefined around a type change of its column: its drop leaves the
  // main transaction for the concurrent drops, which used to run before the rename.
  OnlinePair pair("online_rename", "CREATE TABLE t (a int, b int);\nCREATE INDEX x_idx ON t (a);\n",
                  "CREATE TABLE t (a bigint, b int);\n-- schemac:renamed-from x_idx\n"
                  "CREATE INDEX y_idx ON t (a) WHERE a > 0;\n");
  const cli::DiffOptions options = pair.Options();
  cli::PlanOutcome out = cli::PlanStates(options);
  INFO(DiagText(out));
  REQUIRE(out.exit_code == cli::kExitOk);
  const std::string sql = emit::RenderSql(out.plans.forward);
  INFO(sql);
  CHECK(At(sql, "ALTER INDEX public.x_idx RENAME TO y_idx;") < At(sql, "DROP INDEX CONCURRENTLY public.y_idx;"));
  CHECK(out.plans.forward.segments.front().transactional);
  pair.RoundTrip(out, options);
}
