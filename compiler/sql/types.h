// Internal to compiler/sql: resolving a written type name to the canonical TypeRef.
#pragma once

#include <optional>
#include <string>

#include "compiler/ir/schema.h"
#include "compiler/sql/pg_tree.h"
#include "compiler/sql/state.h"

namespace schemac::sql {

struct ResolvedType {
  bool ok = false;
  ir::TypeRef type;                    // built-in types: final; else name/array only
  std::optional<PendingType> pending;  // set for a non-built-in name (an enum, resolved later)
  int serial_bytes = 0;                // 2, 4 or 8 for smallserial / serial / bigserial
};

/// Resolves `tn`. `subject` names what is being typed in messages, e.g.
/// `table "public.t": column "c"`. Reports its own errors (then `ok` is false).
ResolvedType ResolveType(State& state, const PgQuery__TypeName* tn, const std::string& subject);

/// The text of a TypeRef as format_type prints it ("character varying(20)[]") for messages.
std::string TypeDisplay(const ir::TypeRef& type);

/// True for the built-in pg_catalog type names schemac models.
bool IsBuiltinTypeName(const std::string& name);

/// PostgreSQL's default operator class for `method` on a column of `type` (whether `is_enum`),
/// or "" when unknown (the written opclass is then kept).
std::string DefaultOpclass(const std::string& method, const ir::TypeRef& type, bool is_enum);

/// The operator class `written` names (one or two parts): a built-in one unqualified is
/// pg_catalog's; any other unqualified one (an extension's, as gin_trgm_ops) is looked up on the
/// search path: the first schema of it that an extension of the files is created in, else the
/// creation schema.
ir::QualifiedName OpclassName(const State& state, const std::vector<std::string>& written);

}  // namespace schemac::sql
