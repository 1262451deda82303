#include "lint/rules.h"

#include <algorithm>

namespace schemac::lint {

const std::vector<RuleInfo>& Rules() {
  static const std::vector<RuleInfo> rules = {
#define MG_RULE(id, name, risk, lock, rewrite, scan, data_loss, safe) \
  RuleInfo{id, name, RiskClass::risk, LockMode::lock, rewrite, scan, data_loss, safe, false},
#define MG_RULE_OPT_IN(id, name, risk, lock, rewrite, scan, data_loss, safe) \
  RuleInfo{id, name, RiskClass::risk, LockMode::lock, rewrite, scan, data_loss, safe, true},
#include "lint/rules.def"
#undef MG_RULE_OPT_IN
#undef MG_RULE
  };
  return rules;
}

const RuleInfo* FindRule(std::string_view id) {
  const std::vector<RuleInfo>& rules = Rules();
  auto it = std::find_if(rules.begin(), rules.end(), [&](const RuleInfo& r) { return r.id == id; });
  return it == rules.end() ? nullptr : &*it;
}

Severity DefaultSeverity(RiskClass risk) {
  switch (risk) {
    case RiskClass::DataLoss:
    case RiskClass::Breaking: return Severity::Error;
    case RiskClass::Blocking:
    case RiskClass::Locks: return Severity::Warning;
    case RiskClass::Safe: return Severity::Info;
  }
  return Severity::Info;
}

Severity DefaultSeverity(const RuleInfo& rule) { return rule.opt_in ? Severity::Off : DefaultSeverity(rule.risk); }

std::string_view ClassName(RiskClass risk) {
  switch (risk) {
    case RiskClass::Safe: return "safe";
    case RiskClass::Locks: return "locks";
    case RiskClass::Blocking: return "blocking";
    case RiskClass::DataLoss: return "data-loss";
    case RiskClass::Breaking: return "breaking";
  }
  return "safe";
}

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::Off: return "off";
    case Severity::Info: return "info";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
  }
  return "off";
}

std::optional<Severity> ParseSeverity(std::string_view text) {
  for (Severity s : {Severity::Off, Severity::Info, Severity::Warning, Severity::Error}) {
    if (SeverityName(s) == text) return s;
  }
  return std::nullopt;
}

std::string_view LockName(LockMode lock) {
  switch (lock) {
    case LockMode::None: return "";
    case LockMode::AccessShare: return "ACCESS SHARE";
    case LockMode::RowShare: return "ROW SHARE";
    case LockMode::RowExclusive: return "ROW EXCLUSIVE";
    case LockMode::ShareUpdateExclusive: return "SHARE UPDATE EXCLUSIVE";
    case LockMode::Share: return "SHARE";
    case LockMode::ShareRowExclusive: return "SHARE ROW EXCLUSIVE";
    case LockMode::Exclusive: return "EXCLUSIVE";
    case LockMode::AccessExclusive: return "ACCESS EXCLUSIVE";
  }
  return "";
}

}  // namespace schemac::lint
