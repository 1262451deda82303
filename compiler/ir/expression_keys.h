// Reference keys read from canonical expression text, shared by the SQL front end (an object's
// own dependencies) and the differ (what a table element uses).
#pragma once

#include <string>
#include <vector>

namespace schemac::ir {

/// Sorted, unique reference keys of canonical expression text: "func:s.f" for every
/// schema-qualified call `s.f(`, and "type:s.t" for every cast to a schema-qualified type
/// `::s.t` (canonical text qualifies every function and type outside pg_catalog). String
/// literals and quoted identifiers are read as PostgreSQL does.
std::vector<std::string> ExpressionKeys(const std::string& canonical_text);

/// True when `text` mentions `name` as a whole identifier (conservative: may over-report, e.g.
/// inside a string literal).
bool MentionsIdentifier(const std::string& text, const std::string& name);

}  // namespace schemac::ir
