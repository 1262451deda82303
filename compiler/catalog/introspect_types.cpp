// Domains (pg_type typtype 'd' with their CHECK constraints from pg_constraint), composite
// types (typtype 'c' whose relation has relkind 'c', with the attributes of that relation) and
// range types (pg_range). One query per kind; dependencies of domains and composite types on
// user types, functions and collations from pg_depend.
#include "compiler/catalog/introspect_context.h"

#include <algorithm>
#include <string>

#include <fmt/format.h>

namespace schemac::catalog::internal {

namespace {

// As for table columns (introspect_tables.cpp): the text inside format_type's modifier
// parentheses without spaces ("numeric(10, 2)" -> "10,2"); quoted names are skipped.
std::string Modifiers(const std::string& formatted) {
  bool quoted = false;
  std::size_t open = std::string::npos;
  for (std::size_t i = 0; i < formatted.size() && open == std::string::npos; ++i) {
    if (formatted[i] == '"') quoted = !quoted;
    if (!quoted && formatted[i] == '(') open = i;
  }
  if (open == std::string::npos) return {};
  std::size_t close = formatted.find(')', open);
  if (close == std::string::npos) return {};
  std::string out;
  for (std::size_t i = open + 1; i < close; ++i) {
    if (formatted[i] != ' ') out += formatted[i];
  }
  return out;
}

// SQL columns describing the type `oid` with typmod `typmod`: schema, name, element schema and
// name (arrays), format_type text. `p` prefixes the column names.
std::string TypeColumns(const std::string& oid, const std::string& typmod, const std::string& p) {
  return fmt::format(
      "(SELECT xn.nspname FROM pg_catalog.pg_type x JOIN pg_catalog.pg_namespace xn ON xn.oid = x.typnamespace "
      "  WHERE x.oid = {0}) AS {2}schema, "
      "(SELECT x.typname FROM pg_catalog.pg_type x WHERE x.oid = {0}) AS {2}name, "
      "(SELECT en.nspname FROM pg_catalog.pg_type x JOIN pg_catalog.pg_type et ON x.typelem <> 0 "
      "  AND et.oid = x.typelem AND et.typarray = x.oid JOIN pg_catalog.pg_namespace en ON en.oid = et.typnamespace "
      "  WHERE x.oid = {0}) AS {2}elem_schema, "
      "(SELECT et.typname FROM pg_catalog.pg_type x JOIN pg_catalog.pg_type et ON x.typelem <> 0 "
      "  AND et.oid = x.typelem AND et.typarray = x.oid WHERE x.oid = {0}) AS {2}elem_name, "
      "pg_catalog.format_type({0}, {1}) AS {2}formatted, {1} AS {2}typmod",
      oid, typmod, p);
}

ir::TypeRef TypeOf(const pqxx::row& row, const std::string& p) {
  ir::TypeRef t;
  if (!row[p + "elem_name"].is_null()) {
    t = {Text(row[p + "elem_schema"]), Text(row[p + "elem_name"]), "", true};
  } else {
    t = {Text(row[p + "schema"]), Text(row[p + "name"]), "", false};
  }
  if (Int(row[p + "typmod"]) != -1) t.modifiers = Modifiers(Text(row[p + "formatted"]));
  return t;
}

// pg_depend rows of `classid`/`objid` on user types, functions and collations, as reference keys.
std::string DependencyKeys(const std::string& condition) {
  return fmt::format(
      "ARRAY(SELECT DISTINCT CASE WHEN dep.refclassid = 'pg_catalog.pg_proc'::pg_catalog.regclass "
      "    THEN 'func:' || pn.nspname || '.' || pr.proname "
      "    WHEN dep.refclassid = 'pg_catalog.pg_collation'::pg_catalog.regclass "
      "    THEN 'coll:' || cln.nspname || '.' || cl.collname ELSE 'type:' || dn.nspname || '.' || dt.typname END "
      "  FROM pg_catalog.pg_depend dep "
      "  LEFT JOIN pg_catalog.pg_collation cl ON dep.refclassid = 'pg_catalog.pg_collation'::pg_catalog.regclass "
      "    AND cl.oid = dep.refobjid "
      "  LEFT JOIN pg_catalog.pg_namespace cln ON cln.oid = cl.collnamespace "
      "  LEFT JOIN pg_catalog.pg_proc pr ON dep.refclassid = 'pg_catalog.pg_proc'::pg_catalog.regclass "
      "    AND pr.oid = dep.refobjid "
      "  LEFT JOIN pg_catalog.pg_namespace pn ON pn.oid = pr.pronamespace "
      "  LEFT JOIN pg_catalog.pg_type t0 ON dep.refclassid = 'pg_catalog.pg_type'::pg_catalog.regclass "
      "    AND t0.oid = dep.refobjid "
      "  LEFT JOIN pg_catalog.pg_type dt ON dt.oid = CASE WHEN t0.typelem <> 0 AND EXISTS (SELECT 1 FROM "
      "    pg_catalog.pg_type e WHERE e.oid = t0.typelem AND e.typarray = t0.oid) THEN t0.typelem ELSE t0.oid END "
      "  LEFT JOIN pg_catalog.pg_namespace dn ON dn.oid = dt.typnamespace "
      "  WHERE ({0}) AND dep.deptype = 'n' AND (pr.oid IS NOT NULL OR dt.oid IS NOT NULL OR cl.oid IS NOT NULL) "
      "    AND COALESCE(pn.nspname, cln.nspname, dn.nspname) <> 'pg_catalog' ORDER BY 1)",
      condition);
}

void ReadDomains(Context& ctx) {
  pqxx::result rows = ctx.Query(fmt::format(
      "SELECT t.oid::pg_catalog.int8 AS oid, n.nspname, t.typname, {0}, "
      "  cn.nspname AS coll_schema, co.collname, pg_catalog.pg_get_expr(t.typdefaultbin, 0) AS default_expr, "
      "  t.typnotnull, pg_catalog.pg_get_userbyid(t.typowner) AS owner, d.description, "
      "  ARRAY(SELECT k.conname::pg_catalog.text FROM pg_catalog.pg_constraint k WHERE k.contypid = t.oid "
      "    AND k.contype = 'c' ORDER BY k.conname) AS check_names, "
      "  ARRAY(SELECT pg_catalog.encode(pg_catalog.convert_to(pg_catalog.pg_get_expr(k.conbin, 0), 'UTF8'), 'hex') "
      "    FROM pg_catalog.pg_constraint k WHERE k.contypid = t.oid AND k.contype = 'c' ORDER BY k.conname) "
      "    AS check_exprs, "
      "  ARRAY(SELECT k.convalidated FROM pg_catalog.pg_constraint k WHERE k.contypid = t.oid "
      "    AND k.contype = 'c' ORDER BY k.conname) AS check_validated, "
      "  ARRAY(SELECT COALESCE(pg_catalog.encode(pg_catalog.convert_to(kd.description, 'UTF8'), 'hex'), '-') "
      "    FROM pg_catalog.pg_constraint k LEFT JOIN pg_catalog.pg_description kd ON kd.objoid = k.oid "
      "      AND kd.classoid = 'pg_catalog.pg_constraint'::pg_catalog.regclass AND kd.objsubid = 0 "
      "    WHERE k.contypid = t.oid AND k.contype = 'c' ORDER BY k.conname) AS check_comments, "
      "  {1} AS deps "
      "FROM pg_catalog.pg_type t "
      "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
      "JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype "
      "LEFT JOIN pg_catalog.pg_collation co ON co.oid = t.typcollation AND t.typcollation <> bt.typcollation "
      "LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace "
      "LEFT JOIN pg_catalog.pg_description d ON d.objoid = t.oid "
      "  AND d.classoid = 'pg_catalog.pg_type'::pg_catalog.regclass AND d.objsubid = 0 "
      "WHERE t.typtype = 'd' AND {2} AND {3} "
      "ORDER BY n.nspname, t.typname",
      TypeColumns("t.typbasetype", "t.typtypmod", "base_"),
      DependencyKeys("dep.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND dep.objid = t.oid "
                     "OR dep.classid = 'pg_catalog.pg_constraint'::pg_catalog.regclass AND dep.objid IN "
                     "(SELECT k.oid FROM pg_catalog.pg_constraint k WHERE k.contypid = t.oid)"),
      kUserSchema, NotExtensionMember("pg_type", "t.oid")));
  for (const auto& row : rows) {
    std::string schema = Text(row["nspname"]);
    if (!ctx.InScope(schema)) continue;
    ir::Domain d;
    d.name = {schema, Text(row["typname"])};
    d.base_type = TypeOf(row, "base_");
    if (!row["collname"].is_null()) d.collation = ir::QualifiedName{Text(row["coll_schema"]), Text(row["collname"])};
    if (auto e = OptText(row["default_expr"])) d.default_expr = ir::Expr{*e};
    d.not_null = Bool(row["typnotnull"]);
    std::vector<std::string> names = TextArray(row["check_names"]);
    std::vector<std::string> exprs = TextArray(row["check_exprs"]);
    std::vector<std::string> validated = TextArray(row["check_validated"]);
    std::vector<std::string> comments = TextArray(row["check_comments"]);
    for (std::size_t i = 0; i < names.size(); ++i) {
      ir::Constraint k;
      k.kind = ir::ConstraintKind::Check;
      k.name = names[i];
      std::string text;
      for (std::size_t j = 0; j + 1 < exprs[i].size(); j += 2) {
        text += static_cast<char>(std::stoi(exprs[i].substr(j, 2), nullptr, 16));
      }
      k.check = ir::Expr{text};
      k.validated = validated[i] == "t" || validated[i] == "true";
      if (comments[i] != "-") {
        std::string c;
        for (std::size_t j = 0; j + 1 < comments[i].size(); j += 2) {
          c += static_cast<char>(std::stoi(comments[i].substr(j, 2), nullptr, 16));
        }
        k.comment = c;
      }
      d.checks[k.name] = std::move(k);
    }
    d.comment = OptText(row["description"]);
    d.owner = OptText(row["owner"]);
    d.deps.keys = TextArray(row["deps"]);
    std::erase(d.deps.keys, ir::TypeKey(d.name));
    std::sort(d.deps.keys.begin(), d.deps.keys.end());
    ctx.db.domains[d.name] = std::move(d);
  }
}

void ReadCompositeTypes(Context& ctx) {
  // One row per attribute (types without attributes: one row with a NULL attribute).
  pqxx::result rows = ctx.Query(fmt::format(
      "SELECT t.oid::pg_catalog.int8 AS oid, n.nspname, t.typname, pg_catalog.pg_get_userbyid(t.typowner) AS owner, "
      "  d.description, a.attname, {0}, cn.nspname AS coll_schema, co.collname, ad.description AS att_comment, "
      "  {1} AS deps "
      "FROM pg_catalog.pg_type t "
      "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
      "JOIN pg_catalog.pg_class r ON r.oid = t.typrelid AND r.relkind = 'c' "
      "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped "
      "LEFT JOIN pg_catalog.pg_type at ON at.oid = a.atttypid "
      "LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation AND a.attcollation <> at.typcollation "
      "LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace "
      "LEFT JOIN pg_catalog.pg_description d ON d.objoid = t.oid "
      "  AND d.classoid = 'pg_catalog.pg_type'::pg_catalog.regclass AND d.objsubid = 0 "
      "LEFT JOIN pg_catalog.pg_description ad ON ad.objoid = r.oid "
      "  AND ad.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND ad.objsubid = a.attnum "
      "WHERE t.typtype = 'c' AND {2} AND {3} "
      "ORDER BY n.nspname, t.typname, a.attnum",
      TypeColumns("a.atttypid", "a.atttypmod", "att_"),
      DependencyKeys("dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND dep.objid = r.oid"),
      kUserSchema, NotExtensionMember("pg_type", "t.oid")));
  for (const auto& row : rows) {
    std::string schema = Text(row["nspname"]);
    if (!ctx.InScope(schema)) continue;
    ir::QualifiedName name{schema, Text(row["typname"])};
    auto [it, fresh] = ctx.db.composite_types.try_emplace(name);
    ir::CompositeType& t = it->second;
    if (fresh) {
      t.name = name;
      t.comment = OptText(row["description"]);
      t.owner = OptText(row["owner"]);
      t.deps.keys = TextArray(row["deps"]);
      std::sort(t.deps.keys.begin(), t.deps.keys.end());
    }
    if (row["attname"].is_null()) continue;
    ir::CompositeAttribute a;
    a.name = Text(row["attname"]);
    a.type = TypeOf(row, "att_");
    if (!row["collname"].is_null()) a.collation = ir::QualifiedName{Text(row["coll_schema"]), Text(row["collname"])};
    a.comment = OptText(row["att_comment"]);
    t.attributes.push_back(std::move(a));
  }
}

void ReadRangeTypes(Context& ctx) {
  // The collation is kept only when it differs from the subtype's own, and the operator class
  // only when it is not the subtype's default (as pg_dump prints them). Deps come from pg_range
  // itself: the subtype, the collation and the two functions are exactly what the type uses.
  pqxx::result rows = ctx.Query(fmt::format(
      "SELECT n.nspname, t.typname, {0}, "
      "  CASE WHEN NOT oc.opcdefault THEN ocn.nspname END AS opc_schema, "
      "  CASE WHEN NOT oc.opcdefault THEN oc.opcname END AS opcname, "
      "  cn.nspname AS coll_schema, co.collname, "
      "  cfn.nspname AS canonical_schema, cf.proname AS canonical_name, "
      "  dfn.nspname AS diff_schema, df.proname AS diff_name, "
      "  mn.nspname AS multi_schema, mt.typname AS multi_name, "
      "  pg_catalog.pg_get_userbyid(t.typowner) AS owner, d.description "
      "FROM pg_catalog.pg_range rg "
      "JOIN pg_catalog.pg_type t ON t.oid = rg.rngtypid "
      "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
      "JOIN pg_catalog.pg_type st ON st.oid = rg.rngsubtype "
      "JOIN pg_catalog.pg_opclass oc ON oc.oid = rg.rngsubopc "
      "JOIN pg_catalog.pg_namespace ocn ON ocn.oid = oc.opcnamespace "
      "LEFT JOIN pg_catalog.pg_collation co ON co.oid = rg.rngcollation AND rg.rngcollation <> st.typcollation "
      "LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace "
      "LEFT JOIN pg_catalog.pg_proc cf ON cf.oid = rg.rngcanonical "
      "LEFT JOIN pg_catalog.pg_namespace cfn ON cfn.oid = cf.pronamespace "
      "LEFT JOIN pg_catalog.pg_proc df ON df.oid = rg.rngsubdiff "
      "LEFT JOIN pg_catalog.pg_namespace dfn ON dfn.oid = df.pronamespace "
      "JOIN pg_catalog.pg_type mt ON mt.oid = rg.rngmultitypid "
      "JOIN pg_catalog.pg_namespace mn ON mn.oid = mt.typnamespace "
      "LEFT JOIN pg_catalog.pg_description d ON d.objoid = t.oid "
      "  AND d.classoid = 'pg_catalog.pg_type'::pg_catalog.regclass AND d.objsubid = 0 "
      "WHERE {1} AND {2} "
      "ORDER BY n.nspname, t.typname",
      TypeColumns("rg.rngsubtype", "-1", "sub_"), kUserSchema, NotExtensionMember("pg_type", "t.oid")));
  for (const auto& row : rows) {
    std::string schema = Text(row["nspname"]);
    if (!ctx.InScope(schema)) continue;
    ir::RangeType r;
    r.name = {schema, Text(row["typname"])};
    r.subtype = TypeOf(row, "sub_");
    auto qualified = [&](const char* s, const char* n) -> std::optional<ir::QualifiedName> {
      if (row[n].is_null()) return std::nullopt;
      return ir::QualifiedName{Text(row[s]), Text(row[n])};
    };
    r.subtype_opclass = qualified("opc_schema", "opcname");
    r.collation = qualified("coll_schema", "collname");
    r.canonical = qualified("canonical_schema", "canonical_name");
    r.subtype_diff = qualified("diff_schema", "diff_name");
    r.multirange = {Text(row["multi_schema"]), Text(row["multi_name"])};
    r.comment = OptText(row["description"]);
    r.owner = OptText(row["owner"]);
    if (r.subtype.schema != "pg_catalog") r.deps.keys.push_back(ir::TypeKey({r.subtype.schema, r.subtype.name}));
    if (r.collation && r.collation->schema != "pg_catalog") r.deps.keys.push_back(ir::CollationKey(*r.collation));
    for (const auto& f : {r.canonical, r.subtype_diff}) {
      if (f && f->schema != "pg_catalog") r.deps.keys.push_back(ir::FuncKey(*f));
    }
    std::sort(r.deps.keys.begin(), r.deps.keys.end());
    r.deps.keys.erase(std::unique(r.deps.keys.begin(), r.deps.keys.end()), r.deps.keys.end());
    ctx.db.range_types[r.name] = std::move(r);
  }
}

}  // namespace

void ReadTypes(Context& ctx) {
  ReadDomains(ctx);
  ReadCompositeTypes(ctx);
  ReadRangeTypes(ctx);
}

}  // namespace schemac::catalog::internal
