// Identifier and literal quoting and type names for emitted SQL: the ONE place that knows how
// PostgreSQL 15 wants names written.
//
// Literals: plans set nothing and rely on standard_conforming_strings = on (PostgreSQL's default
// since 9.1), under which a backslash inside '...' is an ordinary character, so doubling single
// quotes is all the escaping a literal needs.
#pragma once

#include <string>
#include <string_view>

#include "compiler/ir/schema.h"

namespace schemac::emit {

/// Keyword categories of PostgreSQL 15's parser (src/include/parser/kwlist.h).
enum class KeywordCategory { NotKeyword, Unreserved, ColumnName, TypeFuncName, Reserved };

/// The category of `word` (lower case) in PostgreSQL 15's keyword list.
KeywordCategory LookupKeyword(std::string_view word);

/// `name` as PostgreSQL's quote_ident would write it: bare when it matches ^[a-z_][a-z0-9_$]*$
/// and is not a keyword other than an unreserved one; otherwise in double quotes with embedded
/// double quotes doubled.
std::string QuoteIdentifier(std::string_view name);

/// schema.name, each part quoted as needed.
std::string QuoteQualified(const ir::QualifiedName& name);

/// A string literal: '...' with single quotes doubled (see the file comment on backslashes).
std::string QuoteLiteral(std::string_view text);

/// A type as SQL: pg_catalog types by their SQL names (int4 -> integer, varchar(20) ->
/// character varying(20), timestamptz(3) -> timestamp(3) with time zone, ...), other types
/// schema-qualified and quoted; arrays with [].
std::string RenderType(const ir::TypeRef& type);

}  // namespace schemac::emit
