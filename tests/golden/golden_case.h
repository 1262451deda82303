// Golden test files: input schemas and expected output in one file (tests/README.md).
//
//   -- current.sql
//   CREATE TABLE a (id int PRIMARY KEY);
//   -- desired.sql
//   CREATE TABLE a (id bigint PRIMARY KEY);
//   ---- forward
//   <expected forward plan>
//   ---- rollback
//   <expected rollback plan>
//   ---- diagnostics
//   <expected diagnostics, one per line>
//
// Lines starting with '#' before the first section are comments describing the case.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace schemac::golden {

struct Case {
  std::string header;                          // leading '#' lines, kept on rewrite
  std::vector<std::string> order;              // section names in file order
  std::map<std::string, std::string> sections;  // name -> body (each line ends in '\n')
};

/// Splits a case file into sections. Returns false with `error` on a malformed file.
bool ParseCase(const std::string& text, Case& out, std::string& error);

/// Writes a case back in canonical section order: current.sql, desired.sql, forward, rollback,
/// diagnostics (the latter only when non-empty).
std::string FormatCase(const Case& c);

}  // namespace schemac::golden
