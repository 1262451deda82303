#include "compiler/catalog/table_sizes.h"

#include <pqxx/pqxx>


namespace schemac::catalog {

std::map<ir::QualifiedName, TableEstimate> EstimateTableSizes(const std::string& conninfo,
                                                              const std::string& lock_timeout, ir::Diagnostics& diags) {
  std::map<ir::QualifiedName, TableEstimate> out;
  try {
    pqxx::connection conn(conninfo);
    pqxx::nontransaction tx(conn);
    tx.exec_params("SELECT pg_catalog.set_config('lock_timeout', $1, false)", lock_timeout);
    // Leaves carry the numbers; a partitioned table sums the leaves under it (pg_partition_tree
    // reads pg_inherits and takes no lock).
    pqxx::result rows = tx.exec(
        "WITH leaf AS ("
        "  SELECT c.oid, c.reltuples::float8 AS reltuples, c.relpages::int8 AS relpages, "
        "         coalesce(s.n_live_tup, 0)::int8 AS live "
        "  FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_stat_user_tables s ON s.relid = c.oid "
        "  WHERE c.relkind IN ('r', 'm')) "
        "SELECT n.nspname, c.relname, "
        "  coalesce(sum(CASE WHEN l.reltuples >= 0 THEN l.reltuples::int8 ELSE l.live END), 0)::int8, "
        "  coalesce(sum(l.relpages), 0)::int8 * pg_catalog.current_setting('block_size')::int8, "
        "  coalesce(bool_and(l.reltuples >= 0 OR l.live > 0 OR l.relpages = 0), true) "
        "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "LEFT JOIN LATERAL (SELECT relid FROM pg_catalog.pg_partition_tree(c.oid) WHERE c.relkind = 'p' "
        "                   UNION ALL SELECT c.oid WHERE c.relkind <> 'p') t ON true "
        "LEFT JOIN leaf l ON l.oid = t.relid "
        "WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "  AND n.nspname NOT LIKE 'pg\\_toast%' "
        "GROUP BY n.nspname, c.relname");
    for (const auto& row : rows) {
      TableEstimate e;
      e.rows = row[2].as<int64_t>();
      e.bytes = row[3].as<int64_t>();
      e.known = row[4].as<bool>();
      out[ir::QualifiedName{row[0].c_str(), row[1].c_str()}] = e;
    }
  } catch (const std::exception& e) {
    diags.Report(ir::diag::kCatalog, std::string("cannot read the table size estimates: ") + e.what());
    out.clear();
  }
  return out;
}

}  // namespace schemac::catalog
