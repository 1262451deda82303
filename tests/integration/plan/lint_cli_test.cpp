// `schemac lint` as users run it: the real executable on migration files, its exit codes, its
// text (file:line:col and a caret) and JSON output, and a schema given with --schema.
#include <catch2/catch.hpp>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include "cli/config.h"
#include "compiler/sql/compile.h"
#include "compiler/sql/migration.h"
#include "lint/lint.h"
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
  CHECK(text.out.find(":6:1: info: MG706 non-idempotent-statement:") != std::string::npos);
  CHECK(text.out.find("1 file(s), 3 finding(s): 0 error(s), 2 warning(s), 1 info") != std::string::npos);

  RunResult strict = RunSchemac({"lint", "--fail-on", "warning", dir.File("001.sql")});
  CHECK(strict.exit_code == 1);

  // With the schema, the widening is known not to rewrite.
  RunResult json = RunSchemac({"lint", "--format", "json", "--schema", dir.File("schema.sql"), dir.File("001.sql")});
  INFO(json.out << json.err);
  REQUIRE(json.exit_code == 0);
  nlohmann::json findings = nlohmann::json::parse(json.out);
  REQUIRE(findings.size() == 3);
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
  CHECK(findings[2]["rule_id"] == "MG706");
  CHECK(findings[2]["severity"] == "info");
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

TEST_CASE("cli: lint --format sarif has the 2.1.0 shape, --format github annotates the lines", "[cli][lint]") {
  TempDir dir("lint_cli_sarif");
  WriteFile(dir.File("m.sql"),
            "SET lock_timeout = '1s';\nSET statement_timeout = '1min';\n-- schemac:ignore MG101 reason=\"empty table\"\n"
            "CREATE INDEX a_idx ON a (x);\nALTER TABLE a DROP COLUMN y;\n");
  RunResult sarif = RunSchemac({"lint", "--format", "sarif", dir.File("m.sql")});
  INFO(sarif.out << sarif.err);
  CHECK(sarif.exit_code == 1);  // MG402 is an error
  nlohmann::json s = nlohmann::json::parse(sarif.out);
  CHECK(s["version"] == "2.1.0");
  REQUIRE(s["runs"].size() == 1);
  const auto& run = s["runs"][0];
  CHECK(run["tool"]["driver"]["name"] == "schemac");
  // MG101 (suppressed) and MG706 on line 4, MG402 and MG706 on line 5.
  REQUIRE(run["tool"]["driver"]["rules"].size() == 3);
  CHECK(run["tool"]["driver"]["rules"][0]["id"] == "MG101");
  CHECK(run["tool"]["driver"]["rules"][1]["id"] == "MG706");
  CHECK(run["tool"]["driver"]["rules"][1]["defaultConfiguration"]["level"] == "note");
  REQUIRE(run["results"].size() == 4);
  CHECK(run["results"][0]["ruleId"] == "MG101");
  CHECK(run["results"][0]["suppressions"][0]["justification"] == "empty table");
  CHECK(run["results"][2]["ruleId"] == "MG402");
  CHECK(run["results"][2]["ruleIndex"] == 2);
  CHECK(run["results"][2]["level"] == "error");
  CHECK(run["results"][3]["ruleIndex"] == 1);
  const auto& region = run["results"][2]["locations"][0]["physicalLocation"]["region"];
  CHECK(region["startLine"] == 5);
  CHECK(region["startColumn"] == 1);
  CHECK(run["results"][2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == dir.File("m.sql"));

  RunResult github = RunSchemac({"lint", "--format", "github", dir.File("m.sql")});
  INFO(github.out);
  CHECK(github.out.rfind("::notice file=" + dir.File("m.sql") + ",line=4,col=1,endLine=4,endColumn=", 0) == 0);
  CHECK(github.out.find("\n::error file=" + dir.File("m.sql") + ",line=5,col=1,endLine=5,endColumn=") !=
        std::string::npos);
  CHECK(github.out.find("title=MG402 drop-column::dropping column y of a destroys its data. Safe alternative:") !=
        std::string::npos);
  CHECK(github.out.find("MG101") == std::string::npos);  // suppressed
}

TEST_CASE("cli: lint --format gitlab is a Code Quality report, without the suppressed findings", "[cli][lint]") {
  TempDir dir("lint_cli_gitlab");
  WriteFile(dir.File("m.sql"),
            "SET lock_timeout = '1s';\n-- schemac:ignore MG101 reason=\"empty table\"\n"
            "CREATE INDEX a_idx ON a (x);\nALTER TABLE a DROP COLUMN y;\nALTER TABLE a ALTER COLUMN z TYPE bigint;\n");
  RunResult gitlab = RunSchemac({"lint", "--format", "gitlab", dir.File("m.sql")});
  INFO(gitlab.out << gitlab.err);
  CHECK(gitlab.exit_code == 1);  // MG402 is an error
  nlohmann::json issues = nlohmann::json::parse(gitlab.out);
  REQUIRE(issues.is_array());
  std::vector<std::string> checks;
  std::set<std::string> fingerprints;
  for (const auto& issue : issues) {
    for (const char* key : {"description", "check_name", "fingerprint", "severity"}) {
      REQUIRE(issue.contains(key));
      CHECK(issue[key].is_string());
    }
    CHECK(issue["location"]["path"] == dir.File("m.sql"));
    CHECK(issue["location"]["lines"]["begin"].is_number_integer());
    fingerprints.insert(issue["fingerprint"].get<std::string>());
    checks.push_back(issue["check_name"].get<std::string>() + "@" +
                     std::to_string(issue["location"]["lines"]["begin"].get<int>()) + " " +
                     issue["severity"].get<std::string>());
  }
  // MG101 is suppressed: left out.
  CHECK(checks == std::vector<std::string>{"MG702 statement-timeout-missing@3 info",
                                           "MG706 non-idempotent-statement@3 info", "MG402 drop-column@4 critical",
                                           "MG706 non-idempotent-statement@4 info", "MG306 alter-type-rewrite@5 major"});
  CHECK(fingerprints.size() == issues.size());
  CHECK(issues[2]["description"] == "MG402 drop-column: dropping column y of a destroys its data");
  CHECK(issues[4]["description"].get<std::string>().find("(low confidence: no schema given)") != std::string::npos);
  // The fingerprint is stable from run to run.
  RunResult again = RunSchemac({"lint", "--format", "gitlab", dir.File("m.sql")});
  CHECK(nlohmann::json::parse(again.out) == issues);
}

TEST_CASE("cli: schemac.toml sets rule severities, and a bad one is an error with its position", "[cli][lint]") {
  TempDir dir("lint_cli_config");
  WriteFile(dir.File("m.sql"), "ALTER TABLE a DROP COLUMN y;\nALTER TABLE a ADD COLUMN z int;\n");
  WriteFile(dir.File("schemac.toml"), "[lint.rules]\nMG402 = \"warning\"\nMG701 = \"off\"\nMG702 = \"off\"\n");
  RunResult ok = RunSchemac({"lint", "--config", dir.File("schemac.toml"), dir.File("m.sql")});
  INFO(ok.out << ok.err);
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.find(":1:1: warning: MG402") != std::string::npos);
  CHECK(ok.out.find("MG701") == std::string::npos);
  WriteFile(dir.File("bad.toml"), "[lint.rules]\nMG402 = \"loud\"\nMG999 = \"off\"\n");
  RunResult bad = RunSchemac({"lint", "--config", dir.File("bad.toml"), dir.File("m.sql")});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find(dir.File("bad.toml") + ":2:9: error: rule MG402: the severity must be") != std::string::npos);
  CHECK(bad.err.find(dir.File("bad.toml") + ":3:1: error: unknown rule MG999 [config.invalid]") != std::string::npos);

  // An opt-in rule is off until given a severity; [lint.naming] turns MG907 on for the kinds it lists.
  WriteFile(dir.File("n.sql"), "CREATE TABLE IF NOT EXISTS app.t (id bigint);\nCREATE INDEX IF NOT EXISTS t_id ON t (id);\n");
  RunResult plain = RunSchemac({"lint", "--config", dir.File("schemac.toml"), dir.File("n.sql")});
  CHECK(plain.out.find("MG711") == std::string::npos);
  CHECK(plain.out.find("MG907") == std::string::npos);
  WriteFile(dir.File("naming.toml"), "[lint.rules]\nMG711 = \"warning\"\n[lint.naming]\nindex = \"^ix_\"\n");
  RunResult named = RunSchemac({"lint", "--config", dir.File("naming.toml"), dir.File("n.sql")});
  INFO(named.out << named.err);
  CHECK(named.exit_code == 0);
  CHECK(named.out.find(":2:1: warning: MG711 unqualified-relation: t is not schema-qualified") != std::string::npos);
  CHECK(named.out.find(":2:1: info: MG907 naming-convention: index name t_id does not match the pattern \"^ix_\"") !=
        std::string::npos);
  CHECK(named.out.find(":1:1: warning: MG711") == std::string::npos);
  WriteFile(dir.File("bad_naming.toml"), "[lint.naming]\nindex = \"^ix_(\"\nview = \"^v_\"\n");
  RunResult bad_naming = RunSchemac({"lint", "--config", dir.File("bad_naming.toml"), dir.File("n.sql")});
  CHECK(bad_naming.exit_code == 2);
  CHECK(bad_naming.err.find(dir.File("bad_naming.toml") + ":2:9: error: lint.naming.index: \"^ix_(\" is not a valid "
                            "regular expression") != std::string::npos);
  CHECK(bad_naming.err.find(dir.File("bad_naming.toml") + ":3:1: error: unknown setting lint.naming.view") !=
        std::string::npos);
}

TEST_CASE("cli: a plan's risk findings are lint's findings on the same SQL (one taxonomy)", "[cli][lint]") {
  TempDir dir("lint_cli_plan");
  WriteFile(dir.File("a.sql"),
            "CREATE TABLE customers (id bigint PRIMARY KEY);\n"
            "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, status varchar(20), legacy text);\n");
  WriteFile(dir.File("b.sql"),
            "CREATE TABLE customers (id bigint PRIMARY KEY);\n"
            "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id),\n"
            "  status varchar(40) NOT NULL, note text);\n"
            "CREATE INDEX orders_customer_idx ON orders (customer_id);\n");
  RunResult plan = RunSchemac({"diff", dir.File("a.sql"), dir.File("b.sql"), "-o", dir.File("forward.sql"),
                               "--rollback-output", dir.File("rollback.sql")});
  INFO(plan.err);
  REQUIRE(plan.exit_code == 0);
  std::string forward = ReadFile(dir.File("forward.sql"));
  INFO(forward);
  CHECK(forward.find("-- risk: 8 finding(s): 1 data-loss, 4 blocking, 3 locks; strongest lock ACCESS EXCLUSIVE on "
                     "public.orders\n") != std::string::npos);
  CHECK(forward.find("-- risk: MG305 set-not-null (warning): SET NOT NULL on public.orders.status scans the whole "
                     "table") != std::string::npos);
  CHECK(forward.find("-- risk: MG307 alter-type-no-rewrite (warning)") != std::string::npos);

  // The same rules, at the same statements, from `schemac lint` on the plan with the source schema.
  RunResult json_plan = RunSchemac({"diff", dir.File("a.sql"), dir.File("b.sql"), "--format", "json"});
  REQUIRE(json_plan.exit_code == 0);
  std::multiset<std::string> from_plan;
  const nlohmann::json plan_json = nlohmann::json::parse(json_plan.out);
  for (const auto& segment : plan_json["segments"]) {
    for (const auto& step : segment["steps"]) {
      for (const auto& finding : step["findings"]) {
        from_plan.insert(step["sql"][0].get<std::string>() + " " + finding.get<std::string>().substr(0, 5));
      }
    }
  }
  RunResult lint = RunSchemac({"lint", "--format", "json", "--schema", dir.File("a.sql"), dir.File("forward.sql")});
  INFO(lint.err);
  REQUIRE(lint.exit_code == 1);  // MG402 is an error
  std::multiset<std::string> from_lint;
  std::vector<std::string> lines;
  {
    std::string line;
    for (char c : forward) {
      if (c == '\n') {
        lines.push_back(line);
        line.clear();
      } else {
        line += c;
      }
    }
  }
  const nlohmann::json lint_json = nlohmann::json::parse(lint.out);
  for (const auto& f : lint_json) {
    if (f["class"] == "safe") continue;  // design advice is left out of plans
    from_lint.insert(lines.at(f["line"].get<std::size_t>() - 1) + " " + f["rule_id"].get<std::string>());
  }
  CHECK(from_plan.size() == 8);
  CHECK(from_lint == from_plan);
}

TEST_CASE("docs: every example finding on the rule-family pages is what lint prints", "[lint][docs]") {
  const std::string root = std::string(SCHEMAC_SOURCE_ROOT) + "/docs/";
  std::string lint_md = ReadFile(root + "lint.md");
  // The schema the examples run against: the first ```sql block after "## Examples".
  std::size_t examples = lint_md.find("## Examples");
  REQUIRE(examples != std::string::npos);
  std::size_t open = lint_md.find("```sql\n", examples);
  std::size_t close = lint_md.find("```", open + 7);
  const std::string schema = lint_md.substr(open + 7, close - open - 7);
  std::set<std::string> covered;
  for (const char* page : {"mg1xx-indexes", "mg2xx-constraints", "mg3xx-columns", "mg4xx-destructive",
                           "mg5xx-partitions", "mg6xx-enums", "mg7xx-hygiene", "mg8xx-tables", "mg9xx-advice"}) {
    std::string md = ReadFile(root + "lint/" + page + ".md");
    std::size_t at = 0;
    while ((at = md.find("\n## MG", at)) != std::string::npos) {
      std::string id = md.substr(at + 4, 5);
      const std::size_t section = at;
      std::size_t sql_open = md.find("```sql\n", at);
      std::size_t sql_close = md.find("\n```", sql_open + 7);
      std::string sql = md.substr(sql_open + 7, sql_close - sql_open - 7) + "\n";
      std::size_t out_open = md.find("```\n", sql_close + 4);
      std::size_t out_close = md.find("\n```", out_open + 4);
      std::string expected = md.substr(out_open + 4, out_close - out_open - 4);
      at = out_close;
      if (id == "MG712") {
        // Needs a database: "cli: lint --against ..." runs this very example.
        covered.insert(id);
        continue;
      }
      // A ```toml block before the example is the schemac.toml it runs with (opt-in rules, naming).
      lint::LintOptions options;
      std::size_t toml_open = md.find("```toml\n", section);
      if (toml_open != std::string::npos && toml_open < sql_open) {
        std::size_t toml_close = md.find("\n```", toml_open + 8);
        TempDir config_dir("lint_docs_config");
        WriteFile(config_dir.File("schemac.toml"), md.substr(toml_open + 8, toml_close - toml_open - 8) + "\n");
        std::ostringstream config_errors;
        INFO(config_errors.str());
        REQUIRE(cli::LoadLintConfig(config_dir.File("schemac.toml"), options, config_errors));
      }
      INFO(page << " " << id << ":\n" << sql);
      ir::SourceManager sources;
      ir::Diagnostics diags;
      ir::Database context = sql::CompileText("schema.sql", schema, sql::CompileOptions{}, sources, diags);
      int32_t file = sources.Add("m.sql", sql);
      std::vector<lint::Finding> findings =
          lint::LintFile(sql::ReadMigration(file, sources, diags), sources, &context, options, diags);
      std::string got;
      for (const lint::Finding& f : findings) {
        if (f.rule->id != id) continue;
        ir::LineCol lc = sources.Resolve(f.span.file, f.span.begin);
        got = fmt::format("m.sql:{}:{}: {}: {} {}: {}", lc.line, lc.column, lint::SeverityName(f.severity), f.rule->id,
                          f.rule->name, f.message);
        break;
      }
      CHECK(got == expected);
      covered.insert(id);
    }
  }
  for (const lint::RuleInfo& r : lint::Rules()) {
    INFO(r.id);
    CHECK(covered.count(std::string(r.id)) == 1);
  }
}

// The MG712 example of docs/lint/mg7xx-hygiene.md, run as documented: the examples' schema as the
// database, the example's migration, and the desired state shown after it.
TEST_CASE("cli: lint --against runs the migration on a copy of the database and reports what the desired state "
          "still needs",
          "[cli][lint][against]") {
  const std::string root = std::string(SCHEMAC_SOURCE_ROOT) + "/docs/";
  std::string lint_md = ReadFile(root + "lint.md");
  std::size_t open = lint_md.find("```sql\n", lint_md.find("## Examples"));
  const std::string schema = lint_md.substr(open + 7, lint_md.find("```", open + 7) - open - 7);
  std::string md = ReadFile(root + "lint/mg7xx-hygiene.md");
  std::size_t section = md.find("\n## MG712");
  REQUIRE(section != std::string::npos);
  auto block = [&](std::size_t from, const std::string& fence, std::size_t* end) {
    std::size_t b = md.find(fence, from) + fence.size();
    *end = md.find("\n```", b);
    return md.substr(b, *end - b);
  };
  std::size_t end = 0;
  const std::string migration = block(section, "```sql\n", &end) + "\n";
  const std::string expected = block(end + 4, "```\n", &end);
  const std::string desired_extra = block(end + 4, "```sql\n", &end) + "\n";

  testing::ScratchDatabase db("lint_against");
  testing::RunSql(db.Conninfo(), schema);
  TempDir dir("lint-against");
  WriteFile(dir.File("m.sql"), migration);
  WriteFile(dir.File("desired.sql"), schema + desired_extra);
  RunResult r = RunSchemac({"lint", "--db", db.Conninfo(), "--against", dir.File("desired.sql"), "--dev-db",
                            testing::TestConninfo(), "--format", "json", dir.File("m.sql")});
  INFO(r.err << r.out);
  CHECK(r.exit_code == 1);
  nlohmann::json findings = nlohmann::json::parse(r.out);
  std::vector<std::string> mismatches;
  for (const auto& f : findings) {
    if (f["rule_id"] != "MG712") continue;
    mismatches.push_back(fmt::format("m.sql:{}:{}: {}: MG712 desired-state-mismatch: {}", f["line"].get<int>(),
                                     f["column"].get<int>(), f["severity"].get<std::string>(),
                                     f["message"].get<std::string>()));
  }
  CHECK(mismatches == std::vector<std::string>{expected});

  // With the index in the migration, nothing differs; the database itself was never changed.
  WriteFile(dir.File("m2.sql"), migration + "CREATE INDEX orders_user_id_idx ON orders (user_id);\n");
  RunResult ok = RunSchemac({"lint", "--db", db.Conninfo(), "--against", dir.File("desired.sql"), "--dev-db",
                             testing::TestConninfo(), "--format", "json", dir.File("m2.sql")});
  INFO(ok.err << ok.out);
  CHECK(ok.exit_code == 0);
  for (const auto& f : nlohmann::json::parse(ok.out)) CHECK(f["rule_id"] != "MG712");
  CHECK(Query(db.Conninfo(), "SELECT count(*) FROM pg_class WHERE relname = 'orders'") == "0\n");

  // A statement that fails on the copy is the finding, at that statement.
  WriteFile(dir.File("m3.sql"), "ALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE nowhere ADD COLUMN x int;\n");
  RunResult bad = RunSchemac({"lint", "--db", db.Conninfo(), "--against", dir.File("desired.sql"), "--dev-db",
                              testing::TestConninfo(), dir.File("m3.sql")});
  INFO(bad.err << bad.out);
  CHECK(bad.exit_code == 1);
  CHECK(bad.out.find("m3.sql:2:1: error: MG712 desired-state-mismatch: fails on a copy of the database's schema: "
                     "ERROR:  relation \"nowhere\" does not exist") != std::string::npos);

  // --against without --db is a usage error.
  RunResult usage = RunSchemac({"lint", "--against", dir.File("desired.sql"), dir.File("m.sql")});
  CHECK(usage.exit_code == 2);
  CHECK(usage.err.find("--against needs --db") != std::string::npos);
}
