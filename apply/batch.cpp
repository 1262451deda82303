// The lock table: how many of its entries a transaction of a plan needs, and --batch, which
// splits a transaction that would not fit.
#include "apply/apply.h"

#include <algorithm>

#include <fmt/format.h>

namespace schemac::apply {

namespace {

/// Occurrences of `word` in the step's statements.
int Count(const emit::Step& step, const std::string& word) {
  int n = 0;
  for (const std::string& sql : step.sql) {
    for (std::size_t at = sql.find(word); at != std::string::npos; at = sql.find(word, at + word.size())) ++n;
  }
  return n;
}

}  // namespace

int EstimateLockEntries(const emit::Step& step) {
  // Measured on PostgreSQL 15 (docs/apply.md#batches): one lock entry per relation and lock mode.
  // CREATE TABLE (id int PRIMARY KEY, v text) holds 6: the table and its TOAST table (each in two
  // modes), the TOAST index and the key's index; each further key or exclusion constraint adds
  // an index built under a second mode. DROP TABLE holds 8 (its relations, types and array type).
  // An index is created or dropped under 2 (the table and the index). Any other statement locks
  // its table, and a rewrite its indexes too: 3 is the estimate.
  int keys = Count(step, "PRIMARY KEY") + Count(step, "UNIQUE") + Count(step, "EXCLUDE");
  if (step.change == "create_table") return 4 + 2 * keys;
  if (step.change == "drop_table") return 8;
  if (step.change == "create_index" || step.change == "drop_index" || step.change == "reindex_index") return 2;
  return 3 * std::max<int>(1, static_cast<int>(step.sql.size()));
}

int EstimateLockEntries(const emit::Segment& segment) {
  int n = 0;
  for (const emit::Step& step : segment.steps) n += EstimateLockEntries(step);
  return n;
}

int LockTableCapacity(catalog::Session& session) {
  auto rows = session.Query(
      "SELECT (pg_catalog.current_setting('max_locks_per_transaction')::int8 * "
      "(pg_catalog.current_setting('max_connections')::int8 + "
      "pg_catalog.current_setting('max_prepared_transactions')::int8))::text");
  return static_cast<int>(std::min<int64_t>(std::stoll(rows.at(0).at(0).value_or("0")), 1 << 30));
}

emit::Plan SplitIntoBatches(const emit::Plan& plan, int budget) {
  emit::Plan out = plan;
  out.segments.clear();
  for (const emit::Segment& segment : plan.segments) {
    if (!segment.transactional || EstimateLockEntries(segment) <= budget) {
      out.segments.push_back(segment);
      continue;
    }
    emit::Segment batch = segment;
    batch.steps.clear();
    int used = 0, part = 0;
    auto flush = [&] {
      if (batch.steps.empty()) return;
      emit::Segment done = batch;
      done.reason = fmt::format("--batch: part {} of a transaction too large for the lock table{}", ++part,
                                segment.reason.empty() ? "" : " (" + segment.reason + ")");
      out.segments.push_back(std::move(done));
      batch.steps.clear();
      used = 0;
    };
    for (const emit::Step& step : segment.steps) {
      int need = EstimateLockEntries(step);
      if (used + need > budget) flush();
      batch.steps.push_back(step);
      used += need;
    }
    flush();
  }
  return out;
}

}  // namespace schemac::apply
