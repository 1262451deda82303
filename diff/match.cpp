#include "diff/match.h"

#include <set>
#include <vector>

namespace schemac::diff {

namespace {

template <typename Map, typename Key>
std::optional<typename Map::mapped_type> Find(const Map& m, const Key& k) {
  auto it = m.find(k);
  if (it == m.end()) return std::nullopt;
  return it->second;
}

}  // namespace

std::optional<std::string> Matching::Schema(const std::string& from) const { return Find(schemas, from); }
std::optional<ir::QualifiedName> Matching::Enum(const ir::QualifiedName& from) const {
  return Find(enums, from);
}
std::optional<ir::QualifiedName> Matching::Sequence(const ir::QualifiedName& from) const {
  return Find(sequences, from);
}
std::optional<ir::QualifiedName> Matching::Table(const ir::QualifiedName& from) const {
  return Find(tables, from);
}
std::optional<std::string> Matching::Column(const ir::QualifiedName& from_table,
                                            const std::string& from_column) const {
  return Find(columns, std::make_pair(from_table, from_column));
}

std::set<ir::ObjectId> Matching::Targets() const {
  std::set<ir::ObjectId> out;
  for (const auto& [f, t] : schemas) out.insert(ir::ObjectId{ir::ObjectKind::Schema, "", t, ""});
  for (const auto& [f, t] : enums) out.insert(ir::ObjectId{ir::ObjectKind::Enum, t.schema, t.name, ""});
  for (const auto& [f, t] : sequences) out.insert(ir::ObjectId{ir::ObjectKind::Sequence, t.schema, t.name, ""});
  for (const auto& [f, t] : tables) out.insert(ir::ObjectId{ir::ObjectKind::Table, t.schema, t.name, ""});
  for (const auto& [f, t] : columns) {
    auto table = tables.find(f.first);
    if (table == tables.end()) continue;
    out.insert(ir::ObjectId{ir::ObjectKind::Column, table->second.schema, table->second.name, t});
  }
  return out;
}

bool Matching::IsMatchedTarget(const ir::ObjectId& to) const { return Targets().count(to) > 0; }

Matching MatchObjects(const ir::Database& from, const ir::Database& to) {
  Matching m;
  for (const auto& [name, s] : from.schemas) {
    if (to.schemas.count(name)) m.schemas.emplace(name, name);
  }
  for (const auto& [name, e] : from.enums) {
    if (to.enums.count(name)) m.enums.emplace(name, name);
  }
  for (const auto& [name, s] : from.sequences) {
    if (to.sequences.count(name)) m.sequences.emplace(name, name);
  }
  // Rebuilt roots, then their partitions on both sides, down to the leaves. A root that is such
  // a partition of another root is rebuilt (and its rows copied) with that one.
  std::set<ir::QualifiedName> rebuilt;
  for (const auto& [name, t] : from.tables) {
    auto it = to.tables.find(name);
    if (it != to.tables.end() && t.partition_key != it->second.partition_key) m.rebuilt_tables[name];
  }
  std::set<ir::QualifiedName> inner_roots;
  for (auto& [root, partitions] : m.rebuilt_tables) {
    rebuilt.insert(root);
    std::vector<ir::QualifiedName> parents{root};
    while (!parents.empty()) {
      ir::QualifiedName parent = parents.back();
      parents.pop_back();
      for (const auto& [name, t] : from.tables) {
        auto it = to.tables.find(name);
        if (it == to.tables.end() || !t.partition_of || !it->second.partition_of) continue;
        if (t.partition_of->parent != parent || it->second.partition_of->parent != parent) continue;
        partitions.push_back(name);
        parents.push_back(name);
        rebuilt.insert(name);
        if (m.rebuilt_tables.count(name)) inner_roots.insert(name);
      }
    }
  }
  for (const ir::QualifiedName& inner : inner_roots) m.rebuilt_tables.erase(inner);
  for (const auto& [name, t] : from.tables) {
    auto it = to.tables.find(name);
    if (it == to.tables.end() || rebuilt.count(name)) continue;
    m.tables.emplace(name, name);
    for (const ir::Column& c : t.columns) {
      if (it->second.FindColumn(c.name) != nullptr) m.columns.emplace(std::make_pair(name, c.name), c.name);
    }
  }
  return m;
}

}  // namespace schemac::diff
