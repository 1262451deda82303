// Views and materialized views (pg_class relkind 'v' / 'm'): one query for the views, one for
// their output columns (with column comments), one for their dependencies (pg_depend on the
// view's _RETURN rule in pg_rewrite), two for the indexes of materialized views. The query text is pg_get_viewdef under search_path = ''
// (every name qualified); the canon layer normalizes it (NormalizeCatalogExpressions).
#include "compiler/catalog/introspect_context.h"

#include <algorithm>
#include <map>
#include <string>

#include <fmt/format.h>

namespace schemac::catalog::internal {

namespace {

// Indexes of materialized views: the same two queries as ReadIndexes (introspect_indexes.cpp)
// for relkind 'm' (a materialized view has no constraints, so every index is listed).
void ReadMatviewIndexes(Context& ctx, const std::map<int64_t, ir::View*>& views) {
  pqxx::result rows = ctx.Query(fmt::format(
      "SELECT i.indrelid::pg_catalog.int8 AS relid, i.indexrelid::pg_catalog.int8 AS indexid, ic.relname, "
      "  i.indisunique, i.indnullsnotdistinct AS nulls_not_distinct, am.amname, i.indisvalid, "
      "  pg_catalog.pg_get_expr(i.indpred, i.indrelid) AS predicate, ic.reloptions, d.description, "
      "  ic.reltablespace <> 0 AS own_tablespace "
      "FROM pg_catalog.pg_index i "
      "JOIN pg_catalog.pg_class c ON c.oid = i.indrelid AND c.relkind = 'm' "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
      "JOIN pg_catalog.pg_am am ON am.oid = ic.relam "
      "LEFT JOIN pg_catalog.pg_description d ON d.objoid = i.indexrelid "
      "  AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = 0 "
      "WHERE {} ORDER BY i.indexrelid",
      kUserSchema));
  std::map<int64_t, ir::Index*> by_oid;
  for (const auto& row : rows) {
    auto found = views.find(Int(row["relid"]));
    if (found == views.end()) continue;
    ir::View& view = *found->second;
    ir::Index index;
    index.name = Text(row["relname"]);
    std::string where = fmt::format("{} on materialized view {}", index.name, ir::DisplayName(view.name));
    if (!Bool(row["indisvalid"])) {
      ctx.diags.Report(ir::diag::kCatalog,
                       fmt::format("index {} is invalid (a failed CREATE INDEX CONCURRENTLY?); drop or REINDEX it "
                                   "before planning",
                                   where),
                       {}, ir::DisplayName(ir::QualifiedName{view.name.schema, index.name}));
    }
    if (Bool(row["own_tablespace"])) ctx.Unsupported("tablespace of index", where);
    index.unique = Bool(row["indisunique"]);
    index.nulls_not_distinct = Bool(row["nulls_not_distinct"]);
    index.method = Text(row["amname"]);
    if (auto pred = OptText(row["predicate"])) index.predicate = ir::Expr{*pred};
    index.options = StorageParams(row["reloptions"]);
    index.comment = OptText(row["description"]);
    auto [it, inserted] = view.indexes.emplace(index.name, std::move(index));
    by_oid[Int(row["indexid"])] = &it->second;
  }
  pqxx::result elems = ctx.Query(fmt::format(
      "SELECT i.indexrelid::pg_catalog.int8 AS indexid, k.pos, (k.pos < i.indnkeyatts) AS is_key, "
      "  i.indkey[k.pos] AS attnum, ta.attname, pg_catalog.pg_get_indexdef(i.indexrelid, k.pos + 1, true) AS def, "
      "  i.indoption[k.pos] AS option, "
      "  con.nspname AS coll_schema, co.collname, opn.nspname AS opc_schema, opc.opcname "
      "FROM pg_catalog.pg_index i "
      "JOIN pg_catalog.pg_class c ON c.oid = i.indrelid AND c.relkind = 'm' "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "CROSS JOIN LATERAL pg_catalog.generate_series(0, i.indnatts - 1) AS k(pos) "
      "LEFT JOIN pg_catalog.pg_attribute ta ON i.indkey[k.pos] <> 0 AND ta.attrelid = i.indrelid "
      "  AND ta.attnum = i.indkey[k.pos] "
      "LEFT JOIN pg_catalog.pg_attribute ia ON ia.attrelid = i.indexrelid AND ia.attnum = k.pos + 1 "
      "LEFT JOIN pg_catalog.pg_opclass eopc ON eopc.oid = i.indclass[k.pos] "
      "LEFT JOIN pg_catalog.pg_type it ON it.oid = CASE WHEN eopc.opckeytype <> 0 THEN eopc.opcintype "
      "  ELSE ia.atttypid END "
      "LEFT JOIN pg_catalog.pg_collation co ON k.pos < i.indnkeyatts AND co.oid = i.indcollation[k.pos] "
      "  AND i.indcollation[k.pos] <> COALESCE(ta.attcollation, it.typcollation) "
      "LEFT JOIN pg_catalog.pg_namespace con ON con.oid = co.collnamespace "
      "LEFT JOIN pg_catalog.pg_opclass opc ON k.pos < i.indnkeyatts AND opc.oid = i.indclass[k.pos] "
      "  AND NOT opc.opcdefault "
      "LEFT JOIN pg_catalog.pg_namespace opn ON opn.oid = opc.opcnamespace "
      "WHERE {} ORDER BY i.indexrelid, k.pos",
      kUserSchema));
  for (const auto& row : elems) {
    auto found = by_oid.find(Int(row["indexid"]));
    if (found == by_oid.end()) continue;
    ir::Index& index = *found->second;
    if (!Bool(row["is_key"])) {
      index.include.push_back(Text(row["attname"]));
      continue;
    }
    index.elements.push_back(IndexElementOf(row));
  }
}

}  // namespace

void ReadViews(Context& ctx) {
  pqxx::result rows = ctx.Query(fmt::format(
      "SELECT c.oid::pg_catalog.int8 AS oid, n.nspname, c.relname, c.relkind, c.relispopulated, c.reloptions, "
      "  pg_catalog.pg_get_viewdef(c.oid) AS def, pg_catalog.pg_get_userbyid(c.relowner) AS owner, "
      "  d.description, c.reltablespace <> 0 AS own_tablespace, c.relpersistence "
      "FROM pg_catalog.pg_class c "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "LEFT JOIN pg_catalog.pg_description d ON d.objoid = c.oid "
      "  AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = 0 "
      "WHERE c.relkind IN ('v', 'm') AND {} AND {} "
      "ORDER BY n.nspname, c.relname",
      kUserSchema, NotExtensionMember("pg_class", "c.oid")));
  std::map<int64_t, ir::View*> by_oid;
  for (const auto& row : rows) {
    std::string schema = Text(row["nspname"]);
    if (!ctx.InScope(schema)) continue;
    ir::View v;
    v.name = {schema, Text(row["relname"])};
    v.materialized = Text(row["relkind"]) == "m";
    std::string display = ir::DisplayName(v.name);
    if (Bool(row["own_tablespace"])) ctx.Unsupported("tablespace of materialized view", display);
    if (Text(row["relpersistence"]) != "p") ctx.Unsupported("unlogged or temporary view", display);
    v.query = Text(row["def"]);
    v.options = StorageParams(row["reloptions"]);
    v.with_data = !v.materialized || Bool(row["relispopulated"]);
    v.comment = OptText(row["description"]);
    v.owner = OptText(row["owner"]);
    auto [it, inserted] = ctx.db.views.emplace(v.name, std::move(v));
    by_oid[Int(row["oid"])] = &it->second;
  }

  pqxx::result cols = ctx.Query(fmt::format(
      "SELECT a.attrelid::pg_catalog.int8 AS relid, a.attname, tn.nspname AS type_schema, t.typname AS type_name, "
      "  en.nspname AS elem_schema, et.typname AS elem_name, "
      "  pg_catalog.format_type(a.atttypid, a.atttypmod) AS formatted, d.description "
      "FROM pg_catalog.pg_attribute a "
      "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid AND c.relkind IN ('v', 'm') "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
      "JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace "
      "LEFT JOIN pg_catalog.pg_type et ON t.typelem <> 0 AND et.oid = t.typelem AND et.typarray = t.oid "
      "LEFT JOIN pg_catalog.pg_namespace en ON en.oid = et.typnamespace "
      "LEFT JOIN pg_catalog.pg_description d ON d.objoid = a.attrelid "
      "  AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = a.attnum "
      "WHERE a.attnum > 0 AND NOT a.attisdropped AND {} ORDER BY a.attrelid, a.attnum",
      kUserSchema));
  for (const auto& row : cols) {
    auto found = by_oid.find(Int(row["relid"]));
    if (found == by_oid.end()) continue;
    ir::View& v = *found->second;
    ir::ViewColumn col;
    col.name = Text(row["attname"]);
    ir::TypeRef type;
    if (!row["elem_name"].is_null()) {
      type = {Text(row["elem_schema"]), Text(row["elem_name"]), "", true};
    } else {
      type = {Text(row["type_schema"]), Text(row["type_name"]), "", false};
    }
    // The whole printed type stands in for the modifiers: output columns are only compared
    // with other output columns read the same way.
    type.modifiers = Text(row["formatted"]);
    col.type = type;
    v.output.columns.push_back(std::move(col));
    if (auto c = OptText(row["description"])) v.column_comments[Text(row["attname"])] = *c;
  }

  // What each view's rule uses: relations (and their columns), functions, types.
  pqxx::result deps = ctx.Query(fmt::format(
      "SELECT DISTINCT r.ev_class::pg_catalog.int8 AS relid, "
      "  CASE dep.refclassid WHEN 'pg_catalog.pg_class'::pg_catalog.regclass THEN 'rel' "
      "    WHEN 'pg_catalog.pg_proc'::pg_catalog.regclass THEN 'func' ELSE 'type' END AS kind, "
      "  COALESCE(rn.nspname, pn.nspname, tn.nspname) AS ref_schema, "
      "  COALESCE(rc.relname, p.proname, ty.typname) AS ref_name, "
      "  ra.attname AS ref_column "
      "FROM pg_catalog.pg_rewrite r "
      "JOIN pg_catalog.pg_class c ON c.oid = r.ev_class AND c.relkind IN ('v', 'm') "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "JOIN pg_catalog.pg_depend dep ON dep.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass "
      "  AND dep.objid = r.oid AND dep.refobjid <> r.ev_class "
      "  AND dep.refclassid IN ('pg_catalog.pg_class'::pg_catalog.regclass, "
      "    'pg_catalog.pg_proc'::pg_catalog.regclass, 'pg_catalog.pg_type'::pg_catalog.regclass) "
      "LEFT JOIN pg_catalog.pg_class rc ON dep.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass "
      "  AND rc.oid = dep.refobjid "
      "LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace "
      "LEFT JOIN pg_catalog.pg_attribute ra ON rc.oid IS NOT NULL AND dep.refobjsubid > 0 "
      "  AND ra.attrelid = rc.oid AND ra.attnum = dep.refobjsubid "
      "LEFT JOIN pg_catalog.pg_proc p ON dep.refclassid = 'pg_catalog.pg_proc'::pg_catalog.regclass "
      "  AND p.oid = dep.refobjid "
      "LEFT JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace "
      "LEFT JOIN pg_catalog.pg_type ty ON dep.refclassid = 'pg_catalog.pg_type'::pg_catalog.regclass "
      "  AND ty.oid = dep.refobjid "
      "LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = ty.typnamespace "
      "WHERE r.rulename = '_RETURN' AND {} ORDER BY 1, 2, 3, 4, 5",
      kUserSchema));
  for (const auto& row : deps) {
    auto found = by_oid.find(Int(row["relid"]));
    if (found == by_oid.end()) continue;
    std::string schema = Text(row["ref_schema"]);
    if (schema == "pg_catalog" || schema == "information_schema") continue;
    ir::QualifiedName ref{schema, Text(row["ref_name"])};
    std::string kind = Text(row["kind"]);
    std::vector<std::string>& keys = found->second->deps.keys;
    if (kind == "rel") {
      keys.push_back(ir::RelKey(ref));
      if (!row["ref_column"].is_null()) keys.push_back(ir::ColumnKey(ref, Text(row["ref_column"])));
    } else if (kind == "func") {
      keys.push_back(ir::FuncKey(ref));
    } else {
      keys.push_back(ir::TypeKey(ref));
    }
  }
  ReadMatviewIndexes(ctx, by_oid);
  for (auto& [oid, v] : by_oid) {
    std::sort(v->deps.keys.begin(), v->deps.keys.end());
    v->deps.keys.erase(std::unique(v->deps.keys.begin(), v->deps.keys.end()), v->deps.keys.end());
  }
}

}  // namespace schemac::catalog::internal
