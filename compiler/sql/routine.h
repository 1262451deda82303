// Internal to compiler/sql: pieces shared by the routine front ends (transform_function.cpp,
// transform_aggregate.cpp).
#pragma once

#include <string>
#include <vector>

#include "compiler/ir/schema.h"
#include "compiler/sql/pg_tree.h"
#include "compiler/sql/state.h"

namespace schemac::sql {

enum class TypeOutcome { Ok, Defer, Failed };

/// A routine's argument or result type as pg_proc records it: no modifiers (PostgreSQL drops
/// them), pseudo-types in pg_catalog, user types resolved now (they must be defined, possibly by
/// a later statement: then Defer). `deps` receives the type's reference key.
TypeOutcome FunctionType(State& state, const PgQuery__TypeName* written, const std::string& subject,
                         ir::TypeRef* out, std::vector<std::string>* deps);

}  // namespace schemac::sql
