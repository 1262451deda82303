// The ordering rule set is reviewed like code: RulesText() must match rules.golden.
// Rewrite the golden file with SCHEMAC_REWRITE_GOLDEN=1 and review the diff.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "diff/rules.h"

TEST_CASE("the ordering rule set matches rules.golden", "[rules]") {
  const std::string path = std::string(SCHEMAC_SOURCE_DIR) + "/tests/unit/diff/rules.golden";
  const std::string actual = schemac::diff::RulesText();
  if (std::getenv("SCHEMAC_REWRITE_GOLDEN") != nullptr) {
    std::ofstream(path) << actual;
  }
  std::ifstream in(path);
  REQUIRE(in.good());
  std::stringstream expected;
  expected << in.rdbuf();
  CHECK(actual == expected.str());
}

TEST_CASE("rule names are unique and every change kind has a priority", "[rules]") {
  std::set<std::string> names;
  for (const schemac::diff::Rule& r : schemac::diff::Rules()) {
    CHECK(names.insert(r.name).second);
    CHECK_FALSE(r.before.empty());
    CHECK_FALSE(r.after.empty());
    CHECK(r.applies != nullptr);
  }
  const auto& priority = schemac::diff::KindPriority();
  std::set<int> kinds;
  for (auto k : priority) kinds.insert(static_cast<int>(k));
  CHECK(kinds.size() == priority.size());
  CHECK(static_cast<int>(priority.size()) == static_cast<int>(schemac::diff::ChangeKind::AlterObject) + 1);
}
