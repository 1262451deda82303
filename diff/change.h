// Typed changes at element granularity: what the differ finds and the orderer sorts. A change
// holds non-owning views into the two schema states it was computed from (both outlive the
// planning run), so that it can be rendered in either direction without copying the IR.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/schema.h"

namespace schemac::diff {

/// The kind of one element change. The names (ChangeKindName) are stable: they appear in plans.
enum class ChangeKind {
  CreateSchema,
  DropSchema,
  CreateEnum,
  DropEnum,
  AddEnumValues,  // ALTER TYPE ... ADD VALUE, only when values are purely added
  SwapEnum,       // values removed or reordered: rename, recreate, retype columns, drop old
  CreateSequence,
  DropSequence,
  AlterSequenceOptions,
  SetSequenceOwnedBy,
  CreateTable,
  DropTable,
  SetTableLogged,
  SetTableOptions,
  SetReplicaIdentity,
  SetRowSecurity,  // ENABLE/DISABLE and FORCE/NO FORCE ROW LEVEL SECURITY
  SetForeignTableOptions,  // ALTER FOREIGN TABLE ... OPTIONS (ADD / SET / DROP ...)
  AddColumn,
  DropColumn,
  AlterColumnType,
  SetColumnDefault,
  SetColumnNotNull,
  DropColumnExpression,  // generated -> plain column (keeps the stored values)
  SetColumnOptions,      // a foreign table's column: ALTER FOREIGN TABLE ... ALTER COLUMN ... OPTIONS (...)
  AddIdentity,
  DropIdentity,
  AlterIdentity,
  AddConstraint,  // primary key, unique, check (not foreign keys)
  DropConstraint,
  ValidateConstraint,
  AddForeignKey,
  DropForeignKey,
  CreateIndex,
  DropIndex,
  AttachPartition,  // ALTER TABLE parent ATTACH PARTITION child FOR VALUES ...
  DetachPartition,  // ALTER TABLE parent DETACH PARTITION child
  AttachIndex,      // ALTER INDEX parent_index ATTACH PARTITION index (of a key or an index)
  ReindexIndex,     // REINDEX INDEX of an index the database holds invalid (ir::Index::valid)
  SaveRows,         // a table created anew: its rows copied into a temporary table before it is dropped
  RestoreRows,      // ... and inserted into the new table (then the temporary table is dropped)
  Grant,            // GRANT `grants` on `privileges_on`
  Revoke,           // REVOKE `grants` on `privileges_on`
  GrantDefault,     // ALTER DEFAULT PRIVILEGES ... GRANT `grants` (`default_privileges_for`)
  RevokeDefault,    // ALTER DEFAULT PRIVILEGES ... REVOKE `grants` (`default_privileges_for`)
  SetComment,
  SetOwner,
  // Whole objects other than schemas, enums, sequences and tables (views, functions, triggers,
  // domains, composite and range types, extensions, collations): see diff/objects.h.
  CreateObject,
  DropObject,
  ReplaceObject,  // CREATE OR REPLACE, where PostgreSQL allows it
  AlterObject,    // in-place ALTERs and COMMENTs of a kind (ALTER DOMAIN, ALTER EXTENSION UPDATE, ...)
  // `-- schemac:renamed-from` (diff/rename.h): ALTER ... RENAME of a table, view, routine,
  // index, column, constraint or enum value, from `text_before` to `text_after`.
  Rename,
};

/// Stable snake_case name, e.g. "create_table".
const char* ChangeKindName(ChangeKind kind);

/// Non-owning views of one element in one state. Which pointers are set depends on the change
/// kind: schema / enum_type / sequence / table alone for those objects; table + column,
/// table + constraint or table + index for table elements.
struct ElementRef {
  const ir::Schema* schema = nullptr;
  const ir::EnumType* enum_type = nullptr;
  const ir::Sequence* sequence = nullptr;
  const ir::Table* table = nullptr;
  const ir::Column* column = nullptr;
  const ir::Constraint* constraint = nullptr;
  const ir::Index* index = nullptr;
  // Objects of diff/objects.h (a trigger also sets `table`, or `view` when on a view).
  const ir::View* view = nullptr;
  const ir::Function* function = nullptr;
  const ir::Trigger* trigger = nullptr;
  const ir::Domain* domain = nullptr;
  const ir::CompositeType* composite_type = nullptr;
  const ir::RangeType* range_type = nullptr;
  const ir::Extension* extension = nullptr;
  const ir::Collation* collation = nullptr;
  const ir::EventTrigger* event_trigger = nullptr;
  const ir::Rule* rule = nullptr;  // also sets `table` or `view`
  const ir::Policy* policy = nullptr;  // also sets `table`
  const ir::ForeignDataWrapper* foreign_data_wrapper = nullptr;
  const ir::ForeignServer* foreign_server = nullptr;
  const ir::UserMapping* user_mapping = nullptr;
  /// A partition's parent table in this state (create_table, drop_table and the partition and
  /// index attachments of a partition).
  const ir::Table* parent = nullptr;
};

/// A column whose type is an enum being swapped, seen in both states.
struct EnumColumnUse {
  const ir::Table* table_before = nullptr;
  const ir::Column* before = nullptr;
  const ir::Table* table_after = nullptr;
  const ir::Column* after = nullptr;
};

/// One element change. `before` describes the element in the state the change starts from,
/// `after` in the state it produces; Reverse() swaps them.
struct Change {
  ChangeKind kind = ChangeKind::CreateTable;
  ir::ObjectId object;  // the element's object (column/constraint/index: sub = its name)
  int ordinal = 0;      // column position in its table; keeps added columns in attnum order
  ElementRef before;
  ElementRef after;

  // SetComment / SetOwner: the values (nullopt: none).
  std::optional<std::string> text_before;
  std::optional<std::string> text_after;

  // SwapEnum: every column of the type present in both states.
  std::vector<EnumColumnUse> enum_uses;

  // DropTable / DropColumn: sequences OWNED BY the dropped object that PostgreSQL drops with it.
  std::vector<const ir::Sequence*> drops_owned_sequences;
  // DropTable: foreign keys dropped separately first (a repaired cycle); not re-dropped here,
  // and not re-added by the inverse (the separate step's inverse adds them).
  std::vector<std::string> detached_foreign_keys;

  // DropTable / CreateTable of a table created anew (Matching::rebuilt_tables): its rows are
  // saved and restored around the drop (SaveRows / RestoreRows), so the drop loses none.
  bool rows_copied = false;
  // SaveRows / RestoreRows: the temporary table holding the rows, and the tables the rows are
  // read from (`tree_before`: the old table and its rebuilt partitions) and written to
  // (`tree_after`: the new table and every partition under it). Reverse() swaps the two.
  std::string rows_table;
  std::vector<ir::QualifiedName> tree_before;
  std::vector<ir::QualifiedName> tree_after;

  // AlterColumnType: the column has a default in `before`; it is dropped before the type
  // change and the `after` default set afterwards, because PostgreSQL must cast the old default
  // to the new type and fails when no such cast exists.
  bool rewrite_default = false;

  // CreateTable made by Reverse(DropTable): recreate the table's own indexes, foreign keys,
  // NOT VALID checks and comments too, since the drop removed them all in one step.
  bool recreate_everything = false;

  // CreateIndex / AddConstraint of an index or key of a partition that attaches to no index of
  // its parent: made after the partition is attached, because ATTACH PARTITION attaches the
  // first equal index it finds to each index of the parent, and could take this one.
  bool after_attach = false;

  // DropObject / CreateObject: part of a rebuild (the object is dropped and created again
  // because something it depends on changes); `reason` says what.
  bool rebuild = false;

  /// `-- schemac:using "expr"` on the column (ir::UsingHint): AlterColumnType converts with USING
  /// (expr); SetColumnNotNull and AddColumn of a NOT NULL column first fill its NULLs with it.
  /// Never carried to the reverse.
  std::optional<std::string> using_expr;

  /// Online plans (emit::PlanOptions::online): CreateIndex / DropIndex run CONCURRENTLY, outside
  /// a transaction (and a SetComment of such an index with the build); AddConstraint (CHECK) / AddForeignKey are added NOT VALID and validated by a
  /// later ValidateConstraint (whose `before.constraint` is then null).
  bool concurrently = false;
  bool not_valid_first = false;

  /// The other online recipes' steps (emit/plan.cpp), each a change of its own so that it lands
  /// in its own segment:
  ///  - SetColumnNotNull: NotNullCheck adds `CHECK (col IS NOT NULL) NOT VALID` named
  ///    `online_name` (after filling NULLs, with `using_expr`), NotNullValidate validates it,
  ///    NotNullFinish sets NOT NULL (no scan: the CHECK proves it) and drops the CHECK;
  ///  - AddConstraint of a PRIMARY KEY / UNIQUE: KeyIndex builds its unique index CONCURRENTLY,
  ///    KeyUsingIndex adds the constraint USING that index;
  ///  - AttachPartition: BoundCheck adds `CHECK (online_check) NOT VALID` named `online_name` to
  ///    the table before it is attached, BoundValidate validates it (ATTACH then skips its scan),
  ///    BoundDrop drops it once the table is attached;
  ///  - DetachPartition (`online_detach`): the same CHECK before a DETACH ... CONCURRENTLY, which
  ///    then adds no CHECK of its own to the table, and is dropped after.
  /// Reverse() keeps the step: each renders its own inverse.
  enum class OnlineStep {
    None,
    NotNullCheck,
    NotNullValidate,
    NotNullFinish,
    KeyIndex,
    KeyUsingIndex,
    BoundCheck,
    BoundValidate,
    BoundDrop,
  };
  OnlineStep online_step = OnlineStep::None;
  /// NotNull* and Bound*: the CHECK's name. CreateIndex of an online index redefinition: the
  /// name the new index is built under, before the old one is dropped and the new one renamed.
  std::string online_name;
  /// BoundCheck: the CHECK's condition (the partition's bound as a condition on its key).
  std::string online_check;
  /// Bound*: made for a DetachPartition (else for an AttachPartition).
  bool online_detach = false;

  /// ValidateConstraint of the copy of a CHECK a partition inherits: the table holding the CHECK
  /// (the constraint refs point at it there).
  std::optional<ir::QualifiedName> copy_holder;
  std::string reason;  // why the change has this shape; may be empty

  // Grant / Revoke: the object and the privileges granted or revoked. A routine's also sets
  // `after.function` (or `before.function`).
  ir::PrivilegeTarget privileges_on;
  std::vector<ir::Grant> grants;
  // GrantDefault / RevokeDefault: the pg_default_acl entry (with `grants`).
  ir::DefaultPrivilegeKey default_privileges_for;

  /// Shared ownership of a derived state that `before` points into: a partition as it is once
  /// its parent's changes have recursed to it (or once it is detached), which neither input
  /// state holds.
  std::shared_ptr<const ir::Table> derived_before;
};

/// True when enum values `to` are `from` with values inserted: every old value kept, in the same
/// order (so ALTER TYPE ... ADD VALUE can get there).
bool IsPureAddition(const std::vector<std::string>& from, const std::vector<std::string>& to);

/// The change that undoes `c` (same element, before/after swapped, create <-> drop).
Change Reverse(const Change& c);

/// The table a table-element change concerns (for a table change: the table itself).
ir::QualifiedName TableOf(const Change& c);

/// True when `type` is the given type (or an array of it).
bool TypeIs(const ir::TypeRef& type, const ir::QualifiedName& name);

/// Human-readable "<change> <object>" for messages and plan comments.
std::string Describe(const Change& c);

}  // namespace schemac::diff

namespace schemac::diff {

/// When running `c` destroys data that its reverse cannot bring back: a description of what is
/// lost ("drops table public.t and its rows"); nullopt when nothing is lost.
std::optional<std::string> DataLossOf(const Change& c);

/// True when every value of type `from` converts to `to` and back unchanged (int4 -> int8,
/// varchar(20) -> varchar(40), numeric(10,2) -> numeric(12,2), varchar -> text, ...).
bool IsWidening(const ir::TypeRef& from, const ir::TypeRef& to);

/// True when PostgreSQL 15 is known to have no cast from `from` to `to` (pg_cast has no entry
/// and neither side is a string type, for which PostgreSQL provides I/O conversion casts):
/// bigint -> timestamp, date -> integer, boolean -> bigint, uuid -> integer, ... Only pairs of
/// built-in types are decided; for any other pair this is false and a direct cast is used.
bool HasNoCast(const ir::TypeRef& from, const ir::TypeRef& to);

}  // namespace schemac::diff
