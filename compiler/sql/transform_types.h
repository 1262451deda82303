// Internal to compiler/sql: helpers shared by the user-type transforms (domains and composite
// types in transform_domain.cpp, range types in transform_range.cpp, collations in
// transform_collation.cpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/schema.h"
#include "compiler/sql/pg_tree.h"
#include "compiler/sql/state.h"

namespace schemac::sql {

enum class TypeOutcome { Ok, Defer, Failed };

/// The type of a domain, attribute or range subtype: built-ins with their modifiers, user types
/// (enums, domains, composite, range and multirange types) resolved now; a type defined by a
/// later statement defers the statement. The type's key goes to `deps`.
TypeOutcome UserOrBuiltinType(State& state, const PgQuery__TypeName* tn, const std::string& subject, ir::TypeRef* out,
                              std::vector<std::string>* deps);

/// Reports (and returns true) when `qn` is already a type name: an enum, domain, composite,
/// range or multirange type, or the row type of a table or view. `kind` names the new object.
bool TypeNameTaken(State& state, const ir::QualifiedName& qn, const std::string& kind, ir::SourceSpan span);

/// The range type whose range or multirange type is `qn`, or null.
const ir::RangeType* RangeOrMultirange(const State& state, const ir::QualifiedName& qn);

/// Resolves a written collation name (COLLATE x, collation = x). An unqualified name is a
/// user collation of the search path when one is defined, else a built-in one (pg_catalog):
/// "C", "POSIX", "ucs_basic" and "default" are always built in, and any other name waits for
/// the statements not read yet before it is taken as built in. The default collation gives
/// nullopt. A user collation's key goes to `deps`.
TypeOutcome ResolveCollation(State& state, const std::vector<std::string>& parts, const std::string& subject,
                             ir::SourceSpan span, std::optional<ir::QualifiedName>* out,
                             std::vector<std::string>* deps);

/// Whether a written collation (COLLATE x of a column or index element) should wait for
/// statements not read yet: never on the final pass.
bool CollationWaits(State& state, const std::vector<std::string>& parts, ir::SourceSpan span);

/// A column's or index element's written collation, resolved as ResolveCollation does (the
/// database default gives nullopt; a failure is reported and gives nullopt).
std::optional<ir::QualifiedName> WrittenCollation(State& state, const std::vector<std::string>& parts,
                                                  const std::string& subject, ir::SourceSpan span);

/// The names of a DefElem argument written as a (possibly qualified) name or a string.
std::vector<std::string> DefElemNames(const PgQuery__DefElem& d);

}  // namespace schemac::sql
