// Migration files as statements: what each statement of a hand-written (or planned) migration
// does, in the terms the risk rules of lint/ reason about, read from libpg_query's parse tree.
// Unlike CompilePaths, nothing is resolved against a schema and statement order is kept: a
// migration runs top to bottom.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/schema.h"
#include "compiler/ir/source.h"
#include "grammar/directive.h"

namespace schemac::sql {

/// What one statement (or one subcommand of ALTER TABLE) does.
enum class ActionKind {
  CreateTable,          // CREATE TABLE (also CREATE TABLE ... AS, SELECT INTO)
  CreateIndex,          // CREATE INDEX
  DropIndex,            // DROP INDEX
  Reindex,              // REINDEX
  AddColumn,            // ALTER TABLE ... ADD COLUMN
  DropColumn,           // ALTER TABLE ... DROP COLUMN
  AlterColumnType,      // ALTER TABLE ... ALTER COLUMN ... TYPE
  SetDefault,           // ALTER COLUMN ... SET DEFAULT / DROP DEFAULT
  SetNotNull,           // ALTER COLUMN ... SET NOT NULL
  DropNotNull,          // ALTER COLUMN ... DROP NOT NULL
  AddIdentity,          // ALTER COLUMN ... ADD GENERATED ... AS IDENTITY
  AddConstraint,        // ALTER TABLE ... ADD CONSTRAINT (CHECK, FOREIGN KEY, UNIQUE, PRIMARY KEY, EXCLUDE)
  ValidateConstraint,   // ALTER TABLE ... VALIDATE CONSTRAINT
  DropConstraint,       // ALTER TABLE ... DROP CONSTRAINT
  SetLogged,            // SET LOGGED / SET UNLOGGED
  SetTablespace,        // SET TABLESPACE / SET ACCESS METHOD
  SetStorageOptions,    // SET (...) / RESET (...) of the table, SET STATISTICS, column SET (...)
  AttachPartition,      // ALTER TABLE ... ATTACH PARTITION
  DetachPartition,      // ALTER TABLE ... DETACH PARTITION
  TriggerChange,        // CREATE TRIGGER, ENABLE / DISABLE TRIGGER
  RowSecurity,          // ENABLE / DISABLE / FORCE ROW LEVEL SECURITY, CREATE / ALTER / DROP POLICY
  ReplicaIdentity,      // REPLICA IDENTITY
  ClusterOn,            // ALTER TABLE ... CLUSTER ON / SET WITHOUT CLUSTER
  OtherAlterTable,      // any other ALTER TABLE subcommand (owner, inherit, ...)
  DropTable,            // DROP TABLE
  DropSchema,           // DROP SCHEMA
  DropDatabase,         // DROP DATABASE
  DropOther,            // DROP of a view, sequence, type, function, trigger, extension, ...
  Truncate,             // TRUNCATE
  RenameColumn,         // ALTER TABLE ... RENAME COLUMN
  RenameTable,          // ALTER TABLE ... RENAME TO (also views)
  RenameSchema,         // ALTER SCHEMA ... RENAME TO
  RenameOther,          // any other RENAME (index, constraint, ...)
  SetSchema,            // ALTER ... SET SCHEMA
  CreateEnum,           // CREATE TYPE ... AS ENUM
  EnumAddValue,         // ALTER TYPE ... ADD VALUE
  EnumRenameValue,      // ALTER TYPE ... RENAME VALUE
  CreateDomain,         // CREATE DOMAIN
  DomainAddConstraint,  // ALTER DOMAIN ... ADD CONSTRAINT
  Vacuum,               // VACUUM (full: VACUUM FULL), ANALYZE
  Cluster,              // CLUSTER
  RefreshMatView,       // REFRESH MATERIALIZED VIEW
  Grant,                // GRANT / REVOKE
  Extension,            // CREATE / ALTER EXTENSION
  Comment,              // COMMENT ON
  SetVariable,          // SET / RESET / SET LOCAL (name, value)
  Begin,                // BEGIN / START TRANSACTION
  Commit,               // COMMIT / END
  Rollback,             // ROLLBACK / ABORT
  Savepoint,            // SAVEPOINT, RELEASE, ROLLBACK TO
  Data,                 // INSERT / UPDATE / DELETE / MERGE / COPY / SELECT
  Opaque,               // DO, CALL, a function call: effects unknown to any classifier
  Other,                // any other statement (CREATE VIEW, CREATE FUNCTION, ...): no rule applies
};

/// A PRIMARY KEY, UNIQUE, FOREIGN KEY, CHECK or EXCLUDE constraint written in CREATE TABLE or ADD
/// COLUMN (on a column or on the table).
struct ConstraintFacts {
  char type = 0;                     // as Action::constraint_type
  std::string name;                  // as written; empty when PostgreSQL names it
  std::vector<std::string> columns;  // the key's (a foreign key's referencing) columns
  ir::QualifiedName ref_table;       // FOREIGN KEY: the referenced table, as written
};

/// The lint-relevant facts of a column definition (ADD COLUMN, CREATE TABLE).
struct ColumnFacts {
  std::string name;
  std::vector<std::string> type_name;  // as written, lower-cased, e.g. {"pg_catalog", "int4"} or {"serial"}
  std::string type_modifiers;          // "255", "10,2"; empty without
  bool array = false;
  bool not_null = false;
  bool primary_key = false;
  bool unique = false;
  bool has_default = false;
  std::string default_text;            // deparsed
  std::vector<std::string> default_calls;  // functions the default calls, lower-cased, unqualified
  bool identity = false;
  bool generated_stored = false;
  bool check = false;                  // a CHECK on the column
  bool references = false;             // REFERENCES
  std::vector<ConstraintFacts> constraints;  // its PRIMARY KEY / UNIQUE / REFERENCES / CHECK, columns = {name}
};

/// One action of a statement.
struct Action {
  ActionKind kind = ActionKind::Other;
  /// The relation it applies to (table, index, view, ...), as written: schema empty when
  /// unqualified. For DROP of several objects, one action each.
  ir::QualifiedName relation;
  std::string name;          // constraint / index / column / enum value / variable name
  std::string new_name;      // RENAME: the new name; SET SCHEMA: the new schema
  std::string value;         // SET: the value as written; EnumAddValue: the new value
  ColumnFacts column;        // AddColumn; CreateTable (one action per column); AlterColumnType (new type)
  char constraint_type = 0;  // AddConstraint / CreateTable key: 'c' check, 'f' foreign key, 'u' unique,
                             // 'p' primary key, 'x' exclusion, 'n' not null
  bool concurrent = false;   // CONCURRENTLY
  bool if_exists = false;    // IF [NOT] EXISTS
  bool unique = false;       // CreateIndex: UNIQUE
  bool only = false;         // CreateIndex / ALTER TABLE: ON ONLY
  bool not_valid = false;    // AddConstraint / DomainAddConstraint: NOT VALID
  bool using_index = false;  // AddConstraint: ... USING INDEX (index_name)
  std::string index_name;
  bool cascade = false;      // DROP / TRUNCATE ... CASCADE
  bool full = false;         // Vacuum: FULL
  bool local = false;        // SetVariable: SET LOCAL; Truncate: ONLY
  bool reset = false;        // SetVariable: RESET
  bool has_using = false;    // AlterColumnType: USING
  bool unlogged = false;     // SetLogged: SET UNLOGGED
  bool neighbor = false;     // EnumAddValue: BEFORE / AFTER given
  std::string object_type;   // DropOther / RenameOther / SetSchema / Comment: "view", "sequence", ...; Other:
                             // "materialized view" for CREATE MATERIALIZED VIEW;
                             // the ALTER TABLE actions: "table", "index", "view", "sequence", ... (the
                             // statement ALTER TABLE, ALTER INDEX, ... as written)
  std::string expression;    // AddConstraint CHECK: the condition, deparsed; CreateIndex: the WHERE
                             // predicate of a partial index
  std::vector<std::string> columns;  // AddConstraint: the key's (or foreign key's) columns; CreateIndex:
                                     // the key columns in order, "" for an expression
  ir::QualifiedName ref_table;       // AddConstraint FOREIGN KEY: the referenced table, as written
  std::vector<std::string> options;  // SetStorageOptions of the table (SET / RESET (...)): the parameters,
                                     // lower-cased, "toast.x" with their namespace; empty for a column's
  std::vector<ConstraintFacts> constraints;  // CreateTable (the table's action): its table constraints
  bool derived = false;      // CreateTable: LIKE, INHERITS, PARTITION OF or OF type (columns and indexes
                             // come from elsewhere too)
};

/// One statement of a migration file.
struct MigrationStatement {
  ir::SourceSpan span;    // from its first token (past comments) to its end
  std::string node_kind;  // libpg_query's name of the statement node: "AlterTableStmt", ...
  std::vector<Action> actions;
  /// Identifiers written longer than 63 bytes (the parser truncates them silently), as written.
  std::vector<std::string> long_identifiers;
};

/// A `-- schemac:...` directive of the file, where it is.
struct PlacedDirective {
  grammar::Directive directive;
  ir::SourceSpan span;  // the comment
  uint32_t target = 0;  // offset of the first token after the comment (the text's size if none)
};

/// The `-- schemac:` comments of `text` (file `file`, meta-commands blanked), parsed; malformed
/// ones are reported to `diags` where they go wrong. Also collects the identifiers written longer
/// than PostgreSQL keeps (offset, text): the parse tree only holds them truncated.
std::vector<PlacedDirective> ScanTokens(int32_t file, const std::string& text, ir::Diagnostics& diags,
                                        std::vector<std::pair<uint32_t, std::string>>& long_identifiers);

struct MigrationFile {
  std::vector<MigrationStatement> statements;
  std::vector<PlacedDirective> directives;  // in file order
};

/// Reads a migration file registered with `sources` into its statements, in order, and its
/// directives. A syntax error, or a malformed directive, is reported to `diags` (file:line:col);
/// the statements before a syntax error are returned.
MigrationFile ReadMigration(int32_t file, const ir::SourceManager& sources, ir::Diagnostics& diags);

}  // namespace schemac::sql
