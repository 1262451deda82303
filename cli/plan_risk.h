// The risk rules over a plan: each step's statements are classified by the same classifier that
// lints hand-written migrations (one taxonomy), the findings kept on the step.
#pragma once

#include <string>

#include <cstdint>
#include <map>

#include "cli/commands.h"
#include "compiler/ir/schema.h"
#include "emit/plan.h"
#include "lint/lint.h"

namespace schemac::cli {

/// Classifies every statement of `plan`, which runs against the database `before`, and records
/// each finding (all but design advice) on its step as "MG101 index-create-blocking (warning):
/// message", with its facts in Step::risks. With `sizes` (a database's estimates), blocking
/// findings are weighed by the size of their table (lint::WeighBySize).
void ClassifyPlan(emit::Plan& plan, const ir::Database& before,
                  const std::map<ir::QualifiedName, lint::TableSize>* sizes = nullptr,
                  int64_t small_table_rows = kDefaultSmallTableRows);

/// Comment lines summing up a classified plan: findings per class, the strongest lock and the
/// tables it is taken on; then, when sizes are known, the blocking steps by estimated cost
/// (rows), largest first. Empty when the plan has no finding.
std::string RiskSummary(const emit::Plan& plan);

}  // namespace schemac::cli
