// The risk rules (MGnnn): one table, declared once as data in rules.def, with the class, lock
// and effects of each, as checked on PostgreSQL 15. Plan annotations and `schemac lint` share it.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace schemac::lint {

/// What a rule's statement does to running traffic (one primary class per rule).
enum class RiskClass {
  Safe,      // no meaningful lock, or advice only
  Locks,     // a strong lock held briefly, with no rewrite or scan: safe only with lock_timeout
  Blocking,  // a long lock, a rewrite or a full scan while traffic is blocked
  DataLoss,  // data destroyed for good
  Breaking,  // running code breaks, or the migration itself fails at run time
};

enum class Severity { Off, Info, Warning, Error };

/// PostgreSQL's table lock modes, weakest to strongest (explicit-locking.html, table 13.2).
enum class LockMode { None, AccessShare, RowShare, RowExclusive, ShareUpdateExclusive, Share, ShareRowExclusive,
                      Exclusive, AccessExclusive };

struct RuleInfo {
  std::string_view id;    // "MG101"
  std::string_view name;  // "index-create-blocking"
  RiskClass risk;
  LockMode lock;          // the lock the statement takes on its table (None when not a table lock)
  bool rewrite;           // rewrites the table (and its indexes)
  bool scan;              // scans the table (or builds an index over it)
  bool data_loss;
  std::string_view safe_alternative;
  /// Off unless schemac.toml gives it a severity (MG_RULE_OPT_IN in rules.def).
  bool opt_in = false;
};

/// Every rule, in id order.
const std::vector<RuleInfo>& Rules();

/// The rule with this id, or null.
const RuleInfo* FindRule(std::string_view id);

/// The default severity of a class: data loss and breaking are errors, blocking and locks
/// warnings, safe info.
Severity DefaultSeverity(RiskClass risk);

/// The severity a rule has when schemac.toml does not set one: off for an opt-in rule, else its
/// class's default.
Severity DefaultSeverity(const RuleInfo& rule);

std::string_view ClassName(RiskClass risk);      // "safe", "locks", "blocking", "data-loss", "breaking"
std::string_view SeverityName(Severity s);       // "off", "info", "warning", "error"
std::optional<Severity> ParseSeverity(std::string_view text);
std::string_view LockName(LockMode lock);        // "ACCESS EXCLUSIVE", ...; "" for None

}  // namespace schemac::lint
