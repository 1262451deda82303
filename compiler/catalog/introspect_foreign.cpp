// Foreign-data wrappers (pg_foreign_data_wrapper), servers (pg_foreign_server) and user mappings
// (pg_user_mappings), in one query. Foreign tables are relations: introspect_tables.cpp.
//
// They are database-wide: all of them are managed when no --include-schema / --exclude-schema
// narrows the scope, and none is read when one does (a narrowed plan must not drop the servers
// the rest of the database uses). A wrapper that belongs to an extension (postgres_fdw's) is
// never read. The options of a user mapping that hold a secret (ir::IsSecretOption) are removed
// in the query itself, so a password never leaves the server.
#include "compiler/catalog/introspect_context.h"

#include <algorithm>
#include <optional>
#include <string>

#include <fmt/format.h>

namespace schemac::catalog::internal {

namespace {

// SQL: `options` (a text[] of "name=value") without the options ir::IsSecretOption names.
std::string WithoutSecrets(const std::string& options) {
  std::string patterns;
  for (const std::string& w : ir::kSecretOptionWords) patterns += (patterns.empty() ? "'%" : ", '%") + w + "%'";
  return fmt::format(
      "ARRAY(SELECT o FROM pg_catalog.unnest({}) o "
      "WHERE NOT pg_catalog.lower(pg_catalog.split_part(o, '=', 1)) LIKE ANY (ARRAY[{}]))",
      options, patterns);
}

std::optional<ir::QualifiedName> Function(const pqxx::row& row, const char* schema, const char* name) {
  if (row[name].is_null()) return std::nullopt;
  return ir::QualifiedName{Text(row[schema]), Text(row[name])};
}

}  // namespace

void ReadForeignObjects(Context& ctx) {
  // Rows: kind ('w' wrapper, 's' server, 'm' mapping), name (wrapper, server; a mapping's server),
  // and per kind the rest. `visible`: pg_user_mappings shows a mapping's options only to its user,
  // the server's owner and superusers. Privileges: introspect_privileges.cpp.
  pqxx::result rows = ctx.Query(fmt::format(
      "SELECT 'w' AS kind, w.fdwname::pg_catalog.text AS name, NULL::pg_catalog.text AS other, "
      "  hn.nspname AS f1_schema, h.proname AS f1_name, vn.nspname AS f2_schema, v.proname AS f2_name, "
      "  NULL::pg_catalog.text AS type, NULL::pg_catalog.text AS version, w.fdwoptions::pg_catalog.text[] AS options, "
      "  pg_catalog.pg_get_userbyid(w.fdwowner) AS owner, d.description, "
      "  true AS visible "
      "FROM pg_catalog.pg_foreign_data_wrapper w "
      "LEFT JOIN pg_catalog.pg_proc h ON h.oid = w.fdwhandler "
      "LEFT JOIN pg_catalog.pg_namespace hn ON hn.oid = h.pronamespace "
      "LEFT JOIN pg_catalog.pg_proc v ON v.oid = w.fdwvalidator "
      "LEFT JOIN pg_catalog.pg_namespace vn ON vn.oid = v.pronamespace "
      "LEFT JOIN pg_catalog.pg_description d ON d.objoid = w.oid "
      "  AND d.classoid = 'pg_catalog.pg_foreign_data_wrapper'::pg_catalog.regclass AND d.objsubid = 0 "
      "WHERE {0} "
      "UNION ALL "
      "SELECT 's', s.srvname, w.fdwname, NULL, NULL, NULL, NULL, s.srvtype, s.srvversion, s.srvoptions, "
      "  pg_catalog.pg_get_userbyid(s.srvowner), d.description, true "
      "FROM pg_catalog.pg_foreign_server s "
      "JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid = s.srvfdw "
      "LEFT JOIN pg_catalog.pg_description d ON d.objoid = s.oid "
      "  AND d.classoid = 'pg_catalog.pg_foreign_server'::pg_catalog.regclass AND d.objsubid = 0 "
      "UNION ALL "
      "SELECT 'm', u.srvname, CASE WHEN u.umuser = 0 THEN '' ELSE u.usename::pg_catalog.text END, "
      "  NULL, NULL, NULL, NULL, NULL, NULL, {1}, NULL, NULL, "
      "  u.umoptions IS NOT NULL OR (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = CURRENT_USER) "
      "    OR (u.umuser = 0 AND pg_catalog.pg_has_role(s.srvowner, 'USAGE')) "
      "    OR (u.umuser <> 0 AND u.usename = CURRENT_USER AND (pg_catalog.pg_has_role(s.srvowner, 'USAGE') "
      "      OR pg_catalog.has_server_privilege(s.oid, 'USAGE'))) "
      "FROM pg_catalog.pg_user_mappings u JOIN pg_catalog.pg_foreign_server s ON s.oid = u.srvid "
      "ORDER BY 1, 2, 3",
      NotExtensionMember("pg_foreign_data_wrapper", "w.oid"), WithoutSecrets("u.umoptions")));
  // Database-wide objects are left alone when the scope is narrowed (see above).
  if (!ctx.options.include_schemas.empty() || !ctx.options.exclude_schemas.empty()) return;
  for (const auto& row : rows) {
    char kind = Text(row["kind"])[0];
    std::string name = Text(row["name"]);
    if (kind == 'm') {
      ir::UserMapping m;
      m.server = name;
      m.user = Text(row["other"]);
      std::string display = fmt::format("for {} server {}", m.user.empty() ? "PUBLIC" : m.user, m.server);
      if (!Bool(row["visible"])) {
        ctx.Unsupported("user mapping whose options the current role may not read,", display);
        continue;
      }
      m.options = FdwOptions(row["options"]);
      m.deps.keys = {ir::ServerKey(m.server)};
      ctx.db.user_mappings.emplace(std::make_pair(m.server, m.user), std::move(m));
      continue;
    }
    if (kind == 'w') {
      ir::ForeignDataWrapper w;
      w.name = name;
      w.handler = Function(row, "f1_schema", "f1_name");
      w.validator = Function(row, "f2_schema", "f2_name");
      for (const auto* f : {&w.handler, &w.validator}) {
        if (*f) w.deps.keys.push_back(ir::FuncKey(**f));
      }
      std::sort(w.deps.keys.begin(), w.deps.keys.end());
      w.deps.keys.erase(std::unique(w.deps.keys.begin(), w.deps.keys.end()), w.deps.keys.end());
      w.options = FdwOptions(row["options"]);
      w.owner = OptText(row["owner"]);
      w.comment = OptText(row["description"]);
      ctx.db.foreign_data_wrappers.emplace(w.name, std::move(w));
    } else {
      ir::ForeignServer s;
      s.name = name;
      s.wrapper = Text(row["other"]);
      s.type = OptText(row["type"]);
      s.version = OptText(row["version"]);
      s.options = FdwOptions(row["options"]);
      s.deps.keys = {ir::WrapperKey(s.wrapper)};
      s.owner = OptText(row["owner"]);
      s.comment = OptText(row["description"]);
      ctx.db.foreign_servers.emplace(s.name, std::move(s));
    }
  }
}

}  // namespace schemac::catalog::internal
