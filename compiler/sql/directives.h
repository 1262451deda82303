// The directives of desired-state files (`-- schemac:renamed-from`, `-- schemac:using`), bound
// to the objects they stand before and recorded in Database::directives for the planner.
#pragma once

#include <string>
#include <vector>

#include "compiler/ir/schema.h"
#include "compiler/ir/source.h"
#include "compiler/sql/migration.h"

namespace schemac::sql {

/// One file's directives (ScanTokens) and the text they were read from (meta-commands blanked).
struct FileDirectives {
  int32_t file = -1;
  const std::string* text = nullptr;
  std::vector<PlacedDirective> directives;
};

/// Binds each directive to the object whose definition starts at the directive's next token:
/// a table, view, materialized view or function statement; a column or table constraint of a
/// CREATE TABLE; a CREATE INDEX; a value of CREATE TYPE ... AS ENUM. Records them in
/// `db.directives`. A directive that stands before nothing it applies to, renames an object from
/// its own name or from a name the state still defines, or repeats, is an error at the
/// directive; `schemac:ignore` here is a warning (it has no effect in desired-state files).
void ResolveDirectives(const std::vector<FileDirectives>& files, ir::Database& db, ir::Diagnostics& diags);

}  // namespace schemac::sql
