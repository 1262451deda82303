// Running PostgreSQL's client and server programs (initdb, pg_ctl, psql, pg_dump) as child
// processes, with their output captured. Used by the embedded cluster and the test fixture.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <sys/types.h>

namespace schemac::catalog {

/// Which OS account a child process runs as (only possible when we are root).
struct RunAs {
  uid_t uid = 0;
  gid_t gid = 0;
};

/// How to start a child process.
struct ProcessOptions {
  /// Switch to this account in the child before exec (requires root).
  std::optional<RunAs> run_as;
  /// Working directory of the child; empty: inherit.
  std::string cwd;
  /// Environment variables set (or overridden) in the child; the rest is inherited.
  std::vector<std::pair<std::string, std::string>> set_env;
  /// Environment variables removed in the child.
  std::vector<std::string> unset_env;
};

/// What a finished child process did.
struct ProcessResult {
  int exit_code = -1;   // exit status, or -1 when killed by a signal
  int term_signal = 0;  // the signal that killed it, or 0
  std::string out;      // everything it wrote to stdout
  std::string err;      // everything it wrote to stderr
  bool Ok() const { return exit_code == 0; }
};

/// Runs argv[0] (looked up in PATH when it has no slash) with stdin from /dev/null, waits for it
/// and returns its output. Throws std::runtime_error when it cannot be started at all.
ProcessResult RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options = {});

/// Builds the environment for a child: the current environment with `options` applied, as
/// "NAME=value" strings.
std::vector<std::string> ChildEnvironment(const ProcessOptions& options);

/// The name of the OS user this process runs as (effective uid).
std::string CurrentUserName();

/// Looks an OS account up by name; nullopt when it does not exist.
std::optional<RunAs> LookUpUser(const std::string& name);

}  // namespace schemac::catalog
