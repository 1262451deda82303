// Canonicalization with PostgreSQL at hand: where an expression of the desired state and the
// same expression read from the database differ as text, a scratch database is asked how
// PostgreSQL stores the desired one. This library talks to a server and drives the planner to
// build the scratch objects, so it sits above emit/ (like apply/), beside the catalog front end.
#pragma once

#include <string>

#include "compiler/catalog/introspect.h"
#include "compiler/ir/schema.h"
#include "compiler/ir/source.h"

namespace schemac::canon {

/// Normalizes every expression of a state read from the catalog (pg_get_expr text) into the
/// canonical text the SQL front end produces (sql::NormalizeExprText), in place.
void NormalizeCatalogExpressions(ir::Database& db, ir::Diagnostics& diags);

struct ServerCanonOptions {
  /// A database to use as scratch space ("dev database"). It should be empty: the scratch
  /// objects are created in one transaction that is always rolled back. Empty: an embedded
  /// throwaway cluster is started for the run (only when a round trip is needed).
  std::string dev_db;
  std::string lock_timeout = "2s";
  /// The target database's session settings: the scratch statements read written dates and
  /// times under them, as the migration will (catalog::IntrospectStats::settings).
  catalog::SessionSettings session;
};

struct ServerCanonStats {
  int round_trips = 0;     // scratch transactions run (0 or 1 per call)
  int expressions = 0;     // expressions sent to the scratch database
  int queries = 0;         // statements sent in those transactions
};

/// For every expression (column default, generated expression, CHECK, index expressions and
/// predicate; view query; domain default and CHECKs; trigger WHEN; rule WHERE and actions) that
/// exists in both `current` (read from the catalog and normalized) and `desired` and differs as
/// text, and for every routine whose definition but the body differs (argument defaults,
/// SQL-standard body), asks a scratch database what PostgreSQL stores for the desired one; where
/// that equals the database's, the desired text is replaced by it (they compare equal), else the
/// desired text is kept as written (a real change, planned with the user's text). Needs no
/// server when nothing differs; at most one scratch transaction otherwise. Both states are first rewritten where PostgreSQL's printed text
/// does not parse back into what it stored: an array of literals coerced to another array type,
/// printed `(ARRAY['a'::character varying])::text[]`, is spelled
/// `ARRAY['a'::varchar]::varchar[]::text[]`, so that plans re-creating such expressions (a
/// rollback, a pg_dump file as desired state) restore them exactly. Errors (the scratch database
/// cannot be reached, PostgreSQL rejects an expression) go to `diags`.
void CanonicalizeWithServer(ir::Database& current, ir::Database& desired, const ServerCanonOptions& options,
                            ir::Diagnostics& diags, ServerCanonStats* stats = nullptr);

}  // namespace schemac::canon
