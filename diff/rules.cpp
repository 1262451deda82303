#include "diff/rules.h"

#include <algorithm>

#include "diff/differ.h"
#include "diff/objects.h"

namespace schemac::diff {

namespace {

using K = ChangeKind;
using ir::ConstraintKind;
using ir::QualifiedName;

// The schema an object lives in (for a schema change: the schema itself).
std::string SchemaOf(const Change& c) {
  return c.object.kind == ir::ObjectKind::Schema ? c.object.name : c.object.schema;
}

bool SameTable(const Change& a, const Change& b) { return TableOf(a) == TableOf(b); }
bool SameObject(const Change& a, const Change& b) { return a.object == b.object; }

// The columns a change touches on one side: a whole table's columns, or one column.
std::vector<const ir::Column*> ColumnsOf(const ElementRef& side) {
  std::vector<const ir::Column*> out;
  if (side.column != nullptr) {
    out.push_back(side.column);
  } else if (side.table != nullptr && side.constraint == nullptr && side.index == nullptr) {
    for (const ir::Column& c : side.table->columns) out.push_back(&c);
  }
  return out;
}

bool SideUsesType(const ElementRef& side, const QualifiedName& type) {
  for (const ir::Column* c : ColumnsOf(side)) {
    if (TypeIs(c->type, type)) return true;
  }
  return false;
}

bool SideCallsNextval(const ElementRef& side, const QualifiedName& seq) {
  for (const ir::Column* c : ColumnsOf(side)) {
    if (!c->default_expr) continue;
    for (const QualifiedName& q : SequenceReferences(*c->default_expr)) {
      if (q == seq) return true;
    }
  }
  return false;
}

QualifiedName ObjectName(const Change& c) { return QualifiedName{c.object.schema, c.object.name}; }

// The relation name (table, sequence, index, or the index behind a key constraint) a change
// creates or drops; empty when it is none of these.
std::string RelationName(const Change& c) {
  switch (c.kind) {
    case K::CreateTable:
    case K::DropTable:
    case K::CreateSequence:
    case K::DropSequence:
      return c.object.name;
    case K::CreateIndex:
    case K::DropIndex:
      return c.object.sub;
    case K::AddConstraint:
    case K::DropConstraint: {
      const ir::Constraint* con = c.after.constraint ? c.after.constraint : c.before.constraint;
      if (con != nullptr && (con->kind == ConstraintKind::PrimaryKey || con->kind == ConstraintKind::Unique ||
                             con->kind == ConstraintKind::Exclusion)) {
        return c.object.sub;
      }
      return {};
    }
    default:
      return {};
  }
}

// Every relation name a change creates or drops: RelationName, and for a table the indexes that
// go with it (its keys, created inside CREATE TABLE; and all its indexes when it is dropped).
std::vector<std::string> RelationNames(const Change& c) {
  std::vector<std::string> out;
  std::string own = RelationName(c);
  if (!own.empty()) out.push_back(own);
  const ir::Table* t = c.kind == K::DropTable ? c.before.table : c.kind == K::CreateTable ? c.after.table : nullptr;
  if (t == nullptr) return out;
  for (const auto& [name, con] : t->constraints) {
    if (con.kind == ConstraintKind::PrimaryKey || con.kind == ConstraintKind::Unique ||
        con.kind == ConstraintKind::Exclusion) {
      out.push_back(name);
    }
  }
  if (c.kind == K::DropTable) {
    for (const auto& [name, index] : t->indexes) out.push_back(name);
  }
  return out;
}

const ir::Sequence* SeqBefore(const Change& c) { return c.before.sequence; }
const ir::Sequence* SeqAfter(const Change& c) { return c.after.sequence; }

bool OwnerIs(const ir::Sequence* s, const Change& column_or_table) {
  if (s == nullptr || !s->owned_by) return false;
  if (s->owned_by->table != TableOf(column_or_table)) return false;
  if (column_or_table.object.kind == ir::ObjectKind::Table) return true;
  return s->owned_by->column == column_or_table.object.sub;
}

bool IsDropNotNull(const Change& c) {
  return c.kind == K::SetColumnNotNull && c.after.column != nullptr && !c.after.column->not_null;
}
bool IsSetNotNull(const Change& c) {
  return c.kind == K::SetColumnNotNull && c.after.column != nullptr && c.after.column->not_null;
}

bool ForeignKeyReferences(const ir::Constraint& fk, const QualifiedName& table) {
  return fk.kind == ConstraintKind::ForeignKey && fk.ref_table == table;
}

// ---- join keys ----
std::string Key(const QualifiedName& q) { return q.schema + '\x1f' + q.name; }
RuleKeys SchemaKey(const Change& c) { return {SchemaOf(c)}; }
RuleKeys TableKey(const Change& c) { return {Key(TableOf(c))}; }
RuleKeys ObjectKey(const Change& c) {
  return {std::to_string(static_cast<int>(c.object.kind)) + '\x1f' + c.object.schema + '\x1f' + c.object.name +
          '\x1f' + c.object.sub};
}
RuleKeys ObjectNameKey(const Change& c) { return {Key(ObjectName(c))}; }
// A partition change: the partition and its parent (on the side that has one).
RuleKeys PartitionTablesKey(const Change& c) {
  RuleKeys out{Key(TableOf(c))};
  for (const ElementRef* side : {&c.before, &c.after}) {
    if (side->table != nullptr && side->table->partition_of) out.push_back(Key(side->table->partition_of->parent));
  }
  return out;
}
// The validation of a partition's copy of a CHECK: the partition and the table holding the CHECK
// (no key for any other validation).
RuleKeys CopyValidationKeys(const Change& c) {
  if (!c.copy_holder) return {};
  return {Key(TableOf(c)), Key(*c.copy_holder)};
}
RuleKeys TypesKey(const ElementRef& side) {
  RuleKeys out;
  for (const ir::Column* col : ColumnsOf(side)) out.push_back(Key({col->type.schema, col->type.name}));
  return out;
}
RuleKeys AfterTypesKey(const Change& c) { return TypesKey(c.after); }
RuleKeys ProvidedKeysOf(const Change& c) { return ProvidedKeys(c); }
RuleKeys AfterRequiredKeys(const Change& c) { return RequiredKeys(c, false); }
RuleKeys BeforeRequiredKeys(const Change& c) { return RequiredKeys(c, true); }
RuleKeys BeforeTypesKey(const Change& c) { return TypesKey(c.before); }
RuleKeys NextvalKey(const ElementRef& side) {
  RuleKeys out;
  for (const ir::Column* col : ColumnsOf(side)) {
    if (!col->default_expr) continue;
    for (const QualifiedName& q : SequenceReferences(*col->default_expr)) out.push_back(Key(q));
  }
  return out;
}
RuleKeys AfterNextvalKey(const Change& c) { return NextvalKey(c.after); }
RuleKeys BeforeNextvalKey(const Change& c) { return NextvalKey(c.before); }
RuleKeys OwnerTableKey(const ir::Sequence* s) {
  if (s == nullptr || !s->owned_by) return {};
  return {Key(s->owned_by->table)};
}
RuleKeys AfterOwnerTableKey(const Change& c) { return OwnerTableKey(c.after.sequence); }
RuleKeys BeforeOwnerTableKey(const Change& c) { return OwnerTableKey(c.before.sequence); }
RuleKeys FkJoinedTablesKey(const Change& c) {
  return {Key(TableOf(c)), Key(c.after.constraint->ref_table)};
}
RuleKeys BeforeFkRefTablesKey(const Change& c) {
  RuleKeys out;
  for (const auto& [name, con] : c.before.table->constraints) {
    if (con.kind == ConstraintKind::ForeignKey) out.push_back(Key(con.ref_table));
  }
  return out;
}
RuleKeys RelationKey(const Change& c) {
  RuleKeys out;
  for (const std::string& r : RelationNames(c)) out.push_back(Key({c.object.schema, r}));
  return out;
}
RuleKeys AfterRefTableKey(const Change& c) { return {Key(c.after.constraint->ref_table)}; }
// The parent of the partition a change concerns, in the state the change starts from.
RuleKeys BeforeParentKey(const Change& c) {
  if (c.before.table == nullptr || !c.before.table->partition_of) return {};
  return {Key(c.before.table->partition_of->parent)};
}
// The parent of the partition a change concerns, in the state the change produces.
RuleKeys AfterParentKey(const Change& c) {
  if (c.after.table == nullptr || !c.after.table->partition_of) return {};
  return {Key(c.after.table->partition_of->parent)};
}
RuleKeys BeforeRefTableKey(const Change& c) { return {Key(c.before.constraint->ref_table)}; }
RuleKeys TreeKeys(const std::vector<QualifiedName>& tables) {
  RuleKeys out;
  for (const QualifiedName& q : tables) out.push_back(Key(q));
  return out;
}
RuleKeys TreeBeforeKey(const Change& c) { return TreeKeys(c.tree_before); }
RuleKeys TreeAfterKey(const Change& c) { return TreeKeys(c.tree_after); }
bool InTree(const std::vector<QualifiedName>& tree, const QualifiedName& q) {
  return std::find(tree.begin(), tree.end(), q) != tree.end();
}
// Default privileges: a global entry joins every creation, a schema's the creations in it.
constexpr const char* kEverySchema = "\x1e*";
RuleKeys DefaultPrivilegesSchemaKey(const Change& c) { return {c.default_privileges_for.schema}; }
RuleKeys DefaultPrivilegesScopeKey(const Change& c) {
  const std::string& schema = c.default_privileges_for.schema;
  return {schema.empty() ? std::string(kEverySchema) : schema};
}
RuleKeys CreatedScopeKey(const Change& c) { return {kEverySchema, SchemaOf(c)}; }

const std::vector<Rule>& BuildRules() {
  static const std::vector<Rule> rules = {
      // ---- schema ----
      {"schema", "a schema is created before the objects in it",
       {K::CreateSchema},
       {K::CreateEnum, K::CreateSequence, K::CreateTable, K::CreateObject},
       [](const Change& b, const Change& a) { return SchemaOf(b) == SchemaOf(a); },
       SchemaKey, SchemaKey},
      {"schema", "the objects in a schema are dropped before the schema",
       {K::DropEnum, K::DropSequence, K::DropTable, K::DropObject},
       {K::DropSchema},
       [](const Change& b, const Change& a) { return SchemaOf(b) == SchemaOf(a); },
       SchemaKey, SchemaKey},

      // ---- enum ----
      {"enum", "an enum type is created before the columns that use it",
       {K::CreateEnum},
       {K::CreateTable, K::AddColumn, K::AlterColumnType},
       [](const Change& b, const Change& a) { return SideUsesType(a.after, ObjectName(b)); },
       ObjectNameKey, AfterTypesKey},
      {"enum", "the columns that use an enum type are dropped or retyped before the type is dropped",
       {K::DropTable, K::DropColumn, K::AlterColumnType},
       {K::DropEnum},
       [](const Change& b, const Change& a) { return SideUsesType(b.before, ObjectName(a)); },
       BeforeTypesKey, ObjectNameKey},
      {"enum", "columns of a swapped enum type that go away are dropped or retyped before the swap",
       {K::DropTable, K::DropColumn, K::AlterColumnType},
       {K::SwapEnum},
       [](const Change& b, const Change& a) { return SideUsesType(b.before, ObjectName(a)); },
       BeforeTypesKey, ObjectNameKey},
      {"enum", "a swapped enum type is recreated before new columns use it",
       {K::SwapEnum},
       {K::CreateTable, K::AddColumn, K::AlterColumnType},
       [](const Change& b, const Change& a) { return SideUsesType(a.after, ObjectName(b)); },
       ObjectNameKey, AfterTypesKey},

      // ---- sequence ----
      {"sequence", "a sequence is created before the defaults that call nextval on it",
       {K::CreateSequence},
       {K::CreateTable, K::AddColumn, K::SetColumnDefault, K::AlterColumnType},
       [](const Change& b, const Change& a) { return SideCallsNextval(a.after, ObjectName(b)); },
       ObjectNameKey, AfterNextvalKey},
      {"sequence", "the defaults that call nextval on a sequence are removed before the sequence is dropped",
       {K::DropTable, K::DropColumn, K::SetColumnDefault, K::AlterColumnType},
       {K::DropSequence},
       [](const Change& b, const Change& a) { return SideCallsNextval(b.before, ObjectName(a)); },
       BeforeNextvalKey, ObjectNameKey},
      {"sequence", "a sequence is created before its owning column is set",
       {K::CreateSequence},
       {K::SetSequenceOwnedBy},
       SameObject,
       ObjectKey, ObjectKey},
      {"sequence", "the owning column exists before a sequence is owned by it",
       {K::CreateTable, K::AddColumn},
       {K::SetSequenceOwnedBy},
       [](const Change& b, const Change& a) { return OwnerIs(SeqAfter(a), b); },
       TableKey, AfterOwnerTableKey},
      {"sequence", "a sequence that survives is released by its owning column before that column or table is dropped",
       {K::SetSequenceOwnedBy},
       {K::DropColumn, K::DropTable},
       [](const Change& b, const Change& a) { return OwnerIs(SeqBefore(b), a); },
       BeforeOwnerTableKey, TableKey},

      // ---- table ----
      {"table", "a table is created before its elements are added or changed",
       {K::CreateTable},
       {K::AddConstraint, K::AddForeignKey, K::CreateIndex, K::SetComment, K::SetOwner, K::SetTableOptions,
        K::SetTableLogged, K::SetReplicaIdentity, K::SetRowSecurity, K::SetForeignTableOptions},
       [](const Change& b, const Change& a) {
         return a.object.kind != ir::ObjectKind::Schema && a.object.kind != ir::ObjectKind::Enum &&
                a.object.kind != ir::ObjectKind::Sequence && SameTable(b, a);
       },
       TableKey, TableKey},
      // Foreign keys are never written inside CREATE TABLE, and add_foreign_key ranks after
      // create_table in the kind priority, so every foreign key follows every create: cycles of
      // foreign keys between new tables never arise. (A rule relating every table to every
      // foreign key would say the same with a quadratic number of edges.)
      {"table", "foreign keys are added after the tables they join are created",
       {K::CreateTable},
       {K::AddForeignKey},
       [](const Change& b, const Change& a) {
         return SameTable(b, a) || TableOf(b) == a.after.constraint->ref_table;
       },
       TableKey, FkJoinedTablesKey},
      {"table", "a table is dropped before the tables, keys and columns its foreign keys reference",
       {K::DropTable},
       {K::DropTable, K::DropConstraint, K::DropIndex, K::DropColumn},
       [](const Change& b, const Change& a) {
         if (SameTable(b, a)) return false;
         for (const auto& [name, con] : b.before.table->constraints) {
           if (std::find(b.detached_foreign_keys.begin(), b.detached_foreign_keys.end(), name) !=
               b.detached_foreign_keys.end()) {
             continue;
           }
           if (ForeignKeyReferences(con, TableOf(a))) return true;
         }
         return false;
       },
       BeforeFkRefTablesKey, TableKey},
      {"table", "a table's replica identity is set after the index or key it uses is created",
       {K::CreateIndex, K::AddConstraint},
       {K::SetReplicaIdentity},
       [](const Change& b, const Change& a) {
         return SameTable(b, a) && a.after.table->replica_identity == ir::ReplicaIdentity::Index &&
                a.after.table->replica_identity_index == b.object.sub;
       },
       TableKey, TableKey},
      {"table", "a table's replica identity leaves an index or key before it is dropped",
       {K::SetReplicaIdentity},
       {K::DropIndex, K::DropConstraint},
       [](const Change& b, const Change& a) {
         return SameTable(b, a) && b.before.table->replica_identity == ir::ReplicaIdentity::Index &&
                b.before.table->replica_identity_index == a.object.sub &&
                b.after.table->replica_identity_index != a.object.sub;
       },
       TableKey, TableKey},
      {"table", "a relation name is freed before it is reused",
       {K::DropTable, K::DropSequence, K::DropIndex, K::DropConstraint},
       {K::CreateTable, K::CreateSequence, K::CreateIndex, K::AddConstraint},
       [](const Change& b, const Change& a) {
         if (b.object.schema != a.object.schema) return false;
         std::vector<std::string> freed = RelationNames(b);
         for (const std::string& name : RelationNames(a)) {
           if (std::find(freed.begin(), freed.end(), name) != freed.end()) return true;
         }
         return false;
       },
       RelationKey, RelationKey},

      // ---- column ----
      {"column", "columns are added in their table's column order",
       {K::AddColumn},
       {K::AddColumn},
       [](const Change& b, const Change& a) { return SameTable(b, a) && b.ordinal < a.ordinal; },
       TableKey, TableKey},
      {"column", "a column is dropped before a column of the same name is added",
       {K::DropColumn},
       {K::AddColumn},
       SameObject,
       ObjectKey, ObjectKey},
      {"column", "NOT NULL is set before an identity is added",
       {K::SetColumnNotNull},
       {K::AddIdentity},
       [](const Change& b, const Change& a) { return SameObject(b, a) && IsSetNotNull(b); },
       ObjectKey, ObjectKey},
      {"column", "an identity is dropped before NOT NULL is dropped",
       {K::DropIdentity},
       {K::SetColumnNotNull},
       [](const Change& b, const Change& a) { return SameObject(b, a) && IsDropNotNull(a); },
       ObjectKey, ObjectKey},
      {"column", "a default is dropped before an identity is added",
       {K::SetColumnDefault, K::AlterColumnType},
       {K::AddIdentity},
       SameObject,
       ObjectKey, ObjectKey},
      {"column", "an identity is dropped before a default is set",
       {K::DropIdentity},
       {K::SetColumnDefault, K::AlterColumnType},
       SameObject,
       ObjectKey, ObjectKey},
      {"column", "a column's type changes before its default or identity options change",
       {K::AlterColumnType},
       {K::SetColumnDefault, K::AlterIdentity},
       SameObject,
       ObjectKey, ObjectKey},
      {"column", "a generated column is dropped before the columns its expression uses are dropped or retyped",
       {K::DropColumn},
       {K::DropColumn, K::AlterColumnType},
       [](const Change& b, const Change& a) {
         const ir::Column* gen = b.before.column;
         return SameTable(b, a) && b.object.sub != a.object.sub && gen->generated &&
                MentionsIdentifier(gen->generated->text, a.object.sub);
       },
       TableKey, TableKey},
      {"column", "a column is added or retyped before the generated columns that use it are added",
       {K::AddColumn, K::AlterColumnType},
       {K::AddColumn},
       [](const Change& b, const Change& a) {
         const ir::Column* gen = a.after.column;
         return SameTable(b, a) && b.object.sub != a.object.sub && gen->generated &&
                MentionsIdentifier(gen->generated->text, b.object.sub);
       },
       TableKey, TableKey},
      {"column", "a generation expression is dropped before the column's type or default changes",
       {K::DropColumnExpression},
       {K::AlterColumnType, K::SetColumnDefault},
       SameObject,
       ObjectKey, ObjectKey},

      // ---- constraint and index ----
      {"constraint", "columns are added or retyped before the constraints and indexes of their table are added",
       {K::AddColumn, K::AlterColumnType},
       {K::AddConstraint, K::AddForeignKey, K::CreateIndex},
       SameTable,
       TableKey, TableKey},
      {"constraint", "constraints and indexes are dropped before columns of their table are dropped or retyped",
       {K::DropConstraint, K::DropForeignKey, K::DropIndex},
       {K::DropColumn, K::AlterColumnType},
       SameTable,
       TableKey, TableKey},
      {"constraint", "a referenced key and its columns exist before the foreign key is added",
       {K::AddConstraint, K::CreateIndex, K::AddColumn, K::AlterColumnType},
       {K::AddForeignKey},
       [](const Change& b, const Change& a) { return TableOf(b) == a.after.constraint->ref_table; },
       TableKey, AfterRefTableKey},
      {"constraint", "a foreign key is dropped before the key, columns or table it references are dropped or changed",
       {K::DropForeignKey},
       {K::DropConstraint, K::DropIndex, K::DropTable, K::DropColumn, K::AlterColumnType},
       [](const Change& b, const Change& a) { return b.before.constraint->ref_table == TableOf(a); },
       BeforeRefTableKey, TableKey},
      {"constraint", "a constraint is dropped before it is added again",
       {K::DropConstraint, K::DropForeignKey},
       {K::AddConstraint, K::AddForeignKey},
       SameObject,
       ObjectKey, ObjectKey},
      {"constraint", "a primary key is dropped before NOT NULL is dropped from its columns",
       {K::DropConstraint},
       {K::SetColumnNotNull},
       [](const Change& b, const Change& a) {
         const ir::Constraint* pk = b.before.constraint;
         return SameTable(b, a) && IsDropNotNull(a) && pk->kind == ConstraintKind::PrimaryKey &&
                std::find(pk->columns.begin(), pk->columns.end(), a.object.sub) != pk->columns.end();
       },
       TableKey, TableKey},

      // ---- object (views, functions, triggers, types, ...: diff/objects.h) ----
      // These join on reference keys: what a change provides (a table and its columns, a type,
      // a function name, a view) and what an element uses (ir::Dependencies, a column's type,
      // the functions its expressions call).
      {"object", "an object is created, replaced or altered after what it uses is created or changed",
       {K::CreateSchema, K::CreateEnum, K::AddEnumValues, K::SwapEnum, K::CreateSequence, K::CreateTable,
        K::AddColumn, K::AlterColumnType, K::CreateObject, K::ReplaceObject, K::AlterObject},
       {K::CreateObject, K::ReplaceObject, K::AlterObject},
       [](const Change& b, const Change& a) { return &b != &a; },
       ProvidedKeysOf, AfterRequiredKeys},
      {"object", "an object is dropped before what it uses is dropped or changed",
       {K::DropObject},
       {K::DropSchema, K::DropEnum, K::SwapEnum, K::DropSequence, K::DropTable, K::DropColumn, K::AlterColumnType,
        K::DropObject},
       [](const Change& b, const Change& a) { return &b != &a; },
       BeforeRequiredKeys, ProvidedKeysOf},
      {"object", "a table element is created or changed after the objects it uses are created",
       {K::CreateObject, K::ReplaceObject, K::AlterObject},
       {K::CreateTable, K::AddColumn, K::AlterColumnType, K::SetColumnDefault, K::AddConstraint, K::CreateIndex},
       [](const Change&, const Change&) { return true; },
       ProvidedKeysOf, AfterRequiredKeys},
      {"object", "a table element is dropped or changed before the objects it uses are dropped",
       {K::DropTable, K::DropColumn, K::AlterColumnType, K::SetColumnDefault, K::DropConstraint, K::DropIndex,
        K::DropColumnExpression},
       {K::DropObject},
       [](const Change&, const Change&) { return true; },
       BeforeRequiredKeys, ProvidedKeysOf},

      // ---- partitions ----
      {"partition", "a partition is attached after it and its parent are created and changed",
       {K::CreateTable, K::AddColumn, K::DropColumn, K::AlterColumnType, K::SetColumnDefault, K::SetColumnNotNull,
        K::DropColumnExpression, K::AddConstraint, K::DropConstraint, K::CreateIndex, K::DropIndex},
       {K::AttachPartition},
       [](const Change& b, const Change& a) {
         return (SameTable(b, a) && !b.after_attach) || TableOf(b) == a.after.table->partition_of->parent;
       },
       TableKey, PartitionTablesKey},
      {"partition", "an index or key of a partition that attaches to no index of its parent is made after the attach",
       {K::AttachPartition},
       {K::AddConstraint, K::CreateIndex},
       [](const Change& b, const Change& a) { return a.after_attach && SameTable(b, a); },
       TableKey, TableKey},
      {"partition", "a partition is detached before it or its parent change or are dropped",
       {K::DetachPartition},
       {K::DropTable, K::AddColumn, K::DropColumn, K::AlterColumnType, K::SetColumnDefault, K::SetColumnNotNull,
        K::DropColumnExpression, K::AddConstraint, K::DropConstraint, K::AddForeignKey, K::DropForeignKey,
        K::CreateIndex, K::DropIndex},
       [](const Change& b, const Change& a) {
         return SameTable(b, a) || TableOf(a) == b.before.table->partition_of->parent;
       },
       PartitionTablesKey, TableKey},
      {"partition", "an index is attached to its parent's index after both exist and its table is attached",
       {K::CreateIndex, K::AddConstraint, K::AttachPartition},
       {K::AttachIndex},
       [](const Change& b, const Change& a) {
         if (b.kind == K::AttachPartition) return SameTable(b, a);
         const std::string& parent_index =
             a.after.index ? a.after.index->parent_index : a.after.constraint->parent_index;
         return (SameTable(b, a) && b.object.sub == a.object.sub) ||
                (TableOf(b) == a.after.table->partition_of->parent && b.object.sub == parent_index);
       },
       TableKey, PartitionTablesKey},
      {"partition", "a partition's copy of a CHECK is validated after the partition is attached and the CHECK added",
       {K::AttachPartition, K::AddConstraint},
       {K::ValidateConstraint},
       [](const Change& b, const Change& a) {
         if (b.kind == K::AttachPartition) return SameTable(b, a);
         return a.copy_holder && TableOf(b) == *a.copy_holder && b.object.sub == a.object.sub;
       },
       TableKey, CopyValidationKeys},
      {"partition", "a partition is dropped before its parent (whose sequences its defaults may use)",
       {K::DropTable},
       {K::DropTable},
       [](const Change& b, const Change& a) {
         return b.before.table->partition_of && b.before.table->partition_of->parent == TableOf(a);
       },
       BeforeParentKey, TableKey},
      {"partition", "a partition's own elements change after the column changes of its parent reach it",
       {K::AddColumn, K::AlterColumnType, K::SetColumnDefault, K::SetColumnNotNull, K::DropColumnExpression},
       {K::AddColumn, K::AlterColumnType, K::SetColumnDefault, K::SetColumnNotNull, K::AddConstraint,
        K::AddForeignKey, K::CreateIndex, K::AttachIndex},
       [](const Change& b, const Change& a) {
         return a.after.table && a.after.table->partition_of && TableOf(b) == a.after.table->partition_of->parent;
       },
       TableKey, AfterParentKey},
      {"partition", "a foreign key to a partitioned table is dropped before partitions are detached from it",
       {K::DropForeignKey},
       {K::DetachPartition},
       [](const Change& b, const Change& a) {
         // Only one on a table outside any partition tree: the foreign keys of partitioned tables and
         // partitions are dropped after their own partitions are detached (see above), and two
         // partitioned tables may reference each other.
         const QualifiedName& parent = a.before.table->partition_of->parent;
         const ir::Table* t = b.before.table;
         return b.before.constraint->ref_table == parent && t != nullptr && !t->partition_key && !t->partition_of;
       },
       BeforeRefTableKey, BeforeParentKey},
      {"partition", "a foreign key to a partitioned table is added after the indexes of its key are attached",
       {K::AttachIndex},
       {K::AddForeignKey},
       [](const Change& b, const Change& a) {
         return b.after.table->partition_of && b.after.table->partition_of->parent == a.after.constraint->ref_table;
       },
       AfterParentKey, AfterRefTableKey},

      // ---- rows of a table created anew ----
      {"rows", "the rows of a table created anew are saved after the partitions that leave it are detached",
       {K::DetachPartition},
       {K::SaveRows},
       [](const Change& b, const Change& a) {
         return !b.rows_copied && InTree(a.tree_before, b.before.table->partition_of->parent);
       },
       BeforeParentKey, TreeBeforeKey},
      {"rows", "the rows of a table created anew are saved before it and its partitions are detached or dropped",
       {K::SaveRows},
       {K::DetachPartition, K::DropTable},
       [](const Change& b, const Change& a) { return a.rows_copied && InTree(b.tree_before, TableOf(a)); },
       TreeBeforeKey, TableKey},
      {"rows", "the rows are restored once the new table and its partitions are created and attached",
       {K::CreateTable, K::AttachPartition},
       {K::RestoreRows},
       [](const Change& b, const Change& a) { return InTree(a.tree_after, TableOf(b)); },
       TableKey, TreeAfterKey},
      {"rows", "foreign keys to a table created anew are added after its rows are restored",
       {K::RestoreRows},
       {K::AddForeignKey},
       [](const Change& b, const Change& a) { return InTree(b.tree_after, a.after.constraint->ref_table); },
       TreeAfterKey, AfterRefTableKey},
      {"rows", "triggers, rules and row security of a table created anew take effect after its rows are restored",
       {K::RestoreRows},
       {K::CreateObject, K::SetRowSecurity},
       [](const Change& b, const Change& a) {
         bool on_table = a.kind == K::SetRowSecurity || a.object.kind == ir::ObjectKind::Trigger ||
                         a.object.kind == ir::ObjectKind::Rule || a.object.kind == ir::ObjectKind::Policy;
         return on_table && InTree(b.tree_after, TableOf(a));
       },
       TreeAfterKey, TableKey},

      // ---- privileges ----
      {"privilege", "privileges are granted or revoked after their object is created",
       {K::CreateSchema, K::CreateEnum, K::SwapEnum, K::CreateSequence, K::CreateTable, K::AddColumn,
        K::CreateObject, K::ReplaceObject},
       {K::Grant, K::Revoke},
       SameObject,
       ObjectKey, ObjectKey},
      {"privilege", "column privileges are granted or revoked after their table is created",
       {K::CreateTable},
       {K::Grant, K::Revoke},
       [](const Change& b, const Change& a) { return SameTable(b, a) && a.object.kind == ir::ObjectKind::Column; },
       TableKey, TableKey},

      // ---- default privileges ----
      {"default privilege", "a schema is created before the default privileges in it change",
       {K::CreateSchema},
       {K::GrantDefault, K::RevokeDefault},
       [](const Change& b, const Change& a) { return SchemaOf(b) == a.default_privileges_for.schema; },
       SchemaKey, DefaultPrivilegesSchemaKey},
      {"default privilege",
       "the default privileges of the role running the plan change before it creates objects (they get them)",
       {K::GrantDefault, K::RevokeDefault},
       {K::CreateSchema, K::CreateEnum, K::SwapEnum, K::CreateSequence, K::CreateTable, K::CreateObject},
       [](const Change& b, const Change& a) {
         const ir::DefaultPrivilegeKey& k = b.default_privileges_for;
         if (!k.role.empty()) return false;
         // Schemas only get the global entry on schemas; a schema's own entries follow it.
         if (a.kind == K::CreateSchema) return k.schema.empty() && k.kind == 'n';
         return k.schema.empty() || k.schema == SchemaOf(a);
       },
       DefaultPrivilegesScopeKey, CreatedScopeKey},

      // ---- comment and owner ----
      {"comment", "an object exists before its comment or owner is set",
       {K::CreateSchema, K::CreateEnum, K::SwapEnum, K::CreateSequence, K::CreateTable, K::AddColumn,
        K::AddConstraint, K::AddForeignKey, K::CreateIndex},
       {K::SetComment, K::SetOwner},
       SameObject,
       ObjectKey, ObjectKey},
  };
  return rules;
}

}  // namespace

const std::vector<Rule>& Rules() { return BuildRules(); }

const std::vector<ChangeKind>& KindPriority() {
  // Drops that free names and dependencies first, then creations in dependency order, then the
  // drops of whole objects last, as pg_dump's object-type priority does.
  static const std::vector<ChangeKind> order = {
      K::CreateSchema,        K::RevokeDefault,      K::GrantDefault,      K::AddEnumValues,
      K::CreateEnum,          K::CreateSequence,     K::AlterSequenceOptions, K::SaveRows,
      K::DropObject,          K::DetachPartition,    K::DropForeignKey,
      K::DropConstraint,      K::DropIndex,
      K::DropIdentity,        K::DropColumnExpression, K::DropColumn,      K::DropTable,
      K::SwapEnum,            K::CreateTable,        K::AddColumn,         K::AlterColumnType,
      K::SetColumnDefault,    K::SetColumnNotNull,   K::SetColumnOptions,  K::AddIdentity,
      K::AlterIdentity,       K::SetTableLogged,     K::SetTableOptions,   K::SetForeignTableOptions,
      K::AddConstraint,       K::ValidateConstraint,
      K::CreateIndex,         K::AddForeignKey,      K::AttachPartition,   K::AttachIndex,
      K::ReindexIndex,
      K::RestoreRows,
      K::Revoke,              K::Grant,
      K::SetReplicaIdentity,  K::SetRowSecurity,
      K::CreateObject,        K::ReplaceObject,      K::AlterObject,
      K::SetSequenceOwnedBy,  K::SetComment,
      K::SetOwner,            K::DropSequence,       K::DropEnum,          K::DropSchema,
  };
  return order;
}

int KindRank(ChangeKind kind) {
  const auto& order = KindPriority();
  return static_cast<int>(std::find(order.begin(), order.end(), kind) - order.begin());
}

std::string RulesText() {
  std::string out = "# kind priority (pre-sort order)\n";
  int i = 1;
  for (ChangeKind k : KindPriority()) out += std::to_string(i++) + ". " + ChangeKindName(k) + "\n";
  out += "# rules: [family] name: before kinds -> after kinds\n";
  for (const Rule& r : Rules()) {
    out += "[" + r.family + "] " + r.name + ": ";
    for (std::size_t k = 0; k < r.before.size(); ++k) out += (k ? ", " : "") + std::string(ChangeKindName(r.before[k]));
    out += " -> ";
    for (std::size_t k = 0; k < r.after.size(); ++k) out += (k ? ", " : "") + std::string(ChangeKindName(r.after[k]));
    out += "\n";
  }
  return out;
}

}  // namespace schemac::diff
