#include "diff/rename.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "diff/differ.h"

namespace schemac::diff {

namespace {

using ir::ObjectKind;
using ir::QualifiedName;

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

void Replace(std::vector<std::string>& v, const std::string& from, const std::string& to) {
  for (std::string& s : v) {
    if (s == from) s = to;
  }
}

bool HasRelation(const ir::Database& db, ObjectKind kind, const QualifiedName& q) {
  switch (kind) {
    case ObjectKind::Table: return db.tables.count(q) > 0;
    case ObjectKind::View: {
      auto it = db.views.find(q);
      return it != db.views.end() && !it->second.materialized;
    }
    case ObjectKind::MaterializedView: {
      auto it = db.views.find(q);
      return it != db.views.end() && it->second.materialized;
    }
    default: return false;
  }
}

// Any relation of the schema named `name` (tables, views, sequences, indexes, key indexes):
// they share one namespace in PostgreSQL.

// The table or materialized view of `schema` holding the (non-key) index `name`.
std::optional<QualifiedName> IndexOwner(const ir::Database& db, const std::string& schema, const std::string& name) {
  for (const auto& [tname, t] : db.tables) {
    if (tname.schema == schema && t.indexes.count(name)) return tname;
  }
  for (const auto& [vname, v] : db.views) {
    if (vname.schema == schema && v.indexes.count(name)) return vname;
  }
  return std::nullopt;
}

bool SchemaHasOthers(const ir::Database& db, ObjectKind kind, const std::string& schema) {
  if (kind == ObjectKind::Function) {
    for (const auto& [key, f] : db.functions) {
      if (key.schema == schema) return true;
    }
    return false;
  }
  for (const auto& [name, t] : db.tables) {
    if (kind == ObjectKind::Table && name.schema == schema) return true;
  }
  for (const auto& [name, v] : db.views) {
    if (kind != ObjectKind::Table && name.schema == schema) return true;
  }
  return false;
}

const char* KindWord(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::Table: return "table";
    case ObjectKind::View: return "view";
    case ObjectKind::MaterializedView: return "materialized view";
    case ObjectKind::Function: return "routine";
    case ObjectKind::Column: return "column";
    case ObjectKind::Constraint: return "constraint";
    case ObjectKind::Index: return "index";
    case ObjectKind::Enum: return "value";
    default: return "object";
  }
}

// Every dependency key of the state, for renaming the keys of a renamed object.
template <typename Fn>
void ForEachDependencies(ir::Database& db, Fn fn) {
  for (auto& [name, t] : db.tables) {
    for (auto& [n, g] : t.triggers) fn(g.deps);
    for (auto& [n, r] : t.rules) fn(r.deps);
    for (auto& [n, p] : t.policies) fn(p.deps);
  }
  for (auto& [name, v] : db.views) {
    fn(v.deps);
    for (auto& [n, g] : v.triggers) fn(g.deps);
    for (auto& [n, r] : v.rules) fn(r.deps);
  }
  for (auto& [key, f] : db.functions) fn(f.deps);
  for (auto& [name, d] : db.domains) fn(d.deps);
  for (auto& [name, c] : db.composite_types) fn(c.deps);
  for (auto& [name, r] : db.range_types) fn(r.deps);
}

void RenameKeys(ir::Database& db, const std::map<std::string, std::string>& keys) {
  if (keys.empty()) return;
  ForEachDependencies(db, [&](ir::Dependencies& deps) {
    bool changed = false;
    for (std::string& k : deps.keys) {
      auto it = keys.find(k);
      if (it == keys.end()) continue;
      k = it->second;
      changed = true;
    }
    if (changed) {
      std::sort(deps.keys.begin(), deps.keys.end());
      deps.keys.erase(std::unique(deps.keys.begin(), deps.keys.end()), deps.keys.end());
    }
  });
}

template <typename Map>
void ReKey(Map& map, const typename Map::key_type& from, const typename Map::key_type& to) {
  auto node = map.extract(from);
  if (node.empty()) return;
  node.key() = to;
  map.insert(std::move(node));
}

void RenamePrivileges(ir::Database& db, char kind, const std::string& schema, const std::string& from,
                      const std::string& to, const std::string& column_from = "", const std::string& column_to = "") {
  std::map<ir::PrivilegeTarget, std::vector<ir::Grant>> out;
  for (auto& [t, grants] : db.privileges) {
    ir::PrivilegeTarget key = t;
    bool relation = kind == 'r' && (t.kind == 'r' || t.kind == 'c');
    bool column = kind == 'c' && t.kind == 'c';
    bool same_kind = kind != 'r' && kind != 'c' && t.kind == kind;
    if (t.schema == schema && t.name == from && (relation || same_kind)) key.name = to;
    if (column && t.schema == schema && t.name == from && t.column == column_from) key.column = column_to;
    out.emplace(std::move(key), std::move(grants));
  }
  db.privileges = std::move(out);
}

// The tables whose rows are `root`'s: itself and its partitions, recursively.
std::vector<QualifiedName> TableTree(const ir::Database& db, const QualifiedName& root) {
  std::vector<QualifiedName> out{root};
  for (std::size_t i = 0; i < out.size(); ++i) {
    for (const auto& [name, t] : db.tables) {
      if (t.partition_of && t.partition_of->parent == out[i]) out.push_back(name);
    }
  }
  return out;
}

void RenameTable(ir::Database& db, const QualifiedName& from, const std::string& to_name) {
  QualifiedName to{from.schema, to_name};
  ReKey(db.tables, from, to);
  ir::Table& table = db.tables.at(to);
  table.name = to;
  for (auto& [name, t] : db.tables) {
    if (t.partition_of && t.partition_of->parent == from) t.partition_of->parent = to;
    for (auto& [n, c] : t.constraints) {
      if (c.kind == ir::ConstraintKind::ForeignKey && c.ref_table == from) c.ref_table = to;
    }
    for (auto& [n, g] : t.triggers) {
      if (g.from_table == from) g.from_table = to;
    }
  }
  for (auto& [name, s] : db.sequences) {
    if (s.owned_by && s.owned_by->table == from) s.owned_by->table = to;
  }
  RenamePrivileges(db, 'r', from.schema, from.name, to_name);
  std::map<std::string, std::string> keys{{ir::RelKey(from), ir::RelKey(to)}};
  for (const ir::Column& c : table.columns) keys.emplace(ir::ColumnKey(from, c.name), ir::ColumnKey(to, c.name));
  RenameKeys(db, keys);
}

// A view, materialized view or sequence under its new name: re-keyed, its privileges and the
// dependency keys on it following.
template <typename Map>
void RenameRelation(ir::Database& db, Map& map, char privilege_kind, const QualifiedName& from, const std::string& to_name,
                    std::string (*key)(const QualifiedName&)) {
  QualifiedName to{from.schema, to_name};
  ReKey(map, from, to);
  map.at(to).name = to;
  RenamePrivileges(db, privilege_kind, from.schema, from.name, to_name);
  RenameKeys(db, {{key(from), key(to)}});
}

void RenameView(ir::Database& db, const QualifiedName& from, const std::string& to_name) {
  RenameRelation(db, db.views, 'r', from, to_name, ir::RelKey);
}

void RenameFunction(ir::Database& db, const QualifiedName& key, const std::string& to_name) {
  ir::Function f = db.functions.at(key);
  db.functions.erase(key);
  std::string old_name = f.name.name;
  f.name.name = to_name;
  QualifiedName new_key{key.schema, ir::Signature(f)};
  bool no_args = f.args.empty();
  db.functions.emplace(new_key, std::move(f));
  RenamePrivileges(db, 'f', key.schema, key.name, new_key.name);
  // Triggers name their function without arguments: a trigger function takes none.
  QualifiedName old_q{key.schema, old_name};
  if (no_args) {
    for (auto& [name, t] : db.tables) {
      for (auto& [n, g] : t.triggers) {
        if (g.function == old_q) g.function.name = to_name;
      }
    }
    for (auto& [name, v] : db.views) {
      for (auto& [n, g] : v.triggers) {
        if (g.function == old_q) g.function.name = to_name;
      }
    }
  }
  bool overloads_left = false;
  for (const auto& [k, other] : db.functions) overloads_left |= other.name == old_q;
  if (!overloads_left) RenameKeys(db, {{ir::FuncKey(old_q), ir::FuncKey({key.schema, to_name})}});
}

void RenameInExpr(std::optional<ir::Expr>& e, const std::string& from, const std::string& to, const QuoteFn& quote,
                  const std::vector<std::string>& qualifiers = {}) {
  if (e) e->text = RenameIdentifier(e->text, from, to, quote, qualifiers);
}

void RenameIndexColumns(ir::Index& i, const std::string& from, const std::string& to, const QuoteFn& quote) {
  for (ir::IndexElement& el : i.elements) {
    if (el.column == from) el.column = to;
    RenameInExpr(el.expression, from, to, quote);
  }
  Replace(i.include, from, to);
  RenameInExpr(i.predicate, from, to, quote);
}

void RenameColumn(ir::Database& db, const QualifiedName& table, const std::string& from, const std::string& to,
                  const QuoteFn& quote) {
  // PostgreSQL renames the column in every partition too (they cannot rename it on their own).
  std::map<std::string, std::string> keys;
  for (const QualifiedName& name : TableTree(db, table)) {
    ir::Table& t = db.tables.at(name);
    for (ir::Column& c : t.columns) {
      if (c.name == from) c.name = to;
      RenameInExpr(c.generated, from, to, quote);
    }
    for (auto& [n, c] : t.constraints) {
      Replace(c.columns, from, to);
      Replace(c.include, from, to);
      Replace(c.on_delete_columns, from, to);
      RenameInExpr(c.check, from, to, quote);
    }
    for (auto& [n, i] : t.indexes) RenameIndexColumns(i, from, to, quote);
    if (t.partition_key) {
      for (ir::IndexElement& el : t.partition_key->elements) {
        if (el.column == from) el.column = to;
        RenameInExpr(el.expression, from, to, quote);
      }
    }
    for (auto& [n, g] : t.triggers) {
      Replace(g.update_columns, from, to);
      RenameInExpr(g.when, from, to, quote, {"new", "old"});
    }
    for (auto& [n, p] : t.policies) {
      RenameInExpr(p.using_expr, from, to, quote);
      RenameInExpr(p.check_expr, from, to, quote);
    }
    for (auto& [other_name, other] : db.tables) {
      for (auto& [n, c] : other.constraints) {
        if (c.kind == ir::ConstraintKind::ForeignKey && c.ref_table == name) Replace(c.ref_columns, from, to);
      }
    }
    for (auto& [sname, s] : db.sequences) {
      if (s.owned_by && s.owned_by->table == name && s.owned_by->column == from) s.owned_by->column = to;
    }
    RenamePrivileges(db, 'c', name.schema, name.name, name.name, from, to);
    keys.emplace(ir::ColumnKey(name, from), ir::ColumnKey(name, to));
  }
  RenameKeys(db, keys);
}

// Where a partition's key or index is attached to the parent's index `from`.
void RenameParentIndex(ir::Database& db, const QualifiedName& parent, const std::string& from, const std::string& to) {
  for (auto& [name, t] : db.tables) {
    if (!t.partition_of || t.partition_of->parent != parent) continue;
    for (auto& [n, c] : t.constraints) {
      if (c.parent_index == from) c.parent_index = to;
    }
    for (auto& [n, i] : t.indexes) {
      if (i.parent_index == from) i.parent_index = to;
    }
  }
}

void RenameConstraint(ir::Database& db, const QualifiedName& table, const std::string& from, const std::string& to) {
  ir::Table& t = db.tables.at(table);
  ReKey(t.constraints, from, to);
  ir::Constraint& c = t.constraints.at(to);
  c.name = to;
  if (t.replica_identity_index == from) t.replica_identity_index = to;
  RenameParentIndex(db, table, from, to);
  // A CHECK is renamed in the partitions that inherit it too.
  if (c.kind == ir::ConstraintKind::Check) {
    for (const QualifiedName& name : TableTree(db, table)) {
      std::set<std::string>& copies = db.tables.at(name).valid_check_copies;
      if (copies.erase(from)) copies.insert(to);
    }
  }
}

void RenameIndex(ir::Database& db, const QualifiedName& owner, const std::string& from, const std::string& to) {
  if (auto it = db.tables.find(owner); it != db.tables.end()) {
    ReKey(it->second.indexes, from, to);
    it->second.indexes.at(to).name = to;
    if (it->second.replica_identity_index == from) it->second.replica_identity_index = to;
    RenameParentIndex(db, owner, from, to);
    return;
  }
  ir::View& v = db.views.at(owner);
  ReKey(v.indexes, from, to);
  v.indexes.at(to).name = to;
}

bool IsPlainIdentifier(const std::string& s);

void RenameSequence(ir::Database& db, const QualifiedName& from, const std::string& to_name) {
  RenameRelation(db, db.sequences, 's', from, to_name, ir::SequenceKey);
  // nextval('schema.name'::regclass) follows the sequence (a spelling this misses only makes
  // the diff set the default again).
  if (!IsPlainIdentifier(from.schema) || !IsPlainIdentifier(from.name) || !IsPlainIdentifier(to_name)) return;
  const std::string old_text = "'" + from.schema + "." + from.name + "'::regclass";
  const std::string new_text = "'" + from.schema + "." + to_name + "'::regclass";
  for (auto& [name, t] : db.tables) {
    for (ir::Column& c : t.columns) {
      if (!c.default_expr) continue;
      for (std::size_t at = c.default_expr->text.find(old_text); at != std::string::npos;
           at = c.default_expr->text.find(old_text, at + new_text.size())) {
        c.default_expr->text.replace(at, old_text.size(), new_text);
      }
    }
  }
}

// Two elements equal but for their names.
template <typename T>
bool SameButName(T a, T b) {
  a.name = b.name;
  return a == b;
}

// The one element of `b` (not in `a`) equal but for its name to each element of `a` (not in
// `b`), when that match is unique both ways: old name -> new name.
template <typename Map>
std::vector<std::pair<std::string, std::string>> Followers(const Map& a, const Map& b) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, x] : a) {
    if (b.count(name)) continue;
    std::vector<std::string> matches;
    for (const auto& [other, y] : b) {
      if (!a.count(other) && SameButName(x, y)) matches.push_back(other);
    }
    if (matches.size() != 1) continue;
    int reverse = 0;
    for (const auto& [n2, x2] : a) {
      if (!b.count(n2) && SameButName(x2, b.at(matches[0]))) ++reverse;
    }
    if (reverse == 1) out.push_back({name, matches[0]});
  }
  return out;
}

bool IsPlainIdentifier(const std::string& s) {
  if (s.empty() || !(std::islower(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_' ||
           c == '$';
  });
}

}  // namespace

std::string RenameIdentifier(const std::string& text, const std::string& old_name, const std::string& new_name,
                             const QuoteFn& quote, const std::vector<std::string>& qualifiers) {
  const std::string written = quote(new_name);
  const bool old_bare = quote(old_name) == old_name;  // PostgreSQL writes it bare
  auto ident_start = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || (c & 0x80); };
  auto ident_char = [&](char c) { return ident_start(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '$'; };
  // Not a field of something (`x.old`), and not a function call (`old(...)`).
  auto standalone = [&](std::size_t begin, std::size_t end) {
    std::size_t p = begin;
    while (p > 0 && text[p - 1] == ' ') --p;
    if (p > 0 && text[p - 1] == '.') {
      // A field: only of one of the qualifiers, written bare just before the dot.
      std::size_t q = p - 1;
      while (q > 0 && ident_char(text[q - 1])) --q;
      std::string qualifier = text.substr(q, p - 1 - q);
      bool allowed = std::find(qualifiers.begin(), qualifiers.end(), qualifier) != qualifiers.end();
      if (!allowed || (q > 0 && (text[q - 1] == '.' || text[q - 1] == '"'))) return false;
    }
    std::size_t n = end;
    while (n < text.size() && text[n] == ' ') ++n;
    return n >= text.size() || text[n] != '(';
  };
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '\'') {  // a string literal, '' inside
      std::string literal;
      std::size_t end = std::min(ReadQuoted(text, i + 1, '\'', &literal) + 1, text.size());
      out.append(text, i, end - i);
      i = end;
    } else if (c == '"') {  // a quoted identifier, "" inside
      std::string name;
      std::size_t end = std::min(ReadQuoted(text, i + 1, '"', &name) + 1, text.size());
      out += name == old_name && standalone(i, end) ? written : text.substr(i, end - i);
      i = end;
    } else if (ident_start(c) && (i == 0 || !ident_char(text[i - 1]))) {
      std::size_t j = i;
      while (j < text.size() && ident_char(text[j])) ++j;
      std::string word = text.substr(i, j - i);
      // A bare word is the identifier folded to lower case; PostgreSQL prints a name bare only
      // when it reads back the same.
      out += word == old_name && old_bare && standalone(i, j) ? written : word;
      i = j;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

std::vector<Change> PlanRenames(const ir::Database& from, const ir::Database& to, const QuoteFn& quote,
                                ir::Diagnostics& diags) {
  struct Oriented {
    const ir::RenameHint* hint;
    bool forward;  // a hint of `to`: old name -> new name; else new name -> old name
  };
  std::vector<Oriented> hints;
  for (const ir::RenameHint& h : to.directives.renames) hints.push_back({&h, true});
  for (const ir::RenameHint& h : from.directives.renames) hints.push_back({&h, false});
  if (hints.empty()) return {};

  std::vector<Change> tops, elements, values;
  // Renamed tables and views: name in `from` <-> name in `to`.
  std::map<QualifiedName, QualifiedName> to_name_of, from_name_of;
  auto make = [](ir::ObjectId id, const std::string& before, const std::string& after) {
    Change c;
    c.kind = ChangeKind::Rename;
    c.object = std::move(id);
    c.text_before = before;
    c.text_after = after;
    c.reason = "schemac:renamed-from: renamed from \"" + before + "\"";
    return c;
  };
  for (const Oriented& o : hints) {
    const ir::RenameHint& h = *o.hint;
    if (h.kind != ObjectKind::Table && h.kind != ObjectKind::View && h.kind != ObjectKind::MaterializedView &&
        h.kind != ObjectKind::Function) {
      continue;
    }
    std::string schema = h.object.schema;
    if (h.kind == ObjectKind::Function) {
      const ir::Database& desired = o.forward ? to : from;
      auto d = desired.functions.find(h.object);
      if (d == desired.functions.end()) continue;
      ir::Function old = d->second;
      old.name.name = h.from;
      QualifiedName old_key{schema, ir::Signature(old)};
      QualifiedName start = o.forward ? old_key : h.object, target = o.forward ? h.object : old_key;
      bool applies = from.functions.count(start) && !from.functions.count(target) && to.functions.count(target) &&
                     !to.functions.count(start);
      if (applies) {
        const ir::Function& f = from.functions.at(start);
        const ir::Function& t = to.functions.at(target);
        Change c = make(ir::ObjectId{ObjectKind::Function, schema, target.name, ""}, f.name.name, t.name.name);
        c.before.function = &f;
        tops.push_back(std::move(c));
      } else if (o.forward && !from.functions.count(start) && !from.functions.count(target) &&
                 SchemaHasOthers(from, h.kind, schema)) {
        diags.Report(ir::diag::kPlanRenameSourceAbsent,
                     fmt::format("routine {} is renamed from \"{}\", but the database has neither: it is created",
                                 ir::DisplayName(h.object), h.from),
                     h.span);
      }
      continue;
    }
    QualifiedName old_q{schema, h.from};
    QualifiedName start = o.forward ? old_q : h.object, target = o.forward ? h.object : old_q;
    bool applies = HasRelation(from, h.kind, start) && !RelationNameTaken(from, schema, target.name) &&
                   HasRelation(to, h.kind, target) && !RelationNameTaken(to, schema, start.name);
    if (applies) {
      Change c = make(ir::ObjectId{h.kind, schema, target.name, ""}, start.name, target.name);
      if (h.kind == ObjectKind::Table) {
        c.before.table = &from.tables.at(start);
      } else {
        c.before.view = &from.views.at(start);
      }
      to_name_of[start] = target;
      from_name_of[target] = start;
      tops.push_back(std::move(c));
    } else if (o.forward && !HasRelation(from, h.kind, start) && !HasRelation(from, h.kind, target) &&
               SchemaHasOthers(from, h.kind, schema)) {
      diags.Report(ir::diag::kPlanRenameSourceAbsent,
                   fmt::format("{} {} is renamed from \"{}\", but the database has neither: it is created",
                               KindWord(h.kind), ir::DisplayName(h.object), h.from),
                   h.span);
    }
  }

  std::vector<Change> indexes, constraints, columns;
  for (const Oriented& o : hints) {
    const ir::RenameHint& h = *o.hint;
    // The hint's table in each state: the desired state names it h.object.
    QualifiedName from_table = h.object, to_table = h.object;
    if (o.forward) {
      if (auto it = from_name_of.find(h.object); it != from_name_of.end()) from_table = it->second;
    } else if (auto it = to_name_of.find(h.object); it != to_name_of.end()) {
      to_table = it->second;
    }
    const std::string& start = o.forward ? h.from : h.sub;
    const std::string& target = o.forward ? h.sub : h.from;
    auto error = [&](const std::string& message) {
      if (o.forward) diags.Report(ir::diag::kPlanRename, message, h.span);
    };
    switch (h.kind) {
      case ObjectKind::Column:
      case ObjectKind::Constraint: {
        auto ft = from.tables.find(from_table);
        auto tt = to.tables.find(to_table);
        if (ft == from.tables.end() || tt == to.tables.end()) break;  // created or dropped with its table
        bool column = h.kind == ObjectKind::Column;
        auto has = [&](const ir::Table& t, const std::string& n) {
          return column ? t.FindColumn(n) != nullptr : t.constraints.count(n) > 0;
        };
        if (has(ft->second, start) && !has(ft->second, target) && has(tt->second, target) &&
            !has(tt->second, start)) {
          Change c = make(ir::ObjectId{h.kind, to_table.schema, to_table.name, target}, start, target);
          c.before.table = &ft->second;
          (column ? columns : constraints).push_back(std::move(c));
        } else if (!has(ft->second, start) && !has(ft->second, target)) {
          error(fmt::format("{} {} of {} is renamed from \"{}\", but table {} in the database has neither", KindWord(h.kind),
                            h.sub, ir::DisplayName(h.object), h.from, ir::DisplayName(from_table)));
        }
        break;
      }
      case ObjectKind::Index: {
        bool from_has_owner = from.tables.count(from_table) || from.views.count(from_table);
        if (!from_has_owner || !(to.tables.count(to_table) || to.views.count(to_table))) break;
        std::optional<QualifiedName> owner = IndexOwner(from, h.object.schema, start);
        if (owner && *owner != from_table) {
          error(fmt::format("index {} is renamed from \"{}\", but that index is on {} in the database, not on {}",
                            ir::DisplayName({h.object.schema, h.sub}), h.from, ir::DisplayName(*owner),
                            ir::DisplayName(from_table)));
          break;
        }
        if (owner && !RelationNameTaken(from, h.object.schema, target) &&
            IndexOwner(to, h.object.schema, target) == to_table && !RelationNameTaken(to, h.object.schema, start)) {
          Change c = make(ir::ObjectId{ObjectKind::Index, to_table.schema, to_table.name, target}, start, target);
          indexes.push_back(std::move(c));
        } else if (!owner && !RelationNameTaken(from, h.object.schema, target)) {
          error(fmt::format("index {} is renamed from \"{}\", but the database has neither index",
                            ir::DisplayName({h.object.schema, h.sub}), h.from));
        }
        break;
      }
      case ObjectKind::Enum: {
        auto fe = from.enums.find(h.object);
        auto te = to.enums.find(h.object);
        if (fe == from.enums.end() || te == to.enums.end()) break;
        const auto& fv = fe->second.values;
        const auto& tv = te->second.values;
        if (Contains(fv, start) && !Contains(fv, target) && Contains(tv, target) && !Contains(tv, start)) {
          Change c = make(ir::ObjectId{ObjectKind::Enum, h.object.schema, h.object.name, target}, start, target);
          c.before.enum_type = &fe->second;
          values.push_back(std::move(c));
        } else if (!Contains(fv, start) && !Contains(fv, target)) {
          error(fmt::format("value '{}' of type {} is renamed from '{}', but the type in the database has neither",
                            h.sub, ir::DisplayName(h.object), h.from));
        }
        break;
      }
      default: break;
    }
  }
  for (auto* group : {&indexes, &constraints, &columns, &values}) {
    for (Change& c : *group) tops.push_back(std::move(c));
  }
  if (tops.empty()) return tops;

  // Names PostgreSQL derived from a renamed table's or column's name (users_pkey,
  // users_name_idx, users_id_seq) stay as they were; the desired state derives them from the
  // new names. Keys, indexes and owned sequences of such a table that equal one of the target's
  // but for the name are renamed to it rather than dropped and created again (a serial's
  // sequence would start over).
  ir::Database renamed = ApplyRenames(from, tops, quote);
  std::set<QualifiedName> touched;  // a renamed column's partitions too: it is renamed in them
  for (const Change& c : tops) {
    if (c.object.kind == ObjectKind::Table) touched.insert({c.object.schema, c.object.name});
    if (c.object.kind == ObjectKind::Column) {
      for (const QualifiedName& t : TableTree(renamed, {c.object.schema, c.object.name})) touched.insert(t);
    }
  }
  std::vector<Change> follow;
  for (const QualifiedName& t : touched) {
    auto ft = renamed.tables.find(t);
    auto tt = to.tables.find(t);
    if (ft == renamed.tables.end() || tt == to.tables.end()) continue;
    for (const auto& [b, a] : Followers(ft->second.constraints, tt->second.constraints)) {
      const ir::Constraint& k = ft->second.constraints.at(b);
      bool has_index = k.kind == ir::ConstraintKind::PrimaryKey || k.kind == ir::ConstraintKind::Unique ||
                       k.kind == ir::ConstraintKind::Exclusion;
      if (has_index && RelationNameTaken(renamed, t.schema, a)) continue;
      Change c = make(ir::ObjectId{ObjectKind::Constraint, t.schema, t.name, a}, b, a);
      c.before.table = &from.tables.at(from_name_of.count(t) ? from_name_of.at(t) : t);
      follow.push_back(std::move(c));
    }
    for (const auto& [b, a] : Followers(ft->second.indexes, tt->second.indexes)) {
      if (RelationNameTaken(renamed, t.schema, a)) continue;
      follow.push_back(make(ir::ObjectId{ObjectKind::Index, t.schema, t.name, a}, b, a));
    }
    std::map<std::string, ir::Sequence> owned_from, owned_to;
    for (const auto& [q, seq] : renamed.sequences) {
      if (q.schema == t.schema && seq.owned_by && seq.owned_by->table == t) owned_from.emplace(q.name, seq);
    }
    for (const auto& [q, seq] : to.sequences) {
      if (q.schema == t.schema && seq.owned_by && seq.owned_by->table == t) owned_to.emplace(q.name, seq);
    }
    for (auto& [name, seq] : owned_from) seq.name.name = name;  // compared but for the name
    for (auto& [name, seq] : owned_to) seq.name.name = name;
    for (const auto& [b, a] : Followers(owned_from, owned_to)) {
      if (RelationNameTaken(renamed, t.schema, a) || RelationNameTaken(to, t.schema, b)) continue;
      Change c = make(ir::ObjectId{ObjectKind::Sequence, t.schema, a, ""}, b, a);
      c.before.sequence = &from.sequences.at({t.schema, b});
      follow.push_back(std::move(c));
    }
  }
  for (Change& c : follow) {
    c.reason = "named after a renamed table or column: PostgreSQL kept the old name, the desired state derives "
               "the new one";
    tops.push_back(std::move(c));
  }
  return tops;
}

ir::Database ApplyRenames(const ir::Database& from, const std::vector<Change>& renames, const QuoteFn& quote) {
  ir::Database db = from;
  for (const Change& c : renames) {
    const std::string& before = *c.text_before;
    const std::string& after = *c.text_after;
    QualifiedName container{c.object.schema, c.object.name};
    switch (c.object.kind) {
      case ObjectKind::Table: RenameTable(db, {c.object.schema, before}, after); break;
      case ObjectKind::View:
      case ObjectKind::MaterializedView: RenameView(db, {c.object.schema, before}, after); break;
      case ObjectKind::Function: {
        ir::Function f = *c.before.function;
        RenameFunction(db, {c.object.schema, ir::Signature(f)}, after);
        break;
      }
      case ObjectKind::Column: RenameColumn(db, container, before, after, quote); break;
      case ObjectKind::Constraint: RenameConstraint(db, container, before, after); break;
      case ObjectKind::Index: RenameIndex(db, container, before, after); break;
      case ObjectKind::Enum: Replace(db.enums.at(container).values, before, after); break;
      case ObjectKind::Sequence: RenameSequence(db, {c.object.schema, before}, after); break;
      default: break;
    }
  }
  return db;
}

bool RelationNameTaken(const ir::Database& db, const std::string& schema, const std::string& name) {
  QualifiedName q{schema, name};
  if (db.tables.count(q) || db.views.count(q) || db.sequences.count(q)) return true;
  for (const auto& [tname, t] : db.tables) {
    if (tname.schema == schema && (t.indexes.count(name) || t.constraints.count(name))) return true;
  }
  for (const auto& [vname, v] : db.views) {
    if (vname.schema == schema && v.indexes.count(name)) return true;
  }
  return false;
}

}  // namespace schemac::diff
