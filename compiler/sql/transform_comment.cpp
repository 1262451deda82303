// COMMENT ON SCHEMA / TABLE / COLUMN / CONSTRAINT / INDEX / SEQUENCE / TYPE (IS NULL removes).
#include "compiler/sql/transform.h"

#include <fmt/format.h>

namespace schemac::sql {

namespace {

std::vector<std::string> ObjectNames(const PgQuery__Node* object) {
  if (!object) return {};
  if (object->node_case == PG_QUERY__NODE__NODE_LIST) return StrList(object->list->items, object->list->n_items);
  if (object->node_case == PG_QUERY__NODE__NODE_STRING) return {StrVal(object)};
  if (object->node_case == PG_QUERY__NODE__NODE_TYPE_NAME) {
    return StrList(object->type_name->names, object->type_name->n_names);
  }
  return {};
}

std::string Joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ".") + p;
  return out;
}

}  // namespace

StmtResult TransformComment(State& state, PgQuery__CommentStmt& stmt) {
  ir::SourceSpan span = state.Span();
  std::optional<std::string> comment;
  // CreateComments treats an empty comment like NULL: both remove the comment.
  if (stmt.comment && *stmt.comment) comment = std::string(stmt.comment);
  std::vector<std::string> names = ObjectNames(stmt.object);
  switch (stmt.objtype) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_EXTENSION:
    {
      // plpgsql exists in every database and is not managed.
      if (!names.empty() && names[0] == "plpgsql") return StmtResult::Done;
      std::string name = names.empty() ? "" : names[0];
      auto it = state.db.extensions.find(name);
      if (it == state.db.extensions.end()) return state.Missing(fmt::format("extension \"{}\"", name), span);
      // IS NULL removes the comment the control file gave: explicitly none ("").
      it->second.comment = comment.value_or("");
      return StmtResult::Done;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA: {
      std::string name = names.empty() ? "" : names[0];
      if (!state.EnsureSchema(name)) return state.Missing(fmt::format("schema \"{}\"", name), span);
      state.db.schemas[name].comment = comment;
      return StmtResult::Done;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
    case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE: {
      std::string schema;
      std::string name;
      if (!state.SplitName(names, &schema, &name, span)) return StmtResult::Done;
      for (const std::string& s : state.Candidates(schema)) {
        if (stmt.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
          // As PostgreSQL: COMMENT ON TABLE does not name a foreign table.
          if (ir::Table* t = state.FindTable(s, name); t && !t->foreign) {
            t->comment = comment;
            return StmtResult::Done;
          }
        } else if (stmt.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE) {
          if (ir::Sequence* q = state.FindSequence(s, name)) {
            q->comment = comment;
            return StmtResult::Done;
          }
        } else if (stmt.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX) {
          if (auto [t, ix] = state.FindIndex(s, name); ix) {
            ix->comment = comment;
            return StmtResult::Done;
          }
          for (auto& [vname, v] : state.db.views) {
            auto vi = vname.schema == s ? v.indexes.find(name) : v.indexes.end();
            if (vi != v.indexes.end()) {
              vi->second.comment = comment;
              return StmtResult::Done;
            }
          }
          if (auto hit = state.FindRelation(s, name); hit && hit->kind == ir::ObjectKind::Index) {
            state.Unsupported(fmt::format("COMMENT ON INDEX \"{}\" of a constraint (comment the constraint instead)",
                                          ir::DisplayName(ir::QualifiedName{s, name})), span);
            return StmtResult::Done;
          }
        } else if (ir::EnumType* e = state.FindEnum(s, name)) {
          e->comment = comment;
          return StmtResult::Done;
        } else if (auto d = state.db.domains.find({s, name}); d != state.db.domains.end()) {
          d->second.comment = comment;  // COMMENT ON TYPE works on a domain too
          return StmtResult::Done;
        } else if (auto ct = state.db.composite_types.find({s, name}); ct != state.db.composite_types.end()) {
          ct->second.comment = comment;
          return StmtResult::Done;
        } else if (auto rt = state.db.range_types.find({s, name}); rt != state.db.range_types.end()) {
          rt->second.comment = comment;
          return StmtResult::Done;
        }
      }
      const char* kind = stmt.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE      ? "table"
                         : stmt.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE ? "sequence"
                         : stmt.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX    ? "index"
                                                                                  : "type";
      return state.Missing(fmt::format("{} \"{}\"", kind, Joined(names)), span);
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW: {
      bool materialized = stmt.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW;
      std::string schema;
      std::string name;
      if (!state.SplitName(names, &schema, &name, span)) return StmtResult::Done;
      for (const std::string& s : state.Candidates(schema)) {
        if (ir::View* v = FindView(state, s, name); v && v->materialized == materialized) {
          v->comment = comment;
          return StmtResult::Done;
        }
      }
      return state.Missing(fmt::format("{} \"{}\"", materialized ? "materialized view" : "view", Joined(names)), span);
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
    case PG_QUERY__OBJECT_TYPE__OBJECT_AGGREGATE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE: return CommentOnFunction(state, stmt);
    case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN: {
      std::string schema;
      std::string name;
      if (!state.SplitName(names, &schema, &name, span)) return StmtResult::Done;
      if (ir::Domain* d = FindDomain(state, schema, name)) {
        d->comment = comment;
        return StmtResult::Done;
      }
      return state.Missing(fmt::format("domain \"{}\"", Joined(names)), span);
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_DOMCONSTRAINT: return CommentOnDomainConstraint(state, stmt);
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLLATION: return CommentOnCollation(state, stmt, names);
    case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER: return CommentOnTrigger(state, stmt);
    case PG_QUERY__OBJECT_TYPE__OBJECT_RULE: return CommentOnRule(state, stmt);
    case PG_QUERY__OBJECT_TYPE__OBJECT_POLICY: return CommentOnPolicy(state, stmt);
    case PG_QUERY__OBJECT_TYPE__OBJECT_EVENT_TRIGGER: return CommentOnEventTrigger(state, stmt);
    case PG_QUERY__OBJECT_TYPE__OBJECT_FDW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_SERVER: return CommentOnForeignObject(state, stmt);
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE: {
      std::string schema;
      std::string name;
      if (!state.SplitName(names, &schema, &name, span)) return StmtResult::Done;
      for (const std::string& s : state.Candidates(schema)) {
        if (ir::Table* t = state.FindTable(s, name); t && t->foreign) {
          t->comment = comment;
          return StmtResult::Done;
        }
      }
      return state.Missing(fmt::format("foreign table \"{}\"", Joined(names)), span);
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN:
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT: {
      if (names.size() < 2) {
        state.Error(ir::diag::kInvalid, "COMMENT ON COLUMN/CONSTRAINT needs a table name", span);
        return StmtResult::Done;
      }
      std::string sub = names.back();
      names.pop_back();
      std::string schema;
      std::string name;
      if (!state.SplitName(names, &schema, &name, span)) return StmtResult::Done;
      ir::Table* t = nullptr;
      for (const std::string& s : state.Candidates(schema)) {
        if ((t = state.FindTable(s, name))) break;
      }
      if (!t && stmt.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN) {
        // An attribute of a composite type.
        if (ir::CompositeType* ct = FindCompositeType(state, schema, name)) {
          for (ir::CompositeAttribute& a : ct->attributes) {
            if (a.name == sub) {
              a.comment = comment;
              return StmtResult::Done;
            }
          }
          return state.Missing(fmt::format("type \"{}\": attribute \"{}\"", ir::DisplayName(ct->name), sub), span);
        }
        // A column of a view: kept by name (the view's output is known only to PostgreSQL).
        for (const std::string& s : state.Candidates(schema)) {
          if (ir::View* v = FindView(state, s, name)) {
            if (comment) v->column_comments[sub] = *comment;
            else v->column_comments.erase(sub);
            return StmtResult::Done;
          }
        }
      }
      if (!t) return state.Missing(fmt::format("table \"{}\"", Joined(names)), span);
      if (stmt.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN) {
        for (ir::Column& c : t->columns) {
          if (c.name == sub) {
            c.comment = comment;
            return StmtResult::Done;
          }
        }
        return state.Missing(fmt::format("{}: column \"{}\"", TableSubject(t->name), sub), span);
      }
      auto it = t->constraints.find(sub);
      if (it == t->constraints.end()) {
        return state.Missing(fmt::format("{}: constraint \"{}\"", TableSubject(t->name), sub), span);
      }
      it->second.comment = comment;
      return StmtResult::Done;
    }
    default:
      state.Error(ir::diag::kUnsupportedStatement, "not yet supported: COMMENT on this kind of object", span);
      return StmtResult::Done;
  }
}

}  // namespace schemac::sql
