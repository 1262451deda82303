// Ordering: a dependency graph over changes built from the rules (rules.h), a deterministic
// pre-sort, a topological sort that keeps the pre-sort order wherever it can, and named repairs
// for the cycles that have a known way out.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/source.h"
#include "diff/change.h"
#include "diff/rules.h"

namespace schemac::diff {

/// "changes[before] must run before changes[after]", because of `rule`.
struct Edge {
  std::size_t before = 0;
  std::size_t after = 0;
  const Rule* rule = nullptr;
  /// The join key that related the two changes (a dependency key such as "rel:public.t" for the
  /// object rules, an object name for the others); empty for rules that test every pair.
  std::string via;
};

/// Every edge the rules put between the given changes (self-edges excluded), deterministic.
std::vector<Edge> BuildEdges(const std::vector<Change>& changes);
/// The same over a given rule set (tests use small ones).
std::vector<Edge> BuildEdges(const std::vector<Change>& changes, const std::vector<Rule>& rules);

/// Reference implementation testing every pair of changes (quadratic; for tests that check the
/// rules' join keys never hide an edge). Edges come grouped by rule, then by (before, after).
std::vector<Edge> BuildEdgesAllPairs(const std::vector<Change>& changes, const std::vector<Rule>& rules);

/// Sorts `changes` in place into an order respecting every edge. May add changes (cycle repairs,
/// e.g. a foreign key dropped on its own). Reports an unrepairable cycle as "plan.cycle" naming
/// every change in it and returns false.
/// With `edges`, also returns every edge between the sorted changes, indexed by their final
/// positions (for `plan --explain`).
bool OrderChanges(std::vector<Change>& changes, ir::Diagnostics& diags, std::vector<Edge>* edges = nullptr);
/// The same over a given rule set.
bool OrderChanges(std::vector<Change>& changes, const std::vector<Rule>& rules, ir::Diagnostics& diags,
                  std::vector<Edge>* edges = nullptr);

}  // namespace schemac::diff
