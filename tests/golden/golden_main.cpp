// Runs one golden case file: compiles both schemas, plans, compares the plans and diagnostics
// with the expected sections (or rewrites them with --rewrite), then proves the plans on the
// embedded PostgreSQL: the forward plan applied to the current schema gives a database equal
// (pg_dump) to one built from the desired schema, and the rollback returns to the current one.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <tuple>

#include <unistd.h>

#include "cli/atomic_file.h"
#include "cli/commands.h"
#include "compiler/sql/canonicalize.h"
#include "compiler/sql/compile.h"
#include "emit/plan.h"
#include "tests/golden/golden_case.h"
#include "tests/support/pg_fixture.h"

namespace {

using namespace schemac;

struct Actual {
  std::string forward, rollback, diagnostics;
  bool errors = false;
};

Actual Plan(const golden::Case& c) {
  ir::SourceManager sources;
  ir::Diagnostics diags;
  sql::CompileOptions options;
  ir::Database from = sql::CompileText("current.sql", c.sections.at("current.sql"), options, sources, diags);
  ir::Database to = sql::CompileText("desired.sql", c.sections.at("desired.sql"), options, sources, diags);
  Actual out;
  if (!diags.HasErrors()) {
    sql::CanonicalizeOfflinePair(from, to, diags);
    emit::PlanPair plans = emit::BuildPlans(from, to, emit::PlanOptions{}, diags);
    if (!diags.HasErrors()) {
      out.forward = emit::RenderSql(plans.forward);
      out.rollback = emit::RenderSql(plans.rollback);
    }
  }
  for (const ir::Diagnostic& d : diags.items()) out.diagnostics += ir::FormatDiagnostic(d, &sources) + "\n";
  out.errors = diags.HasErrors();
  return out;
}

std::string Section(const golden::Case& c, const std::string& name) {
  auto it = c.sections.find(name);
  return it == c.sections.end() ? std::string() : it->second;
}

// Output sections end with one newline per line; a plan's text may end without one.
std::string Normalized(std::string s) {
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s.empty() ? s : s + "\n";
}

bool Compare(const std::string& what, const std::string& expected, const std::string& actual) {
  if (Normalized(expected) == Normalized(actual)) return true;
  std::cerr << "---- expected " << what << ":\n" << Normalized(expected) << "---- actual " << what << ":\n"
            << Normalized(actual) << "----\n";
  return false;
}

// PostgreSQL appends a re-added column at the end of its table, so a rollback that re-adds a
// dropped column cannot restore the column order. Cases that do this say so in their header
// ("# column-order: ignore"), and their dumps are compared with each table's lines sorted.
bool SameDump(const std::string& what, std::string expected, std::string actual, bool ignore_column_order) {
  if (ignore_column_order) {
    expected = schemac::testing::WithoutColumnOrder(expected);
    actual = schemac::testing::WithoutColumnOrder(actual);
  }
  if (expected == actual) return true;
  std::cerr << "database mismatch " << what << "\n---- expected schema dump:\n"
            << expected << "---- actual schema dump:\n" << actual << "----\n";
  return false;
}

// Applies the plans to real databases. Returns false with messages on stderr.
bool ProveOnPostgres(const golden::Case& c, const Actual& a) {
  using namespace schemac::testing;
  std::string current = CreateScratchDatabase("golden_cur");
  std::string desired = CreateScratchDatabase("golden_des");
  bool ok = true;
  try {
    RunSqlScriptWithPsql(current, c.sections.at("current.sql"));
    RunSqlScriptWithPsql(desired, c.sections.at("desired.sql"));
    bool any_order = c.header.find("# column-order: ignore\n") != std::string::npos;
    std::string current_dump = DumpSchema(current);
    std::string desired_dump = DumpSchema(desired);
    RunSqlScriptWithPsql(current, a.forward);
    ok = SameDump("after the forward plan", desired_dump, DumpSchema(current), any_order) && ok;
    RunSqlScriptWithPsql(current, a.rollback);
    ok = SameDump("after the rollback", current_dump, DumpSchema(current), any_order) && ok;
  } catch (const std::exception& e) {
    std::cerr << "postgres: " << e.what() << "\n";
    ok = false;
  }
  DropDatabase(current);
  DropDatabase(desired);
  return ok;
}

// Plans through `schemac plan` semantics: the live database (built from current.sql) against
// desired.sql, with expressions canonicalized by a scratch database. Applying that plan must
// give the desired schema, after which planning again finds nothing (idempotence); planning
// back to current.sql and applying that must restore the original schema, again to a fixpoint.
bool ProveThroughPlan(const golden::Case& c, const std::string& dir) {
  using namespace schemac::testing;
  ScratchDatabase live("golden_live");
  ScratchDatabase desired("golden_want");
  std::string current_sql = dir + "/current.sql", desired_sql = dir + "/desired.sql";
  std::string error;
  if (!schemac::cli::WriteFileAtomically(current_sql, c.sections.at("current.sql"), error) ||
      !schemac::cli::WriteFileAtomically(desired_sql, c.sections.at("desired.sql"), error)) {
    std::cerr << error << "\n";
    return false;
  }
  bool any_order = c.header.find("# column-order: ignore\n") != std::string::npos;
  auto plan = [&](const std::string& files, schemac::cli::PlanOutcome& out) {
    schemac::cli::DiffOptions options;
    options.from = {live.Conninfo()};
    options.to = {files};
    options.dev_db = TestConninfo();  // the test server's maintenance database is empty
    out = schemac::cli::PlanStates(options);
    for (const ir::Diagnostic& d : out.diags.items()) {
      if (d.severity == ir::Severity::Error) std::cerr << "plan: " << ir::FormatDiagnostic(d, &out.sources) << "\n";
    }
    if (out.canon_stats.round_trips > 1) {
      std::cerr << "plan: " << out.canon_stats.round_trips << " scratch round trips (at most 1 expected)\n";
      return false;
    }
    return out.exit_code == schemac::cli::kExitOk;
  };
  bool ok = true;
  try {
    RunSqlScriptWithPsql(live.Conninfo(), current_sql);
    RunSqlScriptWithPsql(desired.Conninfo(), desired_sql);
    std::string current_dump = DumpSchema(live.Conninfo());
    for (const auto& [files, want_dump, what] :
         {std::tuple{desired_sql, DumpSchema(desired.Conninfo()), "desired"}, std::tuple{current_sql, current_dump, "current"}}) {
      schemac::cli::PlanOutcome step;
      if (!plan(files, step)) return false;
      RunSqlScriptWithPsql(live.Conninfo(), emit::RenderSql(step.plans.forward));
      ok = SameDump(std::string("after `plan` to ") + what, want_dump, DumpSchema(live.Conninfo()), any_order) && ok;
      schemac::cli::PlanOutcome again;
      if (!plan(files, again)) return false;
      if (!again.plans.forward.empty()) {
        std::cerr << "plan is not idempotent: after applying it, planning to " << what << " again gives:\n"
                  << emit::RenderSql(again.plans.forward);
        ok = false;
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "postgres: " << e.what() << "\n";
    ok = false;
  }
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: schemac_golden CASE.test... [--rewrite] [--no-db]\n";
    return 2;
  }
  bool rewrite = false, use_db = true;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--rewrite") rewrite = true;
    else if (arg == "--no-db") use_db = false;
    else files.push_back(arg);
  }
  int passed = 0, failed = 0;
  for (const std::string& path : files) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    golden::Case c;
    std::string error;
    bool ok = in.good() || in.eof();
    if (!ok || !golden::ParseCase(buffer.str(), c, error)) {
      std::cerr << path << ": " << (ok ? error : "cannot read") << "\n";
      ++failed;
      continue;
    }
    Actual a = Plan(c);
    bool expect_fail = std::filesystem::path(path).filename().string().rfind("fail_", 0) == 0;
    ok = true;
    if (expect_fail != a.errors) {
      std::cerr << path << ": " << (expect_fail ? "expected errors (fail_ case) but got none\n"
                                                : "unexpected errors:\n" + a.diagnostics);
      ok = false;
    }
    if (rewrite) {
      c.sections["forward"] = Normalized(a.forward);
      c.sections["rollback"] = Normalized(a.rollback);
      c.sections["diagnostics"] = Normalized(a.diagnostics);
      if (!schemac::cli::WriteFileAtomically(path, golden::FormatCase(c), error)) {
        std::cerr << path << ": " << error << "\n";
        ok = false;
      }
    } else {
      ok = Compare("forward", Section(c, "forward"), a.forward) && ok;
      ok = Compare("rollback", Section(c, "rollback"), a.rollback) && ok;
      ok = Compare("diagnostics", Section(c, "diagnostics"), a.diagnostics) && ok;
    }
    if (ok && use_db && !a.errors) ok = ProveOnPostgres(c, a);
    if (ok && use_db && !a.errors) {
      std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                  ("schemac-golden-" + std::to_string(::getpid()));
      std::filesystem::create_directories(dir);
      ok = ProveThroughPlan(c, dir.string());
      std::filesystem::remove_all(dir);
    }
    std::cerr << (ok ? "PASS " : "FAIL ") << path << "\n";
    (ok ? passed : failed)++;
  }
  std::cout << passed << " passed, " << failed << " failed\n";
  return failed == 0 ? 0 : 1;
}
