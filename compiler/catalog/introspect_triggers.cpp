// Triggers of the tables and views in scope (pg_trigger, user-defined only: NOT tgisinternal;
// constraint triggers too, whose pg_constraint row introspect_constraints.cpp skips), in one
// query: timing and events from the tgtype bits, UPDATE OF columns from tgattr, the function
// arguments from tgargs, the WHEN condition cut out of pg_get_triggerdef (pg_get_expr cannot
// print tgqual: it refers to OLD and NEW, two range-table entries) and normalized later with the
// other catalog expressions, a constraint trigger's FROM table from tgconstrrelid, dependencies
// from pg_depend.
#include "compiler/catalog/introspect_context.h"

#include <algorithm>
#include <map>
#include <string>

#include <fmt/format.h>

namespace schemac::catalog::internal {

namespace {

// pg_trigger.tgtype bits (PostgreSQL's TRIGGER_TYPE_*).
constexpr int kRow = 1 << 0;
constexpr int kBefore = 1 << 1;
constexpr int kInsert = 1 << 2;
constexpr int kDelete = 1 << 3;
constexpr int kUpdate = 1 << 4;
constexpr int kTruncate = 1 << 5;
constexpr int kInstead = 1 << 6;

// tgargs: each argument followed by a NUL byte, sent hex-encoded.
std::vector<std::string> Args(const std::string& hex, int64_t count) {
  std::vector<std::string> out;
  std::string cur;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    char c = static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    if (c == '\0') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.resize(static_cast<std::size_t>(count));
  return out;
}

// The condition of "... FOR EACH ROW WHEN (<condition>) EXECUTE ..." in pg_get_triggerdef output:
// the first parenthesis after the keyword WHEN outside quotes, up to its match. Empty when absent.
std::string WhenCondition(const std::string& def) {
  std::size_t i = 0;
  char quote = 0;
  int depth = 0;
  std::size_t start = std::string::npos;
  while (i < def.size()) {
    char c = def[i];
    if (quote) {
      if (c == quote) {
        if (i + 1 < def.size() && def[i + 1] == quote) {
          i += 2;
          continue;
        }
        quote = 0;
      }
      ++i;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      ++i;
      continue;
    }
    if (start == std::string::npos) {
      if (def.compare(i, 7, " WHEN (") == 0) {
        start = i + 7;
        depth = 1;
        i = start;
        continue;
      }
      ++i;
      continue;
    }
    if (c == '(') ++depth;
    if (c == ')' && --depth == 0) return def.substr(start, i - start);
    ++i;
  }
  return "";
}

}  // namespace

void ReadTriggers(Context& ctx) {
  // A partition's row triggers cloned from its parent's (tgparentid, PostgreSQL 13 on) are the
  // parent's (see ir::Table).
  const std::string not_cloned = ctx.server_version_num >= 130000 ? "AND g.tgparentid = 0 " : "";
  pqxx::result rows = ctx.Query(
      "SELECT g.tgrelid::pg_catalog.int8 AS relid, g.tgname, g.tgtype::pg_catalog.int4 AS tgtype, g.tgenabled, "
      "  g.tgconstraint <> 0 AS is_constraint, g.tgdeferrable, g.tginitdeferred, "
      "  c.relkind, rn.nspname AS rel_schema, c.relname, "
      "  frn.nspname AS from_schema, fr.relname AS from_name, "
      "  COALESCE(g.tgoldtable::pg_catalog.text, '') AS old_table, "
      "  COALESCE(g.tgnewtable::pg_catalog.text, '') AS new_table, "
      "  fn.nspname AS func_schema, p.proname AS func_name, "
      "  ARRAY(SELECT a.attname::pg_catalog.text FROM pg_catalog.unnest(g.tgattr::pg_catalog.int2[]) "
      "        WITH ORDINALITY AS k(n, i) JOIN pg_catalog.pg_attribute a ON a.attrelid = g.tgrelid "
      "        AND a.attnum = k.n ORDER BY k.i) AS columns, "
      "  g.tgnargs::pg_catalog.int4 AS nargs, pg_catalog.encode(g.tgargs, 'hex') AS args, "
      "  CASE WHEN g.tgqual IS NOT NULL THEN pg_catalog.pg_get_triggerdef(g.oid) END AS def, "
      "  ARRAY(SELECT DISTINCT CASE WHEN dep.refclassid = 'pg_catalog.pg_proc'::pg_catalog.regclass "
      "            THEN 'func:' || dpn.nspname || '.' || dp.proname "
      "          ELSE 'col:' || drn.nspname || '.' || dr.relname || '.' || da.attname END "
      "        FROM pg_catalog.pg_depend dep "
      "        LEFT JOIN pg_catalog.pg_proc dp ON dep.refclassid = 'pg_catalog.pg_proc'::pg_catalog.regclass "
      "          AND dp.oid = dep.refobjid "
      "        LEFT JOIN pg_catalog.pg_namespace dpn ON dpn.oid = dp.pronamespace "
      "        LEFT JOIN pg_catalog.pg_class dr ON dep.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass "
      "          AND dr.oid = dep.refobjid "
      "        LEFT JOIN pg_catalog.pg_namespace drn ON drn.oid = dr.relnamespace "
      "        LEFT JOIN pg_catalog.pg_attribute da ON da.attrelid = dr.oid AND da.attnum = dep.refobjsubid "
      "        WHERE dep.classid = 'pg_catalog.pg_trigger'::pg_catalog.regclass AND dep.objid = g.oid "
      "          AND dep.deptype = 'n' AND ((dp.oid IS NOT NULL AND dpn.nspname <> 'pg_catalog') "
      "            OR (dr.oid IS NOT NULL AND dep.refobjsubid > 0 AND da.attname IS NOT NULL)) "
      "        ORDER BY 1) AS deps, "
      "  d.description "
      "FROM pg_catalog.pg_trigger g "
      "JOIN pg_catalog.pg_class c ON c.oid = g.tgrelid "
      "JOIN pg_catalog.pg_namespace rn ON rn.oid = c.relnamespace "
      "LEFT JOIN pg_catalog.pg_class fr ON fr.oid = g.tgconstrrelid "
      "LEFT JOIN pg_catalog.pg_namespace frn ON frn.oid = fr.relnamespace "
      "JOIN pg_catalog.pg_proc p ON p.oid = g.tgfoid "
      "JOIN pg_catalog.pg_namespace fn ON fn.oid = p.pronamespace "
      "LEFT JOIN pg_catalog.pg_description d ON d.objoid = g.oid "
      "  AND d.classoid = 'pg_catalog.pg_trigger'::pg_catalog.regclass AND d.objsubid = 0 "
      "WHERE NOT g.tgisinternal " + not_cloned +
      "ORDER BY g.tgrelid, g.tgname");
  for (const auto& row : rows) {
    // An ordinary table or a view in scope (other relation kinds: reported as unsupported).
    ir::QualifiedName rel;
    std::map<std::string, ir::Trigger>* triggers = nullptr;
    if (ir::Table* table = ctx.TableByOid(Int(row["relid"]))) {
      rel = table->name;
      triggers = &table->triggers;
    } else if (Text(row["relkind"]) == "v") {
      auto v = ctx.db.views.find({Text(row["rel_schema"]), Text(row["relname"])});
      if (v == ctx.db.views.end()) continue;
      rel = v->first;
      triggers = &v->second.triggers;
    } else {
      continue;
    }
    ir::Trigger g;
    g.name = Text(row["tgname"]);
    int64_t type = Int(row["tgtype"]);
    g.for_each_row = type & kRow;
    g.timing = (type & kInstead) ? 'i' : (type & kBefore) ? 'b' : 'a';
    g.on_insert = type & kInsert;
    g.on_delete = type & kDelete;
    g.on_update = type & kUpdate;
    g.on_truncate = type & kTruncate;
    g.update_columns = TextArray(row["columns"]);
    g.function = {Text(row["func_schema"]), Text(row["func_name"])};
    g.function_args = Args(Text(row["args"]), Int(row["nargs"]));
    g.old_table = Text(row["old_table"]);
    g.new_table = Text(row["new_table"]);
    g.constraint = Bool(row["is_constraint"]);
    if (!row["from_name"].is_null()) g.from_table = ir::QualifiedName{Text(row["from_schema"]), Text(row["from_name"])};
    g.deferrable = Bool(row["tgdeferrable"]);
    g.initially_deferred = Bool(row["tginitdeferred"]);
    g.enabled = Text(row["tgenabled"])[0];
    g.comment = OptText(row["description"]);
    if (!row["def"].is_null()) {
      std::string when = WhenCondition(Text(row["def"]));
      if (when.empty()) {
        ctx.Unsupported("trigger WHEN condition as printed by pg_get_triggerdef",
                        ir::DisplayName(rel) + "." + g.name);
        continue;
      }
      g.when = ir::Expr{when};
    }
    g.deps.keys = TextArray(row["deps"]);
    g.deps.keys.push_back(ir::RelKey(rel));
    g.deps.keys.push_back(ir::FuncKey(g.function));
    if (g.from_table) g.deps.keys.push_back(ir::RelKey(*g.from_table));
    for (const std::string& c : g.update_columns) g.deps.keys.push_back(ir::ColumnKey(rel, c));
    std::sort(g.deps.keys.begin(), g.deps.keys.end());
    g.deps.keys.erase(std::unique(g.deps.keys.begin(), g.deps.keys.end()), g.deps.keys.end());
    (*triggers)[g.name] = std::move(g);
  }
}

}  // namespace schemac::catalog::internal
