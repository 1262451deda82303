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
#include <set>
#include <string>
#include <utility>
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

/// OPTIONS (name 'value', ...) of a foreign-data wrapper, server, user mapping, foreign table or
/// foreign table column, as PostgreSQL stores them ("name=value" text in the *options arrays;
/// every value is a string). Compared as a set: PostgreSQL attaches no meaning to their order.
using FdwOptions = std::map<std::string, std::string>;

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
  /// A foreign table's column: OPTIONS (...) (pg_attribute.attfdwoptions).
  FdwOptions fdw_options;
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
  /// PRIMARY KEY / UNIQUE of a partition: the index of the parent table (a standalone index or
  /// a PRIMARY KEY / UNIQUE constraint's) its index is attached to (pg_inherits); empty if none.
  std::string parent_index;
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
  /// An index of a partition: the index of the parent table it is attached to (see
  /// Constraint::parent_index); empty if none.
  std::string parent_index;
  /// False for an index of a table that PostgreSQL holds invalid (pg_index.indisvalid: a
  /// CREATE INDEX CONCURRENTLY that failed or was interrupted); the files always say true. A
  /// plan rebuilds it (diff::ChangeKind::ReindexIndex).
  bool valid = true;
  SourceSpan span;
  friend bool operator==(const Index&, const Index&) = default;
};

// ---- dependencies between objects, and triggers (a table's sub-object) ----

/// What a definition refers to, as reference keys (see RefKey below): relations, columns,
/// functions, types. Filled by both front ends (the SQL front end from parse trees, the catalog
/// front end from pg_depend) and used only for ordering and rebuilds: the two front ends may
/// see it at different granularity, so it never takes part in equality.
struct Dependencies {
  std::vector<std::string> keys;  // sorted, unique
  friend bool operator==(const Dependencies&, const Dependencies&) { return true; }
};

/// Reference keys shared by Dependencies and the planner's ordering:
///   "rel:<schema>.<name>"            a table, view or materialized view (any column of it)
///   "col:<schema>.<table>.<column>"  one column
///   "type:<schema>.<name>"           an enum, domain, composite or range type
///   "func:<schema>.<name>"           every overload of a function or procedure
///   "seq:<schema>.<name>"            a sequence
///   "schema:<name>"                  a schema
/// Names are raw (unquoted); the separator cannot be confused because keys are only compared
/// whole.
std::string RelKey(const QualifiedName& name);
std::string ColumnKey(const QualifiedName& table, const std::string& column);
std::string TypeKey(const QualifiedName& name);
std::string FuncKey(const QualifiedName& name);
std::string SequenceKey(const QualifiedName& name);
std::string SchemaKey(const std::string& name);
/// "coll:<schema>.<name>": a user collation (built-in pg_catalog collations have no key).
std::string CollationKey(const QualifiedName& name);
/// "fdw:<name>": a foreign-data wrapper; "server:<name>": a foreign server.
std::string WrapperKey(const std::string& name);
std::string ServerKey(const std::string& name);

/// CREATE TRIGGER (and CREATE CONSTRAINT TRIGGER) on a table.
struct Trigger {
  std::string name;
  char timing = 'a';                   // 'b' before, 'a' after, 'i' instead of
  bool on_insert = false, on_update = false, on_delete = false, on_truncate = false;
  std::vector<std::string> update_columns;  // UPDATE OF a, b
  bool for_each_row = false;
  std::optional<Expr> when;
  QualifiedName function;              // schema-qualified function name (no arguments)
  std::vector<std::string> function_args;  // the string arguments
  std::string old_table, new_table;    // REFERENCING OLD/NEW TABLE AS
  bool constraint = false;             // CREATE CONSTRAINT TRIGGER
  std::optional<QualifiedName> from_table;  // constraint triggers: FROM referenced_table (tgconstrrelid)
  bool deferrable = false, initially_deferred = false;
  char enabled = 'O';                  // pg_trigger.tgenabled: 'O' origin, 'D' disabled, 'R' replica, 'A' always
  std::optional<std::string> comment;
  Dependencies deps;
  SourceSpan span;
  friend bool operator==(const Trigger&, const Trigger&) = default;
};

/// CREATE RULE on a table or view (a view's own "_RETURN" rule is its query, never a Rule).
struct Rule {
  std::string name;
  char event = '1';                    // pg_rewrite.ev_type: '1' SELECT, '2' UPDATE, '3' INSERT, '4' DELETE
  bool instead = false;                // DO INSTEAD (else DO ALSO)
  std::optional<Expr> where;
  std::vector<std::string> actions;    // each action statement in canonical text; empty: NOTHING
  char enabled = 'O';                  // pg_rewrite.ev_enabled, as for triggers
  std::optional<std::string> comment;
  /// Catalog front end only: the pg_get_ruledef text, which canon::NormalizeCatalogExpressions
  /// parses into `where` and `actions` (then clears). Never compared.
  struct Definition {
    std::string text;
    friend bool operator==(const Definition&, const Definition&) { return true; }
  } catalog_definition;
  Dependencies deps;
  SourceSpan span;
  friend bool operator==(const Rule&, const Rule&) = default;
};

/// CREATE POLICY on a table (pg_policy): row-level security.
struct Policy {
  std::string name;
  char command = '*';                // pg_policy.polcmd: '*' ALL, 'r' SELECT, 'a' INSERT, 'w' UPDATE, 'd' DELETE
  bool permissive = true;            // AS PERMISSIVE (else RESTRICTIVE)
  std::vector<std::string> roles;    // role names, sorted and distinct; empty: PUBLIC
  std::optional<Expr> using_expr;    // USING (...)
  std::optional<Expr> check_expr;    // WITH CHECK (...)
  std::optional<std::string> comment;
  Dependencies deps;
  SourceSpan span;
  friend bool operator==(const Policy&, const Policy&) = default;
};

/// PARTITION BY of a partitioned table (pg_partitioned_table).
struct PartitionKey {
  char strategy = 'r';  // partstrat: 'r' RANGE, 'l' LIST, 'h' HASH
  /// The key columns or expressions, with collation and operator class only where they are not
  /// the column's or type's default (as for index elements; no ordering).
  std::vector<IndexElement> elements;
  friend bool operator==(const PartitionKey&, const PartitionKey&) = default;
};

/// PARTITION OF: a partition's parent and bound (pg_inherits, relpartbound).
struct PartitionOf {
  QualifiedName parent;
  /// The bound as pg_get_expr(relpartbound) prints it: "FOR VALUES IN ('a', 'b')",
  /// "FOR VALUES FROM (1) TO (10)", "FOR VALUES FROM (MINVALUE) TO ('x')",
  /// "FOR VALUES WITH (modulus 4, remainder 0)" or "DEFAULT".
  std::string bound;
  /// The SQL front end could not print the bound as PostgreSQL does (a key of a type such as
  /// timestamptz, whose printed form needs the type's output function and the session's time
  /// zone, or an expression key): `bound` then holds the values as written, and a scratch
  /// database gives the stored form (canon::CanonicalizeWithServer). Not part of equality.
  bool written = false;
  friend bool operator==(const PartitionOf& a, const PartitionOf& b) {
    return a.parent == b.parent && a.bound == b.bound;
  }
};

/// CREATE FOREIGN TABLE: the server and the table's OPTIONS (pg_foreign_table).
struct ForeignTableOf {
  std::string server;
  FdwOptions options;
  friend bool operator==(const ForeignTableOf&, const ForeignTableOf&) = default;
};

/// ALTER TABLE ... REPLICA IDENTITY (pg_class.relreplident).
enum class ReplicaIdentity { Default, Full, Nothing, Index };

/// An ordinary table, a partitioned table or a partition. Constraints and indexes are keyed by
/// name (unique per table here; index names are also unique per schema, which the front ends
/// check).
///
/// A partition lists all its columns (PostgreSQL keeps them, with their defaults and NOT NULL,
/// per partition), its own constraints and all its indexes, attached ones included (with
/// `parent_index`), but not the CHECK constraints and foreign keys it inherits from its parent
/// (they are the parent's), nor the row triggers cloned from the parent's.
struct Table {
  QualifiedName name;
  std::vector<Column> columns;  // in attnum order
  std::optional<PartitionKey> partition_key;  // a partitioned table (relkind 'p')
  std::optional<PartitionOf> partition_of;    // a partition
  /// On a partition: the CHECKs it inherits that are validated on it while NOT VALID on its
  /// parent (the partition was created after `ADD CONSTRAINT ... NOT VALID` on the parent, or ran
  /// `VALIDATE CONSTRAINT` itself). Every other inherited CHECK has its parent's validity
  /// (ir::NormalizeCheckCopies keeps only such names).
  std::set<std::string> valid_check_copies;
  /// A foreign table (relkind 'f'): its server and options. A foreign table has columns (with
  /// their types, collations, defaults, NOT NULL, OPTIONS and comments), CHECK constraints, a
  /// comment and an owner; none of the storage settings, keys or indexes of a table.
  std::optional<ForeignTableOf> foreign;
  std::map<std::string, Constraint> constraints;
  std::map<std::string, Index> indexes;
  bool unlogged = false;
  /// reloptions in PostgreSQL's stored order (it shows in pg_dump); the differ compares them as
  /// a set and the emitter reproduces the order.
  std::vector<StorageParam> options;
  ReplicaIdentity replica_identity = ReplicaIdentity::Default;
  /// ReplicaIdentity::Index: the index used (a standalone unique index, or the index of a
  /// PRIMARY KEY / UNIQUE constraint, which has the constraint's name).
  std::string replica_identity_index;
  bool row_security = false;        // ENABLE ROW LEVEL SECURITY (relrowsecurity)
  bool force_row_security = false;  // FORCE ROW LEVEL SECURITY (relforcerowsecurity), independent of ENABLE
  std::optional<std::string> comment;
  std::optional<std::string> owner;   // recorded; compared and applied only with --owners
  std::map<std::string, Trigger> triggers;
  std::map<std::string, Rule> rules;
  std::map<std::string, Policy> policies;
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

// ---- objects beyond tables (views, functions, types, extensions, collations) ----

/// One output column of a view: derived from its query. The catalog front end and the scratch
/// database know the types; the SQL front end alone does not (type left empty).
struct ViewColumn {
  std::string name;
  std::optional<TypeRef> type;
};

/// Derived, never compared: what the view's query produces.
struct ViewColumns {
  std::vector<ViewColumn> columns;
  friend bool operator==(const ViewColumns&, const ViewColumns&) { return true; }
};

/// CREATE VIEW / CREATE MATERIALIZED VIEW.
struct View {
  QualifiedName name;
  bool materialized = false;
  /// The query in canonical text: parsed and deparsed by libpg_query (see Expr). A view whose
  /// column list was written (CREATE VIEW v (a, b) AS ...) stores it in `column_names`.
  std::string query;
  /// CREATE VIEW v (a, b): the written output names; empty when not written. PostgreSQL folds
  /// them into the query's aliases, so the catalog front end leaves this empty and the
  /// canonical comparison goes through the scratch database.
  std::vector<std::string> column_names;
  ViewColumns output;
  /// WITH (...) options as stored in reloptions: check_option, security_barrier,
  /// security_invoker for views; storage parameters for materialized views.
  std::vector<StorageParam> options;
  bool with_data = true;                    // materialized: WITH [NO] DATA (relispopulated)
  std::map<std::string, Index> indexes;     // materialized views only
  std::map<std::string, std::string> column_comments;
  std::map<std::string, Trigger> triggers;  // views only: INSTEAD OF row triggers, statement triggers
  std::map<std::string, Rule> rules;        // user rules (not the view's own "_RETURN")
  std::optional<std::string> comment;
  std::optional<std::string> owner;
  Dependencies deps;
  SourceSpan span;
  friend bool operator==(const View&, const View&) = default;
};

enum class ArgMode { In, Out, InOut, Variadic, Table };

struct FunctionArg {
  ArgMode mode = ArgMode::In;
  std::string name;  // empty when unnamed
  TypeRef type;
  std::optional<Expr> default_expr;
  friend bool operator==(const FunctionArg&, const FunctionArg&) = default;
};

enum class FunctionKind { Function, Procedure, Aggregate, Window };

/// What pg_aggregate stores for CREATE AGGREGATE (Function::kind Aggregate). Support functions
/// are named (schema-qualified, built-ins in pg_catalog); PostgreSQL resolves them by the
/// argument types the aggregate implies. Defaults PostgreSQL fills in are filled in.
struct Aggregate {
  char kind = 'n';              // aggkind: 'n' normal, 'o' ordered-set, 'h' hypothetical-set
  int num_direct_args = 0;      // aggnumdirectargs: the arguments before ORDER BY
  QualifiedName sfunc;
  TypeRef stype;
  int sspace = 0;
  std::optional<QualifiedName> finalfunc;
  bool finalfunc_extra = false;
  char finalfunc_modify = 'r';  // 'r' READ_ONLY, 's' SHAREABLE, 'w' READ_WRITE (default for ordered-set)
  std::optional<QualifiedName> combinefunc;
  std::optional<QualifiedName> serialfunc;
  std::optional<QualifiedName> deserialfunc;
  std::optional<std::string> initcond;
  std::optional<QualifiedName> msfunc;  // moving-aggregate mode
  std::optional<QualifiedName> minvfunc;
  std::optional<TypeRef> mstype;
  int msspace = 0;
  std::optional<QualifiedName> mfinalfunc;
  bool mfinalfunc_extra = false;
  char mfinalfunc_modify = 'r';
  std::optional<std::string> minitcond;
  std::optional<QualifiedName> sortop;  // operator: schema and oprname
  friend bool operator==(const Aggregate&, const Aggregate&) = default;
};

/// CREATE FUNCTION / CREATE PROCEDURE. Identity is schema + name + the types of the IN, INOUT
/// and VARIADIC arguments (Signature()); overloads are distinct objects.
struct Function {
  QualifiedName name;  // schema and proname
  FunctionKind kind = FunctionKind::Function;
  std::vector<FunctionArg> args;        // every argument in order, TABLE columns as mode Table
  std::optional<TypeRef> return_type;   // none for procedures
  bool returns_set = false;
  std::string language;                 // "sql", "plpgsql", ...
  std::string body;                     // prosrc: the text between the dollar quotes, verbatim
  std::optional<std::string> sql_body;  // SQL-standard body (BEGIN ATOMIC / RETURN), canonical text
  std::optional<Aggregate> aggregate;   // kind Aggregate only; then return_type is not kept (it
                                        // follows from the final function or the state type)
  char volatility = 'v';                // 'i' immutable, 's' stable, 'v' volatile
  bool strict = false;
  bool security_definer = false;
  bool leakproof = false;
  char parallel = 'u';                  // 's' safe, 'r' restricted, 'u' unsafe
  double cost = 100;                    // PostgreSQL's default filled in (1 for C and internal)
  double rows = 0;                      // 1000 for set-returning functions, else 0
  std::vector<StorageParam> config;     // SET name = value, in stored order
  std::optional<std::string> comment;
  std::optional<std::string> owner;
  Dependencies deps;
  SourceSpan span;
  friend bool operator==(const Function&, const Function&) = default;
};

/// "name(type, type)": the identity of a function within its schema, types in canonical
/// spelling (QualifiedTypeName). The key of Database::functions is {schema, Signature()}.
std::string Signature(const Function& f);
/// A type as text for signatures and messages: built-ins by pg_type name ("int4", "text[]",
/// "varchar"), others schema-qualified ("public.mood"); modifiers are not part of it.
std::string QualifiedTypeName(const TypeRef& type);

/// CREATE DOMAIN.
struct Domain {
  QualifiedName name;
  TypeRef base_type;
  std::optional<QualifiedName> collation;
  std::optional<Expr> default_expr;
  bool not_null = false;
  std::map<std::string, Constraint> checks;  // CHECK constraints by name (kind Check)
  std::optional<std::string> comment;
  std::optional<std::string> owner;
  Dependencies deps;
  SourceSpan span;
  friend bool operator==(const Domain&, const Domain&) = default;
};

struct CompositeAttribute {
  std::string name;
  TypeRef type;
  std::optional<QualifiedName> collation;
  std::optional<std::string> comment;
  friend bool operator==(const CompositeAttribute&, const CompositeAttribute&) = default;
};

/// CREATE TYPE ... AS (...).
struct CompositeType {
  QualifiedName name;
  std::vector<CompositeAttribute> attributes;
  std::optional<std::string> comment;
  std::optional<std::string> owner;
  Dependencies deps;
  SourceSpan span;
  friend bool operator==(const CompositeType&, const CompositeType&) = default;
};

/// CREATE TYPE ... AS RANGE. Defaults PostgreSQL fills in are filled in (the subtype's default
/// btree opclass is left empty; the multirange name is "<name>_multirange" style as PostgreSQL
/// chooses it).
struct RangeType {
  QualifiedName name;
  TypeRef subtype;
  std::optional<QualifiedName> subtype_opclass;  // only when not the default
  std::optional<QualifiedName> collation;
  std::optional<QualifiedName> canonical;        // function names
  std::optional<QualifiedName> subtype_diff;
  QualifiedName multirange;
  std::optional<std::string> comment;
  std::optional<std::string> owner;
  Dependencies deps;
  SourceSpan span;
  friend bool operator==(const RangeType&, const RangeType&) = default;
};

/// CREATE EXTENSION. Objects an extension owns are never part of any state.
struct Extension {
  std::string name;
  std::string schema;  // from the SQL front end: as written, else the creation schema
  /// The installed version; from the SQL front end only when written (VERSION '...'), and then
  /// compared; an unwritten version accepts whatever is installed.
  std::optional<std::string> version;
  /// Unset: the comment the extension's control file gives (unwritten in the files; the
  /// catalog front end when the database holds exactly that one). "": explicitly none
  /// (COMMENT ... IS NULL). An unset comment accepts whatever the extension has.
  std::optional<std::string> comment;
  /// Catalog front end only: the control file's comment of the installed version. Never compared.
  struct ControlComment {
    std::optional<std::string> text;
    friend bool operator==(const ControlComment&, const ControlComment&) { return true; }
  } control_comment;
  SourceSpan span;
  friend bool operator==(const Extension&, const Extension&) = default;
};

/// The comment an extension has, "" for none: `comment`, else its control file's (when known).
std::string StoredComment(const Extension& e);

/// Whether going from `before` to `after` changes an extension's comment (to
/// StoredComment(after)): never when `after` leaves it unwritten in files (that accepts any);
/// the control file's comment of a database side is restored only over a written one; a
/// written comment is set unless `before` is known to have it.
bool ExtensionCommentChanges(const Extension& before, const Extension& after);

/// CREATE COLLATION.
struct Collation {
  QualifiedName name;
  char provider = 'c';             // 'c' libc, 'i' icu, 'd' default
  std::string lc_collate;          // libc; for icu: the locale (colliculocale) in both fields
  std::string lc_ctype;
  bool deterministic = true;
  std::optional<std::string> comment;
  std::optional<std::string> owner;
  SourceSpan span;
  friend bool operator==(const Collation&, const Collation&) = default;
};

/// CREATE EVENT TRIGGER: database-wide, identified by name.
struct EventTrigger {
  std::string name;
  std::string event;                 // ddl_command_start, ddl_command_end, table_rewrite, sql_drop
  std::vector<std::string> tags;     // WHEN TAG IN (...): as stored (upper case), in stored order
  QualifiedName function;
  char enabled = 'O';                // pg_event_trigger.evtenabled
  std::optional<std::string> comment;
  std::optional<std::string> owner;
  Dependencies deps;
  SourceSpan span;
  friend bool operator==(const EventTrigger&, const EventTrigger&) = default;
};

/// CREATE FOREIGN DATA WRAPPER: database-wide, identified by name.
struct ForeignDataWrapper {
  std::string name;
  std::optional<QualifiedName> handler;    // HANDLER function; none: NO HANDLER
  std::optional<QualifiedName> validator;  // VALIDATOR function; none: NO VALIDATOR
  FdwOptions options;
  std::optional<std::string> comment;
  std::optional<std::string> owner;
  Dependencies deps;
  SourceSpan span;
  friend bool operator==(const ForeignDataWrapper&, const ForeignDataWrapper&) = default;
};

/// CREATE SERVER: database-wide, identified by name.
struct ForeignServer {
  std::string name;
  std::string wrapper;  // FOREIGN DATA WRAPPER name
  std::optional<std::string> type;     // TYPE '...'
  std::optional<std::string> version;  // VERSION '...'
  FdwOptions options;
  std::optional<std::string> comment;
  std::optional<std::string> owner;
  Dependencies deps;  // the wrapper (WrapperKey)
  SourceSpan span;
  friend bool operator==(const ForeignServer&, const ForeignServer&) = default;
};

/// CREATE USER MAPPING FOR role SERVER server: identified by (server, role). Options that name
/// a secret (IsSecretOption: passwords and the like) are never part of the IR: neither front end
/// keeps them, so a mapping is compared on its existence and its other options, and a plan never
/// prints a secret.
struct UserMapping {
  std::string server;
  std::string user;  // a role; "" for PUBLIC
  FdwOptions options;
  Dependencies deps;  // the server (ServerKey)
  SourceSpan span;
  friend bool operator==(const UserMapping&, const UserMapping&) = default;
};

/// True when a user mapping option `name` holds a secret and is therefore never read, compared or
/// printed: its name (case-insensitively) contains one of kSecretOptionWords.
bool IsSecretOption(const std::string& name);
/// The words that make a user mapping option a secret: "password", "passwd", "secret", "token",
/// "passphrase", "key" (sslkey, api_key, ...) and "credential".
extern const std::vector<std::string> kSecretOptionWords;

/// One privilege a role holds on an object (an aclitem of pg_class.relacl, attacl, nspacl,
/// proacl or typacl), the grantor aside.
struct Grant {
  std::string grantee;     // a role; "" for PUBLIC
  std::string privilege;   // as aclexplode names it: "SELECT", "INSERT", "USAGE", "EXECUTE", ...
  bool grant_option = false;
  friend auto operator<=>(const Grant&, const Grant&) = default;
  friend bool operator==(const Grant&, const Grant&) = default;
};

/// What privileges are held on.
struct PrivilegeTarget {
  /// 'r' table, view or materialized view; 's' sequence; 'c' a column of a table; 'n' schema;
  /// 'f' function, procedure or aggregate; 'T' type (enum, domain, composite, range); 'S' foreign
  /// server and 'W' foreign-data wrapper (schema empty, name: the object). A foreign table is 'r'.
  char kind = 'r';
  std::string schema;  // the object's schema; for a schema, its name
  std::string name;    // the object's name (a function's: Signature()); empty for a schema
  std::string column;  // kind 'c'
  friend auto operator<=>(const PrivilegeTarget&, const PrivilegeTarget&) = default;
  friend bool operator==(const PrivilegeTarget&, const PrivilegeTarget&) = default;
};

/// The privileges an object of `target`'s kind holds when nobody granted or revoked anything,
/// its owner's aside: EXECUTE to PUBLIC on routines, USAGE to PUBLIC on types and on the schema
/// public (PostgreSQL 15), nothing on the rest.
std::vector<Grant> DefaultPrivileges(const PrivilegeTarget& target);

/// "table public.t", "column public.t.c", "schema app", "function public.f(int4)", ...
std::string DisplayName(const PrivilegeTarget& target);

/// ALTER DEFAULT PRIVILEGES: the key of one pg_default_acl entry, i.e. which future objects it
/// gives privileges to.
struct DefaultPrivilegeKey {
  /// defaclrole: the role whose future objects get the privileges; "" for the role that runs the
  /// files or the plan (FOR ROLE absent; introspection maps the connecting role to "").
  std::string role;
  /// defaclnamespace: "" for the global entry (IN SCHEMA absent).
  std::string schema;
  /// The kind of the future objects, as PrivilegeTarget::kind: 'r' tables (views and
  /// materialized views too), 's' sequences, 'f' functions and procedures, 'T' types, 'n' schemas.
  char kind = 'r';
  friend auto operator<=>(const DefaultPrivilegeKey&, const DefaultPrivilegeKey&) = default;
  friend bool operator==(const DefaultPrivilegeKey&, const DefaultPrivilegeKey&) = default;
};

/// What an absent pg_default_acl entry stands for, the role's own privileges aside: for a global
/// entry its kind's hard-wired default (EXECUTE to PUBLIC on routines, USAGE to PUBLIC on types,
/// nothing on the rest); for a per-schema entry nothing (PostgreSQL stores those as additions).
std::vector<Grant> BuiltinDefaultPrivileges(const DefaultPrivilegeKey& key);

/// "tables", "sequences", "functions", "types", "schemas" (as ALTER DEFAULT PRIVILEGES names them,
/// in lower case).
const char* DefaultPrivilegeKindName(char kind);

/// "default privileges on tables in schema app for role alice"
std::string DefaultPrivilegesName(const DefaultPrivilegeKey& key);

struct Schema {
  std::string name;
  std::optional<std::string> comment;
  std::optional<std::string> owner;
  SourceSpan span;
  friend bool operator==(const Schema&, const Schema&) = default;
};

enum class ObjectKind;  // below

/// `-- schemac:renamed-from OLD` in a desired-state file, before a table, column, constraint,
/// index, view, function or enum value: that object was called OLD (in the same schema, table or
/// enum). Only the planner reads it (diff/rename.h).
struct RenameHint {
  /// Table, Column, Constraint, Index, View, MaterializedView, Function or Enum (a value).
  ObjectKind kind;
  /// Table, View, MaterializedView: the object. Column, Constraint, Index: the table (or the
  /// materialized view holding the index). Function: {schema, Signature()}. Enum: the type.
  QualifiedName object;
  std::string sub;   // Column, Constraint, Index, Enum: the element's name in this state
  std::string from;  // the old name of the object (or of the element)
  SourceSpan span;   // the directive
};

/// `-- schemac:using "expression"` before a column of a desired-state file: how its values
/// convert when its type changes, and what fills its NULLs when it becomes NOT NULL.
struct UsingHint {
  QualifiedName table;
  std::string column;
  std::string expression;
  SourceSpan span;  // the directive
};

/// What schemac's directives say about a desired state. Hints to the planner, never compared: a
/// catalog has none.
struct Directives {
  std::vector<RenameHint> renames;
  std::vector<UsingHint> usings;
  friend bool operator==(const Directives&, const Directives&) { return true; }
};

/// A whole schema state: what a set of files describes, or what a database holds in the
/// managed scope. The `public` schema is listed like any other when it is in scope.
struct Database {
  std::map<std::string, Schema> schemas;
  std::map<QualifiedName, EnumType> enums;
  std::map<QualifiedName, Sequence> sequences;
  std::map<QualifiedName, Table> tables;
  std::map<QualifiedName, View> views;
  std::map<QualifiedName, Function> functions;  // key: {schema, Signature()}
  std::map<QualifiedName, Domain> domains;
  std::map<QualifiedName, CompositeType> composite_types;
  std::map<QualifiedName, RangeType> range_types;
  std::map<std::string, Extension> extensions;
  std::map<QualifiedName, Collation> collations;
  std::map<std::string, EventTrigger> event_triggers;
  std::map<std::string, ForeignDataWrapper> foreign_data_wrappers;
  std::map<std::string, ForeignServer> foreign_servers;
  /// Key: {server, user} (user "" for PUBLIC).
  std::map<std::pair<std::string, std::string>, UserMapping> user_mappings;
  /// GRANT / REVOKE: the privileges of every object whose privileges are not its kind's default
  /// (DefaultPrivileges), sorted, the owner's own left out (an object absent holds the default).
  std::map<PrivilegeTarget, std::vector<Grant>> privileges;
  /// ALTER DEFAULT PRIVILEGES: every pg_default_acl entry whose privileges are not
  /// BuiltinDefaultPrivileges, sorted, the role's own left out (an entry absent holds the default).
  std::map<DefaultPrivilegeKey, std::vector<Grant>> default_privileges;
  Directives directives;
  friend bool operator==(const Database&, const Database&) = default;
};

/// The privileges (the owner's aside) an object `target` holds right after the role that runs
/// the files or the plan creates it in a database whose default privileges are `db`'s: the
/// global entry of role "" for the target's kind (or its built-in default) merged with the
/// entry of the target's schema, as PostgreSQL's get_user_default_acl does. Columns get none.
std::vector<Grant> CreatedPrivileges(const Database& db, const PrivilegeTarget& target);

/// Every object of `db` that holds privileges of its own (columns aside), as a privilege target.
std::set<PrivilegeTarget> PrivilegeTargets(const Database& db);

/// True when `db` has default privileges for the role that runs the files or the plan (role
/// ""), i.e. when CreatedPrivileges can differ from DefaultPrivileges.
bool HasOwnDefaultPrivileges(const Database& db);

/// Kinds of objects and sub-objects, for identities, ordering and messages.
enum class ObjectKind {
  Schema,
  Enum,
  Sequence,
  Table,
  Column,
  Constraint,
  Index,
  View,
  MaterializedView,
  Function,   // name: Signature(); procedures and aggregates too
  Trigger,    // a table's sub-object
  Domain,
  CompositeType,
  RangeType,
  Extension,  // schema empty, name: the extension
  Collation,
  EventTrigger,  // schema empty, name: the event trigger
  Rule,          // a table's or view's sub-object
  Policy,        // a table's sub-object
  /// An ALTER DEFAULT PRIVILEGES entry: schema = its schema ("" global), name = its kind
  /// (DefaultPrivilegeKindName), sub = its role ("" for the role that runs the plan).
  DefaultPrivileges,
  ForeignDataWrapper,  // schema empty, name: the wrapper
  ForeignServer,       // schema empty, name: the server
  UserMapping,         // schema empty, name: the server, sub: the role ("" for PUBLIC)
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

/// Forgets every recorded owner (plans without --owners neither compare nor set owners).
void ClearOwners(Database& db);

/// A stable, deterministic, human-readable dump of the whole IR (for golden tests and
/// debugging). Spans are not printed.
std::string DebugPrint(const Database& db);

/// PostgreSQL's NAMEDATALEN - 1: identifiers are truncated to this many bytes.
inline constexpr std::size_t kMaxIdentifierBytes = 63;

/// Truncates an identifier to 63 bytes without splitting a UTF-8 character, as PostgreSQL does.
std::string TruncateIdentifier(std::string name);

}  // namespace schemac::ir
