// CREATE [OR REPLACE] RULE with every part written out, DROP RULE ... ON, ALTER TABLE ... ENABLE
// / DISABLE RULE and COMMENT ON RULE. A new or replaced rule fires on origin ('O'); any other
// state follows as an ALTER TABLE.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "emit/quote.h"
#include "emit/render_kinds.h"

namespace schemac::emit {

namespace {

// The table or view the rule is on.
const ir::QualifiedName& Relation(const diff::ElementRef& ref) { return ref.table ? ref.table->name : ref.view->name; }

std::string Target(const diff::ElementRef& ref) {
  return "RULE " + QuoteIdentifier(ref.rule->name) + " ON " + QuoteQualified(Relation(ref));
}

std::string CreateSql(const diff::ElementRef& ref, bool or_replace) {
  const ir::Rule& r = *ref.rule;
  static const char* kEvents[] = {"SELECT", "UPDATE", "INSERT", "DELETE"};
  int ev = r.event - '1';
  std::string out = fmt::format("CREATE {}RULE {} AS ON {} TO {}", or_replace ? "OR REPLACE " : "",
                                QuoteIdentifier(r.name), ev >= 0 && ev < 4 ? kEvents[ev] : "?",
                                QuoteQualified(Relation(ref)));
  if (r.where) out += " WHERE " + r.where->text;
  out += r.instead ? " DO INSTEAD " : " DO ALSO ";
  if (r.actions.empty()) return out + "NOTHING;";
  if (r.actions.size() == 1) return out + r.actions[0] + ";";
  out += "(";
  for (std::size_t i = 0; i < r.actions.size(); ++i) out += (i ? "; " : "") + r.actions[i];
  return out + ");";
}

std::string EnabledSql(const diff::ElementRef& ref) {
  const ir::Rule& r = *ref.rule;
  const char* what = r.enabled == 'D'   ? "DISABLE"
                     : r.enabled == 'A' ? "ENABLE ALWAYS"
                     : r.enabled == 'R' ? "ENABLE REPLICA"
                                        : "ENABLE";
  return fmt::format("ALTER TABLE {} {} RULE {};", QuoteQualified(Relation(ref)), what, QuoteIdentifier(r.name));
}

// Enabled state and comment going from `before` (null: a new rule) to `after`; `old_enabled`
// is the state before these statements.
void EnabledAndComment(const ir::Rule* before, char old_enabled, const diff::ElementRef& after,
                       std::vector<std::string>& out) {
  const ir::Rule& r = *after.rule;
  if (r.enabled != old_enabled) out.push_back(EnabledSql(after));
  std::optional<std::string> old_comment = before ? before->comment : std::nullopt;
  if (r.comment != old_comment) {
    out.push_back("COMMENT ON " + Target(after) + " IS " + (r.comment ? QuoteLiteral(*r.comment) : "NULL") + ";");
  }
}

std::vector<std::string> Create(const diff::ElementRef& ref) {
  std::vector<std::string> out{CreateSql(ref, false)};
  EnabledAndComment(nullptr, 'O', ref, out);
  return out;
}

std::vector<std::string> Drop(const diff::ElementRef& ref) { return {"DROP " + Target(ref) + ";"}; }

// CREATE OR REPLACE RULE updates the pg_rewrite row in place: the comment stays, the rule fires
// on origin again.
std::vector<std::string> Replace(const diff::ElementRef& before, const diff::ElementRef& after) {
  std::vector<std::string> out{CreateSql(after, true)};
  EnabledAndComment(before.rule, 'O', after, out);
  return out;
}

std::vector<std::string> Alter(const diff::ElementRef& before, const diff::ElementRef& after) {
  std::vector<std::string> out;
  EnabledAndComment(before.rule, before.rule->enabled, after, out);
  return out;
}

}  // namespace

const ObjectRenderer& RuleRenderer() {
  static const ObjectRenderer renderer{ir::ObjectKind::Rule, Create, Drop, Replace, Alter, Target};
  return renderer;
}

}  // namespace schemac::emit
