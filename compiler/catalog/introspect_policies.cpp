// Row-level security policies of the tables in scope (pg_policy), in one query: the command,
// PERMISSIVE / RESTRICTIVE, the roles (PUBLIC as none), USING and WITH CHECK from pg_get_expr
// (normalized by canon::NormalizeCatalogExpressions like every stored expression), the comment,
// and dependencies from pg_depend (relations, their columns, functions, types).
#include "compiler/catalog/introspect_context.h"

#include <algorithm>
#include <string>

#include <fmt/format.h>

namespace schemac::catalog::internal {

void ReadPolicies(Context& ctx) {
  pqxx::result rows = ctx.Query(fmt::format(
      "SELECT n.nspname, c.relname, p.polname, p.polcmd, p.polpermissive, "
      "  ARRAY(SELECT pg_catalog.pg_get_userbyid(r) FROM pg_catalog.unnest(p.polroles) AS r "
      "        WHERE r <> 0 ORDER BY 1) AS roles, "
      "  pg_catalog.pg_get_expr(p.polqual, p.polrelid) AS qual, "
      "  pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) AS with_check, d.description, "
      "  {} AS deps "
      "FROM pg_catalog.pg_policy p "
      "JOIN pg_catalog.pg_class c ON c.oid = p.polrelid "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "LEFT JOIN pg_catalog.pg_description d ON d.objoid = p.oid "
      "  AND d.classoid = 'pg_catalog.pg_policy'::pg_catalog.regclass AND d.objsubid = 0 "
      "WHERE c.relkind IN ('r', 'p') AND {} AND {} "
      "ORDER BY n.nspname, c.relname, p.polname",
      DependencyKeysSql("pg_policy", "p.oid"), kUserSchema, NotExtensionMember("pg_class", "c.oid")));
  for (const auto& row : rows) {
    ir::QualifiedName rel{Text(row["nspname"]), Text(row["relname"])};
    auto t = ctx.db.tables.find(rel);
    if (t == ctx.db.tables.end()) continue;  // not in scope
    ir::Policy p;
    p.name = Text(row["polname"]);
    p.command = Text(row["polcmd"])[0];
    p.permissive = Bool(row["polpermissive"]);
    p.roles = TextArray(row["roles"]);
    if (auto q = OptText(row["qual"])) p.using_expr = ir::Expr{*q};
    if (auto q = OptText(row["with_check"])) p.check_expr = ir::Expr{*q};
    p.comment = OptText(row["description"]);
    p.deps.keys = TextArray(row["deps"]);
    p.deps.keys.push_back(ir::RelKey(rel));
    std::sort(p.deps.keys.begin(), p.deps.keys.end());
    p.deps.keys.erase(std::unique(p.deps.keys.begin(), p.deps.keys.end()), p.deps.keys.end());
    t->second.policies[p.name] = std::move(p);
  }
}

}  // namespace schemac::catalog::internal
