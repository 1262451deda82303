// schemac-testdb -- CMD ARGS...
//
// Starts one throwaway PostgreSQL cluster, runs CMD with PGHOST, PGPORT, PGUSER, PGDATABASE and
// SCHEMAC_TEST_DSN pointing at it, then stops and removes the cluster whatever happens, and exits
// with CMD's exit code (128 + signal when CMD was killed by a signal). SIGINT, SIGTERM and SIGHUP
// are forwarded to CMD; the cluster is removed once CMD has exited.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include "compiler/catalog/embedded_cluster.h"
#include "compiler/catalog/process.h"

namespace {

volatile sig_atomic_t g_child = 0;
volatile sig_atomic_t g_signal = 0;

void Forward(int sig) {
  g_signal = sig;
  if (g_child > 0) kill(g_child, sig);
}

int Usage() {
  std::fputs("usage: schemac-testdb -- CMD [ARGS...]\n", stderr);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  int first = 1;
  if (first < argc && std::strcmp(argv[first], "--") == 0) ++first;
  if (first >= argc) return Usage();

  schemac::catalog::EmbeddedCluster cluster;
  try {
    cluster.Start();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "schemac-testdb: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr, "schemac-testdb: PostgreSQL ready in %.0f ms at %s\n", cluster.StartMillis(),
               cluster.Host().c_str());

  // From here on, signals are forwarded to the child instead of killing us, so that the cluster
  // outlives the child's own clean-up and is removed afterwards.
  struct sigaction sa = {};
  sa.sa_handler = Forward;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);

  schemac::catalog::ProcessOptions opts;
  opts.set_env = {{"PGHOST", cluster.Host()},
                  {"PGPORT", std::to_string(cluster.Port())},
                  {"PGUSER", cluster.User()},
                  {"PGDATABASE", "postgres"},
                  {"SCHEMAC_TEST_DSN", cluster.Conninfo()}};
  std::vector<std::string> env_strings = schemac::catalog::ChildEnvironment(opts);
  std::vector<char*> envp;
  for (std::string& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = fork();
  if (pid < 0) {
    std::fprintf(stderr, "schemac-testdb: fork: %s\n", std::strerror(errno));
    return 1;
  }
  if (pid == 0) {
    struct sigaction dfl = {};
    dfl.sa_handler = SIG_DFL;
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &dfl, nullptr);
    execvpe(argv[first], argv + first, envp.data());
    std::fprintf(stderr, "schemac-testdb: cannot run %s: %s\n", argv[first], std::strerror(errno));
    _exit(127);
  }
  g_child = pid;
  if (g_signal) kill(pid, g_signal);  // a signal that arrived before g_child was set

  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      std::fprintf(stderr, "schemac-testdb: waitpid: %s\n", std::strerror(errno));
      status = 1 << 8;
      break;
    }
  }
  cluster.Stop();
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}
