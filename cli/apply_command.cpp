#include "cli/apply_command.h"

#include <csignal>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "cli/atomic_file.h"
#include "cli/plan_json.h"
#include "compiler/catalog/embedded_cluster.h"
#include "compiler/ir/fingerprint.h"

namespace schemac::cli {

namespace {

const std::set<std::string> kRiskClasses = {"safe", "locks", "blocking", "data-loss", "breaking"};

apply::CancelFlag g_cancel{false};

extern "C" void OnCancelSignal(int) { g_cancel.store(true); }

/// SIGINT and SIGTERM cancel the run instead of killing the process: the executor cancels the
/// running statement, rolls back and records the run.
void InstallCancelHandlers() {
  struct sigaction action {};
  action.sa_handler = OnCancelSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

void Log(const std::string& line) { std::cerr << "schemac: apply: " << line << "\n"; }

std::string JoinPaths(const std::vector<std::string>& paths) {
  std::string out;
  for (const std::string& p : paths) out += (out.empty() ? "" : " ") + p;
  return out;
}

/// The steps the policy refuses: a finding whose class is not allowed, or a data-loss step
/// without data-loss allowed. One line each.
std::vector<std::string> PolicyViolations(const emit::Plan& plan, const std::set<std::string>& allowed) {
  std::vector<std::string> out;
  int n = 0;
  for (const emit::Segment& segment : plan.segments) {
    for (const emit::Step& step : segment.steps) {
      ++n;
      std::string label = fmt::format("step {} ({} {})", n, step.change, ir::DisplayName(step.object));
      bool data_loss_reported = false;
      for (std::size_t i = 0; i < step.risks.size(); ++i) {
        const emit::StepRisk& risk = step.risks[i];
        if (risk.risk_class == "data-loss") data_loss_reported = true;
        if (allowed.count(risk.risk_class)) continue;
        out.push_back(fmt::format("{}: {} [class {}]", label, i < step.findings.size() ? step.findings[i] : risk.rule,
                                  risk.risk_class));
      }
      if (step.data_loss && !data_loss_reported && !allowed.count("data-loss")) {
        out.push_back(fmt::format("{}: destroys data: {} [class data-loss]", label, step.data_loss_reason));
      }
    }
  }
  return out;
}

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

/// The Markdown summary of a run, for a CI job or a pull-request comment.
std::string MarkdownSummary(const ApplyReport& report) {
  std::string out = fmt::format("### schemac apply: {}\n\n", report.status);
  out += fmt::format("- database: `{}`\n", report.database);
  if (report.run_id) out += fmt::format("- history run: {}\n", report.run_id);
  out += fmt::format("- exit code: {}\n- time: {:.2f} s\n", report.exit_code, report.seconds);
  if (!report.error.empty()) out += fmt::format("- error: {}\n", FirstLine(report.error));
  if (!report.refused.empty()) {
    out += "\nRefused by policy:\n\n";
    for (const std::string& r : report.refused) out += "- " + r + "\n";
  }
  if (!report.steps.empty()) {
    out += "\n| step | change | object | status | seconds |\n|---:|---|---|---|---:|\n";
    for (const apply::StepRecord& s : report.steps) {
      out += fmt::format("| {} | {} | `{}` | {} | {} |\n", s.step, s.change, s.object, s.status,
                         s.seconds ? fmt::format("{:.3f}", *s.seconds) : "");
    }
  }
  if (!report.difference.empty()) out += "\nStill different:\n\n```sql\n" + report.difference + "```\n";
  return out;
}

/// Writes the report and the summary when asked for; false when a file cannot be written.
bool WriteReports(const ApplyOptions& options, const ApplyReport& report) {
  bool ok = true;
  std::string error;
  if (!options.report.empty() && !WriteFileAtomically(options.report, RenderApplyReportJson(report), error)) {
    std::cerr << "schemac: error: " << error << " [input.io]\n";
    ok = false;
  }
  if (!options.summary.empty() && !WriteFileAtomically(options.summary, MarkdownSummary(report), error)) {
    std::cerr << "schemac: error: " << error << " [input.io]\n";
    ok = false;
  }
  return ok;
}

/// Plans from the database (read through `conninfo`) to the desired state: the planning options
/// apply runs with. `in_transaction`: read the database inside that session's open transaction.
PlanOutcome PlanFromDatabase(const ApplyOptions& options, const std::string& conninfo, const std::string& dev_db,
                             bool classify, catalog::Session* in_transaction) {
  DiffOptions planning = options.planning;
  planning.from = {conninfo};
  planning.lock_timeout = options.settings.lock_timeout;
  planning.statement_timeout = options.settings.statement_timeout;
  planning.dev_db = dev_db;
  planning.classify = classify;
  planning.command = "apply";
  if (in_transaction) {
    planning.introspect = [in_transaction](const catalog::IntrospectOptions& iopts, ir::Diagnostics& diags) {
      return in_transaction->Introspect(iopts, diags);
    };
  }
  return PlanStates(planning);
}

bool IsLockTimeout(const ir::Diagnostics& diags) {
  for (const ir::Diagnostic& d : diags.items()) {
    if (d.id == ir::diag::kCatalog && d.message.find("within lock_timeout") != std::string::npos) return true;
  }
  return false;
}

std::string DiagnosticText(const PlanOutcome& outcome) {
  std::string out;
  for (const ir::Diagnostic& d : outcome.diags.items()) {
    if (d.severity == ir::Severity::Error) out += ir::FormatDiagnostic(d, &outcome.sources) + "\n";
  }
  return out;
}

bool InScope(const DiffOptions& planning, const std::string& schema) {
  if (schema == "schemac" || schema == "pg_catalog" || schema == "information_schema") return false;
  bool included = planning.include_schemas.empty();
  for (const std::string& p : planning.include_schemas) included = included || catalog::SchemaPatternMatches(p, schema);
  for (const std::string& p : planning.exclude_schemas) included = included && !catalog::SchemaPatternMatches(p, schema);
  return included;
}

}  // namespace

int RunApply(const ApplyOptions& given) {
  const auto start = std::chrono::steady_clock::now();
  ApplyOptions options = given;
  ApplyReport report;
  report.database = RedactDsn(options.db);
  report.dry_run = options.dry_run;
  auto finish = [&](int code, const std::string& status) {
    report.exit_code = code;
    if (report.status.empty()) report.status = status;
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!WriteReports(options, report) && code == kExitOk) return static_cast<int>(kExitInvalid);
    return code;
  };
  auto usage = [&](const std::string& message) {
    std::cerr << "schemac: error: " << message << " [compile.invalid]\n";
    return finish(kExitInvalid, "invalid");
  };

  // Input first: nothing is connected to before the options are known to be valid.
  if (!IsDatabaseSpec(options.db)) return usage("--db must be a DSN (key=value ...) or a postgres:// URI");
  for (const auto& [flag, value] : {std::pair<const char*, std::string>{"--lock-timeout", options.settings.lock_timeout},
                                    {"--lock-wait", options.lock_wait}}) {
    if (!apply::IsDuration(value)) {
      return usage(fmt::format("{} \"{}\" is not a duration (a number with us, ms, s, min, h or d: 500ms, 2s)", flag,
                               value));
    }
  }
  if (!options.settings.statement_timeout.empty() && !apply::IsDuration(options.settings.statement_timeout)) {
    return usage(fmt::format("--statement-timeout \"{}\" is not a duration (500ms, 30s, 5min)",
                             options.settings.statement_timeout));
  }
  if (options.settings.retries < 0) return usage("--retries must not be negative");
  std::set<std::string> allowed;
  for (const std::string& a : options.allow) {
    std::size_t begin = 0;
    while (begin <= a.size()) {
      std::size_t end = a.find(',', begin);
      if (end == std::string::npos) end = a.size();
      std::string cls = a.substr(begin, end - begin);
      if (!kRiskClasses.count(cls)) {
        return usage(fmt::format("--allow: unknown risk class \"{}\" (safe, locks, blocking, data-loss, breaking)", cls));
      }
      allowed.insert(cls);
      begin = end + 1;
    }
  }
  if (!ReadProjectSettings(options.planning)) return finish(kExitInvalid, "invalid");
  options.settings.lock_wait_seconds = apply::DurationSeconds(options.lock_wait);

  std::string conninfo;
  try {
    conninfo = apply::SessionConninfo(options.db, options.settings);
  } catch (const std::exception& e) {
    return usage(fmt::format("--db does not parse: {}", e.what()));
  }

  try {
    // The scratch server canonicalizes the desired state, for the plan and for the verification.
    std::unique_ptr<catalog::ScratchServer> scratch;
    if (!options.planning.offline) scratch = std::make_unique<catalog::ScratchServer>(options.planning.dev_db);
    const std::string dev_db = scratch ? scratch->Conninfo() : "";
    InstallCancelHandlers();  // after the scratch server's own handlers

    catalog::Session control(conninfo);
    apply::AcquireRunLock(control, options.settings.lock_wait_seconds);

    std::optional<apply::RunRecord> interrupted = apply::InterruptedRun(control);
    if (interrupted && !options.resume) {
      std::cerr << fmt::format(
          "schemac: error: run {} (started {}) stopped with part of its plan committed ({}); run `schemac apply "
          "--resume` to finish the migration, or `schemac rollback --to {}` (docs/apply.md#recovery)\n",
          interrupted->id, interrupted->started_at, FirstLine(interrupted->error), interrupted->id);
      return finish(kExitRefused, "refused");
    }
    if (interrupted) {
      // The interrupted run's statement may still be running until its server process notices
      // the client is gone (client_connection_check_interval).
      if (interrupted->work_pid && !apply::WaitForBackendExit(control, interrupted->work_pid,
                                                               options.settings.lock_wait_seconds)) {
        std::cerr << fmt::format("schemac: error: the interrupted run's session (pid {}) is still running after {}\n",
                                 interrupted->work_pid, options.lock_wait);
        return finish(kExitFailed, "failed");
      }
      for (const std::string& sql : apply::FinishPendingDetaches(
               control, [&](const std::string& schema) { return InScope(options.planning, schema); })) {
        Log(fmt::format("resuming run {}: ran {}", interrupted->id, sql));
      }
      Log(fmt::format("resuming run {}: planning from the database as it is now", interrupted->id));
    } else if (options.resume) {
      Log("--resume: no interrupted run; applying normally");
    }

    // Plan under the lock, so that two applies started together never run the same DDL twice.
    PlanOutcome outcome;
    for (int attempt = 0;; ++attempt) {
      outcome = PlanFromDatabase(options, conninfo, dev_db, true, nullptr);
      if (outcome.exit_code == kExitOk || !IsLockTimeout(outcome.diags) || attempt >= options.settings.retries) break;
      double wait = std::min(options.settings.backoff_seconds * (1 << attempt), options.settings.backoff_cap_seconds);
      Log(fmt::format("introspection: lock_timeout {} reached; retry {}/{} in {:.1f} s", options.settings.lock_timeout,
                      attempt + 1, options.settings.retries, wait));
      std::this_thread::sleep_for(std::chrono::duration<double>(wait));
    }
    PrintDiagnostics(outcome.diags, outcome.sources);
    if (outcome.exit_code != kExitOk) {
      report.error = DiagnosticText(outcome);
      return finish(outcome.exit_code == kExitEnvironment ? kExitFailed : outcome.exit_code, "failed");
    }
    if (g_cancel.load()) {
      std::cerr << "schemac: apply: cancelled before running anything\n";
      return finish(kExitFailed, "cancelled");
    }

    const emit::PlanPair& plans = outcome.plans;
    apply::RunRecord run;
    run.kind = "apply";
    run.target = JoinPaths(options.planning.to);
    run.source_fingerprint = outcome.source_fingerprint;
    run.target_fingerprint = outcome.target_fingerprint;
    run.plan_fingerprint = apply::PlanFingerprint(plans.forward);
    run.forward_sql = emit::RenderSql(plans.forward);
    run.rollback_sql = emit::RenderSql(plans.rollback);
    run.plan_json = RenderPlanJson(plans, PlanSide{RedactDsn(options.db), outcome.source_fingerprint},
                                   PlanSide{run.target, outcome.target_fingerprint});
    if (interrupted) run.resumes = interrupted->id;
    // The history schema is created with the first run recorded.
    if (!options.dry_run) apply::EnsureHistory(control);

    if (plans.forward.empty()) {
      if (!options.dry_run) {
        report.run_id = apply::StartRun(control, run, plans.forward);
        apply::FinishRun(control, report.run_id, "no_changes", "");
      }
      std::cerr << "schemac: apply: nothing to do: the database matches the desired state\n";
      return finish(kExitOk, "no_changes");
    }

    report.refused = PolicyViolations(plans.forward, allowed);
    if (!report.refused.empty()) {
      std::string allowed_text;
      for (const std::string& a : allowed) allowed_text += (allowed_text.empty() ? "" : ",") + a;
      std::string error = fmt::format("refused: {} step finding(s) outside --allow {}", report.refused.size(), allowed_text);
      for (const std::string& r : report.refused) std::cerr << "schemac: refused: " << r << "\n";
      std::cerr << "schemac: error: " << error
                << " (nothing was run; pass --allow with the classes to accept, or --online for online-safe recipes)\n";
      if (!options.dry_run) {
        report.run_id = apply::StartRun(control, run, plans.forward);
        apply::FinishRun(control, report.run_id, "refused", error);
      }
      report.error = error;
      return finish(kExitRefused, "refused");
    }

    if (!options.dry_run) run.plan_fingerprint = apply::PlanFingerprint(plans.forward);
    int64_t run_id = options.dry_run ? 0 : apply::StartRun(control, run, plans.forward);
    report.run_id = run_id;

    apply::ExecuteOptions eopts;
    eopts.settings = options.settings;
    eopts.conninfo = conninfo;
    eopts.run_id = run_id;
    eopts.dry_run = options.dry_run;
    eopts.cancel = &g_cancel;
    eopts.progress.terminal = ::isatty(STDERR_FILENO) == 1;
    eopts.progress.log = Log;
    eopts.verify = [&](catalog::Session* in_transaction) {
      PlanOutcome check = PlanFromDatabase(options, conninfo, dev_db, false, in_transaction);
      if (check.exit_code != kExitOk) throw std::runtime_error(DiagnosticText(check));
      return emit::RenderSql(check.plans.forward);
    };
    apply::ExecuteResult result = apply::Execute(plans.forward, control, eopts);
    report.steps = result.steps;
    report.difference = result.difference;
    report.error = result.error;

    using Status = apply::ExecuteResult::Status;
    std::string status;
    int code = kExitOk;
    if (result.status == Status::Applied) {
      status = options.dry_run ? "rehearsed" : "applied";
    } else if (result.committed_any) {
      status = "interrupted";
      code = kExitInterrupted;
    } else {
      status = result.status == Status::Cancelled ? "cancelled" : "failed";
      code = kExitFailed;
    }
    if (result.status == Status::VerifyFailed && result.committed_any) {
      status = "verify_failed";
      code = kExitFailed;
    }
    if (run_id) apply::FinishRun(control, run_id, status, result.error + (result.difference.empty() ? "" : "\n" + result.difference));

    if (options.dry_run) {
      for (const apply::StepRecord& s : result.steps) {
        std::string locks;
        for (const std::string& l : s.locks) locks += (locks.empty() ? "" : ", ") + l;
        std::cerr << fmt::format("schemac: dry run: step {} ({} {}): {}{}{}\n", s.step, s.change, s.object, s.status,
                                 s.seconds ? fmt::format(", {:.3f} s", *s.seconds) : "",
                                 locks.empty() ? "" : ", locks " + locks);
      }
    }
    if (code == kExitOk) {
      std::cerr << fmt::format("schemac: apply: {} {} step(s){}\n", options.dry_run ? "rehearsed" : "applied",
                               result.steps.size(), run_id ? fmt::format(" (history run {})", run_id) : "");
    } else {
      std::cerr << "schemac: error: " << result.error << "\n";
      if (!result.difference.empty()) std::cerr << "schemac: still different:\n" << result.difference;
      if (code == kExitInterrupted) {
        std::cerr << fmt::format(
            "schemac: part of the plan is committed: `schemac apply --resume` finishes it, `schemac rollback --to {}` "
            "undoes it (history run {})\n",
            run_id, run_id);
      }
    }
    return finish(code, status);
  } catch (const apply::LockBusy& e) {
    std::cerr << "schemac: error: " << e.what() << "\n";
    report.error = e.what();
    return finish(kExitFailed, "lock_busy");
  } catch (const catalog::ConnectionError& e) {
    std::cerr << "schemac: error: " << e.what() << "\n";
    report.error = e.what();
    return finish(kExitFailed, "failed");
  } catch (const catalog::SqlError& e) {
    std::cerr << "schemac: error: " << e.what() << "\n";
    report.error = e.what();
    return finish(kExitFailed, "failed");
  }
}

int RunHistory(const HistoryOptions& options) {
  if (!IsDatabaseSpec(options.db)) {
    std::cerr << "schemac: error: --db must be a DSN (key=value ...) or a postgres:// URI [compile.invalid]\n";
    return kExitInvalid;
  }
  try {
    catalog::Session session(apply::SessionConninfo(options.db, apply::Settings{}));
    auto exists = session.Query("SELECT (pg_catalog.to_regclass('schemac.history') IS NOT NULL)::text");
    std::vector<apply::RunRecord> runs;
    std::vector<apply::StepRecord> steps;
    if (exists.at(0).at(0).value_or("") == "true") {
      if (options.id) {
        std::optional<apply::RunRecord> run = apply::FindRun(session, options.id);
        if (!run) {
          std::cerr << fmt::format("schemac: error: no run {} in schemac.history\n", options.id);
          return kExitInvalid;
        }
        runs.push_back(*run);
        steps = apply::ListSteps(session, options.id);
      } else {
        runs = apply::ListRuns(session, options.limit);
      }
    }
    if (options.format == "json") {
      std::cout << RenderHistoryJson(runs, options.id ? &steps : nullptr);
      return kExitOk;
    }
    if (runs.empty()) {
      std::cout << "no runs recorded\n";
      return kExitOk;
    }
    for (const apply::RunRecord& r : runs) {
      std::cout << fmt::format("{:>5}  {:<8}  {:<13}  {}  {}@{}  {}{}{}\n", r.id, r.kind, r.status, r.started_at,
                               r.db_user, r.client_host, r.target,
                               r.resumes ? fmt::format("  (resumes {})", *r.resumes) : "",
                               r.error.empty() ? "" : "  error: " + FirstLine(r.error));
    }
    for (const apply::StepRecord& s : steps) {
      std::cout << fmt::format("       step {:>4}  segment {:>3}  {:<13}  {:<24}  {}{}{}\n", s.step, s.segment, s.status,
                               s.change, s.object, s.seconds ? fmt::format("  {:.3f} s", *s.seconds) : "",
                               s.error.empty() ? "" : "  error: " + FirstLine(s.error));
    }
    return kExitOk;
  } catch (const std::exception& e) {
    std::cerr << "schemac: error: " << e.what() << "\n";
    return kExitFailed;
  }
}

}  // namespace schemac::cli
