// Offline canonicalization of a pair of states before they are diffed, when no database is at
// hand to say how PostgreSQL would store an expression.
#pragma once

#include "compiler/ir/schema.h"
#include "compiler/ir/source.h"

namespace schemac::sql {

/// Compares every expression present on both sides (defaults, generated columns, CHECKs, index
/// expressions and predicates). Where the texts differ only in ways PostgreSQL's own type
/// resolution may or may not erase (explicit casts PostgreSQL would add anyway, now() versus
/// CURRENT_TIMESTAMP, ...), it reports a canon.undecided-expression warning naming the object and
/// leaves both sides as they are (the plan then contains the change, which is safe to apply).
/// Where the texts are equal after the documented offline normalizations, it makes them
/// identical so the differ sees no change.
void CanonicalizeOfflinePair(ir::Database& from, ir::Database& to, ir::Diagnostics& diags);

}  // namespace schemac::sql
