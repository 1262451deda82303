// CREATE POLICY with every part written out, DROP POLICY ... ON, ALTER POLICY for the roles and
// expressions, and COMMENT ON POLICY.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "emit/quote.h"
#include "emit/render_kinds.h"

namespace schemac::emit {

namespace {

std::string Target(const diff::ElementRef& ref) {
  return "POLICY " + QuoteIdentifier(ref.policy->name) + " ON " + QuoteQualified(ref.table->name);
}

std::string RolesSql(const ir::Policy& p) {
  if (p.roles.empty()) return "PUBLIC";
  std::string out;
  for (std::size_t i = 0; i < p.roles.size(); ++i) out += (i ? ", " : "") + QuoteIdentifier(p.roles[i]);
  return out;
}

const char* CommandSql(char command) {
  switch (command) {
    case 'r': return "SELECT";
    case 'a': return "INSERT";
    case 'w': return "UPDATE";
    case 'd': return "DELETE";
    default: return "ALL";
  }
}

std::string CreateSql(const diff::ElementRef& ref) {
  const ir::Policy& p = *ref.policy;
  std::string out = fmt::format("CREATE POLICY {} AS {} FOR {} TO {}", Target(ref).substr(7),
                                p.permissive ? "PERMISSIVE" : "RESTRICTIVE", CommandSql(p.command), RolesSql(p));
  if (p.using_expr) out += " USING (" + p.using_expr->text + ")";
  if (p.check_expr) out += " WITH CHECK (" + p.check_expr->text + ")";
  return out + ";";
}

void Comment(const ir::Policy* before, const diff::ElementRef& after, std::vector<std::string>& out) {
  const ir::Policy& p = *after.policy;
  std::optional<std::string> old_comment = before ? before->comment : std::nullopt;
  if (p.comment != old_comment) {
    out.push_back("COMMENT ON " + Target(after) + " IS " + (p.comment ? QuoteLiteral(*p.comment) : "NULL") + ";");
  }
}

std::vector<std::string> Create(const diff::ElementRef& ref) {
  std::vector<std::string> out{CreateSql(ref)};
  Comment(nullptr, ref, out);
  return out;
}

std::vector<std::string> Drop(const diff::ElementRef& ref) { return {"DROP " + Target(ref) + ";"}; }

// The differ never replaces a policy in place (Verdict::Rebuild drops and creates it).
std::vector<std::string> Replace(const diff::ElementRef& /*before*/, const diff::ElementRef& after) {
  return Create(after);
}

// ALTER POLICY with the parts that change (the differ rebuilds the policy when an expression
// goes, which ALTER POLICY cannot do).
std::vector<std::string> Alter(const diff::ElementRef& before, const diff::ElementRef& after) {
  const ir::Policy& b = *before.policy;
  const ir::Policy& a = *after.policy;
  std::vector<std::string> out;
  std::string alter;
  if (b.roles != a.roles) alter += " TO " + RolesSql(a);
  if (b.using_expr != a.using_expr && a.using_expr) alter += " USING (" + a.using_expr->text + ")";
  if (b.check_expr != a.check_expr && a.check_expr) alter += " WITH CHECK (" + a.check_expr->text + ")";
  if (!alter.empty()) out.push_back("ALTER " + Target(after) + alter + ";");
  Comment(&b, after, out);
  return out;
}

}  // namespace

const ObjectRenderer& PolicyRenderer() {
  static const ObjectRenderer renderer{ir::ObjectKind::Policy, Create, Drop, Replace, Alter, Target};
  return renderer;
}

}  // namespace schemac::emit
