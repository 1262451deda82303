// The schema IR: plain value types describing a database's schema, produced identically by the
// SQL front end (compiler/sql) and the catalog front end (compiler/catalog), and compared field
// by field by the differ. No PostgreSQL parse trees or connections appear here.
//
// Canonical forms (both front ends must produce exactly these):
// - Names are stored unquoted, exactly as PostgreSQL stores them (folded to lower case unless
//   quoted in the source).
// - Types: see TypeRef.
// - Expressions: see Expr.
// - Everything PostgreSQL fills in by default is filled in (default constraint and index names,
//   sequence options, FK actions, NULLS FIRST/LAST), so that "written" and "implied" compare equal.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/source.h"

namespace schemac::ir {

/// A schema-qualified name. Ordered by (schema, name).
struct QualifiedName {
  std::string schema;
  std::string name;
  friend auto operator<=>(const QualifiedName&, const QualifiedName&) = default;
  friend bool operator==(const QualifiedName&, const QualifiedName&) = default;
};

/// A type reference, resolved and schema-qualified.
/// - Built-in types: schema "pg_catalog", name = pg_type.typname ("int4", "varchar",
///   "timestamptz", "numeric", "bpchar", "bool", "text", "jsonb", ...); never an alias
///   ("integer", "character varying", "int").
/// - `modifiers`: the type modifiers as PostgreSQL's format_type prints them inside the
///   parentheses, without spaces: "20" for varchar(20), "10,2" for numeric(10,2), "3" for
///   timestamptz(3). Empty when there are none. char without a length is bpchar with "1".
/// - `array`: true for any array type (PostgreSQL does not enforce declared dimensions, and
///   pg_dump prints them all as "[]").
struct TypeRef {
  std::string schema;
  std::string name;
  std::string modifiers;
  bool array = false;
  friend bool operator==(const TypeRef&, const TypeRef&) = default;
};

/// An expression (default, check, index expression or predicate, generation expression) in
/// canonical text: parsed and deparsed by libpg_query, with redundant parentheses, case and
/// whitespace normalized, and names as PostgreSQL prints them with `search_path = ''`
/// (non-pg_catalog objects schema-qualified, e.g. nextval('public.t_id_seq'::regclass)).
struct Expr {
  std::string text;
  friend bool operator==(const Expr&, const Expr&) = default;
};

/// Sequence options, fully resolved: PostgreSQL's defaults are filled in by the front ends
/// (increment 1; min/max from the data type and the sign of the increment; start = min for
/// ascending and max for descending sequences; cache 1; no cycle).
struct SequenceOptions {
  TypeRef data_type{"pg_catalog", "int8", "", false};  // int2, int4 or int8
  int64_t increment = 1;
  int64_t min_value = 1;
  int64_t max_value = INT64_MAX;
  int64_t start = 1;
  int64_t cache = 1;
  bool cycle = false;
  friend bool operator==(const SequenceOptions&, const SequenceOptions&) = default;
};

enum class IdentityKind { Always, ByDefault };

/// GENERATED { ALWAYS | BY DEFAULT } AS IDENTITY, with its implicit sequence.
struct Identity {
  IdentityKind kind = IdentityKind::ByDefault;
  /// Name of the implicit sequence, in the table's schema. Default chosen as PostgreSQL's
  /// ChooseRelationName does: "<table>_<column>_seq", shortening the table and column parts
  /// (not the suffix) to fit 63 bytes, with a number appended when the name is taken.
  std::string sequence_name;
  SequenceOptions options;  // data_type follows the column type
  friend bool operator==(const Identity&, const Identity&) = default;
};

/// One column of a table, as PostgreSQL stores it in pg_attribute / pg_attrdef.
struct Column {
  std::string name;
  TypeRef type;
  /// Explicit collation, only when it differs from the type's default collation.
  std::optional<QualifiedName> collation;
  bool not_null = false;
  std::optional<Expr> default_expr;
  std::optional<Identity> identity;
  /// GENERATED ALWAYS AS (expr) STORED.
  std::optional<Expr> generated;
  std::optional<std::string> comment;
  SourceSpan span;
  friend bool operator==(const Column&, const Column&) = default;
};

enum class ConstraintKind { PrimaryKey, Unique, Check, ForeignKey, Exclusion };

/// Foreign key action codes as in pg_constraint.confupdtype / confdeltype.
enum class FkAction { NoAction, Restrict, Cascade, SetNull, SetDefault };
/// Foreign key match type as in pg_constraint.confmatchtype.
enum class FkMatch { Simple, Full, Partial };

/// A table constraint (pg_constraint row). Fields not relevant to `kind` stay at defaults.
struct Constraint {
  std::string name;  // PostgreSQL's default name filled in when none was written
  ConstraintKind kind = ConstraintKind::Check;

  // PRIMARY KEY, UNIQUE, FOREIGN KEY: the constrained columns, in order.
  std::vector<std::string> columns;
  // PRIMARY KEY, UNIQUE: INCLUDE columns; UNIQUE: NULLS NOT DISTINCT.
  std::vector<std::string> include;
  bool nulls_not_distinct = false;

  // CHECK
  std::optional<Expr> check;
  bool no_inherit = false;

  // FOREIGN KEY
  QualifiedName ref_table;
  std::vector<std::string> ref_columns;  // filled in from the referenced primary key if omitted
  FkAction on_update = FkAction::NoAction;
  FkAction on_delete = FkAction::NoAction;
  std::vector<std::string> on_delete_columns;  // ON DELETE SET NULL (a, b)
  FkMatch match = FkMatch::Simple;

  // CHECK and FOREIGN KEY: false when declared NOT VALID and not validated since.
  bool validated = true;

  bool deferrable = false;
  bool initially_deferred = false;

  std::optional<std::string> comment;
  SourceSpan span;
  friend bool operator==(const Constraint&, const Constraint&) = default;
};

/// One key column or expression of an index.
struct IndexElement {
  std::optional<std::string> column;  // exactly one of column / expression is set
  std::optional<Expr> expression;
  std::optional<QualifiedName> collation;  // only when not the column's collation
  std::optional<QualifiedName> opclass;    // only when not the type's default opclass
  bool descending = false;
  bool nulls_first = false;  // resolved: PostgreSQL's default is NULLS FIRST iff DESC
  friend bool operator==(const IndexElement&, const IndexElement&) = default;
};

/// A storage parameter (WITH (name = value)), value in canonical text.
struct StorageParam {
  std::string name;
  std::string value;
  friend bool operator==(const StorageParam&, const StorageParam&) = default;
};

/// An index that is not the implementation of a PRIMARY KEY / UNIQUE / EXCLUDE constraint.
struct Index {
  std::string name;  // PostgreSQL's default name filled in when none was written
  bool unique = false;
  bool nulls_not_distinct = false;
  std::string method = "btree";
  std::vector<IndexElement> elements;
  std::vector<std::string> include;
  std::optional<Expr> predicate;
  std::vector<StorageParam> options;  // in PostgreSQL's stored order (reloptions)
  std::optional<std::string> comment;
  SourceSpan span;
  friend bool operator==(const Index&, const Index&) = default;
};

/// An ordinary table. Constraints and indexes are keyed by name (unique per table here;
/// index names are also unique per schema, which the front ends check).
struct Table {
  QualifiedName name;
  std::vector<Column> columns;  // in attnum order
  std::map<std::string, Constraint> constraints;
  std::map<std::string, Index> indexes;
  bool unlogged = false;
  /// reloptions in PostgreSQL's stored order (it shows in pg_dump); the differ compares them as
  /// a set and the emitter reproduces the order.
  std::vector<StorageParam> options;
  std::optional<std::string> comment;
  std::optional<std::string> owner;   // recorded; compared and applied only with --owners
  SourceSpan span;
  friend bool operator==(const Table&, const Table&) = default;

  const Column* FindColumn(const std::string& column) const;
};

/// Which column owns a sequence (ALTER SEQUENCE ... OWNED BY table.column).
struct SequenceOwner {
  QualifiedName table;
  std::string column;
  friend bool operator==(const SequenceOwner&, const SequenceOwner&) = default;
};

/// A free-standing sequence (identity sequences live in Column::identity instead).
struct Sequence {
  QualifiedName name;
  SequenceOptions options;
  std::optional<SequenceOwner> owned_by;
  std::optional<std::string> comment;
  std::optional<std::string> owner;
  SourceSpan span;
  friend bool operator==(const Sequence&, const Sequence&) = default;
};

/// CREATE TYPE ... AS ENUM. Values in their sort order.
struct EnumType {
  QualifiedName name;
  std::vector<std::string> values;
  std::optional<std::string> comment;
  std::optional<std::string> owner;
  SourceSpan span;
  friend bool operator==(const EnumType&, const EnumType&) = default;
};

struct Schema {
  std::string name;
  std::optional<std::string> comment;
  std::optional<std::string> owner;
  SourceSpan span;
  friend bool operator==(const Schema&, const Schema&) = default;
};

/// A whole schema state: what a set of files describes, or what a database holds in the
/// managed scope. The `public` schema is listed like any other when it is in scope.
struct Database {
  std::map<std::string, Schema> schemas;
  std::map<QualifiedName, EnumType> enums;
  std::map<QualifiedName, Sequence> sequences;
  std::map<QualifiedName, Table> tables;
  friend bool operator==(const Database&, const Database&) = default;
};

/// Kinds of objects and sub-objects, for identities, ordering and messages.
enum class ObjectKind {
  Schema,
  Enum,
  Sequence,
  Table,
  Column,
  Constraint,
  Index,
};

const char* ObjectKindName(ObjectKind kind);  // "schema", "table", "column", ...

/// A stable identity: kind, schema, name, and the sub-object name (column, constraint or
/// index name within a table; empty otherwise). Totally ordered, so sorted output is stable.
struct ObjectId {
  ObjectKind kind = ObjectKind::Table;
  std::string schema;
  std::string name;
  std::string sub;
  friend auto operator<=>(const ObjectId&, const ObjectId&) = default;
  friend bool operator==(const ObjectId&, const ObjectId&) = default;
};

/// Human-readable, quoted where needed: public.orders, public.orders.total, "Odd Name".x
std::string DisplayName(const QualifiedName& name);
std::string DisplayName(const ObjectId& id);

/// A stable, deterministic, human-readable dump of the whole IR (for golden tests and
/// debugging). Spans are not printed.
std::string DebugPrint(const Database& db);

/// PostgreSQL's NAMEDATALEN - 1: identifiers are truncated to this many bytes.
inline constexpr std::size_t kMaxIdentifierBytes = 63;

/// Truncates an identifier to 63 bytes without splitting a UTF-8 character, as PostgreSQL does.
std::string TruncateIdentifier(std::string name);

}  // namespace schemac::ir
