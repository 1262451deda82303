// Offline canonicalization of a pair of states before they are diffed, when no database is at
// hand to say how PostgreSQL would store an expression.
//
// What offline canonicalization guarantees (texts equal under these are made identical):
//   1. Parse/deparse by libpg_query (NormalizeExprText): whitespace, comments, keyword case and
//      redundant parentheses disappear, and literals, operators and casts print one way. The
//      deparser has its own spellings: `::character varying` prints as `::varchar`,
//      `::integer` / `::int4` / `::pg_catalog.int4` as `::int` (likewise int2, int8, float4,
//      float8, bool, timestamptz, timetz), `(0)::numeric` as `0::numeric`,
//      CURRENT_TIMESTAMP / CURRENT_USER as `current_timestamp` / `current_user`.
//   2. The SQL front end additionally stores nextval('seq') as nextval('schema.seq'::regclass)
//      (the sequence resolved through the file's search_path, identifiers quoted as
//      quote_identifier does) and drops a `pg_catalog.` qualification from function names, as
//      PostgreSQL prints them with search_path = ''.
// Not decided offline (a canon.undecided-expression warning; both sides left as they are, so the
// plan contains the change, which is safe to apply):
//   - explicit casts PostgreSQL may add or keep: on string and numeric literals ('x'::text,
//     'x'::varchar, 1::bigint, '{}'::int[], ARRAY['x'::text]) and ::text on a column reference;
//   - a negative integer stored as '-1'::int versus -1;
//   - now() versus CURRENT_TIMESTAMP.
// Everything else that differs is a real difference.
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
