// The exact ordered SQL of every scenario, forward and rollback, pinned in plans.golden.
// Rewrite with SCHEMAC_REWRITE_GOLDEN=1 and review the diff like code.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "emit/plan.h"
#include "tests/unit/diff/scenarios.h"

TEST_CASE("forward and rollback SQL of every scenario match plans.golden", "[emit][golden]") {
  std::string actual;
  for (const schemac::testing::Scenario& s : schemac::testing::AllScenarios()) {
    schemac::ir::Diagnostics diags;
    schemac::emit::PlanPair plans = schemac::emit::BuildPlans(s.from, s.to, {}, diags);
    CHECK_FALSE(diags.HasErrors());
    actual += "=== " + s.name + "\n--- forward\n" + schemac::emit::RenderSql(plans.forward) + "--- rollback\n" +
              schemac::emit::RenderSql(plans.rollback);
  }
  const std::string path = std::string(SCHEMAC_SOURCE_DIR) + "/tests/unit/emit/plans.golden";
  if (std::getenv("SCHEMAC_REWRITE_GOLDEN") != nullptr) std::ofstream(path) << actual;
  std::ifstream in(path);
  REQUIRE(in.good());
  std::stringstream expected;
  expected << in.rdbuf();
  CHECK(actual == expected.str());
}
