#include "diff/change.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "diff/objects_kinds.h"

namespace schemac::diff {

const char* ChangeKindName(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::CreateSchema: return "create_schema";
    case ChangeKind::DropSchema: return "drop_schema";
    case ChangeKind::CreateEnum: return "create_enum";
    case ChangeKind::DropEnum: return "drop_enum";
    case ChangeKind::AddEnumValues: return "add_enum_values";
    case ChangeKind::SwapEnum: return "swap_enum";
    case ChangeKind::CreateSequence: return "create_sequence";
    case ChangeKind::DropSequence: return "drop_sequence";
    case ChangeKind::AlterSequenceOptions: return "alter_sequence_options";
    case ChangeKind::SetSequenceOwnedBy: return "set_sequence_owned_by";
    case ChangeKind::CreateTable: return "create_table";
    case ChangeKind::DropTable: return "drop_table";
    case ChangeKind::SetTableLogged: return "set_table_logged";
    case ChangeKind::SetReplicaIdentity: return "set_replica_identity";
    case ChangeKind::CreateObject: return "create_object";
    case ChangeKind::DropObject: return "drop_object";
    case ChangeKind::ReplaceObject: return "replace_object";
    case ChangeKind::AlterObject: return "alter_object";
    case ChangeKind::Rename: return "rename";
    case ChangeKind::SetRowSecurity: return "set_row_security";
    case ChangeKind::SetTableOptions: return "set_table_options";
    case ChangeKind::SetForeignTableOptions: return "set_foreign_table_options";
    case ChangeKind::SetColumnOptions: return "set_column_options";
    case ChangeKind::AddColumn: return "add_column";
    case ChangeKind::DropColumn: return "drop_column";
    case ChangeKind::AlterColumnType: return "alter_column_type";
    case ChangeKind::SetColumnDefault: return "set_column_default";
    case ChangeKind::SetColumnNotNull: return "set_column_not_null";
    case ChangeKind::DropColumnExpression: return "drop_column_expression";
    case ChangeKind::AddIdentity: return "add_identity";
    case ChangeKind::DropIdentity: return "drop_identity";
    case ChangeKind::AlterIdentity: return "alter_identity";
    case ChangeKind::AddConstraint: return "add_constraint";
    case ChangeKind::DropConstraint: return "drop_constraint";
    case ChangeKind::ValidateConstraint: return "validate_constraint";
    case ChangeKind::AddForeignKey: return "add_foreign_key";
    case ChangeKind::DropForeignKey: return "drop_foreign_key";
    case ChangeKind::CreateIndex: return "create_index";
    case ChangeKind::DropIndex: return "drop_index";
    case ChangeKind::ReindexIndex: return "reindex_index";
    case ChangeKind::AttachPartition: return "attach_partition";
    case ChangeKind::DetachPartition: return "detach_partition";
    case ChangeKind::AttachIndex: return "attach_index";
    case ChangeKind::SaveRows: return "save_rows";
    case ChangeKind::RestoreRows: return "restore_rows";
    case ChangeKind::Grant: return "grant";
    case ChangeKind::Revoke: return "revoke";
    case ChangeKind::GrantDefault: return "grant_default_privileges";
    case ChangeKind::RevokeDefault: return "revoke_default_privileges";
    case ChangeKind::SetComment: return "set_comment";
    case ChangeKind::SetOwner: return "set_owner";
  }
  return "change";
}

bool IsPureAddition(const std::vector<std::string>& from, const std::vector<std::string>& to) {
  std::size_t i = 0;
  for (const std::string& v : to) {
    if (i < from.size() && from[i] == v) ++i;
  }
  return i == from.size();
}

namespace {

ChangeKind ReverseKind(const Change& c) {
  switch (c.kind) {
    case ChangeKind::CreateSchema: return ChangeKind::DropSchema;
    case ChangeKind::DropSchema: return ChangeKind::CreateSchema;
    case ChangeKind::CreateEnum: return ChangeKind::DropEnum;
    case ChangeKind::DropEnum: return ChangeKind::CreateEnum;
    case ChangeKind::AddEnumValues:
    case ChangeKind::SwapEnum:
      // The way back is an addition only if the forward change removed values in order.
      return IsPureAddition(c.after.enum_type->values, c.before.enum_type->values)
                 ? ChangeKind::AddEnumValues
                 : ChangeKind::SwapEnum;
    case ChangeKind::CreateSequence: return ChangeKind::DropSequence;
    case ChangeKind::DropSequence: return ChangeKind::CreateSequence;
    case ChangeKind::CreateTable: return ChangeKind::DropTable;
    case ChangeKind::DropTable: return ChangeKind::CreateTable;
    case ChangeKind::SaveRows: return ChangeKind::RestoreRows;
    case ChangeKind::RestoreRows: return ChangeKind::SaveRows;
    case ChangeKind::AddColumn: return ChangeKind::DropColumn;
    case ChangeKind::DropColumn: return ChangeKind::AddColumn;
    case ChangeKind::AddIdentity: return ChangeKind::DropIdentity;
    case ChangeKind::DropIdentity: return ChangeKind::AddIdentity;
    case ChangeKind::AddConstraint: return ChangeKind::DropConstraint;
    case ChangeKind::DropConstraint: return ChangeKind::AddConstraint;
    case ChangeKind::AddForeignKey: return ChangeKind::DropForeignKey;
    case ChangeKind::DropForeignKey: return ChangeKind::AddForeignKey;
    case ChangeKind::CreateIndex: return ChangeKind::DropIndex;
    case ChangeKind::DropIndex: return ChangeKind::CreateIndex;
    case ChangeKind::AttachPartition: return ChangeKind::DetachPartition;
    case ChangeKind::DetachPartition: return ChangeKind::AttachPartition;
    case ChangeKind::AttachIndex: return ChangeKind::AttachIndex;  // renders nothing when detaching
    case ChangeKind::ReindexIndex: return ChangeKind::ReindexIndex;  // renders nothing: PostgreSQL cannot invalidate
    case ChangeKind::Grant: return ChangeKind::Revoke;
    case ChangeKind::Revoke: return ChangeKind::Grant;
    case ChangeKind::GrantDefault: return ChangeKind::RevokeDefault;
    case ChangeKind::RevokeDefault: return ChangeKind::GrantDefault;
    case ChangeKind::CreateObject: return ChangeKind::DropObject;
    case ChangeKind::DropObject: return ChangeKind::CreateObject;
    case ChangeKind::ReplaceObject:
    case ChangeKind::AlterObject:
    case ChangeKind::AlterSequenceOptions:
    case ChangeKind::SetSequenceOwnedBy:
    case ChangeKind::SetTableLogged:
    case ChangeKind::SetTableOptions:
    case ChangeKind::SetForeignTableOptions:
    case ChangeKind::SetColumnOptions:
    case ChangeKind::SetReplicaIdentity:
    case ChangeKind::SetRowSecurity:
    case ChangeKind::AlterColumnType:
    case ChangeKind::SetColumnDefault:
    case ChangeKind::SetColumnNotNull:
    case ChangeKind::DropColumnExpression:
    case ChangeKind::AlterIdentity:
    case ChangeKind::ValidateConstraint:
    case ChangeKind::SetComment:
    case ChangeKind::SetOwner:
    case ChangeKind::Rename:
      return c.kind;
  }
  return c.kind;
}

}  // namespace

Change Reverse(const Change& c) {
  Change r = c;
  r.kind = ReverseKind(c);
  std::swap(r.before, r.after);
  std::swap(r.text_before, r.text_after);
  std::swap(r.tree_before, r.tree_after);
  for (EnumColumnUse& u : r.enum_uses) {
    std::swap(u.before, u.after);
    std::swap(u.table_before, u.table_after);
  }
  r.rewrite_default = c.kind == ChangeKind::AlterColumnType && r.before.column != nullptr &&
                      r.before.column->default_expr.has_value();
  r.recreate_everything = c.kind == ChangeKind::DropTable;
  r.using_expr.reset();
  r.not_valid_first = false;  // the inverse of an online ADD is a DROP; of a VALIDATE, nothing
  if (c.kind == ChangeKind::Rename) {
    // The object under its new name: the old one, now.
    switch (c.object.kind) {
      case ir::ObjectKind::Table:
      case ir::ObjectKind::View:
      case ir::ObjectKind::MaterializedView:
      case ir::ObjectKind::Sequence: r.object.name = *r.text_after; break;
      case ir::ObjectKind::Function: {
        ir::Function f = *c.before.function;
        r.object.name = ir::Signature(f);
        break;
      }
      default: r.object.sub = *r.text_after; break;
    }
    r.before = c.before;  // the renderer reads the object's kind and arguments, the same both ways
  }
  return r;
}

ir::QualifiedName TableOf(const Change& c) {
  return ir::QualifiedName{c.object.schema, c.object.name};
}

bool TypeIs(const ir::TypeRef& type, const ir::QualifiedName& name) {
  return type.schema == name.schema && type.name == name.name;
}

std::string Describe(const Change& c) {
  return std::string(ChangeKindName(c.kind)) + " " + ir::DisplayName(c.object);
}

}  // namespace schemac::diff

namespace schemac::diff {

namespace {

std::string TypeText(const ir::TypeRef& t) {
  std::string out = t.schema + "." + t.name;
  if (!t.modifiers.empty()) out += "(" + t.modifiers + ")";
  if (t.array) out += "[]";
  return out;
}

// Parses "p,s" / "n" modifiers; missing parts are -1.
std::pair<long, long> Mods(const std::string& m) {
  if (m.empty()) return {-1, -1};
  auto comma = m.find(',');
  if (comma == std::string::npos) return {std::stol(m), 0};
  return {std::stol(m.substr(0, comma)), std::stol(m.substr(comma + 1))};
}

}  // namespace

bool IsWidening(const ir::TypeRef& from, const ir::TypeRef& to) {
  if (from == to) return true;
  if (from.array != to.array) return false;
  bool both_catalog = from.schema == "pg_catalog" && to.schema == "pg_catalog";
  if (!both_catalog) return false;
  const std::string& f = from.name;
  const std::string& t = to.name;
  if (f == t) {
    if (to.modifiers.empty()) return f != "bpchar";  // unbounded (char without length is char(1))
    if (from.modifiers.empty()) return false;
    auto [fp, fs] = Mods(from.modifiers);
    auto [tp, ts] = Mods(to.modifiers);
    if (f == "numeric") return ts >= fs && tp - ts >= fp - fs;
    return tp >= fp;  // varchar, bpchar, bit, varbit, timestamp(p), time(p), interval(p)
  }
  auto in = [](const std::string& s, std::initializer_list<const char*> names) {
    for (const char* n : names) {
      if (s == n) return true;
    }
    return false;
  };
  if (f == "int2" && in(t, {"int4", "int8"})) return true;
  if (f == "int4" && t == "int8") return true;
  if (in(f, {"int2", "int4", "int8"}) && t == "numeric" && to.modifiers.empty()) return true;
  if (f == "float4" && t == "float8") return true;
  if (f == "varchar" && t == "text") return true;
  if (f == "text" && t == "varchar" && to.modifiers.empty()) return true;
  return false;
}

bool HasNoCast(const ir::TypeRef& from, const ir::TypeRef& to) {
  if (from.schema != "pg_catalog" || to.schema != "pg_catalog") return false;
  if (from.array != to.array || from.name == to.name) return false;
  // The built-in types whose casts among each other are listed exactly below (pg_cast of
  // PostgreSQL 15). Casts to and from string types always exist (I/O conversion), so those
  // types are deliberately not in this list.
  static const std::map<std::string, std::set<std::string>> kCastsTo = {
      {"int2", {"int4", "int8", "numeric", "float4", "float8"}},
      {"int4", {"int2", "int8", "numeric", "float4", "float8", "bool"}},
      {"int8", {"int2", "int4", "numeric", "float4", "float8"}},
      {"numeric", {"int2", "int4", "int8", "float4", "float8"}},
      {"float4", {"int2", "int4", "int8", "numeric", "float8"}},
      {"float8", {"int2", "int4", "int8", "numeric", "float4"}},
      {"bool", {"int4"}},
      {"date", {"timestamp", "timestamptz"}},
      {"time", {"interval", "timetz"}},
      {"timetz", {"time"}},
      {"timestamp", {"date", "time", "timestamptz"}},
      {"timestamptz", {"date", "time", "timetz", "timestamp"}},
      {"interval", {"time"}},
      {"uuid", {}},
      {"bytea", {}},
      {"json", {"jsonb"}},
      {"jsonb", {"json", "bool", "numeric", "int2", "int4", "int8", "float4", "float8"}},
  };
  auto f = kCastsTo.find(from.name);
  if (f == kCastsTo.end() || kCastsTo.count(to.name) == 0) return false;
  return f->second.count(to.name) == 0;
}

std::optional<std::string> DataLossOf(const Change& c) {
  switch (c.kind) {
    case ChangeKind::DropTable:
      if (c.rows_copied) return std::nullopt;  // saved before and restored into the new table
      // A foreign table holds no rows of its own: its data stays on the server.
      if (c.before.table && c.before.table->foreign) return std::nullopt;
      return "drops table " + ir::DisplayName(c.object) + " and its rows";
    case ChangeKind::DropColumn:
      if (c.before.column->generated) return std::nullopt;  // derived: recomputed when re-added
      if (c.before.table && c.before.table->foreign) return std::nullopt;
      return "drops column " + ir::DisplayName(c.object) + " and its values";
    case ChangeKind::DropColumnExpression:
      if (c.after.column->generated) {
        return "replaces the stored values of column " + ir::DisplayName(c.object) +
               " with generated ones";
      }
      return std::nullopt;
    case ChangeKind::AlterColumnType:
      if (c.before.table && c.before.table->foreign) return std::nullopt;
      if (IsWidening(c.before.column->type, c.after.column->type)) return std::nullopt;
      return "changes the type of column " + ir::DisplayName(c.object) + " from " +
             TypeText(c.before.column->type) + " to " + TypeText(c.after.column->type) +
             ", which may not convert back unchanged";
    case ChangeKind::SwapEnum: {
      std::string removed;
      for (const std::string& v : c.before.enum_type->values) {
        const auto& after = c.after.enum_type->values;
        if (std::find(after.begin(), after.end(), v) == after.end()) {
          removed += (removed.empty() ? "'" : ", '") + v + "'";
        }
      }
      if (removed.empty() || c.enum_uses.empty()) return std::nullopt;
      return "removes value(s) " + removed + " of type " + ir::DisplayName(c.object) +
             ", which columns using it may hold";
    }
    case ChangeKind::AlterObject:
      // ALTER TYPE ... DROP ATTRIBUTE loses the attribute's values in every column of the type.
      if (c.object.kind == ir::ObjectKind::CompositeType) return CompositeDataLoss(c);
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

}  // namespace schemac::diff
