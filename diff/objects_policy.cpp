// Row-level security policies (sub-objects of a table) for the generic object differ
// (diff/objects.h).
//
// ALTER POLICY changes the roles, the USING and the WITH CHECK expression in place; it cannot
// change the command or PERMISSIVE / RESTRICTIVE, nor remove an expression, so those changes drop
// and create the policy. Dependencies are the table, the columns the expressions read and the
// relations, functions and types they name, so a policy is rebuilt around a retyped column (which
// PostgreSQL refuses while a policy reads it).
#include "diff/objects_kinds.h"

namespace schemac::diff {

namespace {

void List(const ir::Database& db, std::vector<ObjectEntry>& out) {
  for (const auto& [tname, t] : db.tables) {
    for (const auto& [name, p] : t.policies) {
      ObjectEntry e;
      e.id = ir::ObjectId{ir::ObjectKind::Policy, tname.schema, tname.name, name};
      e.ref.table = &t;
      e.ref.policy = &p;
      out.push_back(e);
    }
  }
}

Comparison Compare(const ElementRef& before, const ElementRef& after, bool /*owners*/) {
  const ir::Policy& b = *before.policy;
  const ir::Policy& a = *after.policy;
  if (b.command != a.command) return {Verdict::Rebuild, "the policy's command changes"};
  if (b.permissive != a.permissive) return {Verdict::Rebuild, "the policy changes between PERMISSIVE and RESTRICTIVE"};
  if ((b.using_expr && !a.using_expr) || (b.check_expr && !a.check_expr)) {
    return {Verdict::Rebuild, "the policy loses its USING or WITH CHECK expression (ALTER POLICY cannot remove one)"};
  }
  if (b.roles != a.roles || b.using_expr != a.using_expr || b.check_expr != a.check_expr || b.comment != a.comment) {
    return {Verdict::Alter, ""};
  }
  return {Verdict::Same, ""};
}

const std::vector<std::string>& Deps(const ElementRef& ref) { return ref.policy->deps.keys; }

// Nothing refers to a policy.
std::vector<std::string> Provides(const ElementRef&) { return {}; }

}  // namespace

const ObjectKindHandler& PolicyHandler() {
  static const ObjectKindHandler handler{ir::ObjectKind::Policy, List, Compare, Deps, Provides};
  return handler;
}

}  // namespace schemac::diff
