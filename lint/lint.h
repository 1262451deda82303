// Risk classification of migration statements: which rule of rules.def each statement breaks,
// given what is known of the database before it (a schema, else nothing: conservative answers
// marked low-confidence), the tables created earlier in the same file, and the transaction the
// statement runs in.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/schema.h"
#include "compiler/ir/source.h"
#include "compiler/sql/migration.h"
#include "lint/rules.h"

namespace schemac::lint {

struct LintOptions {
  /// The file runs inside one transaction the tool that runs it opens (as `psql -1` does).
  bool assume_in_transaction = false;
  /// The PostgreSQL major version the migration targets.
  int pg_version = 15;
  /// Per-rule severities (schemac.toml); rules not listed keep their class's default.
  std::map<std::string, Severity> severities;
  /// Naming patterns (schemac.toml [lint.naming]): "table", "column", "index" or "constraint" to
  /// an ECMAScript regular expression that a name given in the migration must contain a match of
  /// (anchor it with ^ and $). MG907 checks only the kinds listed here.
  std::map<std::string, std::string> naming;
};

/// The kinds of name [lint.naming] may set a pattern for.
inline constexpr const char* kNamingKinds[] = {"table", "column", "index", "constraint"};

struct Finding {
  const RuleInfo* rule = nullptr;
  Severity severity = Severity::Info;
  ir::SourceSpan span;  // the statement, from its first token
  std::string message;
  /// The database was not known well enough to be sure (no schema given): the answer is the
  /// conservative one.
  bool low_confidence = false;
  /// The `-- schemac:ignore` / `ignore-file` directive that suppresses it (then it does not
  /// count towards --fail-on), and its reason.
  std::optional<ir::SourceSpan> suppressed_by;
  std::string suppression_reason;
  /// The finding's class: its rule's, or Locks for a blocking finding on a table WeighBySize
  /// knows to be small.
  RiskClass risk = RiskClass::Safe;
  /// The table the statement's lock, rewrite or scan concerns, as written (schema empty when
  /// unqualified); none for a statement-level finding.
  std::optional<ir::QualifiedName> table;
  /// WeighBySize: the table's estimated rows and heap bytes.
  std::optional<int64_t> rows;
  std::optional<int64_t> bytes;
};

/// A table's size as the planner's statistics estimate it (catalog::EstimateTableSizes).
struct TableSize {
  int64_t rows = 0;
  int64_t bytes = 0;
};

/// Weighs each blocking finding by the table it touches, when `sizes` knows it (an unqualified
/// table is looked up in `public`): the message ends with how much it touches ("; public.orders
/// holds ~12 M rows (~3.4 GB)", or "; public.t is empty"), the estimates are recorded, and
/// below `small_table_rows` rows the finding's class becomes Locks (it still takes the lock, only
/// briefly).
void WeighBySize(std::vector<Finding>& findings, const std::map<ir::QualifiedName, TableSize>& sizes,
                 int64_t small_table_rows);

/// "~950", "~20 k", "~12 M", "~1.2 G" rows; "~8 kB", "~3.4 GB" bytes (powers of 1024).
std::string ApproximateCount(int64_t n);
std::string ApproximateBytes(int64_t n);

/// Classifies the statements of one migration file, in order, and applies its suppression
/// directives. `context` is the database before the file runs (null when unknown). A directive
/// naming an unknown rule is an error, one that suppresses nothing a warning, in `diags`.
std::vector<Finding> LintFile(const sql::MigrationFile& file, const ir::SourceManager& sources,
                              const ir::Database* context, const LintOptions& options, ir::Diagnostics& diags);

}  // namespace schemac::lint
