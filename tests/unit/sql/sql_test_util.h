// Helpers shared by the SQL front end's unit tests.
#pragma once

#include <string>
#include <vector>

#include "compiler/ir/schema.h"
#include "compiler/ir/source.h"
#include "compiler/sql/compile.h"

namespace schemac::sql::testing {

/// The result of compiling one text: the IR plus every diagnostic formatted as
/// "path:line:col: severity: message [id]" (notes on following lines).
struct Compiled {
  ir::Database db;
  ir::Diagnostics diags;
  ir::SourceManager sources;
  std::vector<std::string> messages;

  bool Clean() const { return diags.items().empty(); }
  std::string AllMessages() const {
    std::string out;
    for (const std::string& m : messages) out += m + "\n";
    return out;
  }
  const ir::Table& Table(const std::string& schema, const std::string& name) const {
    return db.tables.at({schema, name});
  }
};

inline void Finish(Compiled& c) {
  for (const ir::Diagnostic& d : c.diags.items()) c.messages.push_back(ir::FormatDiagnostic(d, &c.sources));
}

inline Compiled Compile(const std::string& text, CompileOptions options = {}) {
  Compiled c;
  c.db = CompileText("test.sql", text, options, c.sources, c.diags);
  Finish(c);
  return c;
}

inline Compiled CompileFiles(const std::vector<std::string>& paths, CompileOptions options = {}) {
  Compiled c;
  c.db = CompilePaths(paths, options, c.sources, c.diags);
  Finish(c);
  return c;
}

/// DebugPrint of just one table (its header line and members).
inline std::string PrintTable(const ir::Database& db, const std::string& schema, const std::string& name) {
  ir::Database one;
  one.tables[{schema, name}] = db.tables.at({schema, name});
  return ir::DebugPrint(one);
}

}  // namespace schemac::sql::testing
