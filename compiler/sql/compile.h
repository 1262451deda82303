// The SQL front end: desired-state files (or pg_dump --schema-only output) into the schema IR.
// This library is the only place that includes pg_query.h.
#pragma once

#include <string>
#include <vector>

#include "compiler/ir/schema.h"
#include "compiler/ir/source.h"

namespace schemac::sql {

/// The comment PostgreSQL's template database gives the `public` schema. Every compiled state
/// starts with `public` carrying it, as every fresh database does.
inline constexpr const char* kPublicSchemaComment = "standard public schema";

struct CompileOptions {
  /// Where unqualified names resolve when a file sets no search_path (the target database's
  /// search_path when one is at hand; else just "public").
  std::vector<std::string> default_search_path = {"public"};
};

/// Compiles files and directories (recursively, every *.sql, in sorted path order) into one IR.
/// Every file is registered with `sources`; problems go to `diags` with file:line:col.
ir::Database CompilePaths(const std::vector<std::string>& paths, const CompileOptions& options,
                          ir::SourceManager& sources, ir::Diagnostics& diags);

/// Compiles one text as if it were a file named `path`.
ir::Database CompileText(const std::string& path, const std::string& text, const CompileOptions& options,
                         ir::SourceManager& sources, ir::Diagnostics& diags);

}  // namespace schemac::sql
