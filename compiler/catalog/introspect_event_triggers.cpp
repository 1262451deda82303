// Event triggers (pg_event_trigger), in one query. They are database-wide; one is in the managed
// scope when its function's schema is (so the plan can create and drop it with its function),
// and an event trigger that belongs to an extension is never read.
#include "compiler/catalog/introspect_context.h"

#include <string>

#include <fmt/format.h>

namespace schemac::catalog::internal {

void ReadEventTriggers(Context& ctx) {
  pqxx::result rows = ctx.Query(fmt::format(
      "SELECT e.evtname, e.evtevent, e.evtenabled, e.evttags::pg_catalog.text[] AS tags, "
      "  fn.nspname AS func_schema, p.proname AS func_name, "
      "  pg_catalog.pg_get_userbyid(e.evtowner) AS owner, d.description "
      "FROM pg_catalog.pg_event_trigger e "
      "JOIN pg_catalog.pg_proc p ON p.oid = e.evtfoid "
      "JOIN pg_catalog.pg_namespace fn ON fn.oid = p.pronamespace "
      "LEFT JOIN pg_catalog.pg_description d ON d.objoid = e.oid "
      "  AND d.classoid = 'pg_catalog.pg_event_trigger'::pg_catalog.regclass AND d.objsubid = 0 "
      "WHERE {} "
      "ORDER BY e.evtname",
      NotExtensionMember("pg_event_trigger", "e.oid")));
  for (const auto& row : rows) {
    ir::EventTrigger e;
    e.function = {Text(row["func_schema"]), Text(row["func_name"])};
    if (!ctx.InScope(e.function.schema)) continue;
    e.name = Text(row["evtname"]);
    e.event = Text(row["evtevent"]);
    e.tags = TextArray(row["tags"]);
    e.enabled = Text(row["evtenabled"])[0];
    e.owner = OptText(row["owner"]);
    e.comment = OptText(row["description"]);
    e.deps.keys = {ir::FuncKey(e.function)};
    ctx.db.event_triggers[e.name] = std::move(e);
  }
}

}  // namespace schemac::catalog::internal
