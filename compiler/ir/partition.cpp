#include "compiler/ir/partition.h"

#include <algorithm>

#include "compiler/ir/expression_keys.h"

namespace schemac::ir {

namespace {

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

Index ConstraintIndex(const Constraint& k) {
  Index ix;
  ix.name = k.name;
  ix.unique = true;
  ix.nulls_not_distinct = k.nulls_not_distinct;
  for (const std::string& c : k.columns) {
    IndexElement e;
    e.column = c;
    ix.elements.push_back(std::move(e));
  }
  ix.include = k.include;
  ix.parent_index = k.parent_index;
  return ix;
}

bool SameIndexDefinition(const Index& a, const Index& b) {
  return a.unique == b.unique && a.nulls_not_distinct == b.nulls_not_distinct && a.method == b.method &&
         a.elements == b.elements && a.include == b.include && a.predicate == b.predicate;
}

bool SameForeignKey(const Constraint& a, const Constraint& b) {
  return a.kind == b.kind && a.columns == b.columns && a.ref_table == b.ref_table && a.ref_columns == b.ref_columns &&
         a.on_update == b.on_update && a.on_delete == b.on_delete && a.on_delete_columns == b.on_delete_columns &&
         a.match == b.match && a.deferrable == b.deferrable && a.initially_deferred == b.initially_deferred;
}

Column InheritedColumn(const Column& column) {
  Column c;
  c.name = column.name;
  c.type = column.type;
  c.collation = column.collation;
  c.not_null = column.not_null;
  c.default_expr = column.default_expr;
  c.generated = column.generated;
  c.span = column.span;
  return c;
}

void ApplyParentColumnChanges(Table& child, const Table& before, const Table& after) {
  for (const Column& b : before.columns) {
    if (after.FindColumn(b.name)) continue;
    const std::string& column = b.name;
    std::erase_if(child.columns, [&](const Column& c) { return c.name == column; });
    std::erase_if(child.constraints, [&](const auto& kv) {
      const Constraint& k = kv.second;
      return Contains(k.columns, column) || Contains(k.include, column) || (k.check && MentionsIdentifier(k.check->text, column));
    });
    std::erase_if(child.indexes, [&](const auto& kv) {
      const Index& ix = kv.second;
      if (Contains(ix.include, column) || (ix.predicate && MentionsIdentifier(ix.predicate->text, column))) return true;
      for (const IndexElement& e : ix.elements) {
        if (e.column == column || (e.expression && MentionsIdentifier(e.expression->text, column))) return true;
      }
      return false;
    });
  }
  for (const Column& a : after.columns) {
    const Column* b = before.FindColumn(a.name);
    Column* c = nullptr;
    for (Column& x : child.columns) {
      if (x.name == a.name) c = &x;
    }
    if (!b) {
      if (!c) child.columns.push_back(InheritedColumn(a));
      continue;
    }
    if (!c) continue;
    if (b->type != a.type || b->collation != a.collation) {
      c->type = a.type;
      c->collation = a.collation;
    }
    if (b->default_expr != a.default_expr) c->default_expr = a.default_expr;
    if (b->not_null != a.not_null) c->not_null = a.not_null;
    if (b->generated && !a.generated) c->generated.reset();
  }
}

std::optional<bool> CheckValidated(const Database& db, const Table& table, const std::string& name) {
  // A chain of partitions is short; a cycle cannot be stored, but the walk is bounded anyway.
  const Table* t = &table;
  for (std::size_t depth = 0; t != nullptr && depth <= db.tables.size(); ++depth) {
    if (auto k = t->constraints.find(name); k != t->constraints.end()) {
      if (k->second.kind != ConstraintKind::Check) return std::nullopt;
      return k->second.validated;
    }
    if (!t->partition_of) return std::nullopt;
    if (t->valid_check_copies.count(name)) {
      // Validated here, if the parent holds it at all.
      auto p = db.tables.find(t->partition_of->parent);
      if (p == db.tables.end() || !CheckValidated(db, p->second, name)) return std::nullopt;
      return true;
    }
    auto p = db.tables.find(t->partition_of->parent);
    t = p == db.tables.end() ? nullptr : &p->second;
  }
  return std::nullopt;
}

void NormalizeCheckCopies(Database& db) {
  for (auto& [name, t] : db.tables) {
    if (t.valid_check_copies.empty()) continue;
    auto p = t.partition_of ? db.tables.find(t.partition_of->parent) : db.tables.end();
    std::set<std::string> kept;
    for (const std::string& check : t.valid_check_copies) {
      if (p != db.tables.end() && CheckValidated(db, p->second, check) == false) kept.insert(check);
    }
    t.valid_check_copies = std::move(kept);
  }
}

}  // namespace schemac::ir
