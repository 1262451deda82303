// The schemac subcommands, independent of argument parsing (cli/main.cpp owns CLI11).
#pragma once

#include <string>
#include <vector>

#include <functional>
#include <optional>

#include "compiler/canon/server_canonicalize.h"
#include "compiler/catalog/introspect.h"
#include "compiler/ir/source.h"
#include "emit/plan.h"

namespace schemac::cli {

/// Exit codes shared by every command (docs/cli.md).
enum ExitCode : int {
  kExitOk = 0,         // success, with or without changes
  kExitNotClean = 1,   // --exit-code and changes found (later: findings over threshold, apply refused)
  kExitInvalid = 2,    // invalid input or usage
  kExitEnvironment = 3,  // database or environment failure
};

enum class OutputFormat { Sql, Json };

/// Below this many estimated rows a blocking finding counts as `locks` (--small-table-rows).
inline constexpr int64_t kDefaultSmallTableRows = 10000;

struct DiffOptions {
  std::vector<std::string> from;  // files/directories, or one database DSN
  std::vector<std::string> to;
  std::string output;             // empty: stdout
  std::string rollback_output;    // empty: rollback shown as comments in SQL output
  OutputFormat format = OutputFormat::Sql;
  bool exit_code = false;
  bool owners = false;
  bool offline = false;           // never ask a server to canonicalize expressions
  std::string dev_db;             // scratch database for canonicalization; empty: embedded cluster
  std::vector<std::string> include_schemas;  // glob patterns; empty: every non-system schema
  std::vector<std::string> exclude_schemas;
  std::string lock_timeout = "2s";  // set before the first query of every session
  std::string command = "diff";     // shown in the plan header: "diff" or "plan"
  bool timings = false;             // print each phase's wall time and the peak RSS to stderr
  bool explain = false;             // print each step's ordering edges (rule, dependency)
  /// Refuse to plan against a database holding objects schemac does not model in the managed
  /// scope (catalog.unsupported errors). Off (--no-strict-coverage): they are warnings, and the
  /// plan leaves those objects alone.
  bool strict_coverage = true;
  /// Classify each step of both plans with the risk rules (lint/), as `-- risk:` comments and the
  /// steps' findings in JSON (the command line sets it; off for callers that only compare plans).
  bool classify = false;
  /// With `classify` and a database side: a blocking finding on a table of fewer estimated rows
  /// counts as `locks` (--small-table-rows).
  int64_t small_table_rows = kDefaultSmallTableRows;
  bool small_table_rows_given = false;  // set on the command line (wins over schemac.toml)
  /// Online-safe recipes (emit::PlanOptions::online; --online, or [plan] online = true).
  bool online = false;
  /// Online plans: SET LOCAL statement_timeout in their transactions (--statement-timeout).
  std::string statement_timeout;
  std::string config;                   // schemac.toml to read; empty: ./schemac.toml if present
  /// Reads the database side instead of catalog::Introspect on its DSN (apply's verification
  /// reads inside its open transaction). Empty: catalog::Introspect.
  std::function<ir::Database(const catalog::IntrospectOptions&, ir::Diagnostics&)> introspect;
};

/// The wall time of one phase of a planning run (`--timings`).
struct PhaseTiming {
  std::string phase;
  double seconds = 0;
};

/// True when a source argument names a database rather than a path: it starts with
/// postgres:// or postgresql://, or contains '='.
bool IsDatabaseSpec(const std::string& spec);

/// Everything a planning run produced, before any output is written.
struct PlanOutcome {
  int exit_code = kExitOk;         // kExitOk when `plans` is valid; else why not
  ir::SourceManager sources;       // the files read, for printing diagnostics
  ir::Diagnostics diags;
  emit::PlanPair plans;
  std::string source_fingerprint;  // of each state as loaded, before pairwise canonicalization
  std::string target_fingerprint;
  /// ir::StateFingerprint of the database side as loaded (empty when neither side is one).
  std::string database_state;
  canon::ServerCanonStats canon_stats;  // scratch-database round trips made
  /// Wall time of each phase run, in order. With `timings`, also "diff": the differ and the
  /// ordering alone, run both ways once more outside the planner, so that the planner's time
  /// splits into diff and emit.
  std::vector<PhaseTiming> timings;
};

/// Loads both sides (databases first, so that their search_path resolves names in the files of
/// the other side), canonicalizes expressions (with a scratch database when exactly one side is
/// a database and not `offline`; offline rules otherwise), and plans both directions. Writes
/// nothing.
PlanOutcome PlanStates(const DiffOptions& options);

/// A database's state alone, read as PlanStates reads its database side (options.from: one
/// DSN; scope, lock_timeout and `introspect` as given).
struct DatabaseState {
  std::string fingerprint;  // ir::Fingerprint: what a JSON plan records as its source
  std::string state;        // ir::StateFingerprint
};
/// Reads it; on failure reports to `diags` and returns nullopt.
std::optional<DatabaseState> ReadDatabaseState(const DiffOptions& options, ir::Diagnostics& diags);

/// True when `schema` is in the managed scope of `options` (include/exclude patterns; never the
/// schema `schemac`), as planning reads it.
bool InManagedScope(const std::string& schema, const DiffOptions& options);

/// Prints diagnostics to stderr, with file:line:col where they have a source.
void PrintDiagnostics(const ir::Diagnostics& diags, const ir::SourceManager& sources);

/// True when a catalog.error is among the errors (a database or environment failure).
bool HasCatalogError(const ir::Diagnostics& diags);

/// Applies schemac.toml (options.config, else ./schemac.toml when present) to `options`: the
/// settings a flag did not give. Writes errors to stderr and returns false on a bad file.
bool ReadProjectSettings(DiffOptions& options);

/// Removes the password from a DSN or URI, for messages and plan metadata.
std::string RedactDsn(const std::string& spec);

/// `schemac diff FROM TO` (and `schemac plan --db DSN PATH...`, which is diff DSN PATH...). Returns the process exit code; writes SQL/JSON to stdout or files and
/// diagnostics to stderr.
int RunDiff(const DiffOptions& options);

}  // namespace schemac::cli
