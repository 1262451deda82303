// Size-aware risk: blocking findings weighed by the planner's estimates of the tables they touch,
// and downgraded to `locks` below --small-table-rows, in plans and in lint --db.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "cli/plan_risk.h"
#include "tests/integration/plan/plan_test_util.h"

namespace {

using namespace schemac;
using namespace schemac::plantest;

const char* const kTables =
    "CREATE TABLE big (id int PRIMARY KEY, v int);"
    "CREATE TABLE small (id int PRIMARY KEY, v int);"
    "CREATE TABLE fresh (id int PRIMARY KEY, v int);"
    "CREATE TABLE parted (id int, v int) PARTITION BY RANGE (id);"
    "CREATE TABLE parted_1 PARTITION OF parted FOR VALUES FROM (0) TO (15000);"
    "CREATE TABLE parted_2 PARTITION OF parted FOR VALUES FROM (15000) TO (100000);"
    "INSERT INTO big SELECT g, g FROM generate_series(1, 20000) g;"
    "INSERT INTO small SELECT g, g FROM generate_series(1, 10) g;"
    "INSERT INTO parted SELECT g, g FROM generate_series(1, 30000) g;"
    "ANALYZE big; ANALYZE small; ANALYZE parted_1; ANALYZE parted_2;";

const char* const kWanted =
    "CREATE TABLE big (id int PRIMARY KEY, v bigint);\n"
    "CREATE TABLE small (id int PRIMARY KEY, v bigint);\n"
    "CREATE TABLE fresh (id int PRIMARY KEY, v bigint);\n"
    "CREATE TABLE parted (id int, v bigint) PARTITION BY RANGE (id);\n"
    "CREATE TABLE parted_1 PARTITION OF parted FOR VALUES FROM (0) TO (15000);\n"
    "CREATE TABLE parted_2 PARTITION OF parted FOR VALUES FROM (15000) TO (100000);\n";

// The MG306 risk of the step changing `table`.v.
const emit::StepRisk* Rewrite(const emit::Plan& plan, const std::string& table) {
  for (const emit::Segment& seg : plan.segments) {
    for (const emit::Step& step : seg.steps) {
      if (step.object.name != table) continue;
      for (const emit::StepRisk& r : step.risks) {
        if (r.rule == "MG306") return &r;
      }
    }
  }
  return nullptr;
}

}  // namespace

TEST_CASE("size-aware risk: a blocking step is weighed by its table's estimated rows and bytes", "[plan][size]") {
  testing::ScratchDatabase db("size_risk");
  testing::RunSql(db.Conninfo(), kTables);
  TempDir dir("size-risk");
  WriteFile(dir.File("want.sql"), kWanted);
  cli::DiffOptions options = PlanOptions({db.Conninfo()}, {dir.File("want.sql")});
  options.classify = true;
  cli::PlanOutcome out = cli::PlanStates(options);
  INFO(DiagText(out));
  REQUIRE(out.exit_code == cli::kExitOk);
  const std::string sql = cli::RiskSummary(out.plans.forward) + "\n" + emit::RenderSql(out.plans.forward);
  INFO(sql);

  const emit::StepRisk* big = Rewrite(out.plans.forward, "big");
  REQUIRE(big != nullptr);
  CHECK(big->risk_class == "blocking");
  CHECK(big->table == "public.big");
  REQUIRE(big->rows.has_value());
  CHECK(*big->rows == 20000);  // ANALYZE reads every row of a table this small
  const int64_t pages = std::stoll(Query(db.Conninfo(), "SELECT relpages FROM pg_class WHERE relname = 'big'"));
  CHECK(*big->bytes == pages * 8192);
  CHECK(sql.find("public.big holds ~20 k rows (") != std::string::npos);

  const emit::StepRisk* small = Rewrite(out.plans.forward, "small");
  REQUIRE(small != nullptr);
  CHECK(small->risk_class == "locks");
  CHECK(*small->rows == 10);
  CHECK(sql.find("public.small holds ~10 rows (~8 kB) (fewer than 10000 rows: counted as locks)") != std::string::npos);

  // Never analyzed, no page, no live row: empty.
  const emit::StepRisk* fresh = Rewrite(out.plans.forward, "fresh");
  REQUIRE(fresh != nullptr);
  CHECK(fresh->risk_class == "locks");
  CHECK(*fresh->rows == 0);
  CHECK(sql.find("public.fresh is empty") != std::string::npos);

  // A partitioned table counts the rows of its partitions.
  const emit::StepRisk* parted = Rewrite(out.plans.forward, "parted");
  REQUIRE(parted != nullptr);
  CHECK(*parted->rows == 30000);
  CHECK(parted->risk_class == "blocking");

  // The summary orders the blocking steps by their cost, largest first.
  CHECK(sql.find("risk: blocking steps by estimated cost: step ") != std::string::npos);
  CHECK(sql.find("on public.parted (~30 k rows), step ") != std::string::npos);
  CHECK(sql.find("on public.parted (~30 k rows)") < sql.find("on public.big (~20 k rows)"));

  // A lower threshold keeps the small table's step blocking.
  options.small_table_rows = 5;
  cli::PlanOutcome strict = cli::PlanStates(options);
  REQUIRE(strict.exit_code == cli::kExitOk);
  CHECK(Rewrite(strict.plans.forward, "small")->risk_class == "blocking");
  CHECK(Rewrite(strict.plans.forward, "fresh")->risk_class == "locks");
}

TEST_CASE("size-aware risk: lint --db weighs its findings the same way, in JSON too", "[plan][size][lint]") {
  testing::ScratchDatabase db("size_lint");
  testing::RunSql(db.Conninfo(), kTables);
  TempDir dir("size-lint");
  WriteFile(dir.File("m.sql"), "ALTER TABLE big ALTER COLUMN v TYPE bigint;\nALTER TABLE small ALTER COLUMN v TYPE bigint;\n");
  RunResult r = RunSchemac({"lint", "--db", db.Conninfo(), "--format", "json", dir.File("m.sql")});
  INFO(r.err << r.out);
  REQUIRE(r.exit_code == 0);
  std::map<std::string, nlohmann::json> rewrites;
  for (const auto& f : nlohmann::json::parse(r.out)) {
    if (f["rule_id"] == "MG306") rewrites[f["table"].get<std::string>()] = f;
  }
  REQUIRE(rewrites.size() == 2);
  CHECK(rewrites["public.big"]["class"] == "blocking");
  CHECK(rewrites["public.big"]["rows"] == 20000);
  CHECK(rewrites["public.small"]["class"] == "locks");
  CHECK(rewrites["public.small"]["rows"] == 10);
  CHECK(rewrites["public.small"]["bytes"] == 8192);
}

TEST_CASE("size-aware risk: schemac.toml [risk] small_table_rows sets the threshold, a flag wins", "[plan][size]") {
  testing::ScratchDatabase db("size_config");
  testing::RunSql(db.Conninfo(), kTables);
  TempDir dir("size-config");
  WriteFile(dir.File("want.sql"), kWanted);
  WriteFile(dir.File("schemac.toml"), "[risk]\nsmall_table_rows = 5\n");
  auto small_class = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"plan", "--db", db.Conninfo(), "--dev-db", testing::TestConninfo(), "--config",
                                     dir.File("schemac.toml"), "--format", "json", dir.File("want.sql")};
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = RunSchemac(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const nlohmann::json plan = nlohmann::json::parse(r.out);
    for (const auto& seg : plan["segments"]) {
      for (const auto& step : seg["steps"]) {
        for (const auto& risk : step["risks"]) {
          if (risk["rule_id"] == "MG306" && risk["table"] == "public.small") return risk["class"].get<std::string>();
        }
      }
    }
    return std::string("none");
  };
  CHECK(small_class({}) == "blocking");                                  // 10 rows >= 5
  CHECK(small_class({"--small-table-rows", "100"}) == "locks");          // the flag wins

  WriteFile(dir.File("bad.toml"), "[risk]\nsmall_table_rows = \"many\"\n");
  RunResult bad = RunSchemac({"plan", "--db", db.Conninfo(), "--config", dir.File("bad.toml"), dir.File("want.sql")});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("bad.toml:2:20: error: risk.small_table_rows must be a non-negative integer") != std::string::npos);
}
