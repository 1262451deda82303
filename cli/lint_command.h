// `schemac lint`: the risk rules over hand-written migration files, with no database needed.
#pragma once

#include "cli/commands.h"

#include <ostream>
#include <string>
#include <vector>

#include "lint/lint.h"

namespace schemac::cli {

enum class LintFormat { Text, Json, Sarif, Github, Gitlab };

struct LintCommandOptions {
  std::vector<std::string> files;   // migration files, run in the order given
  std::vector<std::string> schema;  // desired-state files or directories: the database before the files
  std::string db;                   // or the database the files will run on (read only): its schema
  std::vector<std::string> against; // with db: desired-state files the files must reach (lint_against.h)
  std::string dev_db;               // --against: the server for the scratch copy; empty: an embedded one
  std::string lock_timeout = "2s";  // for reading db
  int64_t small_table_rows = kDefaultSmallTableRows;  // with db: blocking findings below it count as locks
  bool small_table_rows_given = false;  // set on the command line (wins over schemac.toml)
  std::string config;               // schemac.toml to read ([lint.rules]); empty: ./schemac.toml if present
  LintFormat format = LintFormat::Text;
  lint::Severity fail_on = lint::Severity::Error;
  lint::LintOptions lint;
};

/// Lints the files; writes the findings to `out` and problems with the input to `err`. Returns
/// 0 when no finding reaches `fail_on`, 1 when one does, 2 on bad input.
int RunLint(const LintCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace schemac::cli
