// How big each table is, as the planner's statistics say: for weighing the risk of a statement
// that rewrites or scans it. Never pg_relation_size / pg_total_relation_size, which wait behind
// the very locks being weighed.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "compiler/ir/schema.h"
#include "compiler/ir/source.h"

namespace schemac::catalog {

struct TableEstimate {
  /// Estimated rows: pg_class.reltuples; before the first VACUUM or ANALYZE (reltuples = -1) the
  /// statistics collector's n_live_tup, and 0 for a table with no page and no live row. A
  /// partitioned table sums its leaf partitions.
  int64_t rows = 0;
  /// The heap's size: relpages (as of the last VACUUM or ANALYZE) x block_size.
  int64_t bytes = 0;
  /// False when nothing tells the size (never analyzed, pages on disk, no live-row count yet).
  bool known = true;
};

/// Every ordinary, partitioned and materialized table of the database, by name. One query, no
/// table lock; statement-level lock_timeout as given. Errors go to `diags` (catalog.error) and
/// give an empty map.
std::map<ir::QualifiedName, TableEstimate> EstimateTableSizes(const std::string& conninfo,
                                                              const std::string& lock_timeout, ir::Diagnostics& diags);

}  // namespace schemac::catalog
