// Applies plans to a real PostgreSQL 15, only when SCHEMAC_TEST_PGHOST is set (a socket
// directory or host; SCHEMAC_TEST_PGPORT and SCHEMAC_TEST_PGUSER optional). For every scenario:
// create `from` from empty, run the forward plan, and compare `pg_dump --schema-only` with a
// database created from empty as `to`; then run the rollback and compare with the dump of
// `from`; then run the forward plan again followed by every step's own inverse (rollback_sql)
// in reverse order, which must restore `from` too. Every script runs with psql ON_ERROR_STOP=1.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "emit/plan.h"
#include "tests/unit/diff/scenarios.h"

namespace {

using schemac::emit::BuildPlan;
using schemac::emit::RenderSql;

struct Server {
  std::string host;
  std::string port;
  std::string user;
  std::string Conn(const std::string& db) const {
    std::string c = "host=" + host + " port=" + port + " dbname=" + db;
    if (!user.empty()) c += " user=" + user;
    return c;
  }
};

std::filesystem::path TempDir() {
  auto dir = std::filesystem::temp_directory_path() / "schemac_emit_pg_apply";
  std::filesystem::create_directories(dir);
  return dir;
}

std::string Shell(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// Runs a script with psql; returns psql's exit status and leaves its output in `log`.
int RunPsql(const Server& server, const std::string& db, const std::string& sql, std::string& log) {
  auto dir = TempDir();
  auto script = dir / "script.sql";
  auto out = dir / "psql.log";
  std::ofstream(script) << sql;
  std::string cmd = "psql -X -q -v ON_ERROR_STOP=1 " + Shell(server.Conn(db)) + " -f " + Shell(script.string()) +
                    " > " + Shell(out.string()) + " 2>&1";
  int rc = std::system(cmd.c_str());
  std::ifstream in(out);
  std::stringstream ss;
  ss << in.rdbuf();
  log = ss.str();
  return rc;
}

std::string Dump(const Server& server, const std::string& db) {
  auto out = TempDir() / "dump.sql";
  std::string cmd = "pg_dump --schema-only --no-owner " + Shell(server.Conn(db)) + " > " + Shell(out.string());
  REQUIRE(std::system(cmd.c_str()) == 0);
  // pg_dump 15.14+ brackets the dump in \restrict / \unrestrict lines with a random key.
  std::ifstream in(out);
  std::string line;
  std::string dump;
  while (std::getline(in, line)) {
    if (line.rfind("\\restrict ", 0) == 0 || line.rfind("\\unrestrict ", 0) == 0) continue;
    dump += line + "\n";
  }
  return dump;
}

void Apply(const Server& server, const std::string& db, const schemac::emit::Plan& plan, const std::string& what) {
  std::string sql = RenderSql(plan);
  std::string log;
  int rc = RunPsql(server, db, sql, log);
  INFO(what << " failed:\n" << sql << "\npsql said:\n" << log);
  REQUIRE(rc == 0);
}

}  // namespace

TEST_CASE("plans apply to PostgreSQL 15 and reach their target state", "[pg]") {
  const char* host = std::getenv("SCHEMAC_TEST_PGHOST");
  if (host == nullptr) {
    WARN("SCHEMAC_TEST_PGHOST not set: PostgreSQL-backed plan check not run");
    return;
  }
  Server server{host, std::getenv("SCHEMAC_TEST_PGPORT") ? std::getenv("SCHEMAC_TEST_PGPORT") : "5432",
                std::getenv("SCHEMAC_TEST_PGUSER") ? std::getenv("SCHEMAC_TEST_PGUSER") : ""};
  const schemac::ir::Database base = schemac::testing::WithPublic();
  for (const schemac::testing::Scenario& s : schemac::testing::AllScenarios()) {
    SECTION(s.name) {
      std::string log;
      std::string a = "schemac_a_" + s.name;
      std::string b = "schemac_b_" + s.name;
      for (const std::string& db : {a, b}) {
        REQUIRE(RunPsql(server, "postgres", "DROP DATABASE IF EXISTS " + db + ";\nCREATE DATABASE " + db + ";\n", log) == 0);
      }
      schemac::ir::Diagnostics diags;
      schemac::emit::PlanPair plans = schemac::emit::BuildPlans(s.from, s.to, {}, diags);
      REQUIRE_FALSE(diags.HasErrors());
      Apply(server, a, BuildPlan(base, s.from, {}, diags), "create from empty (from)");
      std::string dump_from = Dump(server, a);
      Apply(server, a, plans.forward, "forward");
      Apply(server, b, BuildPlan(base, s.to, {}, diags), "create from empty (to)");
      CHECK(Dump(server, a) == Dump(server, b));
      Apply(server, a, plans.rollback, "rollback");
      if (s.rollback_restores_exactly) CHECK(Dump(server, a) == dump_from);
      // Each forward step also carries its own inverse: run the forward plan again, then every
      // step's rollback_sql in reverse order (autocommit, so an inverse ADD VALUE is committed
      // before later inverses use the value); that too must restore `from`.
      Apply(server, a, plans.forward, "forward (again)");
      std::string inverse;
      for (auto seg = plans.forward.segments.rbegin(); seg != plans.forward.segments.rend(); ++seg) {
        for (auto step = seg->steps.rbegin(); step != seg->steps.rend(); ++step) {
          for (const std::string& sql : step->rollback_sql) inverse += sql + "\n";
        }
      }
      int inverse_rc = RunPsql(server, a, inverse, log);
      INFO("step inverses:\n" << inverse << "\npsql said:\n" << log);
      REQUIRE(inverse_rc == 0);
      if (s.rollback_restores_exactly) CHECK(Dump(server, a) == dump_from);
      for (const std::string& db : {a, b}) {
        REQUIRE(RunPsql(server, "postgres", "DROP DATABASE " + db + ";\n", log) == 0);
      }
    }
  }
}

TEST_CASE("plans between unrelated states apply and reach their target", "[pg]") {
  const char* host = std::getenv("SCHEMAC_TEST_PGHOST");
  if (host == nullptr) {
    WARN("SCHEMAC_TEST_PGHOST not set: PostgreSQL-backed plan check not run");
    return;
  }
  Server server{host, std::getenv("SCHEMAC_TEST_PGPORT") ? std::getenv("SCHEMAC_TEST_PGPORT") : "5432",
                std::getenv("SCHEMAC_TEST_PGUSER") ? std::getenv("SCHEMAC_TEST_PGUSER") : ""};
  // Walk every known state once, each step a plan from one scenario's state to the next's.
  std::vector<schemac::ir::Database> states;
  for (const schemac::testing::Scenario& s : schemac::testing::AllScenarios()) {
    states.push_back(s.from);
    states.push_back(s.to);
  }
  std::string log;
  const std::string a = "schemac_chain_a";
  const std::string b = "schemac_chain_b";
  for (const std::string& db : {a, b}) {
    REQUIRE(RunPsql(server, "postgres", "DROP DATABASE IF EXISTS " + db + ";\nCREATE DATABASE " + db + ";\n", log) == 0);
  }
  const schemac::ir::Database base = schemac::testing::WithPublic();
  schemac::ir::Database current = base;
  for (std::size_t i = 0; i <= states.size(); ++i) {
    const schemac::ir::Database& next = i < states.size() ? states[i] : base;
    INFO("step " << i);
    schemac::ir::Diagnostics diags;
    Apply(server, a, BuildPlan(current, next, {}, diags), "chained forward");
    REQUIRE_FALSE(diags.HasErrors());
    REQUIRE(RunPsql(server, "postgres", "DROP DATABASE " + b + ";\nCREATE DATABASE " + b + ";\n", log) == 0);
    Apply(server, b, BuildPlan(base, next, {}, diags), "create from empty");
    CHECK(Dump(server, a) == Dump(server, b));
    current = next;
  }
  for (const std::string& db : {a, b}) {
    REQUIRE(RunPsql(server, "postgres", "DROP DATABASE " + db + ";\n", log) == 0);
  }
}
