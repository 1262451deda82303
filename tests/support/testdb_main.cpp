// schemac-testdb -- CMD ARGS...
//
// Starts one throwaway PostgreSQL cluster, runs CMD with PGHOST, PGPORT, PGUSER, PGDATABASE and
// SCHEMAC_TEST_DSN pointing at it, then stops and removes the cluster whatever happens, and exits
// with CMD's exit code (128 + signal when CMD was killed by a signal). SIGINT, SIGTERM and SIGHUP
// are forwarded to CMD; the cluster is removed once CMD has exited.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "compiler/catalog/run_with_cluster.h"

int main(int argc, char** argv) {
  int first = 1;
  if (first < argc && std::strcmp(argv[first], "--") == 0) ++first;
  if (first >= argc) {
    std::fputs("usage: schemac-testdb -- CMD [ARGS...]\n", stderr);
    return 2;
  }
  int rc = schemac::catalog::RunWithCluster(std::vector<std::string>(argv + first, argv + argc), "SCHEMAC_TEST_DSN",
                                            "schemac-testdb");
  // A cluster that cannot start is reported as a failure of the run, as before.
  return rc;
}
