#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <tuple>
#include <vector>

#include "diff/differ.h"
#include "diff/match.h"
#include "diff/order.h"
#include "tests/unit/diff/scenarios.h"

namespace {

using namespace schemac;
using diff::Change;
using diff::ChangeKind;

std::vector<Change> Ordered(const ir::Database& from, const ir::Database& to, ir::Diagnostics& diags) {
  std::vector<Change> changes = diff::ComputeChanges(from, to, diff::MatchObjects(from, to), {}, diags);
  REQUIRE(diff::OrderChanges(changes, diags));
  return changes;
}

std::vector<std::string> Names(const std::vector<Change>& changes) {
  std::vector<std::string> out;
  for (const Change& c : changes) out.push_back(diff::Describe(c));
  return out;
}

// Every edge the rules put between the ordered changes points forward.
void RequireEdgesRespected(const std::vector<Change>& ordered) {
  for (const diff::Edge& e : diff::BuildEdges(ordered)) {
    INFO(diff::Describe(ordered[e.before]) << " before " << diff::Describe(ordered[e.after]) << ": "
                                           << e.rule->name);
    CHECK(e.before < e.after);
  }
}

std::vector<ir::Database> AllStates() {
  std::vector<ir::Database> states;
  for (const testing::Scenario& s : testing::AllScenarios()) {
    states.push_back(s.from);
    states.push_back(s.to);
  }
  return states;
}

}  // namespace

TEST_CASE("every scenario orders without a cycle and respects every edge, both ways", "[order]") {
  for (const testing::Scenario& s : testing::AllScenarios()) {
    INFO(s.name);
    ir::Diagnostics diags;
    RequireEdgesRespected(Ordered(s.from, s.to, diags));
    RequireEdgesRespected(Ordered(s.to, s.from, diags));
    CHECK_FALSE(diags.HasErrors());
  }
}

TEST_CASE("ordering is deterministic", "[order]") {
  testing::Scenario s = testing::NewTableWithEverything();
  ir::Diagnostics diags;
  std::vector<std::string> first = Names(Ordered(s.from, s.to, diags));
  for (int i = 0; i < 5; ++i) CHECK(Names(Ordered(s.from, s.to, diags)) == first);
}

TEST_CASE("foreign keys of new tables come after every create", "[order]") {
  testing::Scenario s = testing::ForeignKeyCycleBetweenNewTables();
  ir::Diagnostics diags;
  CHECK(Names(Ordered(s.from, s.to, diags)) ==
        std::vector<std::string>{"create_table public.a", "create_table public.b",
                                 "add_foreign_key public.a.a_b_id_fkey", "add_foreign_key public.b.b_a_id_fkey"});
}

TEST_CASE("tables dropped together that reference each other: one foreign key is split out", "[order]") {
  testing::Scenario s = testing::DroppedTablesReferencingEachOther();
  ir::Diagnostics diags;
  std::vector<Change> ordered = Ordered(s.from, s.to, diags);
  CHECK(Names(ordered) == std::vector<std::string>{"drop_foreign_key public.a.a_b_id_fkey", "drop_table public.b",
                                                   "drop_table public.a"});
  CHECK(ordered[2].detached_foreign_keys == std::vector<std::string>{"a_b_id_fkey"});
  CHECK_FALSE(diags.HasErrors());
}

TEST_CASE("a surviving sequence is released before its owning column is dropped", "[order]") {
  testing::Scenario s = testing::DroppedColumnOwningSurvivingSequence();
  ir::Diagnostics diags;
  CHECK(Names(Ordered(s.from, s.to, diags)) ==
        std::vector<std::string>{"set_sequence_owned_by public.counter", "drop_column public.t.n"});
}

TEST_CASE("an unrepairable cycle is a plan.cycle error naming every change in it", "[order]") {
  // Two rules that contradict each other over two schemas: no repair applies.
  std::vector<diff::Rule> rules = {
      {"test", "schemas are created in reverse name order", {ChangeKind::CreateSchema}, {ChangeKind::CreateSchema},
       [](const Change& b, const Change& a) { return b.object.name > a.object.name; }},
      {"test", "schemas are created in name order", {ChangeKind::CreateSchema}, {ChangeKind::CreateSchema},
       [](const Change& b, const Change& a) { return b.object.name < a.object.name; }},
  };
  ir::Database to = testing::WithPublic();
  to.schemas.emplace("alpha", ir::Schema{"alpha", std::nullopt, std::nullopt, {}});
  to.schemas.emplace("beta", ir::Schema{"beta", std::nullopt, std::nullopt, {}});
  ir::Database from = testing::WithPublic();
  ir::Diagnostics diags;
  std::vector<Change> changes = diff::ComputeChanges(from, to, diff::MatchObjects(from, to), {}, diags);
  CHECK_FALSE(diff::OrderChanges(changes, rules, diags));
  REQUIRE(diags.items().size() == 1);
  const ir::Diagnostic& d = diags.items()[0];
  CHECK(d.id == "plan.cycle");
  CHECK(d.severity == ir::Severity::Error);
  CHECK(d.message.find("create_schema alpha") != std::string::npos);
  CHECK(d.message.find("create_schema beta") != std::string::npos);
  CHECK(d.notes.size() == 2);
}

TEST_CASE("any pair of known states plans without a cycle and respects every edge", "[order][property]") {
  const std::vector<ir::Database> states = AllStates();
  rc::prop("plan(a -> b) respects every edge", [&states] {
    const auto i = *rc::gen::inRange<std::size_t>(0, states.size());
    const auto j = *rc::gen::inRange<std::size_t>(0, states.size());
    ir::Diagnostics diags;
    std::vector<Change> changes =
        diff::ComputeChanges(states[i], states[j], diff::MatchObjects(states[i], states[j]), {}, diags);
    RC_ASSERT(diff::OrderChanges(changes, diags));
    for (const diff::Edge& e : diff::BuildEdges(changes)) RC_ASSERT(e.before < e.after);
  });
}

TEST_CASE("the rules' join keys find exactly the edges an all-pairs search finds", "[order]") {
  const std::vector<ir::Database> states = AllStates();
  auto as_tuples = [](const std::vector<diff::Edge>& edges) {
    std::vector<std::tuple<std::string, std::size_t, std::size_t>> out;
    for (const diff::Edge& e : edges) out.emplace_back(e.rule->name, e.before, e.after);
    std::sort(out.begin(), out.end());
    return out;
  };
  std::size_t total = 0;
  for (const ir::Database& from : states) {
    for (const ir::Database& to : states) {
      ir::Diagnostics diags;
      std::vector<Change> changes = diff::ComputeChanges(from, to, diff::MatchObjects(from, to), {}, diags);
      auto keyed = as_tuples(diff::BuildEdges(changes));
      CHECK(keyed == as_tuples(diff::BuildEdgesAllPairs(changes, diff::Rules())));
      total += keyed.size();
    }
  }
  CHECK(total > 1000);
}

TEST_CASE("edge building stays fast for thousands of new tables", "[order][scale]") {
  ir::Database from = testing::WithPublic();
  ir::Database to = testing::WithPublic();
  for (int i = 0; i < 3000; ++i) {
    std::string name = "t" + std::to_string(i);
    ir::Table t = testing::Table("public", name, {testing::Col("id", testing::Pg("int4"), true),
                                                  testing::Col("parent_id", testing::Pg("int4"))});
    testing::AddConstraint(t, testing::PrimaryKey(name + "_pkey", {"id"}));
    testing::AddConstraint(t, testing::ForeignKey(name + "_parent_id_fkey", {"parent_id"},
                                                  {"public", "t" + std::to_string((i + 1) % 3000)}, {"id"}));
    testing::AddIndex(t, testing::IndexOn(name + "_parent_id_idx", {"parent_id"}));
    t.comment = "table " + name;
    testing::AddTable(to, t);
  }
  ir::Diagnostics diags;
  std::vector<Change> changes = diff::ComputeChanges(from, to, diff::MatchObjects(from, to), {}, diags);
  REQUIRE(changes.size() == 12000);
  auto start = std::chrono::steady_clock::now();
  REQUIRE(diff::OrderChanges(changes, diags));
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(seconds < 30.0);  // quadratic edge building would take minutes
  CHECK(changes.front().kind == ChangeKind::CreateTable);
  CHECK(changes[2999].kind == ChangeKind::CreateTable);
  CHECK(changes[3000].kind != ChangeKind::CreateTable);
}
