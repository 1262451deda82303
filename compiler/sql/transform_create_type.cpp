// CREATE TYPE ... AS ENUM and ALTER TYPE ... ADD VALUE.
#include "compiler/sql/transform.h"

#include <algorithm>

#include <fmt/format.h>

namespace schemac::sql {

StmtResult TransformCreateEnum(State& state, PgQuery__CreateEnumStmt& stmt) {
  ir::SourceSpan span = state.Span();
  std::string schema;
  std::string name;
  if (!state.SplitName(StrList(stmt.type_name, stmt.n_type_name), &schema, &name, span)) return StmtResult::Done;
  if (schema.empty()) schema = state.CreationSchema();
  if (!state.EnsureSchema(schema)) return state.Missing(fmt::format("schema \"{}\"", schema), span);
  ir::QualifiedName qn{schema, name};
  std::string subject = fmt::format("type \"{}\"", ir::DisplayName(qn));
  if (ir::EnumType* prev = state.FindEnum(schema, name)) {
    state.Error(ir::diag::kDuplicate, subject + " is defined more than once", span,
                {{"previous definition is here", prev->span}});
    return StmtResult::Done;
  }
  // Because a table's row type shares pg_type's namespace, a type may not be named like a table.
  if (state.FindTable(schema, name)) {
    state.Error(ir::diag::kConflict, subject + " conflicts with the row type of the table of the same name", span,
                {{"previous definition is here", state.FindTable(schema, name)->span}});
    return StmtResult::Done;
  }
  ir::EnumType e;
  e.name = qn;
  e.span = span;
  for (std::size_t i = 0; i < stmt.n_vals; ++i) {
    std::string v = StrVal(stmt.vals[i]);
    if (std::find(e.values.begin(), e.values.end(), v) != e.values.end()) {
      state.Error(ir::diag::kInvalid, fmt::format("{}: enum label \"{}\" used more than once", subject, v), span);
      return StmtResult::Done;
    }
    e.values.push_back(v);
  }
  state.db.enums[qn] = e;
  return StmtResult::Done;
}

StmtResult TransformAlterEnum(State& state, PgQuery__AlterEnumStmt& stmt) {
  ir::SourceSpan span = state.Span();
  std::string schema;
  std::string name;
  if (!state.SplitName(StrList(stmt.type_name, stmt.n_type_name), &schema, &name, span)) return StmtResult::Done;
  ir::EnumType* e = nullptr;
  for (const std::string& s : state.Candidates(schema)) {
    if ((e = state.FindEnum(s, name))) break;
  }
  if (!e) return state.Missing(fmt::format("type \"{}\"", ir::DisplayName(ir::QualifiedName{schema, name})), span);
  std::string subject = fmt::format("type \"{}\"", ir::DisplayName(e->name));
  if (stmt.old_val && *stmt.old_val) {
    // ALTER TYPE ... RENAME VALUE
    auto it = std::find(e->values.begin(), e->values.end(), std::string(stmt.old_val));
    if (it == e->values.end()) {
      state.Error(ir::diag::kUndefined, fmt::format("{}: enum label \"{}\" does not exist", subject, stmt.old_val),
                  span);
      return StmtResult::Done;
    }
    *it = stmt.new_val;
    return StmtResult::Done;
  }
  std::string value = stmt.new_val;
  if (std::find(e->values.begin(), e->values.end(), value) != e->values.end()) {
    if (!stmt.skip_if_new_val_exists) {
      state.Error(ir::diag::kDuplicate, fmt::format("{}: enum label \"{}\" already exists", subject, value), span);
    }
    return StmtResult::Done;
  }
  auto pos = e->values.end();
  if (stmt.new_val_neighbor && *stmt.new_val_neighbor) {
    pos = std::find(e->values.begin(), e->values.end(), std::string(stmt.new_val_neighbor));
    if (pos == e->values.end()) {
      state.Error(ir::diag::kUndefined,
                  fmt::format("{}: enum label \"{}\" does not exist", subject, stmt.new_val_neighbor), span);
      return StmtResult::Done;
    }
    if (stmt.new_val_is_after) ++pos;
  }
  e->values.insert(pos, value);
  return StmtResult::Done;
}

}  // namespace schemac::sql
