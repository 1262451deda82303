// Table constraints (pg_constraint): PRIMARY KEY, UNIQUE, CHECK, FOREIGN KEY.
#include "compiler/catalog/introspect_context.h"

#include <string>

#include <fmt/format.h>

namespace schemac::catalog::internal {

namespace {

// Attribute names of `rel` for the attnums in the int2[] `attnums`, in array order.
std::string AttNames(const char* attnums, const char* rel) {
  return fmt::format(
      "ARRAY(SELECT a.attname FROM pg_catalog.unnest({0}) WITH ORDINALITY AS k(attnum, ord) "
      "JOIN pg_catalog.pg_attribute a ON a.attrelid = {1} AND a.attnum = k.attnum ORDER BY k.ord)",
      attnums, rel);
}

ir::FkAction Action(const std::string& code) {
  switch (code.empty() ? 'a' : code[0]) {
    case 'r': return ir::FkAction::Restrict;
    case 'c': return ir::FkAction::Cascade;
    case 'n': return ir::FkAction::SetNull;
    case 'd': return ir::FkAction::SetDefault;
    default: return ir::FkAction::NoAction;  // 'a'
  }
}

ir::FkMatch Match(const std::string& code) {
  switch (code.empty() ? 's' : code[0]) {
    case 'f': return ir::FkMatch::Full;
    case 'p': return ir::FkMatch::Partial;
    default: return ir::FkMatch::Simple;  // 's'
  }
}

}  // namespace

void ReadConstraints(Context& ctx) {
  // NULLS NOT DISTINCT and ON DELETE SET NULL (cols) are new in PostgreSQL 15.
  const bool pg15 = ctx.server_version_num >= 150000;
  pqxx::result rows = ctx.Query(fmt::format(
      "SELECT con.conrelid::pg_catalog.int8 AS relid, con.conname, con.contype, "
      "  {0} AS columns, "
      "  ARRAY(SELECT a.attname FROM pg_catalog.generate_series(i.indnkeyatts, i.indnatts - 1) AS k(pos) "
      "    JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k.pos] "
      "    ORDER BY k.pos) AS include, "
      "  {1} AS nulls_not_distinct, ic.reloptions AS index_options, "
      "  pg_catalog.pg_get_expr(con.conbin, con.conrelid) AS check_expr, con.connoinherit, "
      "  rn.nspname AS ref_schema, rc.relname AS ref_table, {2} AS ref_columns, "
      "  con.confupdtype, con.confdeltype, con.confmatchtype, {3} AS on_delete_columns, "
      "  con.convalidated, con.condeferrable, con.condeferred, d.description, "
      "  con.coninhcount > 0 AS inherited, con.conparentid <> 0 AS cloned, "
      "  (SELECT pi.relname FROM pg_catalog.pg_inherits h JOIN pg_catalog.pg_class pi ON pi.oid = h.inhparent "
      "   WHERE h.inhrelid = con.conindid AND con.contype IN ('p', 'u')) AS parent_index "
      "FROM pg_catalog.pg_constraint con "
      "JOIN pg_catalog.pg_class c ON c.oid = con.conrelid AND c.relkind IN ('r', 'p', 'f') "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = con.conindid AND con.contype IN ('p', 'u') "
      "LEFT JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
      "LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid "
      "LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace "
      "LEFT JOIN pg_catalog.pg_description d ON d.objoid = con.oid "
      "  AND d.classoid = 'pg_catalog.pg_constraint'::pg_catalog.regclass AND d.objsubid = 0 "
      "WHERE {4} ORDER BY con.conrelid, con.conname",
      AttNames("con.conkey", "con.conrelid"), pg15 ? "COALESCE(i.indnullsnotdistinct, false)" : "false",
      AttNames("con.confkey", "con.confrelid"), pg15 ? AttNames("con.confdelsetcols", "con.conrelid") : "'{}'",
      kUserSchema));
  for (const auto& row : rows) {
    ir::Table* table = ctx.TableByOid(Int(row["relid"]));
    if (!table) continue;
    ir::Constraint con;
    con.name = Text(row["conname"]);
    std::string where = fmt::format("{} on table {}", con.name, ir::DisplayName(table->name));
    std::string object =
        ir::DisplayName(ir::ObjectId{ir::ObjectKind::Constraint, table->name.schema, table->name.name, con.name});
    switch (Text(row["contype"])[0]) {
      case 'p': con.kind = ir::ConstraintKind::PrimaryKey; break;
      case 'u': con.kind = ir::ConstraintKind::Unique; break;
      case 'c': con.kind = ir::ConstraintKind::Check; break;
      case 'f': con.kind = ir::ConstraintKind::ForeignKey; break;
      case 'x': ctx.Unsupported("exclusion constraint", where, object); continue;
      case 't': continue;  // a constraint trigger: read with the triggers (introspect_triggers.cpp)
      default: ctx.Unsupported(fmt::format("constraint type '{}'", Text(row["contype"])), where, object); continue;
    }
    if (con.kind == ir::ConstraintKind::PrimaryKey || con.kind == ir::ConstraintKind::Unique) {
      con.columns = TextArray(row["columns"]);
      con.include = TextArray(row["include"]);
      con.nulls_not_distinct = Bool(row["nulls_not_distinct"]);
      // WITH (fillfactor = ...) on the constraint's index: Constraint has no place for it.
      if (!StorageParams(row["index_options"]).empty()) {
        ctx.Unsupported("index storage parameters of constraint", where, object);
      }
    } else if (con.kind == ir::ConstraintKind::Check) {
      if (auto expr = OptText(row["check_expr"])) con.check = ir::Expr{*expr};
      con.no_inherit = Bool(row["connoinherit"]);
      con.validated = Bool(row["convalidated"]);
    } else {
      con.columns = TextArray(row["columns"]);
      con.ref_table = {Text(row["ref_schema"]), Text(row["ref_table"])};
      con.ref_columns = TextArray(row["ref_columns"]);
      con.on_update = Action(Text(row["confupdtype"]));
      con.on_delete = Action(Text(row["confdeltype"]));
      con.on_delete_columns = TextArray(row["on_delete_columns"]);
      con.match = Match(Text(row["confmatchtype"]));
      con.validated = Bool(row["convalidated"]);
    }
    // What a partition inherits is its parent's (see ir::Table): CHECKs it holds through the
    // parent, and foreign keys PostgreSQL cloned from one (on partitions, and on a table whose
    // foreign key references a partitioned table: one per referenced partition).
    if (con.kind == ir::ConstraintKind::ForeignKey && Bool(row["cloned"])) continue;
    if (con.kind == ir::ConstraintKind::Check && table->partition_of && Bool(row["inherited"])) {
      // Its validity, where it differs from the parent's (kept by ir::NormalizeCheckCopies).
      if (con.validated) table->valid_check_copies.insert(con.name);
      continue;
    }
    if (auto parent = OptText(row["parent_index"])) con.parent_index = *parent;
    con.deferrable = Bool(row["condeferrable"]);
    con.initially_deferred = Bool(row["condeferred"]);
    con.comment = OptText(row["description"]);
    table->constraints.emplace(con.name, std::move(con));
  }
}

}  // namespace schemac::catalog::internal
