// The executor: a plan's segments run against the database, with retries, checkpoints,
// cancellation and verification.
#include "apply/apply.h"
#include "apply/internal.h"

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "compiler/catalog/conninfo.h"
#include "compiler/ir/schema.h"

namespace schemac::apply {

namespace {

const std::regex kDuration(R"(^([0-9]+(\.[0-9]+)?)(us|ms|s|min|h|d)?$)");

double Since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Re-sends a cancel request to the work session every `period` while the cancel flag is set,
/// until stopped: a request that arrives between two statements is lost, the next one is not.
class CancelWatcher {
 public:
  CancelWatcher(CancelFlag* flag, catalog::Session& session) : flag_(flag), session_(session) {
    if (flag_ == nullptr) return;
    thread_ = std::thread([this] {
      std::unique_lock lock(mutex_);
      while (!stop_) {
        cv_.wait_for(lock, std::chrono::milliseconds(100));
        if (!stop_ && flag_->load()) session_.Cancel();
      }
    });
  }
  ~CancelWatcher() { Stop(); }
  /// No more cancel requests (the executor is rolling back or recording).
  void Stop() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  CancelFlag* flag_;
  catalog::Session& session_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

/// The partitions pending detach (an interrupted DETACH ... CONCURRENTLY): the statement that
/// finishes each, and the partition's schema.
constexpr const char* kPendingDetaches =
    "SELECT pg_catalog.format('ALTER TABLE %I.%I DETACH PARTITION %I.%I FINALIZE;', pn.nspname, p.relname, "
    "cn.nspname, c.relname), cn.nspname::text "
    "FROM pg_catalog.pg_inherits h JOIN pg_catalog.pg_class c ON c.oid = h.inhrelid "
    "JOIN pg_catalog.pg_namespace cn ON cn.oid = c.relnamespace JOIN pg_catalog.pg_class p ON p.oid = h.inhparent "
    "JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace WHERE h.inhdetachpending";

/// What an interrupted statement can leave behind: invalid indexes (a failed CREATE INDEX or
/// REINDEX CONCURRENTLY) by qualified name, and partitions pending detach, as the statement that
/// finishes each.
struct Leftovers {
  std::set<std::string> invalid_indexes;
  std::set<std::string> pending_detaches;
};

Leftovers ReadLeftovers(catalog::Session& session) {
  Leftovers out;
  for (const catalog::Row& r : session.Query(
           std::string("SELECT 'index', pg_catalog.format('%I.%I', n.nspname, c.relname), n.nspname::text "
                       "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid "
                       "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE NOT i.indisvalid "
                       "UNION ALL SELECT 'detach', d.* FROM (") +
           kPendingDetaches + ") d")) {
    (r.at(0).value_or("") == "index" ? out.invalid_indexes : out.pending_detaches).insert(r.at(1).value_or(""));
  }
  return out;
}

std::string StepLabel(const emit::Step& step, int number, int total) {
  return fmt::format("step {}/{} ({} {})", number, total, step.change, ir::DisplayName(step.object));
}

void Sleep(double seconds) { std::this_thread::sleep_for(std::chrono::duration<double>(seconds)); }

/// Records steps' outcomes in the history over the control session (best effort: a history
/// write that fails must not hide the run's own outcome, so it is reported instead).
class Checkpoints {
 public:
  Checkpoints(catalog::Session& control, int64_t run_id, const Progress& progress)
      : control_(control), run_id_(run_id), progress_(progress) {}

  void Running(const StepRecord& s) {
    Write("UPDATE schemac.history_step SET status = 'running', started_at = pg_catalog.clock_timestamp() "
          "WHERE run_id = $1::bigint AND step = $2::int",
          {std::to_string(run_id_), std::to_string(s.step)});
  }
  void Finished(const std::vector<StepRecord>& steps) {
    if (steps.empty()) return;
    std::vector<std::string> numbers, statuses, seconds, errors;
    for (const StepRecord& s : steps) {
      numbers.push_back(std::to_string(s.step));
      statuses.push_back(s.status);
      seconds.push_back(s.seconds ? fmt::format("{:.6f}", *s.seconds) : "");
      errors.push_back(s.error);
    }
    using internal::ArrayLiteral;
    Write("UPDATE schemac.history_step h SET status = s.status, seconds = NULLIF(s.seconds, '')::float8, "
          "error = NULLIF(s.error, ''), started_at = COALESCE(h.started_at, pg_catalog.clock_timestamp() - "
          "pg_catalog.make_interval(secs => COALESCE(NULLIF(s.seconds, '')::float8, 0))) "
          "FROM ROWS FROM (pg_catalog.unnest($2::int[]), pg_catalog.unnest($3::text[]), pg_catalog.unnest($4::text[]), "
          "pg_catalog.unnest($5::text[])) AS s(step, status, seconds, error) "
          "WHERE h.run_id = $1::bigint AND h.step = s.step",
          {std::to_string(run_id_), ArrayLiteral(numbers), ArrayLiteral(statuses), ArrayLiteral(seconds),
           ArrayLiteral(errors)});
  }
  void WorkPid(int pid) {
    Write("UPDATE schemac.history SET work_pid = $2::int WHERE id = $1::bigint",
          {std::to_string(run_id_), std::to_string(pid)});
  }

 private:
  void Write(const std::string& sql, const std::vector<std::string>& params) {
    if (run_id_ == 0) return;
    try {
      control_.Query(sql, params);
    } catch (const std::exception& e) {
      if (progress_.log) progress_.log(fmt::format("warning: could not record progress in schemac.history: {}", e.what()));
    }
  }
  catalog::Session& control_;
  int64_t run_id_;
  const Progress& progress_;
};

std::string Describe(const catalog::SqlError& e) {
  return e.sqlstate.empty() ? std::string(e.what()) : fmt::format("{} (SQLSTATE {})", e.what(), e.sqlstate);
}

}  // namespace

bool IsDuration(const std::string& text) { return std::regex_match(text, kDuration); }

double DurationSeconds(const std::string& text) {
  std::smatch m;
  if (!std::regex_match(text, m, kDuration)) return 0;
  double value = std::stod(m[1].str());
  std::string unit = m[3].str();
  if (unit == "us") return value / 1e6;
  if (unit.empty() || unit == "ms") return value / 1e3;
  if (unit == "s") return value;
  if (unit == "min") return value * 60;
  if (unit == "h") return value * 3600;
  return value * 86400;
}

std::string SessionConninfo(const std::string& dsn, const Settings& settings) {
  std::vector<std::pair<std::string, std::string>> params = catalog::ParseConninfo(dsn);
  std::string options = "-c lock_timeout=" + settings.lock_timeout +
                        " -c client_connection_check_interval=" + settings.check_interval;
  if (!settings.statement_timeout.empty()) options += " -c statement_timeout=" + settings.statement_timeout;
  bool has_options = false;
  for (auto& [key, value] : params) {
    if (key == "options") {
      value = value.empty() ? options : value + " " + options;  // the later -c wins
      has_options = true;
    }
  }
  if (!has_options) params.emplace_back("options", options);
  params.emplace_back("fallback_application_name", "schemac");
  return catalog::MakeConninfo(params);
}

double RetryBoundSeconds(const Settings& settings) {
  double wait = DurationSeconds(settings.lock_timeout) * (settings.retries + 1);
  double backoff = settings.backoff_seconds;
  for (int i = 0; i < settings.retries; ++i) {
    wait += std::min(backoff, settings.backoff_cap_seconds);
    backoff *= 2;
  }
  return wait;
}

std::vector<std::string> FinishPendingDetaches(catalog::Session& session,
                                               const std::function<bool(const std::string&)>& in_scope) {
  std::vector<std::string> ran;
  for (const catalog::Row& r : session.Query(std::string(kPendingDetaches) + " ORDER BY 1")) {
    if (!in_scope(r.at(1).value_or(""))) continue;
    session.Execute(*r.at(0));
    ran.push_back(*r.at(0));
  }
  return ran;
}

ExecuteResult Execute(const emit::Plan& plan, catalog::Session& control, const ExecuteOptions& options) {
  ExecuteResult result;
  const Settings& settings = options.settings;
  const Progress& progress = options.progress;
  auto log = [&](const std::string& line) {
    if (progress.log) progress.log(line);
  };
  Checkpoints checkpoints(control, options.run_id, progress);

  int total = 0, segments_with_steps = 0;
  bool only_transactional = true;
  for (const emit::Segment& s : plan.segments) {
    total += static_cast<int>(s.steps.size());
    if (!s.steps.empty()) {
      ++segments_with_steps;
      only_transactional = only_transactional && s.transactional;
    }
  }
  {
    int n = 0;
    for (std::size_t si = 0; si < plan.segments.size(); ++si) {
      for (const emit::Step& step : plan.segments[si].steps) {
        StepRecord r;
        r.run_id = options.run_id;
        r.step = ++n;
        r.segment = static_cast<int>(si + 1);
        r.object = ir::DisplayName(step.object);
        r.change = step.change;
        for (const std::string& sql : step.sql) r.sql += (r.sql.empty() ? "" : "\n") + sql;
        r.status = "pending";
        result.steps.push_back(std::move(r));
      }
    }
  }
  const bool one_transaction = segments_with_steps == 1 && only_transactional;
  const auto run_start = std::chrono::steady_clock::now();

  std::unique_ptr<catalog::Session> work;
  try {
    work = std::make_unique<catalog::Session>(options.conninfo);
  } catch (const std::exception& e) {
    result.status = ExecuteResult::Status::Failed;
    result.error = e.what();
    return result;
  }
  checkpoints.WorkPid(work->BackendPid());
  auto cancelled = [&] { return options.cancel && options.cancel->load(); };
  auto fail = [&](ExecuteResult::Status status, const std::string& error) {
    result.status = cancelled() ? ExecuteResult::Status::Cancelled : status;
    result.error = error;
    for (StepRecord& s : result.steps) {
      if (s.status == "pending") s.status = "not_run";
    }
    checkpoints.Finished(result.steps);
    return result;
  };
  auto show = [&](int index, const emit::Step& step) {
    if (progress.terminal) {
      log(fmt::format("{} [{:.1f} s]", StepLabel(step, index + 1, total), Since(run_start)));
    }
  };

  bool rehearsable = true;  // dry run: this segment starts from the planned state
  std::set<std::string> held;  // dry run: the locks held so far in the rehearsed transaction
  int index = 0;  // 0-based number of the segment's first step
  for (std::size_t si = 0; si < plan.segments.size(); index += static_cast<int>(plan.segments[si].steps.size()), ++si) {
    const emit::Segment& segment = plan.segments[si];
    if (segment.steps.empty()) continue;
    if (cancelled()) return fail(ExecuteResult::Status::Cancelled, "cancelled before " + StepLabel(segment.steps[0], index + 1, total));

    if (options.dry_run && (!rehearsable || !segment.transactional)) {
      // Nothing is committed in a dry run, so only the first segment runs on the state the
      // plan was made for.
      for (std::size_t k = 0; k < segment.steps.size(); ++k) result.steps[index + k].status = "not_rehearsed";
      rehearsable = false;
      continue;
    }
    rehearsable = false;

    if (segment.transactional) {
      double backoff = settings.backoff_seconds;
      for (int attempt = 0;; ++attempt) {
        int current = index;  // the step running when a statement fails
        std::vector<double> seconds(segment.steps.size(), 0);
        bool in_commit = false;
        CancelWatcher watcher(options.cancel, *work);
        if (options.dry_run) {  // a retry rehearses from the start again
          held.clear();
          for (std::size_t k = 0; k < segment.steps.size(); ++k) result.steps[index + k].locks.clear();
        }
        try {
          work->Execute("BEGIN");
          // Apply sets its own timeouts (the session's startup options); a long step runs
          // without statement_timeout.
          if (segment.long_running) work->Execute("SET LOCAL statement_timeout = 0");
          for (std::size_t k = 0; k < segment.steps.size(); ++k) {
            current = index + static_cast<int>(k);
            show(current, segment.steps[k]);
            auto start = std::chrono::steady_clock::now();
            for (const std::string& sql : segment.steps[k].sql) {
              if (cancelled()) throw catalog::SqlError("canceling statement due to user request", "57014");
              work->Execute(sql);
            }
            seconds[k] = Since(start);
            if (options.dry_run) {
              // The locks this step added to the transaction's.
              for (const catalog::Row& r : work->Query(
                       "SELECT DISTINCT l.mode || ' on ' || pg_catalog.format('%I.%I', n.nspname, c.relname) "
                       "FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_class c ON c.oid = l.relation "
                       "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE l.pid = pg_catalog.pg_backend_pid() AND l.locktype = 'relation' AND l.granted "
                       "AND n.nspname NOT IN ('pg_catalog', 'pg_toast', 'information_schema') ORDER BY 1")) {
                if (held.insert(r.at(0).value_or("")).second) result.steps[current].locks.push_back(*r.at(0));
              }
            }
          }
          watcher.Stop();
          if (one_transaction && options.verify && !options.dry_run) {
            std::string difference;
            try {
              difference = options.verify(work.get());
            } catch (const std::exception& e) {
              work->Execute("ROLLBACK");
              for (std::size_t k = 0; k < segment.steps.size(); ++k) result.steps[index + k].status = "rolled_back";
              return fail(ExecuteResult::Status::Failed,
                          std::string("verification failed, nothing committed: ") + e.what());
            }
            if (!difference.empty()) {
              work->Execute("ROLLBACK");
              for (std::size_t k = 0; k < segment.steps.size(); ++k) result.steps[index + k].status = "rolled_back";
              result.difference = difference;
              return fail(ExecuteResult::Status::VerifyFailed,
                          "after the plan the database still differs from the desired state; rolled back, nothing "
                          "committed");
            }
          }
          if (options.dry_run) {
            work->Execute("ROLLBACK");
          } else {
            in_commit = true;
            work->Execute("COMMIT");
            result.committed_any = true;
          }
          for (std::size_t k = 0; k < segment.steps.size(); ++k) {
            StepRecord& r = result.steps[index + k];
            r.status = options.dry_run ? "rehearsed" : "done";
            r.seconds = seconds[k];
          }
          if (!options.dry_run) {
            checkpoints.Finished(std::vector<StepRecord>(result.steps.begin() + index,
                                                         result.steps.begin() + index + segment.steps.size()));
          }
          break;
        } catch (const catalog::SqlError& e) {
          watcher.Stop();
          try {
            work->Execute("ROLLBACK");
          } catch (const std::exception&) {
          }
          const emit::Step& step = segment.steps[current - index];
          if (e.sqlstate == "55P03" && attempt < settings.retries && !cancelled()) {
            double wait = std::min(backoff, settings.backoff_cap_seconds);
            log(fmt::format("{}: lock_timeout {} reached ({}); retry {}/{} of the transaction in {:.1f} s",
                            StepLabel(step, current + 1, total), settings.lock_timeout, e.what(), attempt + 1,
                            settings.retries, wait));
            Sleep(wait);
            backoff *= 2;
            continue;
          }
          for (std::size_t k = 0; k < segment.steps.size(); ++k) {
            StepRecord& r = result.steps[index + k];
            r.status = static_cast<int>(index + k) < current ? "rolled_back" : static_cast<int>(index + k) == current ? "failed" : "not_run";
          }
          result.steps[current].error = Describe(e);
          std::string what = in_commit ? "COMMIT" : StepLabel(step, current + 1, total);
          return fail(ExecuteResult::Status::Failed,
                      fmt::format("{} failed, its transaction rolled back: {}", what, Describe(e)));
        } catch (const catalog::ConnectionError& e) {
          watcher.Stop();
          result.steps[current].status = "failed";
          result.steps[current].error = e.what();
          std::string what = in_commit ? "the connection was lost during COMMIT: the transaction may or may not have "
                                         "committed (the verification of a rerun tells)"
                                       : fmt::format("{}: the connection was lost, its transaction rolled back",
                                                     StepLabel(segment.steps[current - index], current + 1, total));
          return fail(ExecuteResult::Status::Failed, fmt::format("{}: {}", what, e.what()));
        }
      }
      continue;
    }

    // Outside a transaction: each step alone, checkpointed before and after.
    for (std::size_t k = 0; k < segment.steps.size(); ++k) {
      const int current = index + static_cast<int>(k);
      const emit::Step& step = segment.steps[k];
      StepRecord& record = result.steps[current];
      if (cancelled()) return fail(ExecuteResult::Status::Cancelled, "cancelled before " + StepLabel(step, current + 1, total));
      show(current, step);
      checkpoints.Running(record);
      double backoff = settings.backoff_seconds;
      for (int attempt = 0;; ++attempt) {
        Leftovers before;
        CancelWatcher watcher(options.cancel, *work);
        auto start = std::chrono::steady_clock::now();
        try {
          before = ReadLeftovers(*work);
          if (segment.long_running) work->Execute("SET statement_timeout = 0");
          for (const std::string& sql : step.sql) work->Execute(sql);
          if (segment.long_running) work->Execute("RESET statement_timeout");
          watcher.Stop();
          record.status = "done";
          record.seconds = Since(start);
          result.committed_any = true;
          checkpoints.Finished({record});
          break;
        } catch (const catalog::SqlError& e) {
          watcher.Stop();
          // What the failed statement left behind (it ran outside a transaction, so nothing
          // rolled it back): an invalid index is dropped before a retry; a pending detach is
          // finished, which completes the step.
          Leftovers after;
          try {
            if (segment.long_running) work->Execute("RESET statement_timeout");
            after = ReadLeftovers(*work);
          } catch (const std::exception&) {
          }
          std::vector<std::string> new_indexes, new_detaches;
          for (const std::string& i : after.invalid_indexes) {
            if (!before.invalid_indexes.count(i)) new_indexes.push_back(i);
          }
          for (const std::string& d : after.pending_detaches) {
            if (!before.pending_detaches.count(d)) new_detaches.push_back(d);
          }
          bool retry = e.sqlstate == "55P03" && attempt < settings.retries && !cancelled();
          if (retry) {
            try {
              for (const std::string& i : new_indexes) {
                log(fmt::format("{}: dropping the invalid index {} the failed attempt left", StepLabel(step, current + 1, total), i));
                work->Execute("DROP INDEX CONCURRENTLY IF EXISTS " + i);
              }
              if (!new_detaches.empty()) {
                for (const std::string& d : new_detaches) {
                  log(fmt::format("{}: finishing the interrupted detach: {}", StepLabel(step, current + 1, total), d));
                  work->Execute(d);
                }
                record.status = "done";
                record.seconds = Since(start);
                result.committed_any = true;
                checkpoints.Finished({record});
                break;
              }
            } catch (const std::exception& repair) {
              retry = false;
              log(fmt::format("{}: could not clean up after the failed attempt: {}", StepLabel(step, current + 1, total),
                              repair.what()));
            }
          }
          if (retry) {
            double wait = std::min(backoff, settings.backoff_cap_seconds);
            log(fmt::format("{}: lock_timeout {} reached ({}); retry {}/{} in {:.1f} s", StepLabel(step, current + 1, total),
                            settings.lock_timeout, e.what(), attempt + 1, settings.retries, wait));
            Sleep(wait);
            backoff *= 2;
            continue;
          }
          if (!new_indexes.empty() || !new_detaches.empty()) result.committed_any = true;
          record.status = "failed";
          record.error = Describe(e);
          std::string left;
          for (const std::string& i : new_indexes) left += fmt::format("; left an invalid index {}", i);
          for (const std::string& d : new_detaches) left += fmt::format("; left a detach pending ({})", d);
          return fail(ExecuteResult::Status::Failed,
                      fmt::format("{} failed: {}{}", StepLabel(step, current + 1, total), Describe(e), left));
        } catch (const catalog::ConnectionError& e) {
          watcher.Stop();
          record.status = "failed";
          record.error = e.what();
          result.committed_any = true;  // unknown: a concurrent build may have left an invalid index
          return fail(ExecuteResult::Status::Failed,
                      fmt::format("{}: the connection was lost: {}", StepLabel(step, current + 1, total), e.what()));
        }
      }
    }
  }

  if (!one_transaction && options.verify && !options.dry_run) {
    std::string difference;
    try {
      difference = options.verify(nullptr);
    } catch (const std::exception& e) {
      result.status = ExecuteResult::Status::VerifyFailed;
      result.error = std::string("the plan ran, but the verification failed: ") + e.what();
      return result;
    }
    if (!difference.empty()) {
      result.status = ExecuteResult::Status::VerifyFailed;
      result.difference = difference;
      result.error = "the plan ran and committed, but the database still differs from the desired state";
      return result;
    }
  }
  return result;
}

}  // namespace schemac::apply
