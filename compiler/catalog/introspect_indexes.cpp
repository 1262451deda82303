// Indexes (pg_index) that do not implement a PRIMARY KEY / UNIQUE / EXCLUDE constraint: one query
// for the indexes, one for their elements.
#include "compiler/catalog/introspect_context.h"

#include <map>
#include <string>

#include <fmt/format.h>

namespace schemac::catalog::internal {

namespace {

// pg_index.indoption bits (PostgreSQL's INDOPTION_DESC and INDOPTION_NULLS_FIRST).
constexpr int64_t kIndOptionDesc = 0x0001;
constexpr int64_t kIndOptionNullsFirst = 0x0002;

constexpr const char* kNotConstraintIndex =
    "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conindid = i.indexrelid "
    "AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x'))";

}  // namespace

ir::IndexElement IndexElementOf(const pqxx::row& row) {
  ir::IndexElement e;
  if (Int(row["attnum"]) != 0) {
    e.column = Text(row["attname"]);
  } else {
    e.expression = ir::Expr{Text(row["def"])};
  }
  if (!row["collname"].is_null()) e.collation = ir::QualifiedName{Text(row["coll_schema"]), Text(row["collname"])};
  if (!row["opcname"].is_null()) e.opclass = ir::QualifiedName{Text(row["opc_schema"]), Text(row["opcname"])};
  int64_t option = Int(row["option"]);
  e.descending = (option & kIndOptionDesc) != 0;
  e.nulls_first = (option & kIndOptionNullsFirst) != 0;
  return e;
}

void ReadIndexes(Context& ctx) {
  const bool pg15 = ctx.server_version_num >= 150000;
  pqxx::result rows = ctx.Query(fmt::format(
      "SELECT i.indrelid::pg_catalog.int8 AS relid, i.indexrelid::pg_catalog.int8 AS indexid, ic.relname, "
      "  i.indisunique, {0} AS nulls_not_distinct, am.amname, i.indisvalid, "
      "  pg_catalog.pg_get_expr(i.indpred, i.indrelid) AS predicate, ic.reloptions, d.description, "
      "  ic.reltablespace <> 0 AS own_tablespace, ic.relkind = 'I' AS partitioned, "
      "  (SELECT pi.relname FROM pg_catalog.pg_inherits h JOIN pg_catalog.pg_class pi ON pi.oid = h.inhparent "
      "   WHERE h.inhrelid = i.indexrelid) AS parent_index "
      "FROM pg_catalog.pg_index i "
      "JOIN pg_catalog.pg_class c ON c.oid = i.indrelid AND c.relkind IN ('r', 'p') "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
      "JOIN pg_catalog.pg_am am ON am.oid = ic.relam "
      "LEFT JOIN pg_catalog.pg_description d ON d.objoid = i.indexrelid "
      "  AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = 0 "
      "WHERE {1} AND {2} ORDER BY i.indexrelid",
      pg15 ? "i.indnullsnotdistinct" : "false", kUserSchema, kNotConstraintIndex));
  // Where each index went, for the element rows.
  std::map<int64_t, ir::Index*> by_oid;
  for (const auto& row : rows) {
    ir::Table* table = ctx.TableByOid(Int(row["relid"]));
    if (!table) continue;
    ir::Index index;
    index.name = Text(row["relname"]);
    std::string where = fmt::format("{} on table {}", index.name, ir::DisplayName(table->name));
    // A partitioned index is invalid until an index of every partition is attached to it: a
    // state, not a failure. Any other invalid index is left by a failed concurrent build: the
    // plan rebuilds it.
    index.valid = Bool(row["indisvalid"]) || Bool(row["partitioned"]);
    if (Bool(row["own_tablespace"])) ctx.Unsupported("tablespace of index", where);
    index.unique = Bool(row["indisunique"]);
    index.nulls_not_distinct = Bool(row["nulls_not_distinct"]);
    index.method = Text(row["amname"]);
    if (auto pred = OptText(row["predicate"])) index.predicate = ir::Expr{*pred};
    index.options = StorageParams(row["reloptions"]);
    index.comment = OptText(row["description"]);
    if (auto parent = OptText(row["parent_index"])) index.parent_index = *parent;
    auto [it, inserted] = table->indexes.emplace(index.name, std::move(index));
    by_oid[Int(row["indexid"])] = &it->second;
  }

  // One row per index column. The collation is reported only when it differs from the indexed
  // column's (or, for an expression, from its type's default collation), and the operator
  // class only when it is not the default one for its type, matching what the SQL front end
  // fills in. An index column normally has the expression's type, except when the opclass
  // stores another key type (gin_trgm_ops stores int4): then the opclass input type stands in
  // for the expression's type.
  pqxx::result elems = ctx.Query(fmt::format(
      "SELECT i.indexrelid::pg_catalog.int8 AS indexid, k.pos, (k.pos < i.indnkeyatts) AS is_key, "
      "  i.indkey[k.pos] AS attnum, ta.attname, pg_catalog.pg_get_indexdef(i.indexrelid, k.pos + 1, true) AS def, "
      "  i.indoption[k.pos] AS option, "
      "  con.nspname AS coll_schema, co.collname, opn.nspname AS opc_schema, opc.opcname "
      "FROM pg_catalog.pg_index i "
      "JOIN pg_catalog.pg_class c ON c.oid = i.indrelid AND c.relkind IN ('r', 'p') "
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
      "WHERE {0} AND {1} ORDER BY i.indexrelid, k.pos",
      kUserSchema, kNotConstraintIndex));
  for (const auto& row : elems) {
    auto found = by_oid.find(Int(row["indexid"]));
    if (found == by_oid.end()) continue;
    ir::Index& index = *found->second;
    // pg_get_indexdef quotes plain column names; the IR keeps names unquoted, so columns come
    // from pg_attribute and only expressions from pg_get_indexdef.
    if (!Bool(row["is_key"])) {
      index.include.push_back(Text(row["attname"]));
      continue;
    }
    index.elements.push_back(IndexElementOf(row));
  }
}

}  // namespace schemac::catalog::internal
