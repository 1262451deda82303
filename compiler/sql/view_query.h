// View queries in canonical text, shared with the canon layer: the SQL front end deparses the
// view's SELECT; pg_get_viewdef text from the catalog goes through the same parse + deparse.
#pragma once

#include <string>

#include "compiler/ir/schema.h"
#include "compiler/ir/source.h"

namespace schemac::sql {

/// Canonical text of a view query: `text` (one SELECT / VALUES statement, a trailing `;`
/// allowed) parsed and deparsed by libpg_query. On failure `*error` is set and `text` is
/// returned unchanged.
std::string NormalizeViewQuery(const std::string& text, std::string* error);

/// Offline canonicalization of views present in both states: query texts (and column lists)
/// that differ cannot be decided without PostgreSQL (it qualifies names, adds casts and folds
/// the column list into aliases), so each such view gets a canon.undecided-expression warning and
/// both sides are left as they are (the plan then contains the change). Meant to be called from
/// CanonicalizeOfflinePair.
void CanonicalizeOfflineViews(ir::Database& from, ir::Database& to, ir::Diagnostics& diags);

}  // namespace schemac::sql
