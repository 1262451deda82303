#include "cli/plan_json.h"

#include <nlohmann/json.hpp>

namespace schemac::cli {

namespace {

using nlohmann::ordered_json;

ordered_json StepJson(const emit::Step& step, bool explain) {
  ordered_json j;
  j["object"] = {{"kind", ir::ObjectKindName(step.object.kind)},
                 {"schema", step.object.schema},
                 {"name", step.object.name},
                 {"sub", step.object.sub},
                 {"display", ir::DisplayName(step.object)}};
  j["change"] = step.change;
  j["sql"] = step.sql;
  j["rollback_sql"] = step.rollback_sql;
  j["data_loss"] = step.data_loss;
  j["data_loss_reason"] = step.data_loss_reason;
  j["rollback_data_loss"] = step.rollback_data_loss;
  j["rollback_data_loss_reason"] = step.rollback_data_loss_reason;
  j["reason"] = step.reason;
  j["findings"] = step.findings;
  j["risks"] = ordered_json::array();
  for (const emit::StepRisk& r : step.risks) {
    ordered_json e;
    e["rule_id"] = r.rule;
    e["class"] = r.risk_class;
    e["table"] = r.table.empty() ? ordered_json(nullptr) : ordered_json(r.table);
    e["rows"] = r.rows ? ordered_json(*r.rows) : ordered_json(nullptr);
    e["bytes"] = r.bytes ? ordered_json(*r.bytes) : ordered_json(nullptr);
    j["risks"].push_back(std::move(e));
  }
  if (explain) {
    j["ordering"] = ordered_json::array();
    for (const emit::StepOrdering& o : step.ordering) {
      ordered_json e;
      e["after_step"] = o.after_step + 1;  // 1-based, as in the SQL output
      e["rule"] = o.rule;
      e["dependency"] = o.dependency.empty() ? ordered_json(nullptr) : ordered_json(o.dependency);
      j["ordering"].push_back(std::move(e));
    }
  }
  return j;
}

ordered_json SegmentsJson(const emit::Plan& plan, bool explain) {
  ordered_json segments = ordered_json::array();
  for (const emit::Segment& segment : plan.segments) {
    ordered_json s;
    s["transactional"] = segment.transactional;
    s["long_running"] = segment.long_running;
    s["reason"] = segment.reason;
    s["steps"] = ordered_json::array();
    for (const emit::Step& step : segment.steps) s["steps"].push_back(StepJson(step, explain));
    segments.push_back(std::move(s));
  }
  return segments;
}

ordered_json Summary(const emit::Plan& plan) {
  std::size_t steps = 0, data_loss = 0;
  for (const emit::Segment& segment : plan.segments) {
    for (const emit::Step& step : segment.steps) {
      ++steps;
      if (step.data_loss) ++data_loss;
    }
  }
  return {{"steps", steps}, {"segments", plan.segments.size()}, {"data_loss_steps", data_loss}};
}

ordered_json StepRecordJson(const apply::StepRecord& s) {
  ordered_json j;
  j["step"] = s.step;
  j["segment"] = s.segment;
  j["change"] = s.change;
  j["object"] = s.object;
  j["status"] = s.status;
  j["seconds"] = s.seconds ? ordered_json(*s.seconds) : ordered_json(nullptr);
  j["error"] = s.error.empty() ? ordered_json(nullptr) : ordered_json(s.error);
  j["sql"] = s.sql;
  if (!s.locks.empty()) j["locks"] = s.locks;
  return j;
}

ordered_json OptionalId(const std::optional<int64_t>& id) { return id ? ordered_json(*id) : ordered_json(nullptr); }

}  // namespace

namespace {

ir::ObjectKind KindFromName(const std::string& name) {
  for (int k = 0; k <= static_cast<int>(ir::ObjectKind::UserMapping); ++k) {
    auto kind = static_cast<ir::ObjectKind>(k);
    if (name == ir::ObjectKindName(kind)) return kind;
  }
  throw std::runtime_error("unknown object kind \"" + name + "\"");
}

emit::Plan PlanFromJson(const ordered_json& segments) {
  emit::Plan plan;
  for (const ordered_json& s : segments) {
    emit::Segment segment;
    segment.transactional = s.at("transactional").get<bool>();
    segment.long_running = s.value("long_running", false);
    segment.reason = s.value("reason", "");
    for (const ordered_json& j : s.at("steps")) {
      emit::Step step;
      const ordered_json& o = j.at("object");
      step.object = ir::ObjectId{KindFromName(o.at("kind").get<std::string>()), o.at("schema").get<std::string>(),
                                 o.at("name").get<std::string>(), o.at("sub").get<std::string>()};
      step.change = j.at("change").get<std::string>();
      step.sql = j.at("sql").get<std::vector<std::string>>();
      step.rollback_sql = j.at("rollback_sql").get<std::vector<std::string>>();
      step.data_loss = j.value("data_loss", false);
      step.data_loss_reason = j.value("data_loss_reason", "");
      step.rollback_data_loss = j.value("rollback_data_loss", false);
      step.rollback_data_loss_reason = j.value("rollback_data_loss_reason", "");
      step.reason = j.value("reason", "");
      step.findings = j.value("findings", std::vector<std::string>{});
      for (const ordered_json& r : j.value("risks", ordered_json::array())) {
        emit::StepRisk risk;
        risk.rule = r.at("rule_id").get<std::string>();
        risk.risk_class = r.at("class").get<std::string>();
        if (r.contains("table") && r["table"].is_string()) risk.table = r["table"].get<std::string>();
        if (r.contains("rows") && r["rows"].is_number()) risk.rows = r["rows"].get<int64_t>();
        if (r.contains("bytes") && r["bytes"].is_number()) risk.bytes = r["bytes"].get<int64_t>();
        step.risks.push_back(std::move(risk));
      }
      segment.steps.push_back(std::move(step));
    }
    plan.segments.push_back(std::move(segment));
  }
  return plan;
}

}  // namespace

std::optional<PlanFile> ParsePlanJson(const std::string& text, std::string& error) {
  try {
    ordered_json j = ordered_json::parse(text);
    if (!j.is_object() || j.value("format", "") != "schemac.plan/1") {
      error = "not a schemac plan (\"format\": \"schemac.plan/1\" expected; write one with plan --format json)";
      return std::nullopt;
    }
    PlanFile file;
    file.source = PlanSide{j.at("source").at("spec").get<std::string>(), j.at("source").at("fingerprint").get<std::string>()};
    file.target = PlanSide{j.at("target").at("spec").get<std::string>(), j.at("target").at("fingerprint").get<std::string>()};
    file.plans.forward = PlanFromJson(j.at("segments"));
    file.plans.rollback = PlanFromJson(j.at("rollback").at("segments"));
    return file;
  } catch (const std::exception& e) {
    error = std::string("invalid plan file: ") + e.what();
    return std::nullopt;
  }
}

std::string RenderApplyReportJson(const ApplyReport& report) {
  ordered_json j;
  j["format"] = "schemac.apply-report/1";
  j["database"] = report.database;
  j["run_id"] = report.run_id ? ordered_json(report.run_id) : ordered_json(nullptr);
  j["status"] = report.status;
  j["exit_code"] = report.exit_code;
  j["dry_run"] = report.dry_run;
  j["seconds"] = report.seconds;
  j["error"] = report.error.empty() ? ordered_json(nullptr) : ordered_json(report.error);
  j["difference"] = report.difference.empty() ? ordered_json(nullptr) : ordered_json(report.difference);
  j["refused"] = report.refused;
  j["steps"] = ordered_json::array();
  for (const apply::StepRecord& s : report.steps) j["steps"].push_back(StepRecordJson(s));
  return j.dump(2) + "\n";
}

std::string RenderHistoryJson(const std::vector<apply::RunRecord>& runs, const std::vector<apply::StepRecord>* steps) {
  ordered_json j;
  j["format"] = "schemac.history/1";
  j["runs"] = ordered_json::array();
  for (const apply::RunRecord& r : runs) {
    ordered_json e;
    e["id"] = r.id;
    e["kind"] = r.kind;
    e["status"] = r.status;
    e["started_at"] = r.started_at;
    e["finished_at"] = r.finished_at.empty() ? ordered_json(nullptr) : ordered_json(r.finished_at);
    e["db_user"] = r.db_user;
    e["application_name"] = r.application_name;
    e["client_host"] = r.client_host;
    e["backend_pid"] = r.backend_pid;
    e["target"] = r.target;
    e["source_fingerprint"] = r.source_fingerprint;
    e["target_fingerprint"] = r.target_fingerprint;
    e["plan_fingerprint"] = r.plan_fingerprint;
    e["error"] = r.error.empty() ? ordered_json(nullptr) : ordered_json(r.error);
    e["resumes"] = OptionalId(r.resumes);
    e["rolls_back"] = OptionalId(r.rolls_back);
    e["backup"] = r.backup.empty() ? ordered_json(nullptr) : ordered_json(r.backup);
    e["forward_sql"] = r.forward_sql;
    e["rollback_sql"] = r.rollback_sql;
    if (steps) {
      e["steps"] = ordered_json::array();
      for (const apply::StepRecord& s : *steps) {
        if (s.run_id == r.id) e["steps"].push_back(StepRecordJson(s));
      }
    }
    j["runs"].push_back(std::move(e));
  }
  return j.dump(2) + "\n";
}

std::string RenderPlanJson(const emit::PlanPair& plans, const PlanSide& source, const PlanSide& target,
                           bool explain) {
  ordered_json j;
  j["format"] = "schemac.plan/1";
  j["source"] = {{"spec", source.spec}, {"fingerprint", source.fingerprint}};
  j["target"] = {{"spec", target.spec}, {"fingerprint", target.fingerprint}};
  j["summary"] = Summary(plans.forward);
  j["segments"] = SegmentsJson(plans.forward, explain);
  j["rollback"] = {{"summary", Summary(plans.rollback)}, {"segments", SegmentsJson(plans.rollback, explain)}};
  return j.dump(2) + "\n";
}

}  // namespace schemac::cli
