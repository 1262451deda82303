// schemac-testdb: runs a command against one throwaway cluster and always removes it.
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "compiler/catalog/process.h"

namespace fs = std::filesystem;
using schemac::catalog::ProcessResult;
using schemac::catalog::RunProcess;

namespace {

// The value of `NAME=...` in env-style output.
std::string Var(const std::string& out, const std::string& name) {
  std::size_t pos = out.find(name + "=");
  if (pos == std::string::npos) return {};
  pos += name.size() + 1;
  return out.substr(pos, out.find('\n', pos) - pos);
}

}  // namespace

TEST_CASE("schemac-testdb exports the connection, returns the command's exit code, and cleans up",
          "[testdb]") {
  ProcessResult r = RunProcess(
      {SCHEMAC_TESTDB_PATH, "--", "sh", "-c",
       "env | grep -E '^(PG|SCHEMAC_TEST_DSN)'; psql -X -At -c 'SELECT 40 + 2' \"$SCHEMAC_TEST_DSN\"; exit 7"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 7);
  std::string host = Var(r.out, "PGHOST");
  REQUIRE_FALSE(host.empty());
  CHECK_FALSE(Var(r.out, "PGPORT").empty());
  CHECK(Var(r.out, "PGUSER") == schemac::catalog::CurrentUserName());
  CHECK(Var(r.out, "PGDATABASE") == "postgres");
  CHECK(Var(r.out, "SCHEMAC_TEST_DSN").find("host='" + host + "'") != std::string::npos);
  CHECK(r.out.find("\n42\n") != std::string::npos);
  CHECK_FALSE(fs::exists(host));
}

TEST_CASE("schemac-testdb forwards SIGTERM to the command and still removes the cluster", "[testdb]") {
  ProcessResult r = RunProcess(
      {SCHEMAC_TESTDB_PATH, "--", "sh", "-c", "echo \"PGHOST=$PGHOST\"; kill -TERM $PPID; exec sleep 20"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 128 + 15);
  std::string host = Var(r.out, "PGHOST");
  REQUIRE_FALSE(host.empty());
  CHECK_FALSE(fs::exists(host));
}

TEST_CASE("schemac-testdb without a command prints its usage", "[testdb]") {
  ProcessResult r = RunProcess({SCHEMAC_TESTDB_PATH});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("usage: schemac-testdb -- CMD") != std::string::npos);
}
