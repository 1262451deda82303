// schemac.toml: the project's settings. Read with toml++; this is the one translation unit that
// includes it.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "lint/lint.h"

namespace schemac::cli {

/// Reads the [lint.rules] table of the TOML file at `path` (rule id = "off" | "info" | "warning" |
/// "error") into `options.severities`, and [lint.naming] (table, column, index, constraint = a
/// regular expression) into `options.naming`. Problems (a syntax error, an unknown rule id, an
/// unknown severity, an invalid pattern) are written to `err` as path:line:col: error: ...
/// [config.invalid]; returns false then.
bool LoadLintConfig(const std::string& path, lint::LintOptions& options, std::ostream& err);

/// Everything schemac.toml sets.
struct ProjectConfig {
  lint::LintOptions lint;  // [lint.rules], [lint.naming]
  /// [risk] small_table_rows = N: below N estimated rows a blocking finding counts as locks
  /// (plan, diff and lint --db; a --small-table-rows flag wins).
  std::optional<int64_t> small_table_rows;
  /// [plan] online = true: plan and diff make online-safe plans, as --online does.
  std::optional<bool> online;
};

/// Reads the whole file (see LoadLintConfig for [lint]; [risk] small_table_rows must be a
/// non-negative integer). Unknown sections and settings are errors, as above.
bool LoadConfig(const std::string& path, ProjectConfig& config, std::ostream& err);

/// The settings file a command reads: `given` (which must exist), else ./schemac.toml when there
/// is one, else none (""). Writes an error and returns nullopt when `given` does not exist.
std::optional<std::string> ConfigPath(const std::string& given, std::ostream& err);

}  // namespace schemac::cli
