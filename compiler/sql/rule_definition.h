// Rule definitions in canonical text, shared with the canon layer: the SQL front end deparses
// the WHERE condition and each action of CREATE RULE; pg_get_ruledef text from the catalog goes
// through the same parse + deparse (transform_rule.cpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/schema.h"

namespace schemac::sql {

/// Parses `text` (one CREATE RULE statement, as pg_get_ruledef prints it) into the canonical
/// WHERE condition and actions. On failure returns false and sets `*error`.
bool ParseRuleDefinition(const std::string& text, std::optional<ir::Expr>* where, std::vector<std::string>* actions,
                         std::string* error);

}  // namespace schemac::sql
