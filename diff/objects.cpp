#include "diff/objects.h"

#include <algorithm>
#include <map>
#include <set>

#include "compiler/ir/expression_keys.h"
#include "diff/objects_kinds.h"

namespace schemac::diff {

using ir::ObjectId;
using ir::ObjectKind;
using ir::QualifiedName;

const std::vector<ObjectKindHandler>& ObjectKindHandlers() {
  static const std::vector<ObjectKindHandler> handlers = [] {
    std::vector<ObjectKindHandler> h;
    // One line per kind (declared in objects_kinds.h); the ordering rules decide the order.
    h.push_back(ExtensionHandler());
    h.push_back(FunctionHandler());
    h.push_back(ViewHandler());
    h.push_back(TriggerHandler());
    h.push_back(RuleHandler());
    h.push_back(PolicyHandler());
    h.push_back(EventTriggerHandler());
    h.push_back(DomainHandler());
    h.push_back(CompositeTypeHandler());
    h.push_back(RangeTypeHandler());
    h.push_back(CollationHandler());
    h.push_back(ForeignDataWrapperHandler());
    h.push_back(ForeignServerHandler());
    h.push_back(UserMappingHandler());
    return h;
  }();
  return handlers;
}

namespace {

const ObjectKindHandler* HandlerFor(ObjectKind kind) {
  for (const ObjectKindHandler& h : ObjectKindHandlers()) {
    if (h.kind == kind) return &h;
    // Views and materialized views share one handler.
    if (h.kind == ObjectKind::View && kind == ObjectKind::MaterializedView) return &h;
  }
  return nullptr;
}

void SortUnique(std::vector<std::string>& keys) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
}

std::vector<std::string> ColumnKeys(const ir::Table& t) {
  std::vector<std::string> out{ir::RelKey(t.name)};
  for (const ir::Column& c : t.columns) out.push_back(ir::ColumnKey(t.name, c.name));
  return out;
}

// Keys a column uses: its type (a user type), the functions and sequences its default and
// generation expression call.
void ColumnRequires(const ir::Column& c, std::vector<std::string>& out) {
  if (c.type.schema != "pg_catalog") out.push_back(ir::TypeKey({c.type.schema, c.type.name}));
  if (c.collation && c.collation->schema != "pg_catalog") out.push_back(ir::CollationKey(*c.collation));
  for (const auto* e : {&c.default_expr, &c.generated}) {
    if (*e) {
      for (std::string& k : ir::ExpressionKeys((*e)->text)) out.push_back(std::move(k));
    }
  }
}

const ir::Table* TableOfSide(const ElementRef& side) { return side.table; }

}  // namespace

std::vector<std::string> ProvidedKeys(const Change& c) {
  std::vector<std::string> out;
  const ElementRef& side = c.kind == ChangeKind::DropTable || c.kind == ChangeKind::DropColumn ||
                                   c.kind == ChangeKind::DropObject || c.kind == ChangeKind::DropEnum ||
                                   c.kind == ChangeKind::DropSequence || c.kind == ChangeKind::DropSchema
                               ? c.before
                               : c.after;
  switch (c.kind) {
    case ChangeKind::CreateSchema:
    case ChangeKind::DropSchema: out.push_back(ir::SchemaKey(c.object.name)); break;
    case ChangeKind::CreateEnum:
    case ChangeKind::DropEnum:
    case ChangeKind::SwapEnum:
    case ChangeKind::AddEnumValues: out.push_back(ir::TypeKey({c.object.schema, c.object.name})); break;
    case ChangeKind::CreateSequence:
    case ChangeKind::DropSequence: out.push_back(ir::SequenceKey({c.object.schema, c.object.name})); break;
    case ChangeKind::CreateTable:
    case ChangeKind::DropTable:
      if (const ir::Table* t = TableOfSide(side)) out = ColumnKeys(*t);
      break;
    case ChangeKind::AddColumn:
    case ChangeKind::DropColumn:
    case ChangeKind::AlterColumnType: {
      QualifiedName t{c.object.schema, c.object.name};
      out.push_back(ir::RelKey(t));
      out.push_back(ir::ColumnKey(t, c.object.sub));
      break;
    }
    case ChangeKind::CreateObject:
    case ChangeKind::DropObject:
    case ChangeKind::ReplaceObject:
    case ChangeKind::AlterObject:
      if (const ObjectKindHandler* h = HandlerFor(c.object.kind)) out = h->provides(side);
      break;
    default: break;
  }
  SortUnique(out);
  return out;
}

std::vector<std::string> RequiredKeys(const Change& c, bool before_state) {
  const ElementRef& side = before_state ? c.before : c.after;
  std::vector<std::string> out;
  bool uses_extensions = c.object.kind != ObjectKind::Extension && c.object.kind != ObjectKind::Schema &&
                         (c.kind == ChangeKind::CreateTable || c.kind == ChangeKind::DropTable ||
                          c.kind == ChangeKind::AddColumn || c.kind == ChangeKind::DropColumn ||
                          c.kind == ChangeKind::AlterColumnType || c.kind == ChangeKind::SetColumnDefault ||
                          c.kind == ChangeKind::DropColumnExpression || c.kind == ChangeKind::AddConstraint ||
                          c.kind == ChangeKind::DropConstraint || c.kind == ChangeKind::CreateIndex ||
                          c.kind == ChangeKind::DropIndex || c.kind == ChangeKind::CreateObject ||
                          c.kind == ChangeKind::DropObject || c.kind == ChangeKind::ReplaceObject ||
                          c.kind == ChangeKind::AlterObject);
  if (uses_extensions) out.push_back(kAnyExtensionKey);
  switch (c.kind) {
    case ChangeKind::CreateTable:
    case ChangeKind::DropTable:
      if (side.table) {
        for (const ir::Column& col : side.table->columns) ColumnRequires(col, out);
        // DROP TABLE drops the table's indexes with it, so it must come before the drop of a
        // collation they use.
        for (const auto& [n, ix] : side.table->indexes) {
          for (const ir::IndexElement& e : ix.elements) {
            if (e.collation && e.collation->schema != "pg_catalog") out.push_back(ir::CollationKey(*e.collation));
          }
        }
        for (const auto& [n, k] : side.table->constraints) {
          if (k.check) {
            for (std::string& key : ir::ExpressionKeys(k.check->text)) out.push_back(std::move(key));
          }
        }
        if (side.table->foreign) out.push_back(ir::ServerKey(side.table->foreign->server));
      }
      break;
    case ChangeKind::AddColumn:
    case ChangeKind::DropColumn:
    case ChangeKind::AlterColumnType:
    case ChangeKind::SetColumnDefault:
    case ChangeKind::DropColumnExpression:
      if (side.column) ColumnRequires(*side.column, out);
      break;
    case ChangeKind::AddConstraint:
    case ChangeKind::DropConstraint:
      if (side.constraint && side.constraint->check) {
        for (std::string& k : ir::ExpressionKeys(side.constraint->check->text)) out.push_back(std::move(k));
      }
      break;
    case ChangeKind::CreateIndex:
    case ChangeKind::DropIndex:
      if (side.index) {
        for (const ir::IndexElement& e : side.index->elements) {
          if (e.collation && e.collation->schema != "pg_catalog") out.push_back(ir::CollationKey(*e.collation));
          if (e.expression) {
            for (std::string& k : ir::ExpressionKeys(e.expression->text)) out.push_back(std::move(k));
          }
        }
        if (side.index->predicate) {
          for (std::string& k : ir::ExpressionKeys(side.index->predicate->text)) out.push_back(std::move(k));
        }
      }
      break;
    case ChangeKind::CreateObject:
    case ChangeKind::DropObject:
    case ChangeKind::ReplaceObject:
    case ChangeKind::AlterObject:
      if (const ObjectKindHandler* h = HandlerFor(c.object.kind)) {
        for (const std::string& k : h->deps(side)) out.push_back(k);
      }
      break;
    default: break;
  }
  SortUnique(out);
  return out;
}

namespace {

// Prefix of a relation key in DestroyedKeys: a column of the relation is dropped or retyped.
const std::string kColumnOf = "column-of:";

// Keys whose objects the changes destroy or change in a way dependents cannot survive: what
// PostgreSQL refuses to drop or retype while something depends on it.
std::set<std::string> DestroyedKeys(const std::vector<Change>& changes) {
  std::set<std::string> out;
  for (const Change& c : changes) {
    switch (c.kind) {
      case ChangeKind::DropColumn:
      case ChangeKind::AlterColumnType:
        // One column: dependents of that column, and dependents recorded only at relation
        // granularity (see Touches); the relation key itself is marked as touched by a column.
        out.insert(ir::ColumnKey({c.object.schema, c.object.name}, c.object.sub));
        out.insert(kColumnOf + ir::RelKey({c.object.schema, c.object.name}));
        break;
      case ChangeKind::SwapEnum:
        // The swap converts every column using the type (ALTER COLUMN ... TYPE): their
        // dependents are dropped first, as for a retyped column.
        for (const EnumColumnUse& u : c.enum_uses) {
          if (!u.table_before || !u.before) continue;
          out.insert(ir::ColumnKey(u.table_before->name, u.before->name));
          out.insert(kColumnOf + ir::RelKey(u.table_before->name));
        }
        for (const std::string& k : ProvidedKeys(c)) out.insert(k);
        break;
      case ChangeKind::DropTable:
      case ChangeKind::DropEnum:
      case ChangeKind::DropSequence:
      case ChangeKind::DropObject:
        for (const std::string& k : ProvidedKeys(c)) out.insert(k);
        break;
      default: break;
    }
  }
  return out;
}

// Whether `deps` name any column of the relation whose key is `rel` ("rel:s.t" -> "col:s.t.*").
bool HasColumnOf(const std::vector<std::string>& deps, const std::string& rel) {
  std::string prefix = "col:" + rel.substr(4) + ".";
  return std::any_of(deps.begin(), deps.end(), [&](const std::string& k) { return k.rfind(prefix, 0) == 0; });
}

// The first key of `deps` the destroyed set touches, or "". A column change touches the column's
// dependents, and the dependents of its relation that name none of its columns: those were
// recorded at relation granularity (the SQL front end's views, a whole-row reference), so any
// column may matter. Dependents that name columns (pg_depend's views, triggers) name all they use.
// `relation_reads_columns` is false for triggers: a trigger's relation key only says where it
// sits, and the columns it reads (WHEN, UPDATE OF) are all named; its function's body is opaque
// and survives any column change, as in PostgreSQL.
std::string FirstTouched(const std::vector<std::string>& deps, const std::set<std::string>& destroyed,
                         bool relation_reads_columns = true) {
  for (const std::string& k : deps) {
    if (destroyed.count(k)) return k;
    if (relation_reads_columns && k.rfind("rel:", 0) == 0 && destroyed.count(kColumnOf + k) && !HasColumnOf(deps, k)) {
      return k;
    }
  }
  return {};
}

// Whether an object's key of the relation it sits on also stands for columns it reads (see
// FirstTouched): not for a trigger nor a policy (both name every column they read), nor for a
// rule without condition or actions (DO INSTEAD NOTHING reads no column, and PostgreSQL keeps it
// over any column change).
bool ReadsItsRelation(const ObjectId& id, const ElementRef& object) {
  if (id.kind == ir::ObjectKind::Trigger || id.kind == ir::ObjectKind::Policy) return false;
  if (id.kind == ir::ObjectKind::Rule && object.rule && !object.rule->where && object.rule->actions.empty()) {
    return false;
  }
  return true;
}

std::string DescribeKey(const std::string& key) {
  std::size_t colon = key.find(':');
  std::string kind = key.substr(0, colon);
  std::string rest = key.substr(colon + 1);
  if (kind == "rel") return "relation " + rest;
  if (kind == "col") return "column " + rest;
  if (kind == "type") return "type " + rest;
  if (kind == "func") return "function " + rest;
  if (kind == "seq") return "sequence " + rest;
  if (kind == "coll") return "collation " + rest;
  if (kind == "fdw") return "foreign-data wrapper " + rest;
  if (kind == "server") return "server " + rest;
  return "schema " + rest;
}

}  // namespace

void DiffObjects(const ir::Database& from, const ir::Database& to, bool owners, std::vector<Change>& changes) {
  // Per object id: the entry in each state.
  std::map<ObjectId, const ObjectKindHandler*> handler_of;
  std::map<ObjectId, ElementRef> before, after;
  for (const ObjectKindHandler& h : ObjectKindHandlers()) {
    std::vector<ObjectEntry> entries;
    h.list(from, entries);
    for (ObjectEntry& e : entries) {
      handler_of[e.id] = &h;
      before[e.id] = e.ref;
    }
    entries.clear();
    h.list(to, entries);
    for (ObjectEntry& e : entries) {
      handler_of[e.id] = &h;
      after[e.id] = e.ref;
    }
  }
  auto make = [](ChangeKind kind, const ObjectId& id) {
    Change c;
    c.kind = kind;
    c.object = id;
    return c;
  };
  // First pass: each object on its own.
  std::map<ObjectId, std::size_t> dropped;  // index into `changes` of the object's DropObject
  std::set<ObjectId> created;
  std::vector<Change> out;
  for (const auto& [id, h] : handler_of) {
    auto b = before.find(id);
    auto a = after.find(id);
    if (a == after.end()) {
      Change c = make(ChangeKind::DropObject, id);
      c.before = b->second;
      out.push_back(std::move(c));
      continue;
    }
    if (b == before.end()) {
      Change c = make(ChangeKind::CreateObject, id);
      c.after = a->second;
      out.push_back(std::move(c));
      continue;
    }
    Comparison cmp = h->compare(b->second, a->second, owners);
    switch (cmp.verdict) {
      case Verdict::Same: break;
      case Verdict::Alter:
      case Verdict::Replace: {
        Change c = make(cmp.verdict == Verdict::Alter ? ChangeKind::AlterObject : ChangeKind::ReplaceObject, id);
        c.before = b->second;
        c.after = a->second;
        c.reason = cmp.reason;
        out.push_back(std::move(c));
        break;
      }
      case Verdict::Rebuild: {
        Change d = make(ChangeKind::DropObject, id);
        d.before = b->second;
        d.reason = cmp.reason;
        Change c = make(ChangeKind::CreateObject, id);
        c.after = a->second;
        c.reason = cmp.reason;
        out.push_back(std::move(d));
        out.push_back(std::move(c));
        break;
      }
    }
  }
  // Rebuilds: an object that survives but depends on something destroyed is dropped and created
  // again; what it provides is then destroyed too, up to a fixpoint.
  std::vector<Change> all = changes;
  all.insert(all.end(), out.begin(), out.end());
  std::set<std::string> destroyed = DestroyedKeys(all);
  bool grew = true;
  while (grew) {
    grew = false;
    for (const auto& [id, h] : handler_of) {
      auto b = before.find(id);
      if (b == before.end()) continue;
      bool is_dropped = std::any_of(out.begin(), out.end(), [&](const Change& c) {
        return c.kind == ChangeKind::DropObject && c.object == id;
      });
      if (is_dropped) continue;
      const std::vector<std::string>& deps = h->deps(b->second);
      std::string touched = FirstTouched(deps, destroyed, ReadsItsRelation(id, b->second));
      if (touched.empty()) continue;
      std::string reason = "rebuilt: it depends on " + DescribeKey(touched) + ", which changes";
      // A replace or alter of the object is folded into the rebuild.
      std::erase_if(out, [&](const Change& c) {
        return c.object == id && (c.kind == ChangeKind::ReplaceObject || c.kind == ChangeKind::AlterObject);
      });
      Change d = make(ChangeKind::DropObject, id);
      d.before = b->second;
      d.rebuild = true;
      d.reason = reason;
      for (const std::string& k : h->provides(b->second)) grew = destroyed.insert(k).second || grew;
      out.push_back(std::move(d));
      auto a = after.find(id);
      if (a != after.end()) {
        Change c = make(ChangeKind::CreateObject, id);
        c.after = a->second;
        c.rebuild = true;
        c.reason = reason;
        out.push_back(std::move(c));
      }
      grew = true;
    }
  }
  changes.insert(changes.end(), out.begin(), out.end());
}

}  // namespace schemac::diff
