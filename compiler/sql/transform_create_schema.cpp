// CREATE SCHEMA.
#include "compiler/sql/transform.h"

#include <fmt/format.h>

namespace schemac::sql {

StmtResult TransformCreateSchema(State& state, PgQuery__CreateSchemaStmt& stmt) {
  ir::SourceSpan span = state.Span();
  std::string name = stmt.schemaname ? stmt.schemaname : "";
  // CREATE SCHEMA AUTHORIZATION role: the schema is named after the role.
  if (name.empty() && stmt.authrole && stmt.authrole->roletype == PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_CSTRING) {
    name = stmt.authrole->rolename;
  }
  if (name.empty()) {
    state.Unsupported("CREATE SCHEMA AUTHORIZATION without a role name", span);
    return StmtResult::Done;
  }
  if (stmt.n_schema_elts) {
    state.Unsupported(fmt::format("schema \"{}\": CREATE SCHEMA with embedded statements", name), span);
    return StmtResult::Done;
  }
  auto it = state.db.schemas.find(name);
  if (it != state.db.schemas.end()) {
    if (state.implicit_schemas.erase(name)) {
      it->second.span = span;  // `public` was implied by earlier objects; now it is declared
    } else if (!stmt.if_not_exists) {
      std::vector<ir::DiagnosticNote> notes;
      if (it->second.span.Known()) notes.push_back({"previous definition is here", it->second.span});
      state.Error(ir::diag::kDuplicate, fmt::format("schema \"{}\" is defined more than once", name), span,
                  std::move(notes));
      return StmtResult::Done;
    } else {
      return StmtResult::Done;
    }
  } else {
    ir::Schema s;
    s.name = name;
    s.span = span;
    it = state.db.schemas.emplace(name, s).first;
  }
  if (stmt.authrole) {
    std::string owner;
    if (RoleName(state, stmt.authrole, &owner)) it->second.owner = owner;
  }
  return StmtResult::Done;
}

}  // namespace schemac::sql
