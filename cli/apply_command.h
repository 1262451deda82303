// `schemac apply`, `rollback` and `history`: planning against the live database under the run
// lock, the risk policy, and running the plan through apply/ (docs/apply.md).
#pragma once

#include <string>
#include <vector>

#include "apply/apply.h"
#include "cli/commands.h"

namespace schemac::cli {

/// apply's further exit codes (docs/apply.md#exit-codes): 1 refused by policy or a stale plan,
/// 2 invalid input, 3 failed or cancelled with nothing of the plan committed,
inline constexpr int kExitRefused = 1;
inline constexpr int kExitFailed = 3;
/// ... 4 stopped with part of the plan committed: `schemac apply --resume` finishes it.
inline constexpr int kExitInterrupted = 4;

struct ApplyOptions {
  std::string db;                    // the database to migrate
  /// Planning: `to` (the desired-state paths), online, owners, scope, dev_db, offline,
  /// strict_coverage, small_table_rows, config. `from` and the timeouts are set by apply.
  DiffOptions planning;
  apply::Settings settings;
  std::string lock_wait = "60s";     // --lock-wait
  /// Risk classes allowed to run (--allow): safe, locks, blocking, data-loss, breaking.
  std::vector<std::string> allow = {"safe", "locks"};
  std::string plan_file;             // --plan FILE: run this plan (plan --format json) instead of planning
  bool resume = false;               // finish an interrupted run first
  bool dry_run = false;              // rehearse the first transaction, roll it back
  bool batch = false;                // split transactions too large for the lock table
  std::string backup_dir;            // --backup DIR: pg_dump the tables data-loss steps touch first
  std::string report;                // --report FILE: the run as JSON
  std::string summary;               // --summary FILE: the run as Markdown
};

/// Runs `schemac apply`; returns the exit code.
int RunApply(const ApplyOptions& options);

/// Runs `schemac rollback`: the recorded rollback of run `to` (0: the newest applied run), with
/// apply's safeguards (`options`: db, settings, lock_wait, allow, dry_run, report, summary).
int RunRollback(const ApplyOptions& options, int64_t to);

struct HistoryOptions {
  std::string db;
  std::string format = "text";  // text or json
  int limit = 20;               // newest runs shown; 0: all
  int64_t id = 0;               // one run with its steps; 0: the list
};

/// `schemac history`: the runs recorded in schemac.history.
int RunHistory(const HistoryOptions& options);

}  // namespace schemac::cli
