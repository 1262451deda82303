// Helpers shared by the `schemac plan` integration tests: building databases from files, running
// the planning pipeline against the test server, running the real executable.
#pragma once

#include <algorithm>
#include <iterator>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "cli/commands.h"
#include "compiler/catalog/embedded_cluster.h"
#include "compiler/catalog/process.h"
#include "compiler/ir/source.h"
#include "emit/plan.h"
#include "tests/support/pg_fixture.h"

namespace schemac::plantest {

namespace fs = std::filesystem;

/// A path under the repository root.
inline std::string RepoPath(const std::string& relative) { return std::string(SCHEMAC_SOURCE_ROOT) + "/" + relative; }

/// Every *.sql file under `path` (or `path` itself), in sorted path order, as the compiler reads them.
inline std::vector<std::string> SqlFiles(const std::string& path) {
  std::vector<std::string> files;
  if (fs::is_regular_file(path)) return {path};
  for (const auto& e : fs::recursive_directory_iterator(path)) {
    if (e.is_regular_file() && e.path().extension() == ".sql") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

/// Builds a database from files with psql, one file at a time in sorted path order (each file
/// starts with the default search_path, as the compiler assumes).
inline void BuildFromFiles(const std::string& conninfo, const std::string& path) {
  for (const std::string& f : SqlFiles(path)) testing::RunSqlScriptWithPsql(conninfo, f);
}

/// Reads a whole file.
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

/// A temporary directory removed at scope exit.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix) {
    static int counter = 0;
    path_ = (fs::temp_directory_path() / (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++)))
                .string();
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

/// Options for planning against the test server; the scratch database is the test server's
/// (empty) maintenance database, so no embedded cluster is started.
inline cli::DiffOptions PlanOptions(std::vector<std::string> from, std::vector<std::string> to) {
  cli::DiffOptions o;
  o.from = std::move(from);
  o.to = std::move(to);
  o.dev_db = testing::TestConninfo();
  return o;
}

/// Every diagnostic of a planning run, formatted, one a line.
inline std::string DiagText(const cli::PlanOutcome& out) {
  std::string s;
  for (const ir::Diagnostic& d : out.diags.items()) s += ir::FormatDiagnostic(d, &out.sources) + "\n";
  return s;
}

/// Only the errors.
inline std::string ErrorText(const cli::PlanOutcome& out) {
  std::string s;
  for (const ir::Diagnostic& d : out.diags.items()) {
    if (d.severity == ir::Severity::Error) s += ir::FormatDiagnostic(d, &out.sources) + "\n";
  }
  return s;
}

/// The forward plan as SQL (empty when there are no changes), for assertions that show it.
inline std::string Forward(const cli::PlanOutcome& out) { return emit::RenderSql(out.plans.forward); }

/// Every step of a plan.
inline std::vector<emit::Step> Steps(const emit::Plan& plan) {
  std::vector<emit::Step> steps;
  for (const emit::Segment& s : plan.segments) steps.insert(steps.end(), s.steps.begin(), s.steps.end());
  return steps;
}

/// The lines of `a` missing from `b` ("- line") and of `b` missing from `a` ("+ line"), as
/// multisets, in order: empty exactly when both hold the same lines. Shows an IR or dump
/// mismatch compactly.
inline std::string LineDiff(const std::string& a, const std::string& b) {
  auto lines = [](const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) out.push_back(line);
    return out;
  };
  std::vector<std::string> la = lines(a), lb = lines(b);
  std::vector<std::string> sa = la, sb = lb;
  std::sort(sa.begin(), sa.end());
  std::sort(sb.begin(), sb.end());
  std::vector<std::string> only_a, only_b;
  std::set_difference(sa.begin(), sa.end(), sb.begin(), sb.end(), std::back_inserter(only_a));
  std::set_difference(sb.begin(), sb.end(), sa.begin(), sa.end(), std::back_inserter(only_b));
  std::string out;
  for (const std::string& l : only_a) out += "- " + l + "\n";
  for (const std::string& l : only_b) out += "+ " + l + "\n";
  return out;
}

/// The result of running a command.
struct RunResult {
  int exit_code = -1;
  std::string out, err;
};

/// Runs the real schemac executable with `args`, capturing stdout and stderr.
inline RunResult RunSchemac(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {SCHEMAC_EXE};
  argv.insert(argv.end(), args.begin(), args.end());
  catalog::ProcessResult p = catalog::RunProcess(argv);
  return RunResult{p.exit_code, p.out, p.err};
}

/// Runs one query with psql and returns its unaligned, tuples-only output (rows on lines, fields
/// separated by '|').
inline std::string Query(const std::string& conninfo, const std::string& sql) {
  catalog::ProcessResult p = catalog::RunProcess(
      {catalog::EmbeddedCluster::FindBinDir() + "/psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-d",
       conninfo, "-c", sql});
  if (!p.Ok()) throw std::runtime_error("psql failed: " + p.err + " in: " + sql);
  return p.out;
}

/// `pg_dump --schema-only` of a database, as a user would take it (the raw dump, not normalized).
inline std::string PgDumpSchemaOnly(const std::string& conninfo) {
  catalog::ProcessResult p = catalog::RunProcess(
      {catalog::EmbeddedCluster::FindBinDir() + "/pg_dump", "--schema-only", "-d", conninfo});
  if (!p.Ok()) throw std::runtime_error("pg_dump failed: " + p.err);
  return p.out;
}

/// Single-quotes a shell argument.
inline std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

}  // namespace schemac::plantest
