// The versioned JSON plan ("schemac.plan/1"). Kept in its own file so that nlohmann-json is
// compiled in one translation unit only.
#pragma once

#include <string>

#include "emit/plan.h"

namespace schemac::cli {

struct PlanSide {
  std::string spec;         // what the user passed (paths joined by spaces, or a DSN without password)
  std::string fingerprint;  // ir::Fingerprint of that state
};

/// Renders the forward plan with its rollback, both sides' fingerprints, segments and steps.
/// With `explain`, each step carries "ordering": the edges of `plan --explain`.
std::string RenderPlanJson(const emit::PlanPair& plans, const PlanSide& source, const PlanSide& target,
                           bool explain = false);

}  // namespace schemac::cli
