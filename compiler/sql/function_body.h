// SQL-standard function bodies (RETURN expr / BEGIN ATOMIC ... END) in canonical text, shared
// with the canon layer: the SQL front end deparses the body it parsed; the text
// pg_get_function_sqlbody prints goes through the same parse + deparse.
#pragma once

#include <string>

namespace schemac::sql {

/// Canonical text of a SQL-standard body: "RETURN <expr>", or "BEGIN ATOMIC", one deparsed
/// statement per line ending in ";", "END". On failure `*error` is set and `text` is returned
/// unchanged. Idempotent.
std::string NormalizeSqlBody(const std::string& text, std::string* error);

}  // namespace schemac::sql
