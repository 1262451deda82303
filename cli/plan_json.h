// The versioned JSON plan ("schemac.plan/1"). Kept in its own file so that nlohmann-json is
// compiled in one translation unit only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "apply/apply.h"
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

/// A plan file (`plan --format json`) read back.
struct PlanFile {
  emit::PlanPair plans;
  PlanSide source, target;
};

/// Reads a "schemac.plan/1" document. Returns nullopt and sets `error` (naming the field) when it
/// is not one.
std::optional<PlanFile> ParsePlanJson(const std::string& text, std::string& error);

/// What one `schemac apply` did (--report FILE, --summary FILE).
struct ApplyReport {
  std::string database;   // the DSN without password
  int64_t run_id = 0;     // the history record, 0 when none was written
  std::string status;     // applied, no_changes, refused, failed, cancelled, interrupted, ...
  int exit_code = 0;
  bool dry_run = false;
  double seconds = 0;
  std::string error;
  std::string difference;             // what still differs after the plan ran
  std::vector<std::string> refused;   // the policy's findings
  std::vector<apply::StepRecord> steps;
};

/// The report as JSON ("schemac.apply-report/1").
std::string RenderApplyReportJson(const ApplyReport& report);

/// `schemac history --format json` ("schemac.history/1"): the runs, and with `steps` each one's steps.
std::string RenderHistoryJson(const std::vector<apply::RunRecord>& runs, const std::vector<apply::StepRecord>* steps);

}  // namespace schemac::cli
