// Rules (sub-objects of a table or a view) for the generic object differ (diff/objects.h).
//
// A different definition (event, DO INSTEAD, WHERE condition, actions) replaces the rule (CREATE
// OR REPLACE RULE). The enabled state (ALTER TABLE ... ENABLE / DISABLE RULE) and the comment are
// changed in place. Dependencies are the relation and what the condition and actions use, so a
// rule is rebuilt with its view, or when a relation its actions write is recreated.
#include "diff/objects_kinds.h"

namespace schemac::diff {

namespace {

void List(const ir::Database& db, std::vector<ObjectEntry>& out) {
  for (const auto& [tname, t] : db.tables) {
    for (const auto& [name, r] : t.rules) {
      ObjectEntry e;
      e.id = ir::ObjectId{ir::ObjectKind::Rule, tname.schema, tname.name, name};
      e.ref.table = &t;
      e.ref.rule = &r;
      out.push_back(e);
    }
  }
  for (const auto& [vname, v] : db.views) {
    for (const auto& [name, r] : v.rules) {
      ObjectEntry e;
      e.id = ir::ObjectId{ir::ObjectKind::Rule, vname.schema, vname.name, name};
      e.ref.view = &v;
      e.ref.rule = &r;
      out.push_back(e);
    }
  }
}

// The definition: everything but the enabled state and the comment.
bool SameDefinition(ir::Rule a, ir::Rule b) {
  a.enabled = b.enabled;
  a.comment = b.comment;
  return a == b;
}

Comparison Compare(const ElementRef& before, const ElementRef& after, bool /*owners*/) {
  const ir::Rule& b = *before.rule;
  const ir::Rule& a = *after.rule;
  if (!SameDefinition(b, a)) return {Verdict::Replace, "the rule's definition changes"};
  if (b.enabled != a.enabled || b.comment != a.comment) return {Verdict::Alter, ""};
  return {Verdict::Same, ""};
}

const std::vector<std::string>& Deps(const ElementRef& ref) { return ref.rule->deps.keys; }

// Nothing refers to a rule.
std::vector<std::string> Provides(const ElementRef&) { return {}; }

}  // namespace

const ObjectKindHandler& RuleHandler() {
  static const ObjectKindHandler handler{ir::ObjectKind::Rule, List, Compare, Deps, Provides};
  return handler;
}

}  // namespace schemac::diff
