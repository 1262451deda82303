// Tables (pg_class) and their columns (pg_attribute, pg_attrdef, identity sequences).
#include "compiler/catalog/introspect_context.h"

#include <map>
#include <set>
#include <string>
#include <utility>

#include <fmt/format.h>

namespace schemac::catalog::internal {

namespace {

// The text inside the type modifier parentheses of format_type's output, without spaces:
// "character varying(20)" -> "20", "numeric(10, 2)" -> "10,2", "timestamp(3) with time zone"
// -> "3" (the parentheses are in the middle there). Double-quoted names are skipped, so a
// user type named "a(b)" is not mistaken for modifiers.
std::string ModifiersOf(const std::string& formatted) {
  bool quoted = false;
  std::size_t open = std::string::npos;
  for (std::size_t i = 0; i < formatted.size(); ++i) {
    char c = formatted[i];
    if (c == '"') quoted = !quoted;
    if (!quoted && c == '(') {
      open = i;
      break;
    }
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

}  // namespace

void ReadRelations(Context& ctx) {
  pqxx::result rows = ctx.Query(fmt::format(
      "SELECT c.oid::pg_catalog.int8 AS oid, n.nspname, c.relname, c.relkind, c.relpersistence, c.relispartition, "
      "  EXISTS (SELECT 1 FROM pg_catalog.pg_inherits h WHERE h.inhrelid = c.oid) AS inherits, "
      "  (SELECT pn.nspname FROM pg_catalog.pg_inherits h JOIN pg_catalog.pg_class p ON p.oid = h.inhparent "
      "   JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace WHERE h.inhrelid = c.oid) AS parent_schema, "
      "  (SELECT p.relname FROM pg_catalog.pg_inherits h JOIN pg_catalog.pg_class p ON p.oid = h.inhparent "
      "   WHERE h.inhrelid = c.oid) AS parent_name, "
      "  {} AS detach_pending, "
      "  pg_catalog.pg_get_expr(c.relpartbound, c.oid) AS partition_bound, "
      "  c.reloftype <> 0 AS typed, c.relrowsecurity, c.relforcerowsecurity, c.relreplident, "
      "  (SELECT ri.relname FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ri ON ri.oid = i.indexrelid "
      "   WHERE i.indrelid = c.oid AND i.indisreplident) AS replident_index, c.reltablespace <> 0 AS own_tablespace, "
      "  c.reloptions, "
      "  pg_catalog.pg_get_userbyid(c.relowner) AS owner, d.description, "
      "  pg_catalog.has_table_privilege(c.oid, 'SELECT') AS selectable, "
      "  fs.srvname AS foreign_server, ft.ftoptions::pg_catalog.text[] AS foreign_options "
      "FROM pg_catalog.pg_class c "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "LEFT JOIN pg_catalog.pg_foreign_table ft ON ft.ftrelid = c.oid "
      "LEFT JOIN pg_catalog.pg_foreign_server fs ON fs.oid = ft.ftserver "
      "LEFT JOIN pg_catalog.pg_description d ON d.objoid = c.oid "
      "  AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = 0 "
      "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND {} AND {} "
      "ORDER BY n.nspname, c.relname",
      // pg_inherits.inhdetachpending: PostgreSQL 14 and later.
      ctx.server_version_num >= 140000
          ? "EXISTS (SELECT 1 FROM pg_catalog.pg_inherits h WHERE h.inhrelid = c.oid AND h.inhdetachpending)"
          : "false",
      kUserSchema, NotExtensionMember("pg_class", "c.oid")));
  for (const auto& row : rows) {
    std::string schema = Text(row["nspname"]);
    if (!ctx.InScope(schema)) continue;
    ir::QualifiedName name{schema, Text(row["relname"])};
    std::string display = ir::DisplayName(name);
    switch (Text(row["relkind"])[0]) {
      case 'v':
      case 'm': continue;  // read by ReadViews (introspect_views.cpp)
      default: break;
    }
    bool partition = Bool(row["relispartition"]);
    if (Bool(row["inherits"]) && !partition) {
      ctx.Unsupported("inheritance child table", display);
      continue;
    }
    if (Bool(row["typed"])) {
      ctx.Unsupported("typed table", display);
      continue;
    }
    // Settings the IR has no field for yet: reported rather than silently dropped, since a
    // plan would otherwise never reproduce them.
    if (Bool(row["own_tablespace"])) ctx.Unsupported("tablespace of table", display);
    ir::Table table;
    table.name = name;
    if (partition && Bool(row["detach_pending"])) {
      const std::string parent =
          ir::DisplayName(ir::QualifiedName{Text(row["parent_schema"]), Text(row["parent_name"])});
      ctx.diags.Report(ir::diag::kCatalog,
                       fmt::format("partition {} is pending detach from {} (an interrupted DETACH PARTITION ... "
                                   "CONCURRENTLY): run ALTER TABLE {} DETACH PARTITION {} FINALIZE before planning",
                                   display, parent, parent, display),
                       {}, display);
    }
    if (partition) {
      table.partition_of = ir::PartitionOf{{Text(row["parent_schema"]), Text(row["parent_name"])},
                                           Text(row["partition_bound"])};
    }
    bool foreign = Text(row["relkind"]) == "f";
    if (foreign) {
      if (partition) {
        ctx.Unsupported("foreign table as a partition", display);
        continue;
      }
      table.foreign = ir::ForeignTableOf{Text(row["foreign_server"]), FdwOptions(row["foreign_options"])};
    }
    table.unlogged = Text(row["relpersistence"]) == "u";
    table.options = StorageParams(row["reloptions"]);
    // FORCE is stored independently of ENABLE, so a table may force RLS without enabling it.
    table.row_security = Bool(row["relrowsecurity"]);
    table.force_row_security = Bool(row["relforcerowsecurity"]);
    // A foreign table has no replica identity (PostgreSQL stores 'n' for one).
    switch (foreign ? 'd' : Text(row["relreplident"])[0]) {
      case 'f': table.replica_identity = ir::ReplicaIdentity::Full; break;
      case 'n': table.replica_identity = ir::ReplicaIdentity::Nothing; break;
      case 'i':
        // relreplident stays 'i' when its index is dropped; PostgreSQL (and pg_dump) then use no
        // index at all, which the IR cannot tell from DEFAULT on a table without a primary key.
        if (!row["replident_index"].is_null()) {
          table.replica_identity = ir::ReplicaIdentity::Index;
          table.replica_identity_index = Text(row["replident_index"]);
        }
        break;
      default: break;
    }
    table.owner = OptText(row["owner"]);
    table.comment = OptText(row["description"]);
    int64_t oid = Int(row["oid"]);
    ctx.tables.emplace(oid, name);
    // LOCK TABLE refuses foreign tables (PostgreSQL locks only tables and views).
    if (Bool(row["selectable"]) && !foreign) ctx.selectable.insert(oid);
    ctx.db.tables.emplace(name, std::move(table));
  }
}

void ReadColumns(Context& ctx) {
  // An array type is recognized by its element type pointing back at it (et.typarray = t.oid):
  // int2vector and oidvector also have typelem and category 'A' but are not "int2[]".
  pqxx::result rows = ctx.Query(
      "SELECT a.attrelid::pg_catalog.int8 AS relid, a.attnum, a.attname, "
      "  tn.nspname AS type_schema, t.typname AS type_name, "
      "  en.nspname AS elem_schema, et.typname AS elem_name, "
      "  pg_catalog.format_type(a.atttypid, a.atttypmod) AS formatted, a.atttypmod, "
      "  a.attnotnull, a.attidentity, a.attgenerated, "
      "  a.attstattarget <> -1 AS own_statistics, a.attstorage <> t.typstorage AS own_storage, "
      "  a.attcompression <> '' AS own_compression, "
      "  cn.nspname AS coll_schema, co.collname, "
      "  pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) AS default_expr, d.description, "
      "  a.attfdwoptions::pg_catalog.text[] AS fdw_options "
      "FROM pg_catalog.pg_attribute a "
      "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid AND c.relkind IN ('r', 'p', 'f') "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
      "JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace "
      "LEFT JOIN pg_catalog.pg_type et ON t.typelem <> 0 AND et.oid = t.typelem AND et.typarray = t.oid "
      "LEFT JOIN pg_catalog.pg_namespace en ON en.oid = et.typnamespace "
      "LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation AND a.attcollation <> t.typcollation "
      "LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace "
      "LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum "
      "LEFT JOIN pg_catalog.pg_description d ON d.objoid = a.attrelid "
      "  AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = a.attnum "
      "WHERE a.attnum > 0 AND NOT a.attisdropped AND " +
      std::string(kUserSchema) + " ORDER BY a.attrelid, a.attnum");
  // (table oid, attnum) -> (table, column index) of identity columns, for the sequence query.
  std::map<std::pair<int64_t, int64_t>, std::pair<ir::Table*, std::size_t>> identity_columns;
  for (const auto& row : rows) {
    ir::Table* table = ctx.TableByOid(Int(row["relid"]));
    if (!table) continue;
    ir::Column col;
    col.name = Text(row["attname"]);
    std::string where = ir::DisplayName(table->name) + "." + col.name;
    if (!row["elem_name"].is_null()) {
      col.type = {Text(row["elem_schema"]), Text(row["elem_name"]), "", true};
    } else {
      col.type = {Text(row["type_schema"]), Text(row["type_name"]), "", false};
    }
    std::string formatted = Text(row["formatted"]);
    if (Int(row["atttypmod"]) != -1) col.type.modifiers = ModifiersOf(formatted);
    // interval's typmod also encodes a field restriction ("interval year to month"), which
    // TypeRef cannot hold; better an error than a column that silently loses it.
    if (col.type.schema == "pg_catalog" && col.type.name == "interval") {
      std::string bare = formatted;
      if (bare.size() >= 2 && bare.compare(bare.size() - 2, 2, "[]") == 0) bare.resize(bare.size() - 2);
      if (bare != "interval" && bare != "interval(" + col.type.modifiers + ")") {
        ctx.Unsupported(fmt::format("column type \"{}\" of", formatted), where);
      }
    }
    if (!row["collname"].is_null()) col.collation = ir::QualifiedName{Text(row["coll_schema"]), Text(row["collname"])};
    col.not_null = Bool(row["attnotnull"]);
    std::optional<std::string> expr = OptText(row["default_expr"]);
    std::string generated = Text(row["attgenerated"]);
    if (generated == "s") {
      if (expr) col.generated = ir::Expr{*expr};
    } else if (!generated.empty()) {
      ctx.Unsupported(fmt::format("generated column kind '{}' of", generated), where);
    } else if (expr) {
      col.default_expr = ir::Expr{*expr};
    }
    std::string identity = Text(row["attidentity"]);
    if (!identity.empty()) {
      ir::Identity id;
      id.kind = identity == "a" ? ir::IdentityKind::Always : ir::IdentityKind::ByDefault;
      col.identity = std::move(id);  // sequence name and options: see below
      identity_columns[{Int(row["relid"]), Int(row["attnum"])}] = {table, table->columns.size()};
    }
    col.comment = OptText(row["description"]);
    col.fdw_options = FdwOptions(row["fdw_options"]);
    if (Bool(row["own_statistics"])) ctx.Unsupported("statistics target of column", where);
    if (Bool(row["own_storage"])) ctx.Unsupported("storage mode of column", where);
    if (Bool(row["own_compression"])) ctx.Unsupported("compression method of column", where);
    table->columns.push_back(std::move(col));
  }

  // Identity sequences (pg_depend 'i' from the sequence to the column) in a query of their own:
  // joined to the column query, the planner (with the tiny row estimates of unanalyzed
  // catalogs) rescanned them for every column, which took a second for 4000 columns.
  pqxx::result seqs = ctx.Query(
      "SELECT dep.refobjid::pg_catalog.int8 AS relid, dep.refobjsubid::pg_catalog.int8 AS attnum, "
      "  sc.relname AS seqname, st.typname AS seqtype, sq.seqincrement, sq.seqmin, sq.seqmax, sq.seqstart, "
      "  sq.seqcache, sq.seqcycle "
      "FROM pg_catalog.pg_depend dep "
      "JOIN pg_catalog.pg_class sc ON sc.oid = dep.objid AND sc.relkind = 'S' "
      "JOIN pg_catalog.pg_namespace n ON n.oid = sc.relnamespace "
      "JOIN pg_catalog.pg_sequence sq ON sq.seqrelid = sc.oid "
      "JOIN pg_catalog.pg_type st ON st.oid = sq.seqtypid "
      "WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass "
      "  AND dep.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND dep.deptype = 'i' AND " +
      std::string(kUserSchema));
  std::set<std::pair<int64_t, int64_t>> found;
  for (const auto& row : seqs) {
    std::pair<int64_t, int64_t> key{Int(row["relid"]), Int(row["attnum"])};
    auto it = identity_columns.find(key);
    if (it == identity_columns.end()) continue;
    found.insert(key);
    ir::Identity& id = *it->second.first->columns[it->second.second].identity;
    id.sequence_name = Text(row["seqname"]);
    id.options.data_type = {"pg_catalog", Text(row["seqtype"]), "", false};
    id.options.increment = Int(row["seqincrement"]);
    id.options.min_value = Int(row["seqmin"]);
    id.options.max_value = Int(row["seqmax"]);
    id.options.start = Int(row["seqstart"]);
    id.options.cache = Int(row["seqcache"]);
    id.options.cycle = Bool(row["seqcycle"]);
  }
  for (const auto& [key, where] : identity_columns) {
    if (found.count(key)) continue;
    const ir::Table& t = *where.first;
    std::string column = ir::DisplayName(t.name) + "." + t.columns[where.second].name;
    ctx.diags.Report(ir::diag::kCatalog,
                     fmt::format("identity column {} has no identity sequence in pg_depend", column), {}, column);
  }
}

// Splits pg_get_expr's text of a list of expressions at its top-level commas.
std::vector<std::string> SplitExpressionList(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\'' || c == '"') {
      std::size_t j = i + 1;
      while (j < text.size()) {
        if (text[j] == c) {
          if (j + 1 < text.size() && text[j + 1] == c) {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      cur += text.substr(i, j + 1 - i);
      i = j;
      continue;
    }
    if (c == '(' || c == '[') ++depth;
    if (c == ')' || c == ']') --depth;
    if (c == ',' && depth == 0) {
      out.push_back(cur);
      cur.clear();
      while (i + 1 < text.size() && text[i + 1] == ' ') ++i;
      continue;
    }
    cur += c;
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

void ReadPartitionKeys(Context& ctx) {
  // One row per key element; an expression element (attnum 0) takes the next expression of
  // partexprs in order. The operator class is kept only when it is not its type's default, the
  // collation only when it is not the column's (for expressions: not the default collation).
  pqxx::result rows = ctx.Query(
      "SELECT pt.partrelid::pg_catalog.int8 AS relid, pt.partstrat, k.n, k.attnum, a.attname, "
      "  k.collid <> 0 AND k.collid <> COALESCE(a.attcollation, 100) AS own_collation, "
      "  cn.nspname AS coll_schema, co.collname, "
      "  NOT opc.opcdefault AS own_opclass, ocn.nspname AS opc_schema, opc.opcname, "
      "  pg_catalog.pg_get_expr(pt.partexprs, pt.partrelid) AS exprs "
      "FROM pg_catalog.pg_partitioned_table pt "
      "JOIN pg_catalog.pg_class c ON c.oid = pt.partrelid "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "CROSS JOIN LATERAL ROWS FROM (pg_catalog.unnest(pt.partattrs::pg_catalog.int2[]), "
      "  pg_catalog.unnest(pt.partclass::pg_catalog.oid[]), pg_catalog.unnest(pt.partcollation::pg_catalog.oid[])) "
      "  WITH ORDINALITY AS k(attnum, opcid, collid, n) "
      "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = k.attnum AND k.attnum <> 0 "
      "LEFT JOIN pg_catalog.pg_collation co ON co.oid = k.collid "
      "LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace "
      "JOIN pg_catalog.pg_opclass opc ON opc.oid = k.opcid "
      "JOIN pg_catalog.pg_namespace ocn ON ocn.oid = opc.opcnamespace "
      "WHERE " + std::string(kUserSchema) + " ORDER BY pt.partrelid, k.n");
  std::map<int64_t, std::size_t> next_expression;
  for (const auto& row : rows) {
    int64_t relid = Int(row["relid"]);
    ir::Table* table = ctx.TableByOid(relid);
    if (!table) continue;
    if (!table->partition_key) {
      table->partition_key.emplace();
      table->partition_key->strategy = Text(row["partstrat"])[0];
    }
    ir::IndexElement e;
    if (Int(row["attnum"]) != 0) {
      e.column = Text(row["attname"]);
    } else {
      std::vector<std::string> exprs = SplitExpressionList(Text(row["exprs"]));
      std::size_t& k = next_expression[relid];
      if (k >= exprs.size()) {
        ctx.diags.Report(ir::diag::kCatalog,
                         fmt::format("partition key of {} has fewer expressions than pg_partitioned_table says",
                                     ir::DisplayName(table->name)),
                         {}, ir::DisplayName(table->name));
        continue;
      }
      e.expression = ir::Expr{exprs[k++]};
    }
    if (Bool(row["own_collation"])) e.collation = ir::QualifiedName{Text(row["coll_schema"]), Text(row["collname"])};
    if (Bool(row["own_opclass"])) e.opclass = ir::QualifiedName{Text(row["opc_schema"]), Text(row["opcname"])};
    table->partition_key->elements.push_back(std::move(e));
  }
}

}  // namespace schemac::catalog::internal
