// CREATE EVENT TRIGGER with every part written out, DROP EVENT TRIGGER, ALTER EVENT TRIGGER ...
// ENABLE / DISABLE / OWNER TO and COMMENT ON EVENT TRIGGER. A new event trigger is enabled
// ('O'); any other state follows as an ALTER EVENT TRIGGER.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "emit/quote.h"
#include "emit/render_kinds.h"

namespace schemac::emit {

namespace {

std::string Target(const diff::ElementRef& ref) { return "EVENT TRIGGER " + QuoteIdentifier(ref.event_trigger->name); }

std::string CreateSql(const ir::EventTrigger& e) {
  std::string out = fmt::format("CREATE EVENT TRIGGER {} ON {}", QuoteIdentifier(e.name), QuoteIdentifier(e.event));
  for (std::size_t i = 0; i < e.tags.size(); ++i) out += (i ? ", " : " WHEN TAG IN (") + QuoteLiteral(e.tags[i]);
  if (!e.tags.empty()) out += ")";
  return out + " EXECUTE FUNCTION " + QuoteQualified(e.function) + "();";
}

// Enabled state, comment and owner going from `before` (null: a new event trigger) to `after`.
void Properties(const ir::EventTrigger* before, const diff::ElementRef& after, std::vector<std::string>& out) {
  const ir::EventTrigger& e = *after.event_trigger;
  char old_enabled = before ? before->enabled : 'O';
  if (e.enabled != old_enabled) {
    const char* what = e.enabled == 'D'   ? "DISABLE"
                       : e.enabled == 'A' ? "ENABLE ALWAYS"
                       : e.enabled == 'R' ? "ENABLE REPLICA"
                                          : "ENABLE";
    out.push_back(fmt::format("ALTER {} {};", Target(after), what));
  }
  std::optional<std::string> old_comment = before ? before->comment : std::nullopt;
  if (e.comment != old_comment) {
    out.push_back("COMMENT ON " + Target(after) + " IS " + (e.comment ? QuoteLiteral(*e.comment) : "NULL") + ";");
  }
  if (before && e.owner && before->owner != e.owner) {
    out.push_back("ALTER " + Target(after) + " OWNER TO " + QuoteIdentifier(*e.owner) + ";");
  }
}

std::vector<std::string> Create(const diff::ElementRef& ref) {
  std::vector<std::string> out{CreateSql(*ref.event_trigger)};
  Properties(nullptr, ref, out);
  return out;
}

std::vector<std::string> Drop(const diff::ElementRef& ref) { return {"DROP " + Target(ref) + ";"}; }

// Never chosen by the differ (an event trigger is rebuilt, not replaced); kept total.
std::vector<std::string> Replace(const diff::ElementRef& before, const diff::ElementRef& after) {
  std::vector<std::string> out = Drop(before);
  for (std::string& s : Create(after)) out.push_back(std::move(s));
  return out;
}

std::vector<std::string> Alter(const diff::ElementRef& before, const diff::ElementRef& after) {
  std::vector<std::string> out;
  Properties(before.event_trigger, after, out);
  return out;
}

}  // namespace

const ObjectRenderer& EventTriggerRenderer() {
  static const ObjectRenderer renderer{ir::ObjectKind::EventTrigger, Create, Drop, Replace, Alter, Target};
  return renderer;
}

}  // namespace schemac::emit
