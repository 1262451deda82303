// Free-standing sequences (pg_sequence) and enum types (pg_enum).
#include "compiler/catalog/introspect_context.h"

#include <string>

#include <fmt/format.h>

namespace schemac::catalog::internal {

void ReadSequences(Context& ctx) {
  // Identity sequences (pg_depend 'i') belong to their column and are read with it. OWNED BY
  // is the 'a' (auto) dependency of the sequence on a table column.
  pqxx::result rows = ctx.Query(fmt::format(
      "SELECT n.nspname, c.relname, st.typname AS seqtype, s.seqincrement, s.seqmin, s.seqmax, s.seqstart, "
      "  s.seqcache, s.seqcycle, pg_catalog.pg_get_userbyid(c.relowner) AS owner, d.description, "
      "  own.table_schema, own.table_name, own.column_name "
      "FROM pg_catalog.pg_sequence s "
      "JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "JOIN pg_catalog.pg_type st ON st.oid = s.seqtypid "
      "LEFT JOIN pg_catalog.pg_description d ON d.objoid = c.oid "
      "  AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = 0 "
      "LEFT JOIN ("
      "  SELECT dep.objid, tn.nspname AS table_schema, tc.relname AS table_name, ta.attname AS column_name "
      "  FROM pg_catalog.pg_depend dep "
      "  JOIN pg_catalog.pg_class tc ON tc.oid = dep.refobjid "
      "  JOIN pg_catalog.pg_namespace tn ON tn.oid = tc.relnamespace "
      "  JOIN pg_catalog.pg_attribute ta ON ta.attrelid = dep.refobjid AND ta.attnum = dep.refobjsubid "
      "  WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass "
      "    AND dep.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND dep.deptype = 'a' "
      "    AND dep.refobjsubid > 0"
      ") own ON own.objid = c.oid "
      "WHERE c.relkind = 'S' AND {} AND {} "
      "  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend idep "
      "    WHERE idep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND idep.objid = c.oid "
      "      AND idep.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND idep.deptype = 'i') "
      "ORDER BY n.nspname, c.relname",
      kUserSchema, NotExtensionMember("pg_class", "c.oid")));
  for (const auto& row : rows) {
    std::string schema = Text(row["nspname"]);
    if (!ctx.InScope(schema)) continue;
    ir::Sequence seq;
    seq.name = {schema, Text(row["relname"])};
    seq.options.data_type = {"pg_catalog", Text(row["seqtype"]), "", false};
    seq.options.increment = Int(row["seqincrement"]);
    seq.options.min_value = Int(row["seqmin"]);
    seq.options.max_value = Int(row["seqmax"]);
    seq.options.start = Int(row["seqstart"]);
    seq.options.cache = Int(row["seqcache"]);
    seq.options.cycle = Bool(row["seqcycle"]);
    if (!row["table_name"].is_null()) {
      seq.owned_by = ir::SequenceOwner{{Text(row["table_schema"]), Text(row["table_name"])}, Text(row["column_name"])};
    }
    seq.owner = OptText(row["owner"]);
    seq.comment = OptText(row["description"]);
    ctx.db.sequences.emplace(seq.name, std::move(seq));
  }
}

void ReadEnums(Context& ctx) {
  pqxx::result rows = ctx.Query(fmt::format(
      "SELECT n.nspname, t.typname, pg_catalog.pg_get_userbyid(t.typowner) AS owner, d.description, "
      "  ARRAY(SELECT e.enumlabel FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid "
      "    ORDER BY e.enumsortorder) AS labels "
      "FROM pg_catalog.pg_type t "
      "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
      "LEFT JOIN pg_catalog.pg_description d ON d.objoid = t.oid "
      "  AND d.classoid = 'pg_catalog.pg_type'::pg_catalog.regclass AND d.objsubid = 0 "
      "WHERE t.typtype = 'e' AND {} AND {} ORDER BY n.nspname, t.typname",
      kUserSchema, NotExtensionMember("pg_type", "t.oid")));
  for (const auto& row : rows) {
    std::string schema = Text(row["nspname"]);
    if (!ctx.InScope(schema)) continue;
    ir::EnumType e;
    e.name = {schema, Text(row["typname"])};
    e.values = TextArray(row["labels"]);
    e.owner = OptText(row["owner"]);
    e.comment = OptText(row["description"]);
    ctx.db.enums.emplace(e.name, std::move(e));
  }
}

}  // namespace schemac::catalog::internal
