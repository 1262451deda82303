#include "cli/lint_against.h"

#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "compiler/catalog/embedded_cluster.h"
#include "compiler/catalog/execute.h"
#include "lint/rules.h"

namespace schemac::cli {

namespace {

// A plan as the statements psql would run: each transactional segment between BEGIN and COMMIT.
std::vector<std::string> PlanStatements(const emit::Plan& plan) {
  std::vector<std::string> out;
  for (const emit::Segment& seg : plan.segments) {
    if (seg.transactional) out.push_back("BEGIN");
    for (const emit::Step& step : seg.steps) out.insert(out.end(), step.sql.begin(), step.sql.end());
    if (seg.transactional) out.push_back("COMMIT");
  }
  return out;
}

void PrintOutcome(const PlanOutcome& outcome, const char* what, std::ostream& err) {
  for (const ir::Diagnostic& d : outcome.diags.items()) {
    if (d.severity == ir::Severity::Error) err << what << ": " << ir::FormatDiagnostic(d, &outcome.sources) << "\n";
  }
}

std::string FirstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

// The plan from the scratch database to `to` (a database or files), canonicalized on `server`.
PlanOutcome PlanFrom(const std::string& scratch, const std::vector<std::string>& to, const std::string& server,
                     const std::string& lock_timeout) {
  DiffOptions options;
  options.from = {scratch};
  options.to = to;
  options.dev_db = server;
  options.lock_timeout = lock_timeout;
  return PlanStates(options);
}

}  // namespace

int LintAgainst(const AgainstOptions& options, const std::vector<sql::MigrationFile>& migrations,
                 const ir::SourceManager& sources, const lint::LintOptions& lint_options,
                 std::vector<lint::Finding>& findings, std::ostream& err) {
  const lint::RuleInfo* rule = lint::FindRule("MG712");
  lint::Severity severity = lint::DefaultSeverity(*rule);
  if (auto it = lint_options.severities.find("MG712"); it != lint_options.severities.end()) severity = it->second;
  if (severity == lint::Severity::Off) return kExitOk;

  std::unique_ptr<catalog::ScratchServer> scratch_server;
  try {
    scratch_server = std::make_unique<catalog::ScratchServer>(options.dev_db);
  } catch (const std::exception& e) {
    err << "schemac: error: cannot start the scratch PostgreSQL: " << e.what() << " [catalog.error]\n";
    return kExitEnvironment;
  }
  const std::string& server = scratch_server->Conninfo();
  std::unique_ptr<catalog::TemporaryDatabase> scratch;
  try {
    scratch = std::make_unique<catalog::TemporaryDatabase>(server);
  } catch (const std::exception& e) {
    err << "schemac: error: " << e.what() << " [catalog.error]\n";
    return kExitEnvironment;
  }

  // The database's schema, without its rows: the plan from the empty scratch database to it.
  PlanOutcome copy = PlanFrom(scratch->Conninfo(), {options.db}, server, options.lock_timeout);
  if (copy.exit_code != kExitOk) {
    PrintOutcome(copy, "schemac: reading the database", err);
    return copy.exit_code;
  }
  std::vector<std::string> create = PlanStatements(copy.plans.forward);
  if (auto failure = catalog::ExecuteStatements(scratch->Conninfo(), create)) {
    err << fmt::format("schemac: error: cannot copy the database's schema into the scratch database: {} in: {} "
                       "[catalog.error]\n",
                       failure->message, FirstLine(create[failure->index]));
    return kExitEnvironment;
  }

  // The migrations, statement by statement, as psql runs them.
  const sql::MigrationStatement* last = nullptr;
  for (const sql::MigrationFile& file : migrations) {
    std::vector<std::string> statements;
    for (const sql::MigrationStatement& st : file.statements) {
      const std::string& text = sources.Text(st.span.file);
      statements.push_back(text.substr(st.span.begin, st.span.end - st.span.begin));
    }
    if (auto failure = catalog::ExecuteStatements(scratch->Conninfo(), statements)) {
      lint::Finding f;
      f.rule = rule;
      f.severity = severity;
      f.span = file.statements[failure->index].span;
      f.message = "fails on a copy of the database's schema: " + failure->message;
      findings.push_back(std::move(f));
      return kExitOk;
    }
    if (!file.statements.empty()) last = &file.statements.back();
  }

  // What the desired state still needs.
  PlanOutcome diff = PlanFrom(scratch->Conninfo(), options.against, server, options.lock_timeout);
  if (diff.exit_code != kExitOk) {
    PrintOutcome(diff, "schemac: comparing with the desired state", err);
    return diff.exit_code;
  }
  for (const emit::Segment& seg : diff.plans.forward.segments) {
    for (const emit::Step& step : seg.steps) {
      lint::Finding f;
      f.rule = rule;
      f.severity = severity;
      if (last != nullptr) f.span = last->span;
      const char* how = step.change.rfind("create_", 0) == 0 || step.change.rfind("add_", 0) == 0 ? "missing"
                        : step.change.rfind("drop_", 0) == 0                                          ? "left over"
                                                                                                      : "different";
      f.message = fmt::format("after the migrations, {} is {} ({}: {})", ir::DisplayName(step.object), how,
                              step.change, step.sql.empty() ? std::string("no SQL") : FirstLine(step.sql.front()));
      findings.push_back(std::move(f));
    }
  }
  return kExitOk;
}

}  // namespace schemac::cli
