// The embedded PostgreSQL cluster: start, connect, stop, parallel clusters, clean-up on signals.
#include "compiler/catalog/embedded_cluster.h"

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include "compiler/catalog/conninfo.h"
#include "tests/support/pg_fixture.h"
#include "compiler/catalog/process.h"

namespace fs = std::filesystem;
using schemac::catalog::EmbeddedCluster;

TEST_CASE("an embedded cluster starts, accepts connections, and is removed by Stop", "[cluster]") {
  EmbeddedCluster cluster;
  cluster.Start();
  REQUIRE(cluster.Running());
  std::string dir = cluster.Directory();
  CHECK(fs::is_directory(dir + "/data"));
  // The socket lives in the private directory only.
  CHECK(fs::exists(dir + "/.s.PGSQL." + std::to_string(cluster.Port())));
  CHECK(cluster.Host() == dir);
  CHECK(cluster.User() == schemac::catalog::CurrentUserName());
  WARN("embedded cluster start-up took " << cluster.StartMillis() << " ms");
  CHECK(cluster.StartMillis() < 5000);

  CHECK(schemac::testing::QueryValue(cluster.Conninfo(), "SELECT current_user") == cluster.User());
  CHECK(schemac::testing::QueryValue(cluster.Conninfo(), "SELECT current_setting('server_version_num')::int / 10000") == "15");
  CHECK(schemac::testing::QueryValue(cluster.Conninfo(), "SHOW listen_addresses").empty());
  CHECK(schemac::testing::QueryValue(cluster.Conninfo(), "SHOW fsync") == "off");
  CHECK(schemac::testing::QueryValue(cluster.Conninfo("template1"), "SELECT current_database()") == "template1");

  cluster.Stop();
  CHECK_FALSE(cluster.Running());
  CHECK_FALSE(fs::exists(dir));
  CHECK_THROWS_AS(schemac::testing::QueryValue(cluster.Conninfo(), "SELECT 1"), pqxx::broken_connection);
  cluster.Stop();  // idempotent
}

TEST_CASE("two embedded clusters run side by side", "[cluster]") {
  EmbeddedCluster a;
  EmbeddedCluster b;
  a.Start();
  b.Start();
  CHECK(a.Directory() != b.Directory());
  {
    pqxx::connection ca(a.Conninfo());
    pqxx::nontransaction ta(ca);
    ta.exec("CREATE TABLE only_in_a (id int)");
  }
  CHECK(schemac::testing::QueryValue(a.Conninfo(), "SELECT count(*) FROM pg_class WHERE relname = 'only_in_a'") == "1");
  CHECK(schemac::testing::QueryValue(b.Conninfo(), "SELECT count(*) FROM pg_class WHERE relname = 'only_in_a'") == "0");
  std::string dir_a = a.Directory();
  a.Stop();
  CHECK_FALSE(fs::exists(dir_a));
  CHECK(schemac::testing::QueryValue(b.Conninfo(), "SELECT 1") == "1");
}

TEST_CASE("the destructor stops the server and removes its directory", "[cluster]") {
  std::string dir;
  std::string conninfo;
  {
    EmbeddedCluster cluster;
    cluster.Start();
    dir = cluster.Directory();
    conninfo = cluster.Conninfo();
    CHECK(schemac::testing::QueryValue(conninfo, "SELECT 1") == "1");
  }
  CHECK_FALSE(fs::exists(dir));
  CHECK_THROWS_AS(schemac::testing::QueryValue(conninfo, "SELECT 1"), pqxx::broken_connection);
}

TEST_CASE("SIGTERM stops the server and removes the directory before the process dies", "[cluster]") {
  // The parent's own cluster must survive: the child inherits the handlers and the registry.
  EmbeddedCluster parents;
  parents.Start();
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    close(pipe_fds[0]);
    signal(SIGTERM, SIG_DFL);
    EmbeddedCluster cluster;
    try {
      cluster.Start();
    } catch (...) {
      _exit(3);
    }
    std::string line = cluster.Directory() + "\n" + std::to_string(cluster.Port()) + "\n";
    (void)!write(pipe_fds[1], line.data(), line.size());
    for (;;) pause();
  }
  close(pipe_fds[1]);
  std::string text;
  char buf[512];
  ssize_t n;
  while (text.find('\n', text.find('\n') + 1) == std::string::npos && (n = read(pipe_fds[0], buf, sizeof buf)) > 0) {
    text.append(buf, static_cast<std::size_t>(n));
  }
  close(pipe_fds[0]);
  REQUIRE(text.find('\n') != std::string::npos);
  std::string dir = text.substr(0, text.find('\n'));
  std::string port = text.substr(text.find('\n') + 1);
  port.pop_back();
  std::string conninfo = schemac::catalog::MakeConninfo(
      {{"host", dir}, {"port", port}, {"user", schemac::catalog::CurrentUserName()}, {"dbname", "postgres"}});
  CHECK(schemac::testing::QueryValue(conninfo, "SELECT 1") == "1");
  std::string pid_line;
  {
    FILE* f = std::fopen((dir + "/data/postmaster.pid").c_str(), "r");
    REQUIRE(f);
    char line[64] = {};
    REQUIRE(std::fgets(line, sizeof line, f));
    std::fclose(f);
    pid_line = line;
  }
  pid_t postmaster = static_cast<pid_t>(std::stol(pid_line));

  kill(child, SIGTERM);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGTERM);  // the signal was re-raised after clean-up
  CHECK_FALSE(fs::exists(dir));
  // The postmaster is gone (or at most an unreaped zombie of init; it no longer serves).
  CHECK_THROWS_AS(schemac::testing::QueryValue(conninfo, "SELECT 1"), pqxx::broken_connection);
  bool alive = kill(postmaster, 0) == 0;
  if (alive) {
    std::string stat;
    FILE* f = std::fopen(("/proc/" + std::to_string(postmaster) + "/stat").c_str(), "r");
    if (f) {
      char line[512] = {};
      if (std::fgets(line, sizeof line, f)) stat = line;
      std::fclose(f);
    }
    std::size_t paren = stat.rfind(')');
    alive = paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] != 'Z';
  }
  CHECK_FALSE(alive);
  CHECK(schemac::testing::QueryValue(parents.Conninfo(), "SELECT 1") == "1");
  CHECK(fs::exists(parents.Directory()));
}

TEST_CASE("a process killed by SIGPIPE (output piped into head) removes its cluster", "[cluster]") {
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  int out_fds[2];
  REQUIRE(pipe(out_fds) == 0);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    close(pipe_fds[0]);
    close(out_fds[0]);
    signal(SIGPIPE, SIG_DFL);
    EmbeddedCluster cluster;
    try {
      cluster.Start();
    } catch (...) {
      _exit(3);
    }
    std::string line = cluster.Directory() + "\n";
    (void)!write(pipe_fds[1], line.data(), line.size());
    // Keep writing until the reader has gone and the write raises SIGPIPE.
    for (;;) {
      if (write(out_fds[1], "x", 1) < 0) _exit(4);  // only reached if SIGPIPE did not kill us
      usleep(10000);
    }
  }
  close(pipe_fds[1]);
  close(out_fds[1]);
  std::string text;
  char buf[512];
  ssize_t n;
  while (text.find('\n') == std::string::npos && (n = read(pipe_fds[0], buf, sizeof buf)) > 0) {
    text.append(buf, static_cast<std::size_t>(n));
  }
  close(pipe_fds[0]);
  REQUIRE(text.find('\n') != std::string::npos);
  std::string dir = text.substr(0, text.find('\n'));
  CHECK(fs::exists(dir));
  close(out_fds[0]);  // the "head" goes away
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGPIPE);
  CHECK_FALSE(fs::exists(dir));
}

TEST_CASE("a cluster also starts without the shared template (plain initdb)", "[cluster]") {
  setenv("SCHEMAC_PG_NO_TEMPLATE", "1", 1);
  EmbeddedCluster cluster;
  try {
    cluster.Start();
  } catch (...) {
    unsetenv("SCHEMAC_PG_NO_TEMPLATE");
    throw;
  }
  unsetenv("SCHEMAC_PG_NO_TEMPLATE");
  WARN("start-up with initdb took " << cluster.StartMillis() << " ms");
  CHECK(schemac::testing::QueryValue(cluster.Conninfo(), "SELECT current_user") == cluster.User());
}

TEST_CASE("clusters copied from the shared template are independent", "[cluster]") {
  EmbeddedCluster a;
  EmbeddedCluster b;
  a.Start();
  b.Start();
  schemac::testing::QueryValue(a.Conninfo(), "CREATE TABLE in_a (id int); SELECT 1");
  CHECK(schemac::testing::QueryValue(b.Conninfo(), "SELECT count(*) FROM pg_class WHERE relname = 'in_a'") == "0");
  // The template is complete, private to the server's account, and never a running cluster.
  bool found = false;
  for (const auto& entry : fs::directory_iterator("/tmp")) {
    std::string name = entry.path().filename().string();
    if (name.rfind("schemac-pg-template-", 0) != 0) continue;
    found = true;
    CHECK(fs::exists(entry.path() / "ready"));
    CHECK(fs::exists(entry.path() / "data" / "PG_VERSION"));
    CHECK_FALSE(fs::exists(entry.path() / "data" / "postmaster.pid"));
    CHECK((fs::status(entry.path()).permissions() & (fs::perms::group_all | fs::perms::others_all)) ==
          fs::perms::none);
  }
  if (std::getenv("TMPDIR") == nullptr) CHECK(found);
}

TEST_CASE("FindBinDir finds initdb", "[cluster]") {
  std::string bindir = EmbeddedCluster::FindBinDir();
  CHECK(fs::exists(bindir + "/initdb"));
  CHECK(fs::exists(bindir + "/pg_ctl"));
}

TEST_CASE("conninfo strings are built, parsed and re-targeted", "[conninfo]") {
  using namespace schemac::catalog;
  std::string c = MakeConninfo({{"host", "/tmp/a b"}, {"user", "o'neil"}, {"dbname", "x"}});
  CHECK(c == "host='/tmp/a b' user='o\\'neil' dbname='x'");
  CHECK(ConninfoDatabase(c) == "x");
  std::string d = ConninfoWithDatabase(c, "other db");
  CHECK(ConninfoDatabase(d) == "other db");
  CHECK(d.find("host='/tmp/a b'") != std::string::npos);
  CHECK(d.find("user='o\\'neil'") != std::string::npos);
  CHECK(ConninfoDatabase(ConninfoWithDatabase("postgresql://u@/db1?host=/tmp/s&port=5", "db2")) == "db2");
  CHECK(ConninfoDatabase("host=/tmp") == "");
  CHECK_THROWS_AS(ParseConninfo("host='unterminated"), std::invalid_argument);
}
