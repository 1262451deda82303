// Changes -> SQL statements. Every statement ends in ';'. Expressions are the IR's canonical
// text, written verbatim.
#pragma once

#include <string>
#include <vector>

#include "compiler/ir/schema.h"
#include "diff/change.h"

namespace schemac::emit {

/// The statements performing `change`; empty when the change has no effect in this direction
/// (e.g. the reverse of VALIDATE CONSTRAINT: a validated constraint already satisfies NOT VALID).
std::vector<std::string> RenderChange(const diff::Change& change);

/// The deterministic temporary name an enum type gets while it is swapped.
std::string EnumSwapTempName(const std::string& type_name);

/// One column definition as in CREATE TABLE / ADD COLUMN.
std::string ColumnDefinition(const ir::Table& table, const ir::Column& column);

/// A constraint's definition after "CONSTRAINT name " (without NOT VALID).
std::string ConstraintDefinition(const ir::Constraint& constraint);

/// " OPTIONS (name 'value', ...)" of a wrapper, server, user mapping, foreign table or column;
/// "" when there are none (emit/render_foreign.cpp).
std::string FdwOptionsSql(const ir::FdwOptions& options);
/// " OPTIONS (DROP a, SET b 'v', ADD c 'v')" turning `before` into `after`; "" when equal.
std::string FdwOptionChangesSql(const ir::FdwOptions& before, const ir::FdwOptions& after);

}  // namespace schemac::emit
