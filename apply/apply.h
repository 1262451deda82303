// Running a plan against a live database (`schemac apply`, `schemac rollback`): the sessions and
// their timeouts, the advisory lock that serializes runs, the history schema, and the executor
// that runs a plan's segments with retries, checkpoints, cancellation and verification.
// Planning stays with the caller: the executor receives a plan and a verifier.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "compiler/catalog/session.h"
#include "emit/plan.h"

namespace schemac::apply {

/// How every session of a run behaves (docs/apply.md#timeouts-and-retries).
struct Settings {
  std::string lock_timeout = "2s";        // PostgreSQL duration syntax
  std::string statement_timeout;          // empty: none
  std::string check_interval = "1s";      // client_connection_check_interval
  int retries = 3;                        // retries of a step or segment failing on lock_timeout (55P03)
  double backoff_seconds = 0.5;           // the first retry's wait, doubled each retry ...
  double backoff_cap_seconds = 8;         // ... up to this
  double lock_wait_seconds = 60;          // how long to wait for another run's advisory lock
};

/// True when `text` is a PostgreSQL duration apply accepts: a number with an optional unit
/// (us, ms, s, min, h, d), no spaces ("500ms", "2s", "0").
bool IsDuration(const std::string& text);

/// A duration's length in seconds (IsDuration must hold; a number without unit is milliseconds,
/// as lock_timeout reads it).
double DurationSeconds(const std::string& text);

/// `dsn` with the session settings every schemac session starts with: lock_timeout,
/// statement_timeout (when set) and client_connection_check_interval as startup options (so they
/// hold before the first query, introspection included), and application_name "schemac" unless
/// the DSN names one. Throws std::invalid_argument when `dsn` does not parse.
std::string SessionConninfo(const std::string& dsn, const Settings& settings);

/// The longest a run can wait on lock timeouts before giving up on one segment or step:
/// (retries + 1) lock waits plus the backoff sleeps between them.
double RetryBoundSeconds(const Settings& settings);

/// The advisory lock (two-key form) held for the whole of a run: "sc" and 2, on the database
/// the run migrates.
inline constexpr int kRunLockClass = 0x7363;
inline constexpr int kRunLockObject = 2;

/// Another run holds the advisory lock past the wait; what() names it.
struct LockBusy : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Takes the run lock on `session` (session level: held until the session ends), waiting up to
/// `wait_seconds`. Throws LockBusy naming the holder (pid, application_name, since when).
void AcquireRunLock(catalog::Session& session, double wait_seconds);

/// The history schema: created when missing (CREATE privilege on the database is needed).
/// Layout: docs/apply.md#history.
void EnsureHistory(catalog::Session& session);

/// One run's record, as `schemac history` lists it.
struct RunRecord {
  int64_t id = 0;
  std::string kind;        // "apply" or "rollback"
  std::string status;      // running, applied, no_changes, refused, failed, cancelled, interrupted, resumed
  std::string started_at, finished_at;  // timestamptz text, finished empty while running
  std::string db_user, application_name, client_host;
  int backend_pid = 0;     // the session holding the run lock
  int work_pid = 0;        // the session running the plan's statements
  std::string source_fingerprint, target_fingerprint, plan_fingerprint;
  std::string target;      // what the run migrated to (paths, or a plan file)
  std::string forward_sql, rollback_sql;
  std::string plan_json;   // the plan pair as `plan --format json` writes it
  std::string error;
  std::optional<int64_t> resumes;      // the interrupted run this one resumed
  std::optional<int64_t> rolls_back;   // the run whose rollback this one ran
  std::string backup;      // where --backup saved data, empty when none
  std::vector<std::string> include_schemas, exclude_schemas;  // the managed scope it ran with
  /// ir::StateFingerprint of the database before the run, and after it (empty until it applied):
  /// a rollback checks that it starts from `after_state` and returns to `before_state`.
  std::string before_state, after_state;
};

/// One step's record.
struct StepRecord {
  int64_t run_id = 0;
  int step = 0;          // 1-based over the whole plan
  int segment = 0;       // 1-based
  std::string object, change, sql;
  std::string status;    // pending, running, done, failed, rolled_back, not_run; dry run: rehearsed, not_rehearsed
  std::optional<double> seconds;
  std::string error;
  std::vector<std::string> locks;  // dry run: the table locks the step took ("AccessExclusiveLock on public.t")
};

/// Records a new run (status "running", its steps "pending") and returns its id.
int64_t StartRun(catalog::Session& session, const RunRecord& run, const emit::Plan& plan);
/// Sets a run's final status (and error, and the state it left when it applied), finished now.
void FinishRun(catalog::Session& session, int64_t id, const std::string& status, const std::string& error,
               const std::string& after_state = "");
/// A run undone by `schemac rollback`: status "rolled_back".
void MarkRolledBack(catalog::Session& session, int64_t id);
/// Runs, newest first (`limit` 0: all).
std::vector<RunRecord> ListRuns(catalog::Session& session, int limit = 0);
/// One run, or nullopt.
std::optional<RunRecord> FindRun(catalog::Session& session, int64_t id);
/// One run's steps, in order.
std::vector<StepRecord> ListSteps(catalog::Session& session, int64_t id);
/// Runs left "running" by a client that is gone (the caller holds the run lock, so no live run
/// can be running) are marked "interrupted" when a step was done or under way outside a
/// transaction, else "failed" (the server rolled back what they ran). Returns the newest interrupted run not yet resumed
/// (nullopt when there is no history yet).
std::optional<RunRecord> InterruptedRun(catalog::Session& session);

/// Set asynchronously (a signal) to cancel a run: the running statement is cancelled and the
/// run stops at the next safe point.
using CancelFlag = std::atomic<bool>;

/// Compares the database with the desired state after the plan ran. With a session, reads the
/// catalog inside its open transaction (before COMMIT); without, reads committed state. Returns
/// the remaining difference as plan text, empty when the database equals the desired state;
/// throws std::runtime_error when the comparison itself fails.
using Verifier = std::function<std::string(catalog::Session* in_transaction)>;

/// Where the executor reports what it does.
struct Progress {
  bool terminal = false;  // show step n/N with elapsed time (stderr is a terminal)
  std::function<void(const std::string&)> log;  // one line, always shown (retries, failures)
};

struct ExecuteOptions {
  Settings settings;
  std::string conninfo;   // SessionConninfo(...) of the database
  int64_t run_id = 0;     // the history record to checkpoint into
  bool dry_run = false;   // run transactional segments, then roll them back; skip the rest
  Verifier verify;        // empty: not verified
  CancelFlag* cancel = nullptr;
  Progress progress;
};

/// What running a plan did.
struct ExecuteResult {
  enum class Status { Applied, Failed, Cancelled, VerifyFailed } status = Status::Applied;
  bool committed_any = false;   // some segment or non-transactional step took effect
  std::string error;            // what failed, naming step and object
  std::string difference;       // VerifyFailed: what still differs
  std::vector<StepRecord> steps;  // every step's outcome, in order
};

/// Runs `plan` against the database: transactional segments each in one transaction, the other
/// steps alone, each checkpointed in the history (through `control`, which must not be inside a
/// transaction). A step failing on lock_timeout is retried (its whole segment when
/// transactional) with capped exponential backoff. A one-transaction plan is verified before
/// its COMMIT; a longer plan after its last segment. Never throws for database errors: they are
/// in the result.
ExecuteResult Execute(const emit::Plan& plan, catalog::Session& control, const ExecuteOptions& options);

/// The leftovers an interrupted run can leave: invalid indexes (a failed concurrent build) and
/// partitions pending detach. Finishes every pending detach (DETACH ... FINALIZE) in the
/// schemas `in_scope` accepts and returns what it ran; invalid indexes are left to the planner,
/// which rebuilds them. Throws catalog::SqlError on failure.
std::vector<std::string> FinishPendingDetaches(catalog::Session& session,
                                               const std::function<bool(const std::string&)>& in_scope);

/// Waits until the server process `pid` has ended (an interrupted run's statement can still be
/// running until the server notices its client is gone), up to `wait_seconds`. Returns false on
/// timeout.
bool WaitForBackendExit(catalog::Session& session, int pid, double wait_seconds);

/// What --backup saves: the tables whose rows or columns the plan's data-loss steps destroy, and
/// the data-loss steps it cannot cover (a type's values held in the columns that use it).
struct BackupSet {
  std::vector<ir::QualifiedName> tables;
  std::vector<std::string> not_covered;
};
BackupSet DataLossTables(const emit::Plan& plan);

/// Saves `tables` (structure and rows; a partitioned table with all its partitions) with
/// pg_dump --format=custom into
/// `dir`/schemac-run-<run_id>.dump, written under a temporary name and renamed when complete.
/// Returns its absolute path; throws std::runtime_error with pg_dump's message.
std::string BackupTables(const std::string& conninfo, const std::string& dir, int64_t run_id,
                         const std::vector<ir::QualifiedName>& tables);

/// Records where a run's backup is.
void SetBackup(catalog::Session& session, int64_t id, const std::string& path);

/// The lock-table entries a step, or a whole transactional segment, is estimated to hold until
/// its transaction ends (docs/apply.md#batches).
int EstimateLockEntries(const emit::Step& step);
int EstimateLockEntries(const emit::Segment& segment);

/// The server's lock table: max_locks_per_transaction x (max_connections +
/// max_prepared_transactions) entries, shared by every session.
int LockTableCapacity(catalog::Session& session);

/// `plan` with every transactional segment estimated above `budget` split into consecutive
/// transactions of at most `budget` (a step larger than the budget alone gets one to itself).
emit::Plan SplitIntoBatches(const emit::Plan& plan, int budget);

/// "sha256:<hex>" of the plan's statements, in order.
std::string PlanFingerprint(const emit::Plan& plan);

}  // namespace schemac::apply
