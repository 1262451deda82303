// schemac.toml: the project's settings. Read with toml++; this is the one translation unit that
// includes it.
#pragma once

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

}  // namespace schemac::cli
