// Views and materialized views for the generic object differ (diff/objects.h).
//
// Same query text (and column list): comments, owner and, for views, WITH options are changed
// in place (Alter). A different query: a plain view whose old output columns are a prefix of
// the new ones (same names and types, both sides known) is replaced (CREATE OR REPLACE VIEW,
// which keeps dependents); anything else, and any materialized view, is rebuilt.
#include <algorithm>

#include "diff/objects_kinds.h"

namespace schemac::diff {

namespace {

void List(const ir::Database& db, std::vector<ObjectEntry>& out) {
  for (const auto& [name, v] : db.views) {
    ObjectEntry e;
    e.id = ir::ObjectId{v.materialized ? ir::ObjectKind::MaterializedView : ir::ObjectKind::View, name.schema,
                        name.name, ""};
    e.ref.view = &v;
    out.push_back(e);
  }
}

bool SameOptions(std::vector<ir::StorageParam> a, std::vector<ir::StorageParam> b) {
  auto by_name = [](const ir::StorageParam& x, const ir::StorageParam& y) { return x.name < y.name; };
  std::sort(a.begin(), a.end(), by_name);
  std::sort(b.begin(), b.end(), by_name);
  return a == b;
}

bool SameIndexes(const std::map<std::string, ir::Index>& a, const std::map<std::string, ir::Index>& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [name, ix] : a) {
    auto it = b.find(name);
    if (it == b.end()) return false;
    ir::Index x = ix, y = it->second;
    x.comment = y.comment;
    x.span = y.span;
    if (!(x == y)) return false;
  }
  return true;
}

// The old output is a prefix of the new one, every column known with its type.
bool OutputExtends(const ir::ViewColumns& before, const ir::ViewColumns& after) {
  if (before.columns.empty() || after.columns.size() < before.columns.size()) return false;
  for (std::size_t i = 0; i < after.columns.size(); ++i) {
    if (!after.columns[i].type) return false;
  }
  for (std::size_t i = 0; i < before.columns.size(); ++i) {
    const ir::ViewColumn& b = before.columns[i];
    const ir::ViewColumn& a = after.columns[i];
    if (!b.type || b.name != a.name || !(*b.type == *a.type)) return false;
  }
  return true;
}

Comparison Compare(const ElementRef& before, const ElementRef& after, bool owners) {
  const ir::View& b = *before.view;
  const ir::View& a = *after.view;
  if (b.materialized != a.materialized) return {Verdict::Rebuild, "it changes between view and materialized view"};
  bool same_query = b.query == a.query && b.column_names == a.column_names;
  if (!same_query) {
    if (!b.materialized && OutputExtends(b.output, a.output)) {
      return {Verdict::Replace, "the view's query changes; its columns stay and new ones are appended"};
    }
    return {Verdict::Rebuild, b.materialized ? "the materialized view's query changes"
                                             : "the view's query changes its output columns"};
  }
  if (b.materialized) {
    // Storage parameters and indexes are rebuilt with the view. WITH [NO] DATA is not compared:
    // whether the view is populated is data (pg_dump --schema-only writes every materialized
    // view WITH NO DATA and refreshes it in the data section); it only shapes the CREATE.
    if (!SameOptions(b.options, a.options)) return {Verdict::Rebuild, "the materialized view's storage parameters change"};
    if (!SameIndexes(b.indexes, a.indexes)) return {Verdict::Rebuild, "the materialized view's indexes change"};
  }
  bool alter = b.comment != a.comment || b.column_comments != a.column_comments ||
               (owners && a.owner && b.owner != a.owner) || (!b.materialized && !SameOptions(b.options, a.options));
  if (b.materialized) {
    for (const auto& [name, ix] : a.indexes) alter |= b.indexes.at(name).comment != ix.comment;
  }
  return {alter ? Verdict::Alter : Verdict::Same, ""};
}

const std::vector<std::string>& Deps(const ElementRef& ref) { return ref.view->deps.keys; }

std::vector<std::string> Provides(const ElementRef& ref) {
  std::vector<std::string> out{ir::RelKey(ref.view->name)};
  for (const ir::ViewColumn& c : ref.view->output.columns) out.push_back(ir::ColumnKey(ref.view->name, c.name));
  return out;
}

}  // namespace

const ObjectKindHandler& ViewHandler() {
  static const ObjectKindHandler handler{ir::ObjectKind::View, &List, &Compare, &Deps, &Provides};
  return handler;
}

}  // namespace schemac::diff
