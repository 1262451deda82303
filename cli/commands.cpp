#include "cli/commands.h"

#include <cstdio>
#include <iostream>
#include <regex>

#include <fmt/format.h>

#include "cli/atomic_file.h"
#include "cli/plan_json.h"
#include "compiler/ir/fingerprint.h"
#include "compiler/sql/canonicalize.h"
#include "compiler/sql/compile.h"
#include "emit/plan.h"

namespace schemac::cli {

bool IsDatabaseSpec(const std::string& spec) {
  return spec.rfind("postgres://", 0) == 0 || spec.rfind("postgresql://", 0) == 0 ||
         spec.find('=') != std::string::npos;
}

namespace {

/// A DSN or URI without its password, for messages and plan metadata.
std::string RedactDsn(const std::string& spec) {
  std::string out = std::regex_replace(spec, std::regex(R"((password\s*=\s*)('([^'\\]|\\.)*'|\S+))"), "$1***");
  return std::regex_replace(out, std::regex(R"(^(postgres(ql)?://[^:/@]*):[^@/]*@)"), "$1:***@");
}

std::string JoinSpecs(const std::vector<std::string>& specs) {
  std::string out;
  for (const std::string& s : specs) out += (out.empty() ? "" : " ") + (IsDatabaseSpec(s) ? RedactDsn(s) : s);
  return out;
}

struct LoadedSide {
  ir::Database db;
  bool from_database = false;
};

/// Loads one side of a diff. Returns false (with diagnostics) when it cannot.
bool LoadSide(const std::vector<std::string>& specs, const char* which, ir::SourceManager& sources,
              ir::Diagnostics& diags, LoadedSide& out, int& exit_code) {
  bool any_db = false;
  for (const std::string& s : specs) any_db = any_db || IsDatabaseSpec(s);
  if (any_db) {
    diags.Report(ir::diag::kUnsupported,
                 fmt::format("not yet supported: a database as the {} side ({})", which, JoinSpecs(specs)));
    exit_code = kExitInvalid;
    return false;
  }
  out.db = sql::CompilePaths(specs, sql::CompileOptions{}, sources, diags);
  return true;
}

void PrintDiagnostics(const ir::Diagnostics& diags, const ir::SourceManager& sources) {
  for (const ir::Diagnostic& d : diags.items()) std::cerr << ir::FormatDiagnostic(d, &sources) << "\n";
}

std::string CommentBlock(const std::string& sql) {
  std::string out;
  std::size_t start = 0;
  while (start < sql.size()) {
    std::size_t end = sql.find('\n', start);
    if (end == std::string::npos) end = sql.size();
    std::string line = sql.substr(start, end - start);
    out += line.empty() ? "--\n" : "-- " + line + "\n";
    start = end + 1;
  }
  return out;
}

std::size_t StepCount(const emit::Plan& plan) {
  std::size_t n = 0;
  for (const emit::Segment& s : plan.segments) n += s.steps.size();
  return n;
}

std::string SqlOutput(const emit::PlanPair& plans, const DiffOptions& options) {
  std::string out = fmt::format("-- schemac diff: {} -> {}\n", JoinSpecs(options.from), JoinSpecs(options.to));
  if (plans.forward.empty()) return out + "-- no changes\n";
  out += fmt::format("-- {} step(s) in {} segment(s)\n", StepCount(plans.forward), plans.forward.segments.size());
  out += emit::RenderSql(plans.forward);
  if (options.rollback_output.empty()) {
    out += "\n-- rollback (not run; pass --rollback-output FILE to write it as a script):\n";
    out += CommentBlock(emit::RenderSql(plans.rollback));
  }
  return out;
}

bool WriteOutput(const std::string& path, const std::string& content) {
  if (path.empty() || path == "-") {
    std::fwrite(content.data(), 1, content.size(), stdout);
    return std::fflush(stdout) == 0;
  }
  std::string error;
  if (!WriteFileAtomically(path, content, error)) {
    std::cerr << "schemac: error: " << error << " [input.io]\n";
    return false;
  }
  return true;
}

}  // namespace

int RunDiff(const DiffOptions& options) {
  ir::SourceManager sources;
  ir::Diagnostics diags;
  int exit_code = kExitOk;
  LoadedSide from, to;
  bool ok = LoadSide(options.from, "source", sources, diags, from, exit_code);
  ok = LoadSide(options.to, "target", sources, diags, to, exit_code) && ok;
  if (!ok || diags.HasErrors()) {
    PrintDiagnostics(diags, sources);
    return exit_code != kExitOk ? exit_code : kExitInvalid;
  }

  // Fingerprints describe the states as compiled, before pairwise canonicalization.
  PlanSide source{JoinSpecs(options.from), ir::Fingerprint(from.db)};
  PlanSide target{JoinSpecs(options.to), ir::Fingerprint(to.db)};

  sql::CanonicalizeOfflinePair(from.db, to.db, diags);
  emit::PlanPair plans = emit::BuildPlans(from.db, to.db, emit::PlanOptions{.owners = options.owners}, diags);
  PrintDiagnostics(diags, sources);
  if (diags.HasErrors()) return kExitInvalid;

  std::string main_output = options.format == OutputFormat::Json ? RenderPlanJson(plans, source, target)
                                                                 : SqlOutput(plans, options);
  // The rollback file first: if it cannot be written, nothing else is.
  if (!options.rollback_output.empty()) {
    std::string rollback = plans.rollback.empty() ? std::string() : emit::RenderSql(plans.rollback);
    if (!WriteOutput(options.rollback_output, rollback)) return kExitEnvironment;
  }
  if (!WriteOutput(options.output, main_output)) return kExitEnvironment;
  if (options.exit_code && !plans.forward.empty()) return kExitNotClean;
  return kExitOk;
}

}  // namespace schemac::cli
