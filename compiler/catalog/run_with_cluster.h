// Running a command against a throwaway PostgreSQL cluster that exists only while it runs.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace schemac::catalog {

/// Starts an EmbeddedCluster, runs `command` (argv, searched in PATH) with PGHOST, PGPORT,
/// PGUSER and PGDATABASE pointing at it plus `dsn_variable` set to its conninfo, forwards
/// SIGINT/SIGTERM/SIGHUP to the command, then stops and removes the cluster whatever happens.
/// Returns the command's exit code (128 + signal when it was killed; 127 when it cannot be
/// run); on a cluster start failure prints the reason prefixed by `tag` and returns 3.
int RunWithCluster(const std::vector<std::string>& command, const std::string& dsn_variable, const std::string& tag);

}  // namespace schemac::catalog
