// The parts of apply/ that need no database: durations, the retry bound, session conninfo, the
// lock-table estimate and --batch splitting, the data-loss tables --backup saves.
#include <catch2/catch.hpp>

#include "apply/apply.h"
#include "compiler/catalog/conninfo.h"

namespace {

using namespace schemac;

emit::Step MakeStep(const std::string& change, std::vector<std::string> sql, ir::ObjectId object = {}) {
  emit::Step s;
  s.change = change;
  s.sql = std::move(sql);
  s.object = std::move(object);
  return s;
}

TEST_CASE("durations: PostgreSQL's units, no unit meaning milliseconds", "[apply]") {
  CHECK(apply::IsDuration("2s"));
  CHECK(apply::IsDuration("500ms"));
  CHECK(apply::IsDuration("0"));
  CHECK(apply::IsDuration("1.5min"));
  CHECK_FALSE(apply::IsDuration("2 s"));
  CHECK_FALSE(apply::IsDuration("-1s"));
  CHECK_FALSE(apply::IsDuration("2sec"));
  CHECK_FALSE(apply::IsDuration(""));
  CHECK(apply::DurationSeconds("2s") == Approx(2));
  CHECK(apply::DurationSeconds("500ms") == Approx(0.5));
  CHECK(apply::DurationSeconds("250") == Approx(0.25));
  CHECK(apply::DurationSeconds("1.5min") == Approx(90));
  CHECK(apply::DurationSeconds("2h") == Approx(7200));
  CHECK(apply::DurationSeconds("100us") == Approx(0.0001));
}

TEST_CASE("the retry bound: every lock wait plus the capped backoff between them", "[apply]") {
  apply::Settings s;
  CHECK(apply::RetryBoundSeconds(s) == Approx(4 * 2 + 0.5 + 1 + 2));
  s.lock_timeout = "300ms";
  s.retries = 2;
  CHECK(apply::RetryBoundSeconds(s) == Approx(3 * 0.3 + 0.5 + 1));
  s.retries = 8;
  s.lock_timeout = "0";
  CHECK(apply::RetryBoundSeconds(s) == Approx(0.5 + 1 + 2 + 4 + 8 + 8 + 8 + 8));
}

TEST_CASE("session conninfo: the timeouts as startup options, after the DSN's own", "[apply]") {
  apply::Settings s;
  s.statement_timeout = "30s";
  auto params = catalog::ParseConninfo(apply::SessionConninfo("dbname=shop options='-c work_mem=64MB'", s));
  std::map<std::string, std::string> m(params.begin(), params.end());
  CHECK(m["dbname"] == "shop");
  CHECK(m["options"] ==
        "-c work_mem=64MB -c lock_timeout=2s -c client_connection_check_interval=1s -c statement_timeout=30s");
  CHECK(m["fallback_application_name"] == "schemac");
  auto uri = catalog::ParseConninfo(apply::SessionConninfo("postgresql://u@h/db", apply::Settings{}));
  std::map<std::string, std::string> u(uri.begin(), uri.end());
  CHECK(u["dbname"] == "db");
  CHECK(u["options"] == "-c lock_timeout=2s -c client_connection_check_interval=1s");
  CHECK_THROWS(apply::SessionConninfo("dbname='unterminated", s));
}

TEST_CASE("the lock-table estimate and --batch splitting keep the steps in order", "[apply]") {
  CHECK(apply::EstimateLockEntries(MakeStep("create_table", {"CREATE TABLE t (id int PRIMARY KEY, v text);"})) == 6);
  CHECK(apply::EstimateLockEntries(MakeStep("create_table", {"CREATE TABLE t (id int);"})) == 4);
  CHECK(apply::EstimateLockEntries(MakeStep("drop_table", {"DROP TABLE t;"})) == 8);
  CHECK(apply::EstimateLockEntries(MakeStep("create_index", {"CREATE INDEX i ON t (v);"})) == 2);
  CHECK(apply::EstimateLockEntries(MakeStep("add_column", {"ALTER TABLE t ADD COLUMN c int;"})) == 3);

  emit::Plan plan;
  emit::Segment big;
  for (int i = 0; i < 10; ++i) big.steps.push_back(MakeStep("create_index", {"CREATE INDEX i" + std::to_string(i) + " ON t (v);"}));
  emit::Segment outside;
  outside.transactional = false;
  outside.steps.push_back(MakeStep("create_index", {"CREATE INDEX CONCURRENTLY j ON t (v);"}));
  plan.segments = {big, outside};
  CHECK(apply::EstimateLockEntries(plan.segments[0]) == 20);

  emit::Plan same = apply::SplitIntoBatches(plan, 20);
  CHECK(same.segments.size() == 2);

  emit::Plan split = apply::SplitIntoBatches(plan, 6);
  REQUIRE(split.segments.size() == 5);  // 3 + 3 + 3 + 1 steps, then the concurrent one untouched
  std::vector<std::string> order;
  for (std::size_t i = 0; i + 1 < split.segments.size(); ++i) {
    CHECK(split.segments[i].transactional);
    CHECK(apply::EstimateLockEntries(split.segments[i]) <= 6);
    CHECK_THAT(split.segments[i].reason, Catch::Contains("--batch: part " + std::to_string(i + 1)));
    for (const emit::Step& s : split.segments[i].steps) order.push_back(s.sql[0]);
  }
  REQUIRE(order.size() == 10);
  for (int i = 0; i < 10; ++i) CHECK(order[i] == "CREATE INDEX i" + std::to_string(i) + " ON t (v);");
  CHECK_FALSE(split.segments.back().transactional);
  // A step above the budget alone still runs, in a transaction of its own.
  CHECK(apply::SplitIntoBatches(plan, 1).segments.size() == 11);
}

TEST_CASE("the backup set: the tables of dropped tables and of dropped or retyped columns", "[apply]") {
  emit::Plan plan;
  emit::Segment s;
  emit::Step drop_table = MakeStep("drop_table", {"DROP TABLE a.t;"}, {ir::ObjectKind::Table, "a", "t", ""});
  drop_table.data_loss = true;
  emit::Step drop_column = MakeStep("drop_column", {"ALTER TABLE a.u DROP COLUMN c;"}, {ir::ObjectKind::Column, "a", "u", "c"});
  drop_column.data_loss = true;
  emit::Step retype = MakeStep("alter_column_type", {"…"}, {ir::ObjectKind::Column, "a", "u", "d"});
  retype.data_loss = true;
  emit::Step add = MakeStep("add_column", {"…"}, {ir::ObjectKind::Column, "a", "v", "e"});
  emit::Step swap = MakeStep("swap_enum", {"…"}, {ir::ObjectKind::Enum, "a", "mood", ""});
  swap.data_loss = true;
  swap.data_loss_reason = "removes value(s) 'sad' of type a.mood, which columns using it may hold";
  s.steps = {drop_table, drop_column, retype, add};
  plan.segments = {s};
  apply::BackupSet set = apply::DataLossTables(plan);
  REQUIRE(set.tables.size() == 2);
  CHECK(set.tables[0] == ir::QualifiedName{"a", "t"});
  CHECK(set.tables[1] == ir::QualifiedName{"a", "u"});
  CHECK(set.not_covered.empty());
  plan.segments[0].steps.push_back(swap);
  set = apply::DataLossTables(plan);
  REQUIRE(set.not_covered.size() == 1);
  CHECK_THAT(set.not_covered[0], Catch::Contains("step 5 (swap_enum a.mood)"));
}

}  // namespace
