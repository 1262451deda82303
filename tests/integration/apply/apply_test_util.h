// Helpers of the `schemac apply` tests: the real executable started in the background (so that a
// test can hold locks, signal it or kill it while it runs), and the history read back.
#pragma once

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>

#include "tests/integration/plan/plan_test_util.h"

extern char** environ;

namespace schemac::applytest {

using namespace schemac::plantest;

/// A schemac process running in the background, its output going to files in `dir`.
class Background {
 public:
  Background(const TempDir& dir, const std::string& name, const std::vector<std::string>& args)
      : out_(dir.File(name + ".out")), err_(dir.File(name + ".err")) {
    std::vector<std::string> argv = {SCHEMAC_EXE};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> raw;
    for (std::string& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int rc = posix_spawn(&pid_, raw[0], &actions, nullptr, raw.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start schemac");
  }
  ~Background() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  pid_t pid() const { return pid_; }
  void Signal(int sig) { ::kill(pid_, sig); }

  /// Waits for the process; its exit code (-signal when a signal killed it).
  RunResult Wait() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    RunResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    r.out = ReadFile(out_);
    r.err = ReadFile(err_);
    return r;
  }

 private:
  std::string out_, err_;
  pid_t pid_ = -1;
};

/// Polls `sql` (one value) on `conninfo` until it returns "t", up to `seconds`; false on timeout.
inline bool WaitUntil(const std::string& conninfo, const std::string& sql, double seconds = 60) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (testing::QueryValue(conninfo, sql) == "t") return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

/// The condition "a schemac session of this database waits for a lock".
inline std::string SchemacWaitsForLock() {
  return "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE datname = current_database() AND "
         "application_name = 'schemac' AND wait_event_type = 'Lock')";
}

/// The history's runs as "id|kind|status" lines, oldest first.
inline std::string Runs(const std::string& conninfo) {
  return Query(conninfo, "SELECT id || '|' || kind || '|' || status FROM schemac.history ORDER BY id");
}

/// Seconds since `start`.
inline double Elapsed(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace schemac::applytest
