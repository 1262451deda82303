// DROP TABLE / INDEX / SEQUENCE / TYPE / SCHEMA [IF EXISTS]: removes what earlier statements defined.
#include "compiler/sql/transform.h"

#include <fmt/format.h>

namespace schemac::sql {

namespace {

// Because PostgreSQL drops a sequence together with the column that owns it, a dropped table
// takes its serial sequences along.
void DropOwnedSequences(State& state, const ir::QualifiedName& table) {
  for (auto it = state.db.sequences.begin(); it != state.db.sequences.end();) {
    if (it->second.owned_by && it->second.owned_by->table == table) {
      state.pending_owners.erase(it->first);
      it = state.db.sequences.erase(it);
    } else {
      ++it;
    }
  }
}

void DropTable(State& state, const ir::QualifiedName& name) {
  DropOwnedSequences(state, name);
  for (auto it = state.pending_types.begin(); it != state.pending_types.end();) {
    it = it->first.first == name ? state.pending_types.erase(it) : std::next(it);
  }
  for (auto it = state.pending_fks.begin(); it != state.pending_fks.end();) {
    it = it->first.first == name ? state.pending_fks.erase(it) : std::next(it);
  }
  state.db.tables.erase(name);
}

}  // namespace

StmtResult TransformDrop(State& state, PgQuery__DropStmt& stmt) {
  ir::SourceSpan span = state.Span();
  bool cascade = stmt.behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
  if (stmt.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION ||
      stmt.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE ||
      stmt.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_AGGREGATE) {
    return TransformDropFunctions(state, stmt);
  }
  if (stmt.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER) return TransformDropTriggers(state, stmt);
  if (stmt.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_RULE) return TransformDropRules(state, stmt);
  if (stmt.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_POLICY) return TransformDropPolicies(state, stmt);
  if (stmt.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_EVENT_TRIGGER) return TransformDropEventTriggers(state, stmt);
  if (stmt.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_FDW ||
      stmt.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_SERVER) {
    return TransformDropForeignObjects(state, stmt);
  }
  for (std::size_t i = 0; i < stmt.n_objects; ++i) {
    PgQuery__Node* obj = stmt.objects[i];
    std::vector<std::string> names;
    if (obj->node_case == PG_QUERY__NODE__NODE_LIST) names = StrList(obj->list->items, obj->list->n_items);
    else if (obj->node_case == PG_QUERY__NODE__NODE_STRING) names = {StrVal(obj)};
    else if (obj->node_case == PG_QUERY__NODE__NODE_TYPE_NAME) names = StrList(obj->type_name->names, obj->type_name->n_names);

    if (stmt.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_EXTENSION) {
      std::string name = names.empty() ? "" : names[0];
      if (name == "plpgsql") continue;
      if (!state.db.extensions.erase(name) && !stmt.missing_ok) {
        state.Error(ir::diag::kUndefined, fmt::format("extension \"{}\" does not exist", name), span);
      }
      continue;
    }
    if (stmt.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA) {
      std::string schema = names.empty() ? "" : names[0];
      if (!state.db.schemas.count(schema)) {
        if (!stmt.missing_ok) state.Error(ir::diag::kUndefined, fmt::format("schema \"{}\" does not exist", schema), span);
        continue;
      }
      bool has_objects = false;
      for (const auto& [qn, t] : state.db.tables) has_objects |= qn.schema == schema;
      for (const auto& [qn, q] : state.db.sequences) has_objects |= qn.schema == schema;
      for (const auto& [qn, e] : state.db.enums) has_objects |= qn.schema == schema;
      for (const auto& [qn, f] : state.db.functions) has_objects |= qn.schema == schema;
      for (const auto& [qn, v] : state.db.views) has_objects |= qn.schema == schema;
      for (const auto& [qn, d] : state.db.domains) has_objects |= qn.schema == schema;
      for (const auto& [qn, c] : state.db.composite_types) has_objects |= qn.schema == schema;
      for (const auto& [qn, r] : state.db.range_types) has_objects |= qn.schema == schema;
      for (const auto& [qn, c] : state.db.collations) has_objects |= qn.schema == schema;
      for (const auto& [n, e] : state.db.extensions) has_objects |= e.schema == schema;
      if (has_objects && !cascade) {
        state.Error(ir::diag::kInvalid,
                    fmt::format("cannot drop schema \"{}\" because other objects depend on it (use CASCADE)", schema),
                    span);
        continue;
      }
      std::vector<ir::QualifiedName> tables;
      for (const auto& [qn, t] : state.db.tables) if (qn.schema == schema) tables.push_back(qn);
      for (const ir::QualifiedName& t : tables) DropTable(state, t);
      std::erase_if(state.db.sequences, [&](const auto& kv) { return kv.first.schema == schema; });
      std::erase_if(state.db.enums, [&](const auto& kv) { return kv.first.schema == schema; });
      std::erase_if(state.db.functions, [&](const auto& kv) { return kv.first.schema == schema; });
      std::erase_if(state.db.views, [&](const auto& kv) { return kv.first.schema == schema; });
      std::erase_if(state.db.domains, [&](const auto& kv) { return kv.first.schema == schema; });
      std::erase_if(state.db.composite_types, [&](const auto& kv) { return kv.first.schema == schema; });
      std::erase_if(state.db.range_types, [&](const auto& kv) { return kv.first.schema == schema; });
      std::erase_if(state.db.collations, [&](const auto& kv) { return kv.first.schema == schema; });
      std::erase_if(state.db.extensions, [&](const auto& kv) { return kv.second.schema == schema; });
      state.db.schemas.erase(schema);
      state.implicit_schemas.erase(schema);
      continue;
    }

    std::string schema;
    std::string name;
    if (!state.SplitName(names, &schema, &name, span)) continue;
    bool done = false;
    for (const std::string& s : state.Candidates(schema)) {
      switch (stmt.remove_type) {
        case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
        case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
          // As PostgreSQL: DROP TABLE drops no foreign table, DROP FOREIGN TABLE no table.
          if (ir::Table* t = state.FindTable(s, name);
              t && t->foreign.has_value() == (stmt.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE)) {
            DropTable(state, {s, name});
            done = true;
          }
          break;
        case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
          if (state.FindSequence(s, name)) {
            state.db.sequences.erase({s, name});
            state.pending_owners.erase({s, name});
            done = true;
          }
          break;
        case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
          if (auto [t, ix] = state.FindIndex(s, name); ix) {
            t->indexes.erase(name);
            done = true;
          }
          for (auto& [vname, v] : state.db.views) {
            if (!done && vname.schema == s && v.indexes.erase(name)) done = true;
          }
          break;
        case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
          if (state.FindEnum(s, name)) {
            state.db.enums.erase({s, name});
            done = true;
          } else if (state.db.composite_types.erase({s, name}) || state.db.domains.erase({s, name}) ||
                     state.db.range_types.erase({s, name})) {
            done = true;  // DROP TYPE drops a domain too
          }
          break;
        case PG_QUERY__OBJECT_TYPE__OBJECT_COLLATION:
          if (DropCollation(state, s, name)) done = true;
          break;
        case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN:
          if (state.db.domains.erase({s, name})) done = true;
          break;
        case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
        case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
          if (ir::View* v = FindView(state, s, name);
              v && v->materialized == (stmt.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW)) {
            state.db.views.erase({s, name});
            done = true;
          }
          break;
        default:
          state.Error(ir::diag::kUnsupportedStatement, "not yet supported: DROP of this kind of object", span);
          return StmtResult::Done;
      }
      if (done) break;
    }
    if (!done && !stmt.missing_ok) {
      const char* kind = stmt.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE      ? "table"
                         : stmt.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE ? "foreign table"
                         : stmt.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE ? "sequence"
                         : stmt.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX    ? "index"
                         : stmt.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW     ? "view"
                         : stmt.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW  ? "materialized view"
                         : stmt.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN   ? "domain"
                         : stmt.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_COLLATION ? "collation"
                                                                                      : "type";
      std::string shown = schema.empty() ? name : schema + "." + name;
      state.Error(ir::diag::kUndefined, fmt::format("{} \"{}\" does not exist", kind, shown), span);
    }
  }
  return StmtResult::Done;
}

}  // namespace schemac::sql
