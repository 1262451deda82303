#include "cli/lint_command.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/config.h"
#include "cli/lint_against.h"
#include "compiler/catalog/introspect.h"
#include "compiler/catalog/table_sizes.h"
#include "compiler/ir/fingerprint.h"
#include "compiler/sql/compile.h"
#include "compiler/sql/migration.h"

namespace schemac::cli {

namespace {

bool ReadFile(const std::string& path, std::string& text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  text = s.str();
  return true;
}

// The statement's first line, with a caret under its first token.
std::string Excerpt(const ir::SourceManager& sources, const ir::SourceSpan& span) {
  const std::string& text = sources.Text(span.file);
  std::size_t line_start = text.rfind('\n', span.begin == 0 ? 0 : span.begin - 1);
  line_start = line_start == std::string::npos || span.begin == 0 ? 0 : line_start + 1;
  std::size_t line_end = text.find('\n', span.begin);
  if (line_end == std::string::npos) line_end = text.size();
  std::string line = text.substr(line_start, line_end - line_start);
  std::string caret(span.begin - line_start, ' ');
  for (std::size_t i = 0; i < caret.size(); ++i) {
    if (line[i] == '\t') caret[i] = '\t';
  }
  return "    " + line + "\n    " + caret + "^\n";
}

nlohmann::json FindingJson(const lint::Finding& f, const ir::SourceManager& sources) {
  ir::LineCol begin = sources.Resolve(f.span.file, f.span.begin);
  ir::LineCol end = sources.Resolve(f.span.file, f.span.end);
  const lint::RuleInfo& r = *f.rule;
  nlohmann::json j;
  j["rule_id"] = r.id;
  j["name"] = r.name;
  j["class"] = lint::ClassName(f.risk);
  j["severity"] = lint::SeverityName(f.severity);
  j["lock"] = r.lock == lint::LockMode::None ? nlohmann::json(nullptr) : nlohmann::json(lint::LockName(r.lock));
  j["rewrite"] = r.rewrite;
  j["scan"] = r.scan;
  j["data_loss"] = r.data_loss;
  j["confidence"] = f.low_confidence ? "low" : "high";
  j["table"] = f.table ? nlohmann::json((f.table->schema.empty() ? std::string("public") : f.table->schema) + "." +
                                        f.table->name)
                       : nlohmann::json(nullptr);
  j["rows"] = f.rows ? nlohmann::json(*f.rows) : nlohmann::json(nullptr);
  j["bytes"] = f.bytes ? nlohmann::json(*f.bytes) : nlohmann::json(nullptr);
  j["file"] = sources.Path(f.span.file);
  j["line"] = begin.line;
  j["column"] = begin.column;
  j["end_line"] = end.line;
  j["end_column"] = end.column;
  j["message"] = f.message;
  j["safe_alternative"] = r.safe_alternative;
  if (f.suppressed_by) {
    ir::LineCol at = sources.Resolve(f.suppressed_by->file, f.suppressed_by->begin);
    j["suppressed_by"] = {{"file", sources.Path(f.suppressed_by->file)}, {"line", at.line}, {"column", at.column},
                          {"reason", f.suppression_reason}};
  } else {
    j["suppressed_by"] = nullptr;
  }
  return j;
}

// SARIF 2.1.0, as GitHub code scanning reads it: one run, the rules that fired in
// tool.driver.rules, one result per finding (suppressed ones with `suppressions`).
nlohmann::json Sarif(const std::vector<lint::Finding>& findings, const ir::SourceManager& sources) {
  auto level = [](lint::Severity s) {
    return s == lint::Severity::Error     ? "error"
           : s == lint::Severity::Warning ? "warning"
           : s == lint::Severity::Info    ? "note"
                                          : "none";
  };
  nlohmann::json rules = nlohmann::json::array();
  std::vector<std::string_view> listed;
  nlohmann::json results = nlohmann::json::array();
  for (const lint::Finding& f : findings) {
    const lint::RuleInfo& r = *f.rule;
    if (std::find(listed.begin(), listed.end(), r.id) == listed.end()) {
      listed.push_back(r.id);
      rules.push_back({{"id", r.id},
                       {"name", r.name},
                       {"shortDescription", {{"text", std::string(r.name) + " (" + std::string(lint::ClassName(r.risk)) + ")"}}},
                       {"help", {{"text", "Safe alternative: " + std::string(r.safe_alternative)}}},
                       {"defaultConfiguration", {{"level", level(lint::DefaultSeverity(r))}}}});
    }
    ir::LineCol begin = sources.Resolve(f.span.file, f.span.begin);
    ir::LineCol end = sources.Resolve(f.span.file, f.span.end);
    nlohmann::json result = {
        {"ruleId", r.id},
        {"ruleIndex", std::find(listed.begin(), listed.end(), r.id) - listed.begin()},
        {"level", level(f.severity)},
        {"message", {{"text", f.message}}},
        {"locations",
         {{{"physicalLocation",
            {{"artifactLocation", {{"uri", sources.Path(f.span.file)}}},
             {"region",
              {{"startLine", begin.line}, {"startColumn", begin.column}, {"endLine", end.line},
               {"endColumn", end.column}}}}}}}}};
    if (f.suppressed_by) result["suppressions"] = {{{"kind", "inSource"}, {"justification", f.suppression_reason}}};
    results.push_back(std::move(result));
  }
  return {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
          {"version", "2.1.0"},
          {"runs",
           {{{"tool", {{"driver", {{"name", "schemac"}, {"version", "0.1.0"}, {"rules", rules}}}}},
             {"results", results}}}}};
}

// GitLab's Code Quality report (a JSON array of issues). GitLab has no notion of a suppressed
// issue, so suppressed findings are left out. The fingerprint identifies an issue across
// pipelines (GitLab compares them between the source and target branches): a SHA-256 of the
// rule, the file, the line and the message.
nlohmann::json Gitlab(const std::vector<lint::Finding>& findings, const ir::SourceManager& sources) {
  auto severity = [](lint::Severity s) {
    return s == lint::Severity::Error ? "critical" : s == lint::Severity::Warning ? "major" : "info";
  };
  nlohmann::json issues = nlohmann::json::array();
  for (const lint::Finding& f : findings) {
    if (f.suppressed_by) continue;
    const std::string path = sources.Path(f.span.file);
    const uint32_t line = sources.Resolve(f.span.file, f.span.begin).line;
    const std::string check = std::string(f.rule->id) + " " + std::string(f.rule->name);
    std::string description = check + ": " + f.message;
    if (f.low_confidence) description += " (low confidence: no schema given)";
    std::string key = fmt::format("{}\n{}\n{}\n{}", f.rule->id, path, line, f.message);
    issues.push_back({{"type", "issue"},
                      {"description", description},
                      {"check_name", check},
                      {"fingerprint", ir::Sha256Hex(key)},
                      {"severity", severity(f.severity)},
                      {"location", {{"path", path}, {"lines", {{"begin", line}}}}}});
  }
  return issues;
}

// GitHub Actions workflow commands: an annotation on the statement's lines.
std::string GithubEscape(const std::string& s, bool property) {
  std::string out;
  for (char c : s) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else if (property && c == ':') out += "%3A";
    else if (property && c == ',') out += "%2C";
    else out += c;
  }
  return out;
}

}  // namespace

int RunLint(const LintCommandOptions& command, std::ostream& out, std::ostream& err) {
  LintCommandOptions options = command;
  std::optional<std::string> config = ConfigPath(options.config, err);
  if (!config) return kExitInvalid;
  if (!config->empty()) {
    ProjectConfig project;
    project.lint = options.lint;
    if (!LoadConfig(*config, project, err)) return kExitInvalid;
    options.lint = project.lint;
    if (project.small_table_rows && !options.small_table_rows_given) options.small_table_rows = *project.small_table_rows;
  }
  ir::SourceManager sources;
  ir::Diagnostics diags;
  std::vector<int32_t> files;
  for (const std::string& path : options.files) {
    std::string text;
    if (!ReadFile(path, text)) {
      err << fmt::format("schemac: error: cannot read {} [input.io]\n", path);
      return kExitInvalid;
    }
    files.push_back(sources.Add(path, std::move(text)));
  }
  if (!options.schema.empty() && !options.db.empty()) {
    err << "schemac: error: give the schema the files start from either as --schema or as --db, not both "
           "[input.usage]\n";
    return kExitInvalid;
  }
  if (!options.against.empty() && options.db.empty()) {
    err << "schemac: error: --against needs --db: the database whose schema the files start from [input.usage]\n";
    return kExitInvalid;
  }
  std::optional<ir::Database> context;
  if (!options.schema.empty()) {
    context = sql::CompilePaths(options.schema, sql::CompileOptions{}, sources, diags);
  } else if (!options.db.empty()) {
    // Read only, in one snapshot, under lock_timeout (as plan reads it).
    catalog::IntrospectOptions iopts;
    iopts.lock_timeout = options.lock_timeout;
    context = catalog::Introspect(options.db, iopts, diags);
  }
  std::vector<lint::Finding> findings;
  std::vector<sql::MigrationFile> migrations;
  for (int32_t file : files) {
    migrations.push_back(sql::ReadMigration(file, sources, diags));
    std::vector<lint::Finding> got =
        lint::LintFile(migrations.back(), sources, context ? &*context : nullptr, options.lint, diags);
    findings.insert(findings.end(), got.begin(), got.end());
  }
  if (!options.db.empty() && !diags.HasErrors()) {
    // Blocking findings weighed by the size of their table, as in plans.
    std::map<ir::QualifiedName, lint::TableSize> sizes;
    for (const auto& [name, e] : catalog::EstimateTableSizes(options.db, options.lock_timeout, diags)) {
      if (e.known) sizes[name] = lint::TableSize{e.rows, e.bytes};
    }
    lint::WeighBySize(findings, sizes, options.small_table_rows);
  }
  for (const ir::Diagnostic& d : diags.items()) err << ir::FormatDiagnostic(d, &sources) << "\n";
  if (diags.HasErrors()) {
    for (const ir::Diagnostic& d : diags.items()) {
      if (d.severity == ir::Severity::Error && d.id.rfind("catalog.", 0) == 0) return kExitEnvironment;
    }
    return kExitInvalid;
  }
  if (!options.against.empty()) {
    AgainstOptions against{options.against, options.db, options.dev_db, options.lock_timeout};
    if (int code = LintAgainst(against, migrations, sources, options.lint, findings, err); code != kExitOk) return code;
  }

  bool failed = false;
  for (const lint::Finding& f : findings) failed |= !f.suppressed_by && f.severity >= options.fail_on;
  if (options.format == LintFormat::Sarif) {
    out << Sarif(findings, sources).dump(2) << "\n";
  } else if (options.format == LintFormat::Gitlab) {
    out << Gitlab(findings, sources).dump(2) << "\n";
  } else if (options.format == LintFormat::Github) {
    for (const lint::Finding& f : findings) {
      if (f.suppressed_by) continue;
      ir::LineCol begin = sources.Resolve(f.span.file, f.span.begin);
      ir::LineCol end = sources.Resolve(f.span.file, f.span.end);
      const char* command = f.severity == lint::Severity::Error     ? "error"
                            : f.severity == lint::Severity::Warning ? "warning"
                                                                    : "notice";
      out << fmt::format("::{} file={},line={},col={},endLine={},endColumn={},title={}::{}\n", command,
                         GithubEscape(sources.Path(f.span.file), true), begin.line, begin.column, end.line,
                         end.column, GithubEscape(std::string(f.rule->id) + " " + std::string(f.rule->name), true),
                         GithubEscape(f.message + ". Safe alternative: " + std::string(f.rule->safe_alternative), false));
    }
  } else if (options.format == LintFormat::Json) {
    nlohmann::json all = nlohmann::json::array();
    for (const lint::Finding& f : findings) all.push_back(FindingJson(f, sources));
    out << all.dump(2) << "\n";
  } else {
    std::size_t suppressed = 0;
    for (const lint::Finding& f : findings) {
      if (f.suppressed_by) {
        ++suppressed;
        continue;
      }
      ir::LineCol at = sources.Resolve(f.span.file, f.span.begin);
      out << fmt::format("{}:{}:{}: {}: {} {}: {}{}\n", sources.Path(f.span.file), at.line, at.column,
                         lint::SeverityName(f.severity), f.rule->id, f.rule->name, f.message,
                         f.low_confidence ? " (low confidence: no schema given)" : "");
      out << Excerpt(sources, f.span);
      out << "    safe alternative: " << f.rule->safe_alternative << "\n";
    }
    std::size_t counts[4] = {0, 0, 0, 0};
    for (const lint::Finding& f : findings) {
      if (!f.suppressed_by) ++counts[static_cast<int>(f.severity)];
    }
    out << fmt::format("{} file(s), {} finding(s): {} error(s), {} warning(s), {} info{}\n", files.size(),
                       findings.size() - suppressed, counts[3], counts[2], counts[1],
                       suppressed ? fmt::format("; {} suppressed", suppressed) : "");
  }
  return failed ? kExitNotClean : kExitOk;
}

}  // namespace schemac::cli
