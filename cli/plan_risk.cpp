#include "cli/plan_risk.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "compiler/sql/migration.h"
#include "lint/lint.h"

namespace schemac::cli {

void ClassifyPlan(emit::Plan& plan, const ir::Database& before,
                  const std::map<ir::QualifiedName, lint::TableSize>* sizes, int64_t small_table_rows) {
  // The plan as one script, as it runs (each transactional segment in BEGIN / COMMIT), with the
  // byte range of every step's statements.
  std::string text;
  std::vector<std::pair<std::size_t, emit::Step*>> starts;  // first byte of a step's statements
  for (emit::Segment& seg : plan.segments) {
    if (seg.transactional) text += "BEGIN;\n";
    for (const std::string& set : emit::SegmentSettings(plan, seg)) text += set + "\n";
    for (emit::Step& step : seg.steps) {
      starts.push_back({text.size(), &step});
      for (const std::string& sql : step.sql) text += sql + "\n";
    }
    if (seg.transactional) text += "COMMIT;\n";
    if (!seg.transactional && plan.sets_timeouts) text += "RESET lock_timeout;\nRESET statement_timeout;\n";
  }
  if (starts.empty()) return;
  ir::SourceManager sources;
  ir::Diagnostics diags;
  int32_t file = sources.Add("plan.sql", text);
  sql::MigrationFile parsed = sql::ReadMigration(file, sources, diags);
  std::vector<lint::Finding> findings = lint::LintFile(parsed, sources, &before, lint::LintOptions{}, diags);
  if (sizes != nullptr) lint::WeighBySize(findings, *sizes, small_table_rows);
  for (const lint::Finding& f : findings) {
    if (f.risk == lint::RiskClass::Safe || f.suppressed_by) continue;
    emit::Step* step = nullptr;
    for (const auto& [at, s] : starts) {
      if (at <= f.span.begin) step = s;
    }
    if (step == nullptr) continue;
    step->findings.push_back(fmt::format("{} {} ({}): {}", f.rule->id, f.rule->name, lint::SeverityName(f.severity),
                                         f.message));
    emit::StepRisk risk;
    risk.rule = std::string(f.rule->id);
    risk.risk_class = lint::ClassName(f.risk);
    if (f.table) risk.table = (f.table->schema.empty() ? std::string("public") : f.table->schema) + "." + f.table->name;
    risk.rows = f.rows;
    risk.bytes = f.bytes;
    step->risks.push_back(std::move(risk));
  }
}

std::string RiskSummary(const emit::Plan& plan) {
  std::map<std::string, int> classes;
  lint::LockMode strongest = lint::LockMode::None;
  std::set<std::string> tables;
  int total = 0;
  struct Costly {
    int64_t rows;
    std::size_t number;
    const emit::Step* step;
    std::string table;
  };
  std::vector<Costly> costly;  // blocking findings with a size
  std::size_t number = 0;
  for (const emit::Segment& seg : plan.segments) {
    for (const emit::Step& step : seg.steps) {
      ++number;
      for (std::size_t i = 0; i < step.findings.size(); ++i) {
        const lint::RuleInfo* rule = lint::FindRule(step.findings[i].substr(0, 5));
        if (rule == nullptr) continue;
        ++total;
        const emit::StepRisk* risk = i < step.risks.size() ? &step.risks[i] : nullptr;
        ++classes[risk ? risk->risk_class : std::string(lint::ClassName(rule->risk))];
        if (risk && risk->rows && risk->risk_class == "blocking") costly.push_back({*risk->rows, number, &step, risk->table});
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
  if (!costly.empty()) {
    std::stable_sort(costly.begin(), costly.end(), [](const Costly& a, const Costly& b) { return a.rows > b.rows; });
    std::string list;
    std::set<std::size_t> seen;
    for (const Costly& c : costly) {
      if (!seen.insert(c.number).second) continue;
      list += fmt::format("{}step {} {} on {} ({} rows)", list.empty() ? "" : ", ", c.number, c.step->change, c.table,
                          lint::ApproximateCount(c.rows));
    }
    out += "\nrisk: blocking steps by estimated cost: " + list;
  }
  return out;
}

}  // namespace schemac::cli
