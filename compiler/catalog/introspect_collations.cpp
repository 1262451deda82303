// Collations (pg_collation) of the managed schemas, in one query. PostgreSQL 15 keeps an ICU
// collation's locale in colliculocale (collcollate and collctype are NULL); the IR holds it in
// both locale fields, as the SQL front end does.
#include "compiler/catalog/introspect_context.h"

#include <string>

#include <fmt/format.h>

namespace schemac::catalog::internal {

void ReadCollations(Context& ctx) {
  pqxx::result rows = ctx.Query(fmt::format(
      "SELECT n.nspname, co.collname, co.collprovider::pg_catalog.text AS provider, co.collisdeterministic, "
      "  co.collcollate, co.collctype, co.colliculocale, pg_catalog.pg_get_userbyid(co.collowner) AS owner, "
      "  d.description "
      "FROM pg_catalog.pg_collation co "
      "JOIN pg_catalog.pg_namespace n ON n.oid = co.collnamespace "
      "LEFT JOIN pg_catalog.pg_description d ON d.objoid = co.oid "
      "  AND d.classoid = 'pg_catalog.pg_collation'::pg_catalog.regclass AND d.objsubid = 0 "
      "WHERE {0} AND {1} "
      "ORDER BY n.nspname, co.collname",
      kUserSchema, NotExtensionMember("pg_collation", "co.oid")));
  for (const auto& row : rows) {
    std::string schema = Text(row["nspname"]);
    if (!ctx.InScope(schema)) continue;
    ir::Collation c;
    c.name = {schema, Text(row["collname"])};
    std::string provider = Text(row["provider"]);
    if (provider != "c" && provider != "i") {
      ctx.Unsupported("collation with provider \"" + provider + "\"", ir::DisplayName(c.name));
      continue;
    }
    c.provider = provider[0];
    if (c.provider == 'i') {
      c.lc_collate = c.lc_ctype = OptText(row["colliculocale"]).value_or("");
    } else {
      c.lc_collate = OptText(row["collcollate"]).value_or("");
      c.lc_ctype = OptText(row["collctype"]).value_or("");
    }
    c.deterministic = Bool(row["collisdeterministic"]);
    c.comment = OptText(row["description"]);
    c.owner = OptText(row["owner"]);
    ctx.db.collations[c.name] = std::move(c);
  }
}

}  // namespace schemac::catalog::internal
