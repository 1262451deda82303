#include "cli/apply_command.h"

#include <csignal>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
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

const char* g_command = "apply";  // the command running, in messages

void Log(const std::string& line) { std::cerr << "schemac: " << g_command << ": " << line << "\n"; }

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


}  // namespace

namespace {

/// A run about to start: what it runs, how it is recorded, and how it is checked afterwards.
struct Execution {
  emit::PlanPair plans;
  apply::RunRecord run;
  /// The verification: the remaining difference ("" when none); sets `state` to the database's
  /// StateFingerprint as read.
  std::function<std::string(catalog::Session*, std::string& state)> verify;
};

/// The options both commands check before connecting; the session conninfo and the allowed
/// classes. Returns kExitOk or the exit code of a usage error (already printed).
int Validate(ApplyOptions& options, std::set<std::string>& allowed, std::string& conninfo) {
  auto usage = [&](const std::string& message) {
    std::cerr << "schemac: error: " << message << " [compile.invalid]\n";
    return static_cast<int>(kExitInvalid);
  };
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
  options.settings.lock_wait_seconds = apply::DurationSeconds(options.lock_wait);
  try {
    conninfo = apply::SessionConninfo(options.db, options.settings);
  } catch (const std::exception& e) {
    return usage(fmt::format("--db does not parse: {}", e.what()));
  }
  return kExitOk;
}

/// Runs `ex` under the run lock `control` holds: the policy, the history record, the executor,
/// the outcome recorded and reported. Returns the exit code; sets report fields.
int RunRecorded(const ApplyOptions& options, const std::set<std::string>& allowed, const std::string& conninfo,
                catalog::Session& control, Execution& ex, ApplyReport& report, std::string& status) {
  const emit::Plan& forward = ex.plans.forward;
  if (forward.empty()) {
    if (!options.dry_run) {
      apply::EnsureHistory(control);
      report.run_id = apply::StartRun(control, ex.run, forward);
      apply::FinishRun(control, report.run_id, "no_changes", "", ex.run.before_state);
    }
    Log("nothing to do: the database matches the desired state");
    status = "no_changes";
    return kExitOk;
  }

  // A refusal runs nothing; it is recorded (but for a dry run) with its reason.
  auto refuse = [&](const std::string& error) {
    if (!options.dry_run) {
      apply::EnsureHistory(control);
      report.run_id = apply::StartRun(control, ex.run, forward);
      apply::FinishRun(control, report.run_id, "refused", error);
    }
    report.error = error;
    status = "refused";
    return kExitRefused;
  };

  report.refused = PolicyViolations(forward, allowed);
  if (!report.refused.empty()) {
    std::string allowed_text;
    for (const std::string& a : allowed) allowed_text += (allowed_text.empty() ? "" : ",") + a;
    std::string error = fmt::format("refused: {} step finding(s) outside --allow {}", report.refused.size(), allowed_text);
    for (const std::string& r : report.refused) std::cerr << "schemac: refused: " << r << "\n";
    std::cerr << "schemac: error: " << error
              << " (nothing was run; pass --allow with the classes to accept, or --online for online-safe recipes)\n";
    return refuse(error);
  }

  // The lock table is shared by every session: a transaction estimated above it cannot commit
  // (out of shared memory). --batch splits such transactions into budgets of half of it.
  const int capacity = apply::LockTableCapacity(control);
  int largest = 0;
  for (const emit::Segment& segment : ex.plans.forward.segments) {
    if (segment.transactional) largest = std::max(largest, apply::EstimateLockEntries(segment));
  }
  if (largest > capacity) {
    if (!options.batch) {
      std::string error = fmt::format(
          "refused: a transaction of this plan needs about {} lock-table entries, more than the server's {} "
          "(max_locks_per_transaction x (max_connections + max_prepared_transactions)); raise "
          "max_locks_per_transaction (a restart), or pass --batch to run it as several transactions (not atomic)",
          largest, capacity);
      std::cerr << "schemac: error: " << error << "\n";
      return refuse(error);
    }
    std::size_t before = ex.plans.forward.segments.size();
    ex.plans.forward = apply::SplitIntoBatches(ex.plans.forward, std::max(1, capacity / 2));
    Log(fmt::format(
        "--batch: a transaction needs about {} lock-table entries of the server's {}: split into {} more "
        "transaction(s). Atomicity is lost: a failure leaves the earlier ones committed (resume with --resume)",
        largest, capacity, ex.plans.forward.segments.size() - before));
  }

  apply::BackupSet backup;
  if (!options.backup_dir.empty() && !options.dry_run) {
    backup = apply::DataLossTables(forward);
    if (!backup.not_covered.empty()) {
      std::string error = "--backup: not yet supported: saving what these data-loss steps destroy: ";
      for (std::size_t i = 0; i < backup.not_covered.size(); ++i) error += (i ? "; " : "") + backup.not_covered[i];
      std::cerr << "schemac: error: " << error << " (nothing was run)\n";
      return refuse(error);
    }
  }

  int64_t run_id = 0;
  if (!options.dry_run) {
    apply::EnsureHistory(control);  // created with the first run recorded
    run_id = apply::StartRun(control, ex.run, forward);
  }
  report.run_id = run_id;
  if (!backup.tables.empty()) {
    try {
      std::string path = apply::BackupTables(conninfo, options.backup_dir, run_id, backup.tables);
      apply::SetBackup(control, run_id, path);
      Log(fmt::format("saved {} table(s) that data-loss steps touch to {} (restore with pg_restore)",
                      backup.tables.size(), path));
    } catch (const std::exception& e) {
      std::cerr << "schemac: error: " << e.what() << " (nothing was run)\n";
      apply::FinishRun(control, run_id, "failed", e.what());
      report.error = e.what();
      status = "failed";
      return kExitFailed;
    }
  } else if (!options.backup_dir.empty() && !options.dry_run) {
    Log("--backup: no data-loss step, nothing to save");
  }

  std::string after_state;
  apply::ExecuteOptions eopts;
  eopts.settings = options.settings;
  eopts.conninfo = conninfo;
  eopts.run_id = run_id;
  eopts.dry_run = options.dry_run;
  eopts.cancel = &g_cancel;
  eopts.progress.terminal = ::isatty(STDERR_FILENO) == 1;
  eopts.progress.log = Log;
  eopts.verify = [&](catalog::Session* in_transaction) { return ex.verify(in_transaction, after_state); };
  apply::ExecuteResult result = apply::Execute(forward, control, eopts);
  report.steps = result.steps;
  report.difference = result.difference;
  report.error = result.error;

  using Status = apply::ExecuteResult::Status;
  int code = kExitOk;
  if (result.status == Status::Applied) {
    status = options.dry_run ? "rehearsed" : "applied";
  } else if (result.status == Status::VerifyFailed && result.committed_any) {
    status = "verify_failed";
    code = kExitFailed;
  } else if (result.committed_any) {
    status = "interrupted";
    code = kExitInterrupted;
  } else {
    status = result.status == Status::Cancelled ? "cancelled" : "failed";
    code = kExitFailed;
  }
  if (run_id) {
    apply::FinishRun(control, run_id, status, result.error + (result.difference.empty() ? "" : "\n" + result.difference),
                     result.status == Status::Applied ? after_state : "");
  }

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
    Log(fmt::format("{} {} step(s){}", options.dry_run ? "rehearsed" : "applied", result.steps.size(),
                    run_id ? fmt::format(" (history run {})", run_id) : ""));
  } else {
    std::cerr << "schemac: error: " << result.error << "\n";
    if (!result.difference.empty()) std::cerr << "schemac: still different:\n" << result.difference;
    if (code == kExitInterrupted) {
      std::cerr << fmt::format(
          "schemac: part of the plan is committed (history run {}): `schemac apply --resume` with the same files "
          "finishes it (docs/apply.md#recovery)\n",
          run_id);
    }
  }
  return code;
}

/// Runs a read of the database, retried on lock_timeout as the plan's own steps are.
template <typename Attempt, typename TimedOut>
auto WithRetries(const apply::Settings& settings, Attempt&& attempt_once, TimedOut&& timed_out) {
  for (int attempt = 0;; ++attempt) {
    auto result = attempt_once();
    if (!timed_out(result) || attempt >= settings.retries) return result;
    double wait = std::min(settings.backoff_seconds * (1 << std::min(attempt, 20)), settings.backoff_cap_seconds);
    Log(fmt::format("introspection: lock_timeout {} reached; retry {}/{} in {:.1f} s", settings.lock_timeout,
                    attempt + 1, settings.retries, wait));
    std::this_thread::sleep_for(std::chrono::duration<double>(wait));
  }
}

/// Waits for an interrupted run's session to end and finishes its pending detaches (--resume).
bool PrepareResume(const ApplyOptions& options, catalog::Session& control, const apply::RunRecord& interrupted) {
  // Its statement may still run until its server process notices the client is gone
  // (client_connection_check_interval).
  if (interrupted.work_pid &&
      !apply::WaitForBackendExit(control, interrupted.work_pid, options.settings.lock_wait_seconds)) {
    std::cerr << fmt::format("schemac: error: the interrupted run's session (pid {}) is still running after {}\n",
                             interrupted.work_pid, options.lock_wait);
    return false;
  }
  for (const std::string& sql : apply::FinishPendingDetaches(
           control, [&](const std::string& schema) { return InManagedScope(schema, options.planning); })) {
    Log(fmt::format("resuming run {}: ran {}", interrupted.id, sql));
  }
  Log(fmt::format("resuming run {}: planning from the database as it is now", interrupted.id));
  return true;
}

}  // namespace

namespace {

/// One apply or rollback command: its report, written whatever the outcome.
class Command {
 public:
  explicit Command(const ApplyOptions& options) : options_(options), start_(std::chrono::steady_clock::now()) {
    report.database = RedactDsn(options.db);
    report.dry_run = options.dry_run;
  }

  ApplyReport report;

  /// Ends the command with `code`: the report and summary written (a write failure turns success into 2).
  int Finish(int code, const std::string& status) {
    report.exit_code = code;
    if (report.status.empty()) report.status = status;
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (!WriteReports(options_, report) && code == kExitOk) return kExitInvalid;
    return code;
  }

  /// Runs `body`; the run lock not granted, a lost connection or a failing query end the command
  /// with exit 3.
  template <typename Body>
  int Guard(Body&& body) {
    try {
      return body();
    } catch (const apply::LockBusy& e) {
      return Fail(e.what(), "lock_busy");
    } catch (const std::exception& e) {
      return Fail(e.what(), "failed");
    }
  }

 private:
  int Fail(const std::string& message, const std::string& status) {
    std::cerr << "schemac: error: " << message << "\n";
    report.error = message;
    return Finish(kExitFailed, status);
  }

  const ApplyOptions& options_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

int RunApply(const ApplyOptions& given) {
  ApplyOptions options = given;
  Command command(options);
  ApplyReport& report = command.report;
  auto finish = [&](int code, const std::string& status) { return command.Finish(code, status); };

  // Input first: nothing is connected to before the options are known to be valid.
  std::set<std::string> allowed;
  std::string conninfo;
  if (int code = Validate(options, allowed, conninfo); code != kExitOk) return finish(code, "invalid");
  if (!ReadProjectSettings(options.planning)) return finish(kExitInvalid, "invalid");
  std::optional<PlanFile> plan_file;
  if (!options.plan_file.empty()) {
    std::string text, error;
    std::ifstream in(options.plan_file, std::ios::binary);
    if (!in) {
      std::cerr << "schemac: error: " << options.plan_file << ": cannot read the plan file [input.io]\n";
      return finish(kExitInvalid, "invalid");
    }
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    plan_file = ParsePlanJson(text, error);
    if (!plan_file) {
      std::cerr << "schemac: error: " << options.plan_file << ": " << error << " [compile.invalid]\n";
      return finish(kExitInvalid, "invalid");
    }
    // The verification compares with the desired state: the PATHs given, else the files the plan
    // was made from.
    if (options.planning.to.empty()) {
      std::istringstream specs(plan_file->target.spec);
      for (std::string path; specs >> path;) options.planning.to.push_back(path);
      bool found = !options.planning.to.empty();
      for (const std::string& p : options.planning.to) found = found && std::filesystem::exists(p);
      if (!found) {
        std::cerr << fmt::format(
            "schemac: error: --plan: the plan's desired state \"{}\" is not found; give its files as PATH arguments "
            "so that the result can be verified [compile.invalid]\n",
            plan_file->target.spec);
        return finish(kExitInvalid, "invalid");
      }
    }
  } else if (options.planning.to.empty()) {
    std::cerr << "schemac: error: apply needs the desired-state PATHs, or --plan FILE [compile.invalid]\n";
    return finish(kExitInvalid, "invalid");
  }

  return command.Guard([&]() -> int {
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
          "--resume` with the desired-state files to finish the migration (docs/apply.md#recovery)\n",
          interrupted->id, interrupted->started_at, FirstLine(interrupted->error));
      return finish(kExitRefused, "refused");
    }
    if (interrupted && plan_file) {
      std::cerr << fmt::format(
          "schemac: error: run {} was interrupted: resume it by planning again (`schemac apply --resume PATH...`), "
          "not with --plan\n",
          interrupted->id);
      return finish(kExitRefused, "refused");
    }
    if (interrupted) {
      if (!PrepareResume(options, control, *interrupted)) return finish(kExitFailed, "failed");
    } else if (options.resume) {
      Log("--resume: no interrupted run; applying normally");
    }

    auto with_retries = [&](auto&& attempt_once, auto&& timed_out) {
      return WithRetries(options.settings, attempt_once, timed_out);
    };

    Execution ex;
    ex.run.kind = "apply";
    ex.run.include_schemas = options.planning.include_schemas;
    ex.run.exclude_schemas = options.planning.exclude_schemas;
    if (interrupted) ex.run.resumes = interrupted->id;
    if (plan_file) {
      // A plan made earlier runs only on the state it was made for.
      DiffOptions scope = options.planning;
      scope.from = {conninfo};
      scope.lock_timeout = options.settings.lock_timeout;
      ir::Diagnostics diags;
      std::optional<DatabaseState> state = with_retries(
          [&] {
            diags = ir::Diagnostics{};
            return ReadDatabaseState(scope, diags);
          },
          [&](const std::optional<DatabaseState>& s) { return !s && IsLockTimeout(diags); });
      PrintDiagnostics(diags, ir::SourceManager{});
      if (!state) return finish(kExitFailed, "failed");
      if (state->fingerprint != plan_file->source.fingerprint) {
        std::string error = fmt::format(
            "stale plan: {} was made for a database with fingerprint {}, but this one has {} (it changed since, or "
            "the plan was made with another --include-schema/--exclude-schema); plan again",
            options.plan_file, plan_file->source.fingerprint, state->fingerprint);
        std::cerr << "schemac: error: " << error << "\n";
        report.error = error;
        return finish(kExitRefused, "refused");
      }
      ex.plans = plan_file->plans;
      ex.run.target = options.plan_file;
      ex.run.source_fingerprint = plan_file->source.fingerprint;
      ex.run.target_fingerprint = plan_file->target.fingerprint;
      ex.run.before_state = state->state;
      ex.run.plan_json = RenderPlanJson(ex.plans, plan_file->source, plan_file->target);
    } else {
      // Plan under the lock, so that two applies started together never run the same DDL twice.
      PlanOutcome outcome = with_retries([&] { return PlanFromDatabase(options, conninfo, dev_db, true, nullptr); },
                                         [&](const PlanOutcome& o) {
                                           return o.exit_code != kExitOk && IsLockTimeout(o.diags);
                                         });
      PrintDiagnostics(outcome.diags, outcome.sources);
      if (outcome.exit_code != kExitOk) {
        report.error = DiagnosticText(outcome);
        return finish(outcome.exit_code == kExitEnvironment ? kExitFailed : outcome.exit_code, "failed");
      }
      ex.plans = outcome.plans;
      ex.run.target = JoinPaths(options.planning.to);
      ex.run.source_fingerprint = outcome.source_fingerprint;
      ex.run.target_fingerprint = outcome.target_fingerprint;
      ex.run.before_state = outcome.database_state;
      ex.run.plan_json = RenderPlanJson(ex.plans, PlanSide{RedactDsn(options.db), outcome.source_fingerprint},
                                        PlanSide{ex.run.target, outcome.target_fingerprint});
    }
    if (g_cancel.load()) {
      std::cerr << "schemac: apply: cancelled before running anything\n";
      return finish(kExitFailed, "cancelled");
    }
    ex.run.plan_fingerprint = apply::PlanFingerprint(ex.plans.forward);
    ex.run.forward_sql = emit::RenderSql(ex.plans.forward);
    ex.run.rollback_sql = emit::RenderSql(ex.plans.rollback);
    ex.verify = [&](catalog::Session* in_transaction, std::string& state) {
      // After COMMIT the read may wait for locks like any other (inside the transaction a failed
      // read aborts it: no retry there).
      PlanOutcome check = with_retries(
          [&] { return PlanFromDatabase(options, conninfo, dev_db, false, in_transaction); },
          [&](const PlanOutcome& o) { return !in_transaction && o.exit_code != kExitOk && IsLockTimeout(o.diags); });
      if (check.exit_code != kExitOk) throw std::runtime_error(DiagnosticText(check));
      state = check.database_state;
      return emit::RenderSql(check.plans.forward);
    };
    std::string status;
    int code = RunRecorded(options, allowed, conninfo, control, ex, report, status);
    return finish(code, status);
  });
}

int RunRollback(const ApplyOptions& given, int64_t to) {
  ApplyOptions options = given;
  Command command(options);
  ApplyReport& report = command.report;
  auto finish = [&](int code, const std::string& status) { return command.Finish(code, status); };
  auto refuse = [&](const std::string& error) {
    std::cerr << "schemac: error: " << error << "\n";
    report.error = error;
    return finish(kExitRefused, "refused");
  };
  std::set<std::string> allowed;
  std::string conninfo;
  g_command = "rollback";
  if (int code = Validate(options, allowed, conninfo); code != kExitOk) return finish(code, "invalid");

  return command.Guard([&]() -> int {
    InstallCancelHandlers();
    catalog::Session control(conninfo);
    apply::AcquireRunLock(control, options.settings.lock_wait_seconds);
    std::optional<apply::RunRecord> interrupted = apply::InterruptedRun(control);
    if (interrupted) {
      return refuse(fmt::format("run {} was interrupted with part of its plan committed: finish it with `schemac apply "
                                "--resume` first (docs/apply.md#recovery)",
                                interrupted->id));
    }
    std::optional<apply::RunRecord> target;
    for (const apply::RunRecord& r : apply::ListRuns(control)) {  // newest first; empty without history
      if (to ? r.id == to : r.status == "applied") {
        target = r;
        break;
      }
    }
    if (!target) {
      return refuse(to ? fmt::format("no run {} in schemac.history", to) : "no applied run to roll back in schemac.history");
    }
    if (target->status != "applied" || target->after_state.empty() || target->plan_json.empty()) {
      return refuse(fmt::format("run {} is {}: only an applied run can be rolled back", target->id, target->status));
    }
    std::string error;
    std::optional<PlanFile> recorded = ParsePlanJson(target->plan_json, error);
    if (!recorded) return refuse(fmt::format("run {}: its recorded plan cannot be read: {}", target->id, error));

    DiffOptions scope;
    scope.from = {conninfo};
    scope.include_schemas = target->include_schemas;
    scope.exclude_schemas = target->exclude_schemas;
    scope.lock_timeout = options.settings.lock_timeout;
    ir::Diagnostics diags;
    std::optional<DatabaseState> now = WithRetries(
        options.settings,
        [&] {
          diags = ir::Diagnostics{};
          return ReadDatabaseState(scope, diags);
        },
        [&](const std::optional<DatabaseState>& r) { return !r && IsLockTimeout(diags); });
    PrintDiagnostics(diags, ir::SourceManager{});
    if (!now) return finish(kExitFailed, "failed");
    if (now->state != target->after_state) {
      return refuse(fmt::format(
          "the database is no longer in the state run {} left (it changed since: a later run, or a change made by "
          "hand); its rollback would not undo it alone. Plan the way back with `schemac apply` and the earlier files",
          target->id));
    }

    Execution ex;
    ex.plans = emit::PlanPair{recorded->plans.rollback, recorded->plans.forward};
    ex.run.kind = "rollback";
    ex.run.rolls_back = target->id;
    ex.run.target = fmt::format("rollback of run {}", target->id);
    ex.run.include_schemas = target->include_schemas;
    ex.run.exclude_schemas = target->exclude_schemas;
    ex.run.source_fingerprint = now->fingerprint;
    ex.run.target_fingerprint = target->source_fingerprint;
    ex.run.before_state = now->state;
    ex.run.plan_fingerprint = apply::PlanFingerprint(ex.plans.forward);
    ex.run.forward_sql = emit::RenderSql(ex.plans.forward);
    ex.run.rollback_sql = emit::RenderSql(ex.plans.rollback);
    ex.run.plan_json = RenderPlanJson(ex.plans, recorded->target, recorded->source);
    const std::string expected = target->before_state;
    ex.verify = [&](catalog::Session* in_transaction, std::string& state) -> std::string {
      DiffOptions read = scope;
      if (in_transaction) {
        read.introspect = [in_transaction](const catalog::IntrospectOptions& iopts, ir::Diagnostics& d) {
          return in_transaction->Introspect(iopts, d);
        };
      }
      ir::Diagnostics d;
      std::optional<DatabaseState> after = WithRetries(
          options.settings,
          [&] {
            d = ir::Diagnostics{};
            return ReadDatabaseState(read, d);
          },
          [&](const std::optional<DatabaseState>& r) { return !in_transaction && !r && IsLockTimeout(d); });
      if (!after) {
        std::string text;
        for (const ir::Diagnostic& x : d.items()) text += ir::FormatDiagnostic(x, nullptr) + "\n";
        throw std::runtime_error(text);
      }
      state = after->state;
      if (after->state == expected) return "";
      return fmt::format("-- the database state is {}, not {} (the state before run {})\n", after->state, expected,
                         target->id);
    };
    std::string status;
    int code = RunRecorded(options, allowed, conninfo, control, ex, report, status);
    if (status == "applied") apply::MarkRolledBack(control, target->id);
    return finish(code, status);
  });
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
