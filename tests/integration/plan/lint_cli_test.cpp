// `schemac lint` as users run it: the real executable on migration files, its exit codes, its
// text (file:line:col and a caret) and JSON output, and a schema given with --schema.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "lint/rules.h"
#include "tests/integration/plan/plan_test_util.h"

using namespace schemac;
using namespace schemac::plantest;

TEST_CASE("cli: lint reports each finding at its statement and exits by --fail-on", "[cli][lint]") {
  TempDir dir("lint_cli");
  WriteFile(dir.File("001.sql"),
            "SET lock_timeout = '2s';\nSET statement_timeout = '1min';\n\n  -- widen the name\n"
            "  ALTER TABLE app.users ALTER COLUMN name TYPE varchar(200);\nCREATE INDEX users_email ON app.users (email);\n");
  WriteFile(dir.File("schema.sql"), "CREATE SCHEMA app;\nCREATE TABLE app.users (id bigint, name varchar(100), email text);\n");

  RunResult text = RunSchemac({"lint", dir.File("001.sql")});
  INFO(text.out << text.err);
  CHECK(text.exit_code == 0);  // warnings only: below the default threshold (error)
  CHECK(text.out.find(dir.File("001.sql") + ":5:3: warning: MG306 alter-type-rewrite:") != std::string::npos);
  CHECK(text.out.find("(low confidence: no schema given)") != std::string::npos);
  CHECK(text.out.find("    ALTER TABLE app.users ALTER COLUMN name TYPE varchar(200);\n      ^\n") != std::string::npos);
  CHECK(text.out.find(":6:1: warning: MG101 index-create-blocking:") != std::string::npos);
  CHECK(text.out.find("1 file(s), 2 finding(s): 0 error(s), 2 warning(s), 0 info") != std::string::npos);

  RunResult strict = RunSchemac({"lint", "--fail-on", "warning", dir.File("001.sql")});
  CHECK(strict.exit_code == 1);

  // With the schema, the widening is known not to rewrite.
  RunResult json = RunSchemac({"lint", "--format", "json", "--schema", dir.File("schema.sql"), dir.File("001.sql")});
  INFO(json.out << json.err);
  REQUIRE(json.exit_code == 0);
  nlohmann::json findings = nlohmann::json::parse(json.out);
  REQUIRE(findings.size() == 2);
  CHECK(findings[0]["rule_id"] == "MG307");
  CHECK(findings[0]["class"] == "locks");
  CHECK(findings[0]["severity"] == "warning");
  CHECK(findings[0]["lock"] == "ACCESS EXCLUSIVE");
  CHECK(findings[0]["rewrite"] == false);
  CHECK(findings[0]["confidence"] == "high");
  CHECK(findings[0]["line"] == 5);
  CHECK(findings[0]["column"] == 3);
  CHECK(findings[0]["end_line"] == 5);
  CHECK(findings[0]["suppressed_by"].is_null());
  CHECK(findings[1]["rule_id"] == "MG101");
  CHECK(findings[1]["scan"] == true);
}

TEST_CASE("cli: lint fails with exit 1 on data loss, and 2 on bad input", "[cli][lint]") {
  TempDir dir("lint_cli_bad");
  WriteFile(dir.File("drop.sql"), "ALTER TABLE t DROP COLUMN c;\n");
  WriteFile(dir.File("broken.sql"), "ALTER TABLE t ADD COLUMN;\n");
  RunResult drop = RunSchemac({"lint", dir.File("drop.sql")});
  CHECK(drop.exit_code == 1);
  CHECK(drop.out.find(":1:1: error: MG402 drop-column:") != std::string::npos);
  RunResult broken = RunSchemac({"lint", dir.File("broken.sql")});
  CHECK(broken.exit_code == 2);
  CHECK(broken.err.find(dir.File("broken.sql") + ":1:") != std::string::npos);
  CHECK(broken.err.find("[compile.syntax]") != std::string::npos);
  RunResult missing = RunSchemac({"lint", dir.File("nothing.sql")});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("cannot read") != std::string::npos);
}

TEST_CASE("docs: docs/lint.md lists every rule the classifier implements", "[lint][docs]") {
  std::string doc = ReadFile(std::string(SCHEMAC_SOURCE_ROOT) + "/docs/lint.md");
  for (const lint::RuleInfo& r : lint::Rules()) {
    INFO(r.id);
    CHECK(doc.find("| " + std::string(r.id) + " | " + std::string(r.name) + " |") != std::string::npos);
  }
}

TEST_CASE("cli: a suppressed finding stays in JSON, marked, and does not fail the run", "[cli][lint]") {
  TempDir dir("lint_cli_ignore");
  WriteFile(dir.File("m.sql"),
            "-- schemac:ignore MG402 reason=\"unused since v41\"\nALTER TABLE t DROP COLUMN c;\n");
  RunResult text = RunSchemac({"lint", "--fail-on", "error", dir.File("m.sql")});
  INFO(text.out << text.err);
  CHECK(text.exit_code == 0);  // MG701 (warning) remains
  CHECK(text.out.find("MG402") == std::string::npos);
  CHECK(text.out.find("; 1 suppressed") != std::string::npos);
  RunResult json = RunSchemac({"lint", "--format", "json", dir.File("m.sql")});
  nlohmann::json findings = nlohmann::json::parse(json.out);
  bool found = false;
  for (const auto& f : findings) {
    if (f["rule_id"] != "MG402") continue;
    found = true;
    CHECK(f["suppressed_by"]["line"] == 1);
    CHECK(f["suppressed_by"]["reason"] == "unused since v41");
  }
  CHECK(found);
  WriteFile(dir.File("bad.sql"), "-- schemac:ignore MG999 reason=\"x\"\nSELECT 1;\n");
  RunResult bad = RunSchemac({"lint", dir.File("bad.sql")});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("bad.sql:1:1: error: schemac:ignore names rule MG999") != std::string::npos);
}
