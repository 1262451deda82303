// Event triggers (database-wide) for the generic object differ (diff/objects.h).
//
// There is no CREATE OR REPLACE EVENT TRIGGER: a different event, tag filter or function rebuilds
// the event trigger. The enabled state, the comment and (when owners are compared) the owner
// change in place. The function is its dependency, so a rebuilt function rebuilds it.
#include "diff/objects_kinds.h"

namespace schemac::diff {

namespace {

void List(const ir::Database& db, std::vector<ObjectEntry>& out) {
  for (const auto& [name, e] : db.event_triggers) {
    ObjectEntry entry;
    entry.id = ir::ObjectId{ir::ObjectKind::EventTrigger, "", name, ""};
    entry.ref.event_trigger = &e;
    out.push_back(entry);
  }
}

Comparison Compare(const ElementRef& before, const ElementRef& after, bool owners) {
  const ir::EventTrigger& b = *before.event_trigger;
  const ir::EventTrigger& a = *after.event_trigger;
  if (b.event != a.event || b.tags != a.tags || b.function != a.function) {
    return {Verdict::Rebuild, "the event trigger's event, tags or function change"};
  }
  bool owner_changes = owners && a.owner && b.owner != a.owner;
  if (b.enabled != a.enabled || b.comment != a.comment || owner_changes) return {Verdict::Alter, ""};
  return {Verdict::Same, ""};
}

const std::vector<std::string>& Deps(const ElementRef& ref) { return ref.event_trigger->deps.keys; }

// Nothing refers to an event trigger.
std::vector<std::string> Provides(const ElementRef&) { return {}; }

}  // namespace

const ObjectKindHandler& EventTriggerHandler() {
  static const ObjectKindHandler handler{ir::ObjectKind::EventTrigger, List, Compare, Deps, Provides};
  return handler;
}

}  // namespace schemac::diff
