#include "compiler/catalog/run_with_cluster.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

#include <sys/wait.h>
#include <unistd.h>

#include "compiler/catalog/embedded_cluster.h"
#include "compiler/catalog/process.h"

namespace schemac::catalog {

namespace {

volatile sig_atomic_t g_child = 0;
volatile sig_atomic_t g_signal = 0;

void Forward(int sig) {
  g_signal = sig;
  if (g_child > 0) kill(g_child, sig);
}

}  // namespace

int RunWithCluster(const std::vector<std::string>& command, const std::string& dsn_variable, const std::string& tag) {
  if (command.empty()) return 2;
  EmbeddedCluster cluster;
  try {
    cluster.Start();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", tag.c_str(), e.what());
    return 3;
  }
  std::fprintf(stderr, "%s: PostgreSQL ready in %.0f ms at %s\n", tag.c_str(), cluster.StartMillis(),
               cluster.Host().c_str());

  // From here on, signals are forwarded to the child instead of killing us, so that the cluster
  // outlives the child's own clean-up and is removed afterwards.
  struct sigaction sa = {};
  sa.sa_handler = Forward;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);

  ProcessOptions opts;
  opts.set_env = {{"PGHOST", cluster.Host()},
                  {"PGPORT", std::to_string(cluster.Port())},
                  {"PGUSER", cluster.User()},
                  {"PGDATABASE", "postgres"},
                  {dsn_variable, cluster.Conninfo()}};
  std::vector<std::string> env_strings = ChildEnvironment(opts);
  std::vector<char*> envp;
  for (std::string& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = command;
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_t pid = fork();
  if (pid < 0) {
    std::fprintf(stderr, "%s: fork: %s\n", tag.c_str(), std::strerror(errno));
    return 3;
  }
  if (pid == 0) {
    struct sigaction dfl = {};
    dfl.sa_handler = SIG_DFL;
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &dfl, nullptr);
    execvpe(argv[0], argv.data(), envp.data());
    std::fprintf(stderr, "%s: cannot run %s: %s\n", tag.c_str(), argv[0], std::strerror(errno));
    _exit(127);
  }
  g_child = pid;
  if (g_signal) kill(pid, g_signal);  // a signal that arrived before g_child was set

  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      std::fprintf(stderr, "%s: waitpid: %s\n", tag.c_str(), std::strerror(errno));
      status = 1 << 8;
      break;
    }
  }
  cluster.Stop();
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace schemac::catalog
