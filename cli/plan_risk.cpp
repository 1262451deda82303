#include "cli/plan_risk.h"

#include <map>
#include <set>

#include <fmt/format.h>

#include "compiler/sql/migration.h"
#include "lint/lint.h"

namespace schemac::cli {

void ClassifyPlan(emit::Plan& plan, const ir::Database& before) {
  // The plan as one script, as it runs (each transactional segment in BEGIN / COMMIT), with the
  // byte range of every step's statements.
  std::string text;
  std::vector<std::pair<std::size_t, emit::Step*>> starts;  // first byte of a step's statements
  for (emit::Segment& seg : plan.segments) {
    if (seg.transactional) text += "BEGIN;\n";
    for (emit::Step& step : seg.steps) {
      starts.push_back({text.size(), &step});
      for (const std::string& sql : step.sql) text += sql + "\n";
    }
    if (seg.transactional) text += "COMMIT;\n";
  }
  if (starts.empty()) return;
  ir::SourceManager sources;
  ir::Diagnostics diags;
  int32_t file = sources.Add("plan.sql", text);
  sql::MigrationFile parsed = sql::ReadMigration(file, sources, diags);
  std::vector<lint::Finding> findings = lint::LintFile(parsed, sources, &before, lint::LintOptions{}, diags);
  for (const lint::Finding& f : findings) {
    if (f.rule->risk == lint::RiskClass::Safe || f.suppressed_by) continue;
    emit::Step* step = nullptr;
    for (const auto& [at, s] : starts) {
      if (at <= f.span.begin) step = s;
    }
    if (step == nullptr) continue;
    step->findings.push_back(fmt::format("{} {} ({}): {}", f.rule->id, f.rule->name, lint::SeverityName(f.severity),
                                         f.message));
  }
}

std::string RiskSummary(const emit::Plan& plan) {
  std::map<std::string, int> classes;
  lint::LockMode strongest = lint::LockMode::None;
  std::set<std::string> tables;
  int total = 0;
  for (const emit::Segment& seg : plan.segments) {
    for (const emit::Step& step : seg.steps) {
      for (const std::string& finding : step.findings) {
        const lint::RuleInfo* rule = lint::FindRule(finding.substr(0, 5));
        if (rule == nullptr) continue;
        ++total;
        ++classes[std::string(lint::ClassName(rule->risk))];
        if (rule->lock > strongest) {
          strongest = rule->lock;
          tables.clear();
        }
        if (rule->lock == strongest && strongest != lint::LockMode::None) {
          tables.insert(step.object.schema.empty() ? step.object.name : step.object.schema + "." + step.object.name);
        }
      }
    }
  }
  if (total == 0) return "";
  std::string counts;
  for (const char* c : {"data-loss", "breaking", "blocking", "locks"}) {
    if (classes.count(c)) counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", classes[c], c);
  }
  std::string out = fmt::format("risk: {} finding(s): {}", total, counts);
  if (strongest != lint::LockMode::None) {
    std::string list;
    for (const std::string& t : tables) list += (list.empty() ? "" : ", ") + t;
    out += fmt::format("; strongest lock {} on {}", lint::LockName(strongest), list);
  }
  return out;
}

}  // namespace schemac::cli
