// Applies the planner's scenarios (tests/unit/diff/scenarios.h) to the test PostgreSQL. For
// every scenario: create `from` from empty, run the forward plan, and compare the schema dump
// with a database created from empty as `to`; then run the rollback and compare with the dump of
// `from`; then run the forward plan again followed by every step's own inverse (rollback_sql) in
// reverse order, which must restore `from` too. Every script runs with psql ON_ERROR_STOP=1.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "emit/plan.h"
#include "tests/support/pg_fixture.h"
#include "tests/unit/diff/scenarios.h"

namespace {

using schemac::emit::BuildPlan;
using schemac::emit::RenderSql;
namespace pg = schemac::testing;

void Apply(const std::string& conninfo, const std::string& sql, const std::string& what) {
  INFO(what << ":\n" << sql);
  REQUIRE_NOTHROW(pg::RunSqlScriptWithPsql(conninfo, sql));
}

void Apply(const std::string& conninfo, const schemac::emit::Plan& plan, const std::string& what) {
  Apply(conninfo, RenderSql(plan), what);
}

}  // namespace

TEST_CASE("plans apply to PostgreSQL 15 and reach their target state", "[pg]") {
  const schemac::ir::Database base = schemac::testing::WithPublic();
  for (const schemac::testing::Scenario& s : schemac::testing::AllScenarios()) {
    SECTION(s.name) {
      pg::ScratchDatabase db_a("emit_a");
      pg::ScratchDatabase db_b("emit_b");
      const std::string& a = db_a.Conninfo();
      const std::string& b = db_b.Conninfo();
      schemac::ir::Diagnostics diags;
      schemac::emit::PlanPair plans = schemac::emit::BuildPlans(s.from, s.to, {}, diags);
      REQUIRE_FALSE(diags.HasErrors());
      Apply(a, BuildPlan(base, s.from, {}, diags), "create from empty (from)");
      std::string dump_from = pg::DumpSchema(a);
      Apply(a, plans.forward, "forward");
      Apply(b, BuildPlan(base, s.to, {}, diags), "create from empty (to)");
      CHECK(pg::DumpSchema(a) == pg::DumpSchema(b));
      Apply(a, plans.rollback, "rollback");
      if (s.rollback_restores_exactly) CHECK(pg::DumpSchema(a) == dump_from);
      // Each forward step also carries its own inverse: run the forward plan again, then every
      // step's rollback_sql in reverse order (autocommit, so an inverse ADD VALUE is committed
      // before later inverses use the value); that too must restore `from`.
      Apply(a, plans.forward, "forward (again)");
      std::string inverse;
      for (auto seg = plans.forward.segments.rbegin(); seg != plans.forward.segments.rend(); ++seg) {
        for (auto step = seg->steps.rbegin(); step != seg->steps.rend(); ++step) {
          for (const std::string& sql : step->rollback_sql) inverse += sql + "\n";
        }
      }
      Apply(a, inverse, "step inverses");
      if (s.rollback_restores_exactly) CHECK(pg::DumpSchema(a) == dump_from);
    }
  }
}

TEST_CASE("plans between unrelated states apply and reach their target", "[pg]") {
  // Walk every known state once, each step a plan from one scenario's state to the next's.
  std::vector<schemac::ir::Database> states;
  for (const schemac::testing::Scenario& s : schemac::testing::AllScenarios()) {
    states.push_back(s.from);
    states.push_back(s.to);
  }
  pg::ScratchDatabase db_a("emit_chain");
  const std::string& a = db_a.Conninfo();
  const schemac::ir::Database base = schemac::testing::WithPublic();
  schemac::ir::Database current = base;
  for (std::size_t i = 0; i <= states.size(); ++i) {
    const schemac::ir::Database& next = i < states.size() ? states[i] : base;
    INFO("step " << i);
    schemac::ir::Diagnostics diags;
    Apply(a, BuildPlan(current, next, {}, diags), "chained forward");
    REQUIRE_FALSE(diags.HasErrors());
    pg::ScratchDatabase db_b("emit_chain_to");
    Apply(db_b.Conninfo(), BuildPlan(base, next, {}, diags), "create from empty");
    CHECK(pg::DumpSchema(a) == pg::DumpSchema(db_b.Conninfo()));
    current = next;
  }
}
