// Internal to compiler/sql: the state shared by the statement transforms while one set of files
// is compiled (the IR being built, the current file's search_path, and the references that are
// resolved only after every statement has been read).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "compiler/ir/schema.h"
#include "compiler/ir/source.h"
#include "compiler/sql/compile.h"
#include "compiler/sql/pg_tree.h"

namespace schemac::sql {

/// Whether a statement was applied, or must be retried after all statements were read because
/// an object it targets is not defined yet (statements may come in any order across files).
enum class StmtResult { Done, Defer };

/// Where the statement being transformed lives, and the name-resolution context it sees.
struct StmtContext {
  int32_t file = -1;
  uint32_t begin = 0;
  uint32_t end = 0;
  /// The schemas searched for unqualified names, pg_catalog and "$user" removed; never empty.
  std::vector<std::string> search_path;
  /// True while deferred statements are retried: a missing target is then an error.
  bool final_pass = false;
  /// Byte offset of the parsed text within the file: node locations are relative to it.
  uint32_t base = 0;
  /// The arena of the current file's parse tree (new nodes for rewrites are allocated here).
  Arena* arena = nullptr;
};

/// A relation (pg_class entry) found in a schema: tables, sequences, identity sequences, indexes
/// and the indexes implementing PRIMARY KEY / UNIQUE constraints share one namespace.
struct RelationHit {
  ir::ObjectKind kind = ir::ObjectKind::Table;
  ir::SourceSpan span;
};

/// A type name that is not built in; resolved to an enum once every statement was read.
struct PendingType {
  std::vector<std::string> candidates;  // schemas to search, in order
  std::string name;
  std::string written;  // as written, for messages ("mood" or "app.mood")
  bool has_typmods = false;
  ir::SourceSpan span;
};

/// A table reference (FOREIGN KEY ... REFERENCES, OWNED BY) resolved at the end.
struct PendingTableRef {
  std::vector<std::string> candidates;
  std::string name;
  std::string column;  // OWNED BY only
  ir::SourceSpan span;
};

class State {
 private:
  // (schema, name) -> tables that had such a name when it was added; verified on lookup.
  std::multimap<std::pair<std::string, std::string>, ir::QualifiedName> relation_names_;
  std::multimap<std::pair<std::string, std::string>, ir::QualifiedName> constraint_names_;

 public:
  State(ir::SourceManager& sources, ir::Diagnostics& diags, const CompileOptions& options)
      : sources(sources), diags(diags), options(options) {}

  ir::SourceManager& sources;
  ir::Diagnostics& diags;
  const CompileOptions& options;
  ir::Database db;
  StmtContext ctx;

  /// Schemas that exist only because an object was created in `public` without CREATE SCHEMA.
  std::set<std::string> implicit_schemas;
  /// Keyed by (table, column).
  std::map<std::pair<ir::QualifiedName, std::string>, PendingType> pending_types;
  /// Keyed by (table, constraint).
  std::map<std::pair<ir::QualifiedName, std::string>, PendingTableRef> pending_fks;
  /// Keyed by sequence.
  std::map<ir::QualifiedName, PendingTableRef> pending_owners;
  /// Unqualified calls of functions not defined yet when their expression was read: the name
  /// and the search path it was seen with (the first one). QualifyLateFunctionCalls finishes them.
  std::map<std::string, std::vector<std::string>> pending_calls;
  /// The column names each index's default name was chosen from, keyed by (schema, index): a
  /// partition's copy of the index created later is named from the same names.
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> index_colnames;
  /// Likewise for casts to user types (enum, domain, composite, range) not defined yet.
  std::map<std::string, std::vector<std::string>> pending_casts;

  /// Span of the current statement, or from a node location (byte offset) to its end.
  ir::SourceSpan Span(int32_t location = -1) const;

  void Error(std::string_view id, std::string message, ir::SourceSpan span,
             std::vector<ir::DiagnosticNote> notes = {});
  void Warning(std::string_view id, std::string message, ir::SourceSpan span);
  /// "not yet supported: <what>" at `span`.
  void Unsupported(const std::string& what, ir::SourceSpan span);

  /// The schema new unqualified objects are created in.
  const std::string& CreationSchema() const { return ctx.search_path.front(); }
  /// Schemas to search for a possibly qualified name.
  std::vector<std::string> Candidates(const std::string& schema) const;
  /// Qualified name for an object being created from a RangeVar / dotted name list.
  ir::QualifiedName CreateName(const PgQuery__RangeVar* rv) const;
  /// Splits a dotted name list ([schema.]name); reports and returns false for other shapes.
  bool SplitName(const std::vector<std::string>& parts, std::string* schema, std::string* name,
                 ir::SourceSpan span);

  /// True when the schema exists (creating the always-present `public` on first use).
  bool EnsureSchema(const std::string& schema);

  ir::Table* FindTable(const PgQuery__RangeVar* rv);
  ir::Table* FindTable(const std::string& schema, const std::string& name);
  ir::Sequence* FindSequence(const std::string& schema, const std::string& name);
  ir::EnumType* FindEnum(const std::string& schema, const std::string& name);
  /// Finds an index by name: the owning table and the index.
  std::pair<ir::Table*, ir::Index*> FindIndex(const std::string& schema, const std::string& name);

  std::optional<RelationHit> FindRelation(const std::string& schema, const std::string& name) const;
  bool ConstraintNameTaken(const std::string& schema, const std::string& name) const;

  /// Reports a clash of a new relation with an existing one (both locations); true if clashed.
  bool CheckRelationFree(const ir::QualifiedName& name, ir::ObjectKind kind, ir::SourceSpan span);

  /// Records that `table` now has an index, key constraint or identity sequence called `name`
  /// (relation names) or a constraint called `name`. Lookups verify entries against the IR, so
  /// entries of dropped objects are harmless; every place that adds such a name must call these.
  void NoteRelation(const ir::QualifiedName& table, const std::string& name);
  void NoteConstraint(const ir::QualifiedName& table, const std::string& name);

  /// A missing target: Defer before every statement was read, else an error.
  StmtResult Missing(const std::string& what, ir::SourceSpan span);
};

}  // namespace schemac::sql
