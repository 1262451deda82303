// ALTER SCHEMA / TYPE ... OWNER TO (tables and sequences arrive as ALTER TABLE ... OWNER TO).
#include "compiler/sql/transform.h"

#include <fmt/format.h>

namespace schemac::sql {

StmtResult TransformAlterOwner(State& state, PgQuery__AlterOwnerStmt& stmt) {
  ir::SourceSpan span = state.Span();
  std::string owner;
  if (!RoleName(state, stmt.newowner, &owner)) return StmtResult::Done;
  if (stmt.object_type == PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA) {
    std::string name = StrVal(stmt.object);
    if (!state.EnsureSchema(name)) return state.Missing(fmt::format("schema \"{}\"", name), span);
    state.db.schemas[name].owner = owner;
    return StmtResult::Done;
  }
  if (stmt.object_type == PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION ||
      stmt.object_type == PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE ||
      stmt.object_type == PG_QUERY__OBJECT_TYPE__OBJECT_AGGREGATE) {
    return AlterFunctionOwner(state, stmt, owner);
  }
  if (stmt.object_type == PG_QUERY__OBJECT_TYPE__OBJECT_FDW ||
      stmt.object_type == PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_SERVER) {
    return AlterForeignObjectOwner(state, stmt, owner);
  }
  if (stmt.object_type == PG_QUERY__OBJECT_TYPE__OBJECT_EVENT_TRIGGER) {
    return AlterEventTriggerOwner(state, StrVal(stmt.object), owner);
  }
  if (stmt.object_type == PG_QUERY__OBJECT_TYPE__OBJECT_COLLATION && stmt.object->node_case == PG_QUERY__NODE__NODE_LIST) {
    return AlterCollationOwner(state, StrList(stmt.object->list->items, stmt.object->list->n_items), owner);
  }
  if ((stmt.object_type == PG_QUERY__OBJECT_TYPE__OBJECT_TYPE || stmt.object_type == PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN) &&
      stmt.object->node_case == PG_QUERY__NODE__NODE_LIST) {
    bool domain_only = stmt.object_type == PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN;
    std::string schema;
    std::string name;
    if (!state.SplitName(StrList(stmt.object->list->items, stmt.object->list->n_items), &schema, &name, span)) {
      return StmtResult::Done;
    }
    for (const std::string& s : state.Candidates(schema)) {
      if (ir::EnumType* e = state.FindEnum(s, name); e && !domain_only) {
        e->owner = owner;
        return StmtResult::Done;
      }
      if (auto d = state.db.domains.find({s, name}); d != state.db.domains.end()) {
        d->second.owner = owner;
        return StmtResult::Done;
      }
      if (auto ct = state.db.composite_types.find({s, name}); ct != state.db.composite_types.end() && !domain_only) {
        ct->second.owner = owner;
        return StmtResult::Done;
      }
      if (auto rt = state.db.range_types.find({s, name}); rt != state.db.range_types.end() && !domain_only) {
        rt->second.owner = owner;
        return StmtResult::Done;
      }
    }
    return state.Missing(fmt::format("{} \"{}\"", domain_only ? "domain" : "type",
                                     schema.empty() ? name : schema + "." + name),
                         span);
  }
  state.Error(ir::diag::kUnsupportedStatement, "not yet supported: ALTER ... OWNER TO for this kind of object", span);
  return StmtResult::Done;
}

}  // namespace schemac::sql
