// CREATE [OR REPLACE] [CONSTRAINT] TRIGGER (on a table or a view) with every part written out, DROP TRIGGER ... ON,
// ALTER TABLE ... ENABLE / DISABLE TRIGGER and COMMENT ON TRIGGER. A new trigger is created
// enabled ('O'); any other state follows as an ALTER TABLE.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "emit/quote.h"
#include "emit/render_kinds.h"

namespace schemac::emit {

namespace {

// The table or view the trigger is on.
const ir::QualifiedName& Relation(const diff::ElementRef& ref) { return ref.table ? ref.table->name : ref.view->name; }

std::string Target(const diff::ElementRef& ref) {
  return "TRIGGER " + QuoteIdentifier(ref.trigger->name) + " ON " + QuoteQualified(Relation(ref));
}

std::string CreateSql(const diff::ElementRef& ref, bool or_replace) {
  const ir::Trigger& g = *ref.trigger;
  std::string out = fmt::format("CREATE {}{}TRIGGER {} ", or_replace ? "OR REPLACE " : "",
                                g.constraint ? "CONSTRAINT " : "", QuoteIdentifier(g.name));
  out += g.timing == 'b' ? "BEFORE" : g.timing == 'i' ? "INSTEAD OF" : "AFTER";
  std::vector<std::string> events;
  if (g.on_insert) events.push_back("INSERT");
  if (g.on_delete) events.push_back("DELETE");
  if (g.on_update) {
    std::string ev = "UPDATE";
    for (std::size_t i = 0; i < g.update_columns.size(); ++i) {
      ev += (i ? ", " : " OF ") + QuoteIdentifier(g.update_columns[i]);
    }
    events.push_back(ev);
  }
  if (g.on_truncate) events.push_back("TRUNCATE");
  for (std::size_t i = 0; i < events.size(); ++i) out += (i ? " OR " : " ") + events[i];
  out += " ON " + QuoteQualified(Relation(ref));
  if (g.from_table) out += " FROM " + QuoteQualified(*g.from_table);
  if (g.constraint) {
    out += g.deferrable ? (g.initially_deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE INITIALLY IMMEDIATE")
                        : " NOT DEFERRABLE";
  }
  if (!g.old_table.empty() || !g.new_table.empty()) {
    out += " REFERENCING";
    if (!g.old_table.empty()) out += " OLD TABLE AS " + QuoteIdentifier(g.old_table);
    if (!g.new_table.empty()) out += " NEW TABLE AS " + QuoteIdentifier(g.new_table);
  }
  out += g.for_each_row ? " FOR EACH ROW" : " FOR EACH STATEMENT";
  if (g.when) out += " WHEN (" + g.when->text + ")";
  out += " EXECUTE FUNCTION " + QuoteQualified(g.function) + "(";
  for (std::size_t i = 0; i < g.function_args.size(); ++i) out += (i ? ", " : "") + QuoteLiteral(g.function_args[i]);
  return out + ");";
}

std::string EnabledSql(const diff::ElementRef& ref) {
  const ir::Trigger& g = *ref.trigger;
  const char* what = g.enabled == 'D' ? "DISABLE" : g.enabled == 'A' ? "ENABLE ALWAYS" : g.enabled == 'R' ? "ENABLE REPLICA" : "ENABLE";
  return fmt::format("ALTER TABLE {} {} TRIGGER {};", QuoteQualified(Relation(ref)), what, QuoteIdentifier(g.name));
}

// Enabled state and comment going from `before` (null: a new trigger) to `after`; `old_enabled`
// is the state before these statements.
void EnabledAndComment(const ir::Trigger* before, char old_enabled, const diff::ElementRef& after,
                       std::vector<std::string>& out) {
  const ir::Trigger& g = *after.trigger;
  if (g.enabled != old_enabled) out.push_back(EnabledSql(after));
  std::optional<std::string> old_comment = before ? before->comment : std::nullopt;
  if (g.comment != old_comment) {
    out.push_back("COMMENT ON " + Target(after) + " IS " + (g.comment ? QuoteLiteral(*g.comment) : "NULL") + ";");
  }
}

std::vector<std::string> Create(const diff::ElementRef& ref) {
  std::vector<std::string> out{CreateSql(ref, false)};
  EnabledAndComment(nullptr, 'O', ref, out);
  return out;
}

std::vector<std::string> Drop(const diff::ElementRef& ref) { return {"DROP " + Target(ref) + ";"}; }

// CREATE OR REPLACE TRIGGER keeps the comment of the existing trigger (same oid) but writes a
// new pg_trigger row, enabled ('O').
std::vector<std::string> Replace(const diff::ElementRef& before, const diff::ElementRef& after) {
  std::vector<std::string> out{CreateSql(after, true)};
  EnabledAndComment(before.trigger, 'O', after, out);
  return out;
}

std::vector<std::string> Alter(const diff::ElementRef& before, const diff::ElementRef& after) {
  std::vector<std::string> out;
  EnabledAndComment(before.trigger, before.trigger->enabled, after, out);
  return out;
}

}  // namespace

const ObjectRenderer& TriggerRenderer() {
  static const ObjectRenderer renderer{ir::ObjectKind::Trigger, Create, Drop, Replace, Alter, Target};
  return renderer;
}

}  // namespace schemac::emit
