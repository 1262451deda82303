// Rules of the tables and views in scope (pg_rewrite rows other than a view's own "_RETURN"), in
// one query: the event, DO INSTEAD, the enabled state and the comment from the row, the WHERE
// condition and the actions from pg_get_ruledef (kept in Rule::catalog_definition and parsed by
// canon::NormalizeCatalogExpressions with the SQL front end's parse + deparse), dependencies from
// pg_depend (relations, their columns, functions).
#include "compiler/catalog/introspect_context.h"

#include <algorithm>
#include <map>
#include <string>

#include <fmt/format.h>

namespace schemac::catalog::internal {

void ReadRules(Context& ctx) {
  pqxx::result rows = ctx.Query(fmt::format(
      "SELECT c.relkind, n.nspname, c.relname, w.rulename, w.ev_type, w.is_instead, w.ev_enabled, "
      "  pg_catalog.pg_get_ruledef(w.oid) AS def, d.description, "
      "  {} AS deps "
      "FROM pg_catalog.pg_rewrite w "
      "JOIN pg_catalog.pg_class c ON c.oid = w.ev_class "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "LEFT JOIN pg_catalog.pg_description d ON d.objoid = w.oid "
      "  AND d.classoid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND d.objsubid = 0 "
      "WHERE w.rulename <> '_RETURN' AND c.relkind IN ('r', 'v') AND {} AND {} "
      "ORDER BY n.nspname, c.relname, w.rulename",
      DependencyKeysSql("pg_rewrite", "w.oid"), kUserSchema, NotExtensionMember("pg_class", "c.oid")));
  for (const auto& row : rows) {
    ir::QualifiedName rel{Text(row["nspname"]), Text(row["relname"])};
    std::map<std::string, ir::Rule>* rules = nullptr;
    if (Text(row["relkind"]) == "r") {
      auto t = ctx.db.tables.find(rel);
      if (t != ctx.db.tables.end()) rules = &t->second.rules;
    } else {
      auto v = ctx.db.views.find(rel);
      if (v != ctx.db.views.end()) rules = &v->second.rules;
    }
    if (!rules) continue;  // not in scope
    ir::Rule r;
    r.name = Text(row["rulename"]);
    r.event = Text(row["ev_type"])[0];
    r.instead = Bool(row["is_instead"]);
    r.enabled = Text(row["ev_enabled"])[0];
    r.comment = OptText(row["description"]);
    r.catalog_definition.text = Text(row["def"]);
    r.deps.keys = TextArray(row["deps"]);
    r.deps.keys.push_back(ir::RelKey(rel));
    std::sort(r.deps.keys.begin(), r.deps.keys.end());
    r.deps.keys.erase(std::unique(r.deps.keys.begin(), r.deps.keys.end()), r.deps.keys.end());
    (*rules)[r.name] = std::move(r);
  }
}

}  // namespace schemac::catalog::internal
