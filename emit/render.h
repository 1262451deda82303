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

}  // namespace schemac::emit
