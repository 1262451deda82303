#include "diff/order.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <queue>
#include <string>
#include <tuple>

namespace schemac::diff {

namespace {

// Pre-sort key: kind priority, then qualified name, then column position, then sub-object.
auto SortKey(const Change& c) {
  return std::make_tuple(KindRank(c.kind), c.object.schema, c.object.name, c.ordinal, c.object.sub,
                         static_cast<int>(c.object.kind));
}

void PreSort(std::vector<Change>& changes) {
  std::stable_sort(changes.begin(), changes.end(),
                   [](const Change& a, const Change& b) { return SortKey(a) < SortKey(b); });
}

bool Contains(const std::vector<ChangeKind>& kinds, ChangeKind k) {
  return std::find(kinds.begin(), kinds.end(), k) != kinds.end();
}

// Finds one cycle among the nodes not yet emitted; returns its nodes in order.
std::vector<std::size_t> FindCycle(std::size_t n, const std::vector<std::vector<std::size_t>>& succ,
                                   const std::vector<bool>& done) {
  std::vector<int> state(n, 0);  // 0 new, 1 on stack, 2 finished
  std::vector<std::size_t> stack;
  std::vector<std::size_t> cycle;
  std::function<bool(std::size_t)> dfs = [&](std::size_t v) {
    state[v] = 1;
    stack.push_back(v);
    for (std::size_t w : succ[v]) {
      if (done[w]) continue;
      if (state[w] == 1) {
        auto it = std::find(stack.begin(), stack.end(), w);
        cycle.assign(it, stack.end());
        return true;
      }
      if (state[w] == 0 && dfs(w)) return true;
    }
    stack.pop_back();
    state[v] = 2;
    return false;
  };
  for (std::size_t v = 0; v < n; ++v) {
    if (!done[v] && state[v] == 0 && dfs(v)) return cycle;
  }
  return cycle;
}

// Cycle repair. Why the loop arises: two tables being dropped reference each other through
// foreign keys, so neither DROP TABLE may go first (PostgreSQL refuses to drop a table another
// table's foreign key still references, and schemac never uses CASCADE). Way out: drop the
// foreign keys of the first such table on their own first.
bool SplitForeignKeysOutOfDroppedTables(std::vector<Change>& changes,
                                        const std::vector<std::size_t>& cycle) {
  std::vector<std::size_t> dropped;
  for (std::size_t i : cycle) {
    if (changes[i].kind == ChangeKind::DropTable) dropped.push_back(i);
  }
  if (dropped.size() != cycle.size() || dropped.size() < 2) return false;
  std::size_t victim = *std::min_element(dropped.begin(), dropped.end());
  std::vector<Change> added;
  const ir::Table* table = changes[victim].before.table;
  for (const auto& [name, con] : table->constraints) {
    if (con.kind != ir::ConstraintKind::ForeignKey || con.ref_table == table->name) continue;
    bool into_cycle = false;
    for (std::size_t i : dropped) {
      if (TableOf(changes[i]) == con.ref_table) into_cycle = true;
    }
    if (!into_cycle) continue;
    Change fk;
    fk.kind = ChangeKind::DropForeignKey;
    fk.object = ir::ObjectId{ir::ObjectKind::Constraint, table->name.schema, table->name.name, name};
    fk.before = ElementRef{.table = table, .constraint = &con};
    fk.reason = "the tables being dropped reference each other; this foreign key goes first";
    changes[victim].detached_foreign_keys.push_back(name);
    added.push_back(std::move(fk));
  }
  if (added.empty()) return false;
  changes.insert(changes.end(), added.begin(), added.end());
  return true;
}

using Repair = bool (*)(std::vector<Change>&, const std::vector<std::size_t>&);
struct NamedRepair {
  const char* name;
  Repair repair;
};
const NamedRepair kRepairs[] = {
    {"split foreign keys out of tables dropped together", SplitForeignKeysOutOfDroppedTables},
};

}  // namespace

std::vector<Edge> BuildEdges(const std::vector<Change>& changes) { return BuildEdges(changes, Rules()); }

std::vector<Edge> BuildEdges(const std::vector<Change>& changes, const std::vector<Rule>& rules) {
  // Bucket the changes by kind, then join each rule's before- and after-changes on the rule's
  // keys (a sorted map: deterministic), so that only related pairs are tested.
  std::map<ChangeKind, std::vector<std::size_t>> by_kind;
  for (std::size_t i = 0; i < changes.size(); ++i) by_kind[changes[i].kind].push_back(i);
  auto bucket = [&](ChangeKind k) -> const std::vector<std::size_t>& {
    static const std::vector<std::size_t> kNone;
    auto it = by_kind.find(k);
    return it == by_kind.end() ? kNone : it->second;
  };
  std::vector<Edge> edges;
  for (const Rule& rule : rules) {
    std::map<std::pair<std::size_t, std::size_t>, std::string> pairs;  // -> the first joining key
    if (rule.before_keys == nullptr || rule.after_keys == nullptr) {
      for (ChangeKind bk : rule.before) {
        for (std::size_t b : bucket(bk)) {
          for (ChangeKind ak : rule.after) {
            for (std::size_t a : bucket(ak)) {
              if (a != b && rule.applies(changes[b], changes[a])) pairs.emplace(std::make_pair(b, a), std::string());
            }
          }
        }
      }
    } else {
      std::map<std::string, std::vector<std::size_t>> after_by_key;
      for (ChangeKind ak : rule.after) {
        for (std::size_t a : bucket(ak)) {
          for (const std::string& key : rule.after_keys(changes[a])) after_by_key[key].push_back(a);
        }
      }
      for (ChangeKind bk : rule.before) {
        for (std::size_t b : bucket(bk)) {
          for (const std::string& key : rule.before_keys(changes[b])) {
            auto it = after_by_key.find(key);
            if (it == after_by_key.end()) continue;
            for (std::size_t a : it->second) {
              if (a != b && !pairs.count({b, a}) && rule.applies(changes[b], changes[a])) {
                pairs.emplace(std::make_pair(b, a), key);
              }
            }
          }
        }
      }
    }
    for (const auto& [pair, key] : pairs) edges.push_back(Edge{pair.first, pair.second, &rule, key});
  }
  return edges;
}

std::vector<Edge> BuildEdgesAllPairs(const std::vector<Change>& changes, const std::vector<Rule>& rules) {
  std::vector<Edge> edges;
  for (const Rule& rule : rules) {
    for (std::size_t b = 0; b < changes.size(); ++b) {
      if (!Contains(rule.before, changes[b].kind)) continue;
      for (std::size_t a = 0; a < changes.size(); ++a) {
        if (a == b || !Contains(rule.after, changes[a].kind)) continue;
        if (rule.applies(changes[b], changes[a])) edges.push_back(Edge{b, a, &rule});
      }
    }
  }
  return edges;
}

bool OrderChanges(std::vector<Change>& changes, ir::Diagnostics& diags, std::vector<Edge>* edges_out) {
  return OrderChanges(changes, Rules(), diags, edges_out);
}

bool OrderChanges(std::vector<Change>& changes, const std::vector<Rule>& rules, ir::Diagnostics& diags,
                  std::vector<Edge>* edges_out) {
  // Each repair may apply once per cycle shape; bound the loop by the number of repairs tried.
  for (int attempt = 0;; ++attempt) {
    PreSort(changes);
    const std::size_t n = changes.size();
    std::vector<Edge> edges = BuildEdges(changes, rules);
    std::vector<std::vector<std::size_t>> succ(n);
    std::vector<int> indegree(n, 0);
    for (const Edge& e : edges) {
      succ[e.before].push_back(e.after);
      ++indegree[e.after];
    }
    // Kahn's algorithm, always taking the ready change that comes first in the pre-sort order.
    std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> ready;
    for (std::size_t i = 0; i < n; ++i) {
      if (indegree[i] == 0) ready.push(i);
    }
    std::vector<std::size_t> order;
    std::vector<bool> done(n, false);
    while (!ready.empty()) {
      std::size_t v = ready.top();
      ready.pop();
      order.push_back(v);
      done[v] = true;
      for (std::size_t w : succ[v]) {
        if (--indegree[w] == 0) ready.push(w);
      }
    }
    if (order.size() == n) {
      std::vector<Change> sorted;
      sorted.reserve(n);
      for (std::size_t i : order) sorted.push_back(std::move(changes[i]));
      changes = std::move(sorted);
      if (edges_out != nullptr) {
        std::vector<std::size_t> position(n);
        for (std::size_t p = 0; p < n; ++p) position[order[p]] = p;
        edges_out->clear();
        for (Edge e : edges) {
          e.before = position[e.before];
          e.after = position[e.after];
          edges_out->push_back(std::move(e));
        }
        std::stable_sort(edges_out->begin(), edges_out->end(), [](const Edge& x, const Edge& y) {
          return std::tie(x.after, x.before) < std::tie(y.after, y.before);
        });
      }
      return true;
    }
    std::vector<std::size_t> cycle = FindCycle(n, succ, done);
    bool repaired = false;
    if (attempt < 64) {
      for (const NamedRepair& r : kRepairs) {
        if (r.repair(changes, cycle)) {
          repaired = true;
          break;
        }
      }
    }
    if (repaired) continue;
    std::string names;
    std::vector<ir::DiagnosticNote> notes;
    for (std::size_t i : cycle) {
      if (!names.empty()) names += " -> ";
      names += Describe(changes[i]);
    }
    for (const Edge& e : edges) {
      bool in_cycle = std::find(cycle.begin(), cycle.end(), e.before) != cycle.end() &&
                      std::find(cycle.begin(), cycle.end(), e.after) != cycle.end();
      if (in_cycle) {
        notes.push_back(ir::DiagnosticNote{Describe(changes[e.before]) + " before " +
                                               Describe(changes[e.after]) + ": " + e.rule->name,
                                           {}});
      }
    }
    diags.Report(ir::diag::kPlanCycle, "unresolvable dependency cycle: " + names, {},
                 cycle.empty() ? std::string() : ir::DisplayName(changes[cycle.front()].object),
                 std::move(notes));
    return false;
  }
}

}  // namespace schemac::diff
