// Triggers (sub-objects of a table or a view) for the generic object differ (diff/objects.h).
//
// A different definition replaces the trigger (CREATE OR REPLACE TRIGGER, PostgreSQL 14+), except
// for constraint triggers, which PostgreSQL cannot replace: those are rebuilt. The enabled state
// (ALTER TABLE ... ENABLE / DISABLE TRIGGER) and the comment are changed in place. A trigger of a
// dropped table gets its own DropObject, ordered before the DropTable by the generic rule (it
// uses the table's key), so that the rollback re-creates it after the table. A trigger of a view
// depends on the view's key, so a rebuilt view rebuilds its triggers (DiffObjects).
#include "diff/objects_kinds.h"

namespace schemac::diff {

namespace {

void List(const ir::Database& db, std::vector<ObjectEntry>& out) {
  for (const auto& [tname, t] : db.tables) {
    for (const auto& [name, g] : t.triggers) {
      ObjectEntry e;
      e.id = ir::ObjectId{ir::ObjectKind::Trigger, tname.schema, tname.name, name};
      e.ref.table = &t;
      e.ref.trigger = &g;
      out.push_back(e);
    }
  }
  for (const auto& [vname, v] : db.views) {
    for (const auto& [name, g] : v.triggers) {
      ObjectEntry e;
      e.id = ir::ObjectId{ir::ObjectKind::Trigger, vname.schema, vname.name, name};
      e.ref.view = &v;
      e.ref.trigger = &g;
      out.push_back(e);
    }
  }
}

// The definition: everything but the enabled state, the comment (and dependencies and span,
// which never take part in equality).
bool SameDefinition(ir::Trigger a, ir::Trigger b) {
  a.enabled = b.enabled;
  a.comment = b.comment;
  return a == b;
}

Comparison Compare(const ElementRef& before, const ElementRef& after, bool /*owners*/) {
  const ir::Trigger& b = *before.trigger;
  const ir::Trigger& a = *after.trigger;
  if (!SameDefinition(b, a)) {
    if (b.constraint || a.constraint) return {Verdict::Rebuild, "the constraint trigger's definition changes"};
    return {Verdict::Replace, "the trigger's definition changes"};
  }
  if (b.enabled != a.enabled || b.comment != a.comment) return {Verdict::Alter, ""};
  return {Verdict::Same, ""};
}

const std::vector<std::string>& Deps(const ElementRef& ref) { return ref.trigger->deps.keys; }

// Nothing refers to a trigger.
std::vector<std::string> Provides(const ElementRef&) { return {}; }

}  // namespace

const ObjectKindHandler& TriggerHandler() {
  static const ObjectKindHandler handler{ir::ObjectKind::Trigger, List, Compare, Deps, Provides};
  return handler;
}

}  // namespace schemac::diff
