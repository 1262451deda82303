// The command-line contract of `schemac plan` / `schemac diff`, by running the real executable:
// exit codes, diagnostics on stderr, atomic output files, the JSON plan, password redaction and
// lock_timeout.
#include <catch2/catch.hpp>

#include <chrono>
#include <regex>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "tests/integration/plan/plan_test_util.h"

namespace {

using namespace schemac;
using namespace schemac::plantest;
using nlohmann::json;

const char* const kSchema =
    "CREATE TABLE public.items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);\n";
const char* const kSchemaChanged =
    "CREATE TABLE public.items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);\n"
    "CREATE TABLE public.tags (id integer PRIMARY KEY, label text);\n"
    "CREATE INDEX items_name_idx ON public.items (name);\n";

const char* const kUnreachable = "host=/nonexistent dbname=x user=me password=hunter2";

// A database built from kSchema, and files for both states.
struct Fixture {
  testing::ScratchDatabase db{"plan_cli"};
  TempDir dir{"schemac-plan-cli"};
  std::string same = dir.File("same.sql");
  std::string changed = dir.File("changed.sql");
  Fixture() {
    WriteFile(same, kSchema);
    WriteFile(changed, kSchemaChanged);
    testing::RunSql(db.Conninfo(), kSchema);
  }
  RunResult Plan(const std::string& files, std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {"plan", "--db", db.Conninfo(), files, "--dev-db", testing::TestConninfo()};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunSchemac(args);
  }
};

bool OnlyComments(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.rfind("--", 0) != 0) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("schemac plan: exit codes and stderr on success", "[plan][cli]") {
  Fixture f;
  SECTION("no changes: 0, only comments on stdout, nothing on stderr") {
    RunResult r = f.Plan(f.same);
    CHECK(r.exit_code == 0);
    CHECK(r.err == "");
    CHECK(OnlyComments(r.out));
    CHECK(r.out.find("-- no changes") != std::string::npos);
    CHECK(f.Plan(f.same, {"--exit-code"}).exit_code == 0);
  }
  SECTION("changes: 0, or 1 with --exit-code") {
    RunResult r = f.Plan(f.changed);
    CHECK(r.exit_code == 0);
    CHECK(r.err == "");
    CHECK(r.out.find("CREATE TABLE public.tags") != std::string::npos);
    CHECK(r.out.find("CREATE INDEX items_name_idx") != std::string::npos);
    RunResult strict = f.Plan(f.changed, {"--exit-code"});
    CHECK(strict.exit_code == 1);
    CHECK(strict.err == "");
    CHECK(strict.out == r.out);
  }
}

TEST_CASE("schemac diff: a syntax error exits 2 with file:line:col", "[plan][cli]") {
  TempDir dir("schemac-plan-syntax");
  WriteFile(dir.File("empty.sql"), "");
  WriteFile(dir.File("bad.sql"), "CREATE TABLE public.a (x int);\nCREATE TABLE public.b (x int,, y int);\n");
  RunResult r = RunSchemac({"diff", dir.File("empty.sql"), dir.File("bad.sql")});
  CHECK(r.exit_code == 2);
  INFO(r.err);
  CHECK(std::regex_search(r.err, std::regex(R"(bad\.sql:2:[0-9]+: error: .*\[compile\.syntax\])")));
  CHECK(r.out == "");
}

TEST_CASE("schemac plan: an unreachable database exits 3 and never shows the password", "[plan][cli]") {
  TempDir dir("schemac-plan-unreachable");
  WriteFile(dir.File("s.sql"), kSchema);
  for (const std::string& dsn : {std::string(kUnreachable), std::string("postgresql://me:hunter2@/x?host=/nonexistent")}) {
    for (const std::string format : {"sql", "json"}) {
      RunResult r = RunSchemac({"plan", "--db", dsn, dir.File("s.sql"), "--format", format});
      INFO(dsn << " " << format << "\nstderr: " << r.err);
      CHECK(r.exit_code == 3);
      CHECK(r.err.find("[catalog.error]") != std::string::npos);
      CHECK(r.err.find("hunter2") == std::string::npos);
      CHECK(r.out.find("hunter2") == std::string::npos);
      CHECK(r.out == "");
    }
  }
}

TEST_CASE("schemac plan: output files are written atomically, and only on success", "[plan][cli]") {
  Fixture f;
  const std::string out = f.dir.File("plan.sql"), rollback = f.dir.File("rollback.sql");
  const std::string before = "previous plan\n\x01 bytes that must survive\n";
  WriteFile(out, before);
  WriteFile(rollback, before);

  SECTION("a failed run (unreachable database) leaves both files byte-identical") {
    RunResult r = RunSchemac({"plan", "--db", kUnreachable, f.changed, "-o", out, "--rollback-output", rollback});
    CHECK(r.exit_code == 3);
    CHECK(ReadFile(out) == before);
    CHECK(ReadFile(rollback) == before);
  }
  SECTION("a failed run (syntax error) leaves both files byte-identical") {
    WriteFile(f.changed, "CREATE TABLE (;\n");
    RunResult r = f.Plan(f.changed, {"-o", out, "--rollback-output", rollback});
    CHECK(r.exit_code == 2);
    CHECK(ReadFile(out) == before);
    CHECK(ReadFile(rollback) == before);
  }
  SECTION("no changes: the rollback file is written, empty") {
    RunResult r = f.Plan(f.same, {"-o", out, "--rollback-output", rollback});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "");
    CHECK(r.err == "");
    CHECK(ReadFile(rollback) == "");
    CHECK(OnlyComments(ReadFile(out)));
  }
  SECTION("changes: the plan and its rollback are runnable scripts") {
    RunResult r = f.Plan(f.changed, {"-o", out, "--rollback-output", rollback});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "");
    CHECK(ReadFile(out).find("CREATE TABLE public.tags") != std::string::npos);
    CHECK(ReadFile(out).find("-- rollback") == std::string::npos);  // the rollback went to its own file
    testing::RunSqlScriptWithPsql(f.db.Conninfo(), out);
    CHECK(f.Plan(f.changed, {"--exit-code"}).exit_code == 0);
    testing::RunSqlScriptWithPsql(f.db.Conninfo(), rollback);
    CHECK(f.Plan(f.same, {"--exit-code"}).exit_code == 0);
  }
  // No temporary file is left behind in the directory.
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(f.dir.path())) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"changed.sql", "plan.sql", "rollback.sql", "same.sql"});
}

TEST_CASE("schemac plan --format json: the schemac.plan/1 document", "[plan][cli][json]") {
  Fixture f;
  // The server trusts local connections, so the password is ignored, but it must not show.
  const std::string dsn = f.db.Conninfo() + " password=hunter2";
  RunResult r = RunSchemac({"plan", "--db", dsn, f.changed, "--format", "json", "--dev-db", testing::TestConninfo()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err == "");
  CHECK(r.out.find("hunter2") == std::string::npos);
  json plan = json::parse(r.out);
  CHECK(plan["format"] == "schemac.plan/1");
  CHECK(plan["source"]["spec"].get<std::string>().find("password=***") != std::string::npos);
  CHECK(plan["target"]["spec"] == f.changed);
  const std::regex sha(R"(sha256:[0-9a-f]{64})");
  CHECK(std::regex_match(plan["source"]["fingerprint"].get<std::string>(), sha));
  CHECK(std::regex_match(plan["target"]["fingerprint"].get<std::string>(), sha));
  CHECK(plan["source"]["fingerprint"] != plan["target"]["fingerprint"]);
  REQUIRE(plan["segments"].is_array());
  REQUIRE_FALSE(plan["segments"].empty());
  std::size_t steps = 0;
  std::vector<std::string> changes;
  for (const json& segment : plan["segments"]) {
    CHECK(segment["transactional"].is_boolean());
    CHECK(segment["transactional"] == true);  // nothing here needs a non-transactional step
    for (const json& step : segment["steps"]) {
      ++steps;
      changes.push_back(step["change"].get<std::string>() + " " + step["object"]["display"].get<std::string>());
      REQUIRE(step["sql"].is_array());
      REQUIRE(step["rollback_sql"].is_array());
      CHECK_FALSE(step["sql"].empty());
      CHECK_FALSE(step["rollback_sql"].empty());
      CHECK(step["data_loss"] == false);
      // The risk rules' findings (docs/lint.md): a CREATE INDEX on an existing table, and no lock_timeout.
      if (step["change"] == "create_index") {
        REQUIRE(step["findings"].size() == 2);
        CHECK(step["findings"][0].get<std::string>().rfind("MG101 index-create-blocking (warning): CREATE INDEX "
                                                          "without CONCURRENTLY takes a SHARE lock on public.items",
                                                          0) == 0);
        CHECK(step["findings"][1].get<std::string>().rfind("MG701 lock-timeout-missing (warning):", 0) == 0);
      } else {
        CHECK(step["findings"] == json::array());
      }
    }
  }
  std::sort(changes.begin(), changes.end());
  CHECK(changes == std::vector<std::string>{"create_index public.items.items_name_idx", "create_table public.tags"});
  CHECK(plan["summary"]["steps"] == steps);
  CHECK(plan["summary"]["segments"] == plan["segments"].size());
  CHECK(plan["rollback"]["segments"].is_array());
  CHECK(plan["rollback"]["summary"]["steps"] == steps);

  // Two runs report the same database fingerprint; a plan file as source gives its own.
  RunResult again = f.Plan(f.same, {"--format", "json"});
  REQUIRE(again.exit_code == 0);
  json second = json::parse(again.out);
  CHECK(second["source"]["fingerprint"] == plan["source"]["fingerprint"]);
  CHECK(second["segments"].empty());
  CHECK(second["summary"]["steps"] == 0);
}

TEST_CASE("schemac plan: a table locked by another session fails fast with exit 3", "[plan][cli][lock]") {
  Fixture f;
  pqxx::connection holder(f.db.Conninfo());
  pqxx::work tx(holder);
  tx.exec("LOCK TABLE public.items IN ACCESS EXCLUSIVE MODE");
  auto start = std::chrono::steady_clock::now();
  RunResult r = f.Plan(f.same, {"--lock-timeout", "500ms"});
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO(r.err);
  CHECK(r.exit_code == 3);
  CHECK(seconds < 5.0);
  // Names the table and the session holding it.
  CHECK(r.err.find("public.items (pid " + std::to_string(holder.backendpid()) + ")") != std::string::npos);
  CHECK(r.err.find("[catalog.error]") != std::string::npos);
  CHECK(r.out == "");
  tx.abort();
  CHECK(f.Plan(f.same, {"--lock-timeout", "500ms"}).exit_code == 0);
}

TEST_CASE("schemac plan --explain: each step names the steps it follows, the rule and the dependency",
          "[plan][cli][explain]") {
  testing::ScratchDatabase db{"plan_explain"};
  testing::RunSql(db.Conninfo(), "CREATE TABLE public.t (id integer);\n"
                                 "CREATE VIEW public.v AS SELECT id FROM public.t;\n");
  TempDir dir{"schemac-plan-explain"};
  std::string desired = dir.File("desired.sql");
  WriteFile(desired, "CREATE TABLE public.t (id bigint);\nCREATE VIEW public.v AS SELECT id FROM public.t;\n");
  std::vector<std::string> base = {"plan", "--db", db.Conninfo(), desired, "--dev-db", testing::TestConninfo()};

  std::vector<std::string> args = base;
  args.push_back("--explain");
  RunResult r = RunSchemac(args);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  // The view is dropped before the column changes (its pg_depend row on the column) and created
  // after it (its parse-tree dependency on the column it reads).
  CHECK(r.out.find("-- step 1: drop_object public.v\n") != std::string::npos);
  CHECK(r.out.find("-- step 2: alter_column_type public.t.id\n"
                   "--   after step 1 (drop_object public.v): an object is dropped before what it uses is dropped "
                   "or changed [dependency col:public.t.id]\n") != std::string::npos);
  CHECK(r.out.find("-- step 3: create_object public.v\n"
                   "--   after step 2 (alter_column_type public.t.id): an object is created, replaced or altered "
                   "after what it uses is created or changed [dependency col:public.t.id]\n") != std::string::npos);

  args.insert(args.end(), {"--format", "json"});
  RunResult j = RunSchemac(args);
  REQUIRE(j.exit_code == 0);
  json plan = json::parse(j.out);
  const json& steps = plan["segments"][0]["steps"];
  REQUIRE(steps.size() == 3);
  CHECK(steps[0]["ordering"] == json::array());
  REQUIRE(steps[1]["ordering"].size() == 1);
  CHECK(steps[1]["ordering"][0]["after_step"] == 1);
  CHECK(steps[1]["ordering"][0]["dependency"] == "col:public.t.id");
  CHECK(steps[1]["ordering"][0]["rule"].get<std::string>().find("dropped before what it uses") != std::string::npos);

  // Without --explain: unnumbered step comments and no "ordering" member.
  RunResult plain = RunSchemac(base);
  REQUIRE(plain.exit_code == 0);
  CHECK(plain.out.find("-- step ") == std::string::npos);
  CHECK(plain.out.find("-- drop_object public.v\n") != std::string::npos);
}
