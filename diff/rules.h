// Ordering rules as data. Each rule is an English sentence plus the change kinds it relates and
// a predicate that decides, for one pair of changes, whether the first must run before the
// second. The whole set is listed by RulesText() and pinned by tests/unit/diff/rules.golden.
#pragma once

#include <string>
#include <vector>

#include "diff/change.h"

namespace schemac::diff {

/// Join keys of one change for one rule: two changes can only be related by the rule when a
/// before-key of one equals an after-key of the other. This keeps edge building close to linear
/// in the number of changes; `applies` still decides.
using RuleKeys = std::vector<std::string>;

/// "Every change of a `before` kind must run before every change of an `after` kind for which
/// `applies(before_change, after_change)` holds."
struct Rule {
  std::string family;  // "schema", "enum", "sequence", "table", "column", "constraint", "comment"
  std::string name;    // an English sentence, unique
  std::vector<ChangeKind> before;
  std::vector<ChangeKind> after;
  bool (*applies)(const Change& before, const Change& after) = nullptr;
  RuleKeys (*before_keys)(const Change& before) = nullptr;  // null: every change is a candidate
  RuleKeys (*after_keys)(const Change& after) = nullptr;
};

/// Every ordering rule, grouped by family.
const std::vector<Rule>& Rules();

/// The pre-sort order of change kinds: the topological sort keeps it wherever no rule objects.
const std::vector<ChangeKind>& KindPriority();

/// Rank of `kind` in KindPriority().
int KindRank(ChangeKind kind);

/// The kind priority and the rule set as text, one line each (the golden list).
std::string RulesText();

}  // namespace schemac::diff
