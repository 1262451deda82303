// `schemac lint --against PATH... --db DSN`: the migrations run on a scratch copy of the
// database's schema, and the result is diffed with the committed desired state.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "compiler/ir/source.h"
#include "compiler/sql/migration.h"
#include "lint/lint.h"

namespace schemac::cli {

struct AgainstOptions {
  std::vector<std::string> against;  // desired-state files or directories
  std::string db;                    // the database the migrations will run on (read only)
  std::string dev_db;                // a server to create the scratch database on; empty: an embedded one
  std::string lock_timeout = "2s";   // for reading `db`
};

/// Copies the schema of `db` (no rows) into a scratch database, runs `migrations` there statement
/// by statement as psql would, and plans from the result to the desired state. Each step of that
/// plan is an MG712 finding (what the migrations leave missing, extra or different), at the last
/// statement; a statement that fails on the copy is an MG712 finding at that statement. Returns
/// kExitOk, or after writing the reason to `err` kExitInvalid (invalid desired state) or
/// kExitEnvironment (unreachable database, a schema the scratch server cannot hold).
int LintAgainst(const AgainstOptions& options, const std::vector<sql::MigrationFile>& migrations,
                 const ir::SourceManager& sources, const lint::LintOptions& lint_options,
                 std::vector<lint::Finding>& findings, std::ostream& err);

}  // namespace schemac::cli
