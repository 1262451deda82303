// Expression and type-name normalization shared with the catalog front end, so that text read
// from pg_get_expr / format_type compares equal to what the SQL front end produces.
#pragma once

#include <string>

#include "compiler/ir/schema.h"

namespace schemac::sql {

/// Canonical text of an expression: `SELECT <expr_text>` is parsed and deparsed by libpg_query
/// and the leading `SELECT ` removed, so spacing, keyword case and redundant parentheses
/// disappear (`((id > 10))` -> `id > 10`). This is exactly what CompileText stores for the same
/// expression. On a parse failure `*error` is set and the input is returned unchanged.
std::string NormalizeExprText(const std::string& expr_text, std::string* error);

/// Canonical TypeRef for a type written in SQL or printed by format_type
/// ("character varying(20)[]", "integer", "timestamp(3) with time zone", "public.mood").
/// Built-in names resolve to pg_catalog typnames; a qualified non-built-in name is kept as
/// written; an unqualified one is placed in `default_schema`. Sets `*error` when the text is
/// not a type name or uses a form schemac does not model (interval fields, %TYPE).
ir::TypeRef NormalizeTypeName(const std::string& type_text, const std::string& default_schema, std::string* error);

}  // namespace schemac::sql
