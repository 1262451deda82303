// The catalog front end: reads a live database's pg_catalog into the schema IR
// (compiler/ir/schema.h), in exactly the canonical forms the SQL front end produces.
#pragma once

#include <string>
#include <vector>

#include "compiler/ir/schema.h"
#include "compiler/ir/source.h"

namespace schemac::catalog {

/// Session settings that decide how PostgreSQL reads and prints date, time and interval values.
struct SessionSettings {
  std::string time_zone;       // TimeZone
  std::string date_style;      // DateStyle
  std::string interval_style;  // IntervalStyle
  friend bool operator==(const SessionSettings&, const SessionSettings&) = default;
};

/// What the catalog is read under, whatever the session's own settings: values that depend on
/// them (a timestamptz partition bound, a timestamptz constant in a default) print the same from
/// every session, with an explicit UTC offset.
inline const SessionSettings kReadingSettings{"UTC", "ISO, MDY", "postgres"};

/// Counters filled in by Introspect, for tests and --verbose output.
struct IntrospectStats {
  /// Statements sent to the server (including the transaction set-up). Fixed, whatever the
  /// number of objects: every query is set-based (the one LOCK TABLE statement is left out
  /// only when no table is in scope).
  int queries = 0;
  /// The server's server_version_num, e.g. 150018.
  int server_version_num = 0;
  /// The session's effective search_path before introspection changes it
  /// (current_schemas(false): existing schemas only), for resolving unqualified names in
  /// desired-state files planned against this database.
  std::vector<std::string> search_path;
  /// The server's roles (pg_roles.rolname), sorted: schemac creates none, so a state naming
  /// another one cannot be applied.
  std::vector<std::string> roles;
  /// The connecting role (CURRENT_USER): its default privileges are recorded under role "".
  std::string current_user;
  /// The session's own settings, before the read sets kReadingSettings: what a migration run
  /// from such a session reads a written date or time under.
  SessionSettings settings;
};

/// The advisory lock (two-key form) that serializes scratch reads (IntrospectAfter) sharing one
/// database: "sc" and 1.
inline constexpr int kScratchLockClass = 0x7363;
inline constexpr int kScratchLockObject = 1;

/// What to read and how.
struct IntrospectOptions {
  /// Schema name patterns to include; empty: every non-system schema. Glob syntax: `*` any run
  /// of characters, `?` one character (`%` is accepted as a synonym of `*`, as in LIKE).
  std::vector<std::string> include_schemas;
  /// Schema name patterns to exclude (same syntax), applied after include_schemas.
  std::vector<std::string> exclude_schemas;
  /// How long to wait for the ACCESS SHARE lock on a table before failing (PostgreSQL interval
  /// syntax). Introspection locks the tables it reads, as pg_dump does, so that concurrent DDL
  /// cannot change them under it; a table held by a long ALTER fails fast instead of hanging.
  std::string lock_timeout = "2s";
  /// When set, receives counters about the run.
  IntrospectStats* stats = nullptr;
  /// IntrospectAfter: the settings its statements run under (the target database's, so that a
  /// written '2024-01-01' means there what it will mean when the migration runs); an empty field
  /// keeps the server's.
  SessionSettings statement_settings;
};

/// Reads the managed scope of the database at `conninfo` into an ir::Database: every
/// non-system schema selected by the options, except the schema `schemac` and objects that
/// belong to extensions. Runs a fixed number of set-based queries in one REPEATABLE READ READ
/// ONLY transaction; works as a non-superuser.
///
/// Objects that cannot be represented (views, partitioned tables, functions, exclusion
/// constraints, ...) are reported as `catalog.unsupported` errors, never skipped silently.
/// Connection failures, lock timeouts and query errors are reported as `catalog.error`; the
/// returned Database is then empty. Callers must check `diags.HasErrors()` before planning
/// against the result.
ir::Database Introspect(const std::string& conninfo, const IntrospectOptions& options, ir::Diagnostics& diags);

/// Like Introspect, but first runs `statements` (DDL, one statement or several per string) in
/// the same transaction, and rolls everything back afterwards: the database is left unchanged.
/// This is how desired state is canonicalized through a real server (PostgreSQL prints
/// expressions, fills in defaults). The transaction is READ WRITE; statements that cannot run in
/// a transaction block (CREATE INDEX CONCURRENTLY, ...) fail. They run with the session's own
/// search_path (names resolve as in psql); the catalog is then read with search_path = ''.
/// A failing statement is reported as
/// catalog.error "statement failed: <server message> in: <statement>"; the result is then empty.
/// IntrospectStats::queries counts only the introspection queries, not `statements`.
ir::Database IntrospectAfter(const std::string& conninfo, const std::vector<std::string>& statements,
                             const IntrospectOptions& options, ir::Diagnostics& diags);

/// True when `name` matches the glob `pattern` (see IntrospectOptions::include_schemas).
bool SchemaPatternMatches(const std::string& pattern, const std::string& name);

}  // namespace schemac::catalog
