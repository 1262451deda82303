// The risk rules over a plan: each step's statements are classified by the same classifier that
// lints hand-written migrations (one taxonomy), the findings kept on the step.
#pragma once

#include <string>

#include "compiler/ir/schema.h"
#include "emit/plan.h"

namespace schemac::cli {

/// Classifies every statement of `plan`, which runs against the database `before`, and records
/// each finding (all but design advice) on its step as "MG101 index-create-blocking (warning):
/// message".
void ClassifyPlan(emit::Plan& plan, const ir::Database& before);

/// One comment line summing up a classified plan: findings per class, the strongest lock and the
/// tables it is taken on; empty when the plan has no finding.
std::string RiskSummary(const emit::Plan& plan);

}  // namespace schemac::cli
