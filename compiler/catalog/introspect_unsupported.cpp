// Objects in the managed scope that the IR cannot represent yet. They are reported as
// catalog.unsupported errors, because a plan computed while ignoring them could be wrong (a
// function used by a default, a trigger that a column drop would break, ...).
#include "compiler/catalog/introspect_context.h"

#include <string>

#include <fmt/format.h>

namespace schemac::catalog::internal {

void ReadUnsupportedObjects(Context& ctx) {
  // One UNION ALL query: (kind, schema, display name). Auto-generated array types (their
  // element points back with typarray) and table row types (typrelid of a real relation) are
  // part of other objects and not listed.
  std::string sql = fmt::format(
      "SELECT 'window function' AS kind, n.nspname, "
      "  pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(p.proname) || '(' || "
      "    pg_catalog.pg_get_function_identity_arguments(p.oid) || ')' AS name, NULL AS object "
      "FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
      "WHERE p.prokind = 'w' AND {0} AND {1} "
      "UNION ALL "
      "SELECT CASE t.typtype WHEN 'd' THEN 'domain' WHEN 'r' THEN 'range type' WHEN 'c' THEN 'composite type' "
      "    ELSE 'base type' END, n.nspname, "
      "  pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(t.typname), NULL "
      "FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
      "WHERE {0} AND {2} AND ("
      "  (t.typtype = 'b' AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type el WHERE el.typarray = t.oid))) "
      "UNION ALL "
      "SELECT 'trigger', n.nspname, pg_catalog.quote_ident(g.tgname) || ' on relation ' || "
      "  pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname), "
      "  pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname) || '.' || "
      "  pg_catalog.quote_ident(g.tgname) "
      "FROM pg_catalog.pg_trigger g JOIN pg_catalog.pg_class c ON c.oid = g.tgrelid "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE NOT g.tgisinternal AND c.relkind NOT IN ('r', 'p', 'v') AND {0} AND {3} "
      "UNION ALL "
      "SELECT 'rule', n.nspname, pg_catalog.quote_ident(w.rulename) || ' on table ' || "
      "  pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname), "
      "  pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname) || '.' || "
      "  pg_catalog.quote_ident(w.rulename) "
      "FROM pg_catalog.pg_rewrite w JOIN pg_catalog.pg_class c ON c.oid = w.ev_class "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE w.rulename <> '_RETURN' AND c.relkind NOT IN ('r', 'v') AND {0} AND {3} "
      "UNION ALL "
      "SELECT 'statistics object', n.nspname, pg_catalog.quote_ident(n.nspname) || '.' || "
      "  pg_catalog.quote_ident(s.stxname), NULL "
      "FROM pg_catalog.pg_statistic_ext s JOIN pg_catalog.pg_namespace n ON n.oid = s.stxnamespace "
      "WHERE {0} AND {4} "
      "UNION ALL "

      "SELECT 'operator', n.nspname, pg_catalog.quote_ident(n.nspname) || '.' || o.oprname, NULL "
      "FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace "
      "WHERE {0} AND {6} "
      "UNION ALL "
      "SELECT 'text search configuration', n.nspname, pg_catalog.quote_ident(n.nspname) || '.' || "
      "  pg_catalog.quote_ident(cfg.cfgname), NULL "
      "FROM pg_catalog.pg_ts_config cfg JOIN pg_catalog.pg_namespace n ON n.oid = cfg.cfgnamespace "
      "WHERE {0} AND {7} "
      "ORDER BY 2, 1, 3",
      kUserSchema, NotExtensionMember("pg_proc", "p.oid"), NotExtensionMember("pg_type", "t.oid"),
      NotExtensionMember("pg_class", "c.oid"), NotExtensionMember("pg_statistic_ext", "s.oid"),
      NotExtensionMember("pg_collation", "co.oid"), NotExtensionMember("pg_operator", "o.oid"),
      NotExtensionMember("pg_ts_config", "cfg.oid"));
  pqxx::result rows = ctx.Query(sql);
  for (const auto& row : rows) {
    if (!ctx.InScope(Text(row[1]))) continue;
    ctx.Unsupported(Text(row[0]), Text(row[2]), Text(row[3]));
  }
}

}  // namespace schemac::catalog::internal
