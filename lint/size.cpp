// Weighing blocking findings by the size of the table they touch.
#include <cmath>

#include <fmt/format.h>

#include "lint/lint.h"

namespace schemac::lint {

namespace {

// One significant decimal below 10 of a unit, none above: "~3.4 G", "~12 M", "~950".
std::string Scaled(double n, double base, const char* const* units, std::size_t count) {
  std::size_t u = 0;
  while (n >= base && u + 1 < count) {
    n /= base;
    ++u;
  }
  std::string value = u > 0 && n < 10 ? fmt::format("{:.1f}", n) : fmt::format("{:.0f}", std::round(n));
  if (value.size() > 2 && value.compare(value.size() - 2, 2, ".0") == 0) value.resize(value.size() - 2);
  return "~" + value + (units[u][0] ? " " : "") + units[u];
}

}  // namespace

std::string ApproximateCount(int64_t n) {
  static const char* const units[] = {"", "k", "M", "G", "T"};
  return Scaled(static_cast<double>(n), 1000, units, 5);
}

std::string ApproximateBytes(int64_t n) {
  static const char* const units[] = {"bytes", "kB", "MB", "GB", "TB"};
  return Scaled(static_cast<double>(n), 1024, units, 5);
}

void WeighBySize(std::vector<Finding>& findings, const std::map<ir::QualifiedName, TableSize>& sizes,
                 int64_t small_table_rows) {
  for (Finding& f : findings) {
    if (f.risk != RiskClass::Blocking || !f.table) continue;
    ir::QualifiedName name = *f.table;
    if (name.schema.empty()) name.schema = "public";
    auto it = sizes.find(name);
    if (it == sizes.end()) continue;
    const TableSize& size = it->second;
    f.rows = size.rows;
    f.bytes = size.bytes;
    if (size.rows == 0 && size.bytes == 0) {
      f.message += fmt::format("; {}.{} is empty", name.schema, name.name);
    } else {
      f.message += fmt::format("; {}.{} holds {} rows ({})", name.schema, name.name, ApproximateCount(size.rows),
                               ApproximateBytes(size.bytes));
    }
    if (size.rows < small_table_rows) {
      f.risk = RiskClass::Locks;
      f.message += fmt::format(" (fewer than {} rows: counted as locks)", small_table_rows);
    }
  }
}

}  // namespace schemac::lint
