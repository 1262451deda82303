// Privileges (GRANT / REVOKE): the aclitems of relations, columns, schemas, routines and types,
// exploded by aclexplode, the owner's own left out, and kept only where they differ from the
// kind's default (ir::DefaultPrivileges). A NULL acl is the default (acldefault).
// Default privileges (ALTER DEFAULT PRIVILEGES): the pg_default_acl entries, global or of a
// schema in scope, in the same query, the role's own left out, kept where they differ from
// ir::BuiltinDefaultPrivileges; the entries of the connecting role are recorded with role "".
#include "compiler/catalog/introspect_context.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace schemac::catalog::internal {

void ReadPrivileges(Context& ctx) {
  // One row per (object, aclitem) of objects in user schemas that are no extension's.
  const std::string grantee =
      "CASE WHEN a.grantee = 0 THEN '' ELSE pg_catalog.pg_get_userbyid(a.grantee)::pg_catalog.text END";
  pqxx::result rows = ctx.Query(fmt::format(
      "SELECT x.kind, x.schema, x.name, x.col, x.func_oid, x.grantee, x.privilege, x.grantable, x.own FROM ("
      "  SELECT CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END AS kind, n.nspname::pg_catalog.text AS schema, "
      "    c.relname::pg_catalog.text AS name, ''::pg_catalog.text AS col, 0::pg_catalog.int8 AS func_oid, "
      "    {0} AS grantee, a.privilege_type AS privilege, a.is_grantable AS grantable, a.grantee = c.relowner AS own "
      "  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "  CROSS JOIN LATERAL pg_catalog.aclexplode(COALESCE(c.relacl, pg_catalog.acldefault("
      "    CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END::\"char\", c.relowner))) a "
      "  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND {1} AND {2} "
      "  UNION ALL "
      "  SELECT 'c', n.nspname, c.relname, att.attname, 0, {0}, a.privilege_type, a.is_grantable, "
      "    a.grantee = c.relowner "
      "  FROM pg_catalog.pg_attribute att JOIN pg_catalog.pg_class c ON c.oid = att.attrelid "
      "  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "  CROSS JOIN LATERAL pg_catalog.aclexplode(att.attacl) a "
      "  WHERE att.attacl IS NOT NULL AND att.attnum > 0 AND NOT att.attisdropped AND c.relkind IN ('r', 'p', 'f') "
      "    AND {1} AND {2} "
      "  UNION ALL "
      "  SELECT 'n', n.nspname, '', '', 0, {0}, a.privilege_type, a.is_grantable, a.grantee = n.nspowner "
      "  FROM pg_catalog.pg_namespace n "
      "  CROSS JOIN LATERAL pg_catalog.aclexplode(COALESCE(n.nspacl, pg_catalog.acldefault('n', n.nspowner))) a "
      "  WHERE {1} AND {3} "
      "  UNION ALL "
      "  SELECT 'f', n.nspname, p.proname, '', p.oid::pg_catalog.int8, {0}, a.privilege_type, a.is_grantable, "
      "    a.grantee = p.proowner "
      "  FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
      "  CROSS JOIN LATERAL pg_catalog.aclexplode(COALESCE(p.proacl, pg_catalog.acldefault('f', p.proowner))) a "
      "  WHERE {1} AND {4} "
      "  UNION ALL "
      "  SELECT 'T', n.nspname, t.typname, '', 0, {0}, a.privilege_type, a.is_grantable, a.grantee = t.typowner "
      "  FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
      "  CROSS JOIN LATERAL pg_catalog.aclexplode(COALESCE(t.typacl, pg_catalog.acldefault('T', t.typowner))) a "
      "  WHERE (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_catalog.pg_class r "
      "    WHERE r.oid = t.typrelid AND r.relkind = 'c'))) AND {1} AND {5} "
      "  UNION ALL "
      "  SELECT 'S', '', s.srvname::pg_catalog.text, '', 0, {0}, a.privilege_type, a.is_grantable, "
      "    a.grantee = s.srvowner "
      "  FROM pg_catalog.pg_foreign_server s CROSS JOIN LATERAL pg_catalog.aclexplode(s.srvacl) a "
      "  UNION ALL "
      "  SELECT 'W', '', w.fdwname::pg_catalog.text, '', 0, {0}, a.privilege_type, a.is_grantable, "
      "    a.grantee = w.fdwowner "
      "  FROM pg_catalog.pg_foreign_data_wrapper w CROSS JOIN LATERAL pg_catalog.aclexplode(w.fdwacl) a "
      "  WHERE {6} "
      // ALTER DEFAULT PRIVILEGES: one row per aclitem of each pg_default_acl entry, global or of a
      // user schema (kind 'D', name: its role, '' for the current one; col: its object kind), and
      // one with a NULL privilege for an empty acl, so that every entry is seen; the role's own
      // rows are kept (x.own) to see entries holding nothing else.
      "  UNION ALL "
      "  SELECT 'D', COALESCE(n.nspname::pg_catalog.text, ''), "
      "    CASE WHEN pg_catalog.pg_get_userbyid(d.defaclrole) = CURRENT_USER THEN '' "
      "    ELSE pg_catalog.pg_get_userbyid(d.defaclrole)::pg_catalog.text END, "
      "    CASE d.defaclobjtype WHEN 'S' THEN 's' ELSE d.defaclobjtype::pg_catalog.text END, 0, "
      "    CASE WHEN a.grantee = 0 THEN '' ELSE pg_catalog.pg_get_userbyid(a.grantee)::pg_catalog.text END, "
      "    a.privilege_type, a.is_grantable, a.grantee IS NOT DISTINCT FROM d.defaclrole "
      "  FROM pg_catalog.pg_default_acl d LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace "
      "  LEFT JOIN LATERAL pg_catalog.aclexplode(d.defaclacl) a ON true "
      "  WHERE d.defaclnamespace = 0 OR ({1}) "
      ") x WHERE NOT x.own OR x.kind = 'D' ORDER BY 1, 2, 3, 4, 5, 6, 7",
      grantee, kUserSchema, NotExtensionMember("pg_class", "c.oid"), NotExtensionMember("pg_namespace", "n.oid"),
      NotExtensionMember("pg_proc", "p.oid"), NotExtensionMember("pg_type", "t.oid"),
      NotExtensionMember("pg_foreign_data_wrapper", "w.oid")));
  std::map<ir::PrivilegeTarget, std::vector<ir::Grant>> all;
  std::map<ir::DefaultPrivilegeKey, std::vector<ir::Grant>> defaults;  // every entry, default or not
  std::map<ir::PrivilegeTarget, std::vector<ir::Grant>> identity_sequences;
  for (const auto& row : rows) {
    std::string schema = Text(row["schema"]);
    if (Text(row["kind"]) == "D") {
      if (!schema.empty() && !ctx.InScope(schema)) continue;
      std::vector<ir::Grant>& grants = defaults[ir::DefaultPrivilegeKey{Text(row["name"]), schema, Text(row["col"])[0]}];
      if (row["privilege"].is_null() || Bool(row["own"])) continue;  // the role's own are left out
      grants.push_back(ir::Grant{Text(row["grantee"]), Text(row["privilege"]), Bool(row["grantable"])});
      continue;
    }
    // Servers and wrappers belong to no schema: read only when they are (introspect_foreign.cpp).
    bool database_wide = Text(row["kind"]) == "S" || Text(row["kind"]) == "W";
    if (!database_wide && !ctx.InScope(schema)) continue;
    ir::PrivilegeTarget target;
    target.kind = Text(row["kind"])[0];
    target.schema = schema;
    target.name = Text(row["name"]);
    target.column = Text(row["col"]);
    ir::QualifiedName q{schema, target.name};
    switch (target.kind) {
      case 'f': {
        auto f = ctx.functions.find(Int(row["func_oid"]));
        if (f == ctx.functions.end()) continue;  // a routine not read (out of scope)
        target.name = f->second.name;
        break;
      }
      case 'r':
        if (!ctx.db.tables.count(q) && !ctx.db.views.count(q)) continue;
        break;
      case 'c':
        if (!ctx.db.tables.count(q)) continue;
        break;
      case 's':
        // Identity sequences are part of their column: their privileges are not modelled.
        if (!ctx.db.sequences.count(q)) {
          bool identity = false;
          for (const auto& [tn, t] : ctx.db.tables) {
            for (const ir::Column& c : t.columns) {
              identity = identity || (tn.schema == schema && c.identity && c.identity->sequence_name == target.name);
            }
          }
          if (identity) {
            identity_sequences[target].push_back(
                ir::Grant{Text(row["grantee"]), Text(row["privilege"]), Bool(row["grantable"])});
          }
          continue;
        }
        break;
      case 'T':
        if (!ctx.db.enums.count(q) && !ctx.db.domains.count(q) && !ctx.db.composite_types.count(q) &&
            !ctx.db.range_types.count(q)) {
          continue;
        }
        break;
      case 'n': target.name.clear(); break;
      case 'S':
        if (!ctx.db.foreign_servers.count(target.name)) continue;
        break;
      case 'W':
        if (!ctx.db.foreign_data_wrappers.count(target.name)) continue;
        break;
      default: continue;
    }
    all[target].push_back(ir::Grant{Text(row["grantee"]), Text(row["privilege"]), Bool(row["grantable"])});
  }
  for (auto& [key, grants] : defaults) {
    std::sort(grants.begin(), grants.end());
    if (grants != ir::BuiltinDefaultPrivileges(key)) ctx.db.default_privileges[key] = std::move(grants);
  }
  // Identity sequences are part of their column: their privileges are not modelled, but those
  // the current role's default privileges gave it when it was created are expected.
  for (auto& [target, grants] : identity_sequences) {
    std::sort(grants.begin(), grants.end());
    if (grants != ir::CreatedPrivileges(ctx.db, target)) {
      ctx.Unsupported("privileges on identity sequence", ir::DisplayName(ir::QualifiedName{target.schema, target.name}));
    }
  }
  for (auto& [target, grants] : all) {
    std::sort(grants.begin(), grants.end());
    if (grants != ir::DefaultPrivileges(target)) ctx.db.privileges[target] = std::move(grants);
  }
  // An object whose only privileges are its owner's (all revoked from PUBLIC where PUBLIC had
  // some by default) has no row above: its list is empty, not the default.
  auto none_left = [&](const ir::PrivilegeTarget& t) {
    if (!all.count(t) && !ir::DefaultPrivileges(t).empty()) ctx.db.privileges[t] = {};
  };
  for (const auto& [key, f] : ctx.db.functions) none_left({'f', key.schema, key.name, ""});
  for (const auto& [q, e] : ctx.db.enums) none_left({'T', q.schema, q.name, ""});
  for (const auto& [q, d] : ctx.db.domains) none_left({'T', q.schema, q.name, ""});
  for (const auto& [q, c] : ctx.db.composite_types) none_left({'T', q.schema, q.name, ""});
  for (const auto& [q, r] : ctx.db.range_types) none_left({'T', q.schema, q.name, ""});
  for (const auto& [name, s] : ctx.db.schemas) none_left({'n', name, "", ""});
}

}  // namespace schemac::catalog::internal
