// CREATE [OR REPLACE] VIEW, CREATE MATERIALIZED VIEW, and ALTER VIEW / MATERIALIZED VIEW ...
// OWNER TO. The query is kept as libpg_query's deparse of its SELECT (view_query.h); its
// dependencies (relations, functions, user types) come from the parse tree, resolved through
// the file's search_path.
#include "compiler/sql/transform.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "compiler/sql/expr.h"
#include "compiler/sql/types.h"
#include "compiler/sql/view_query.h"

namespace schemac::sql {

namespace {

std::string Shown(const PgQuery__RangeVar* rv) {
  std::string schema = rv->schemaname && *rv->schemaname ? std::string(rv->schemaname) + "." : "";
  return schema + (rv->relname ? rv->relname : "");
}

std::string ViewSubject(const ir::QualifiedName& name, bool materialized) {
  return fmt::format("{} \"{}\"", materialized ? "materialized view" : "view", ir::DisplayName(name));
}

// The columns of the query's relations it reads, as column keys, so that a dropped or retyped
// column rebuilds only the views that use it (as pg_depend records for a stored view). Over-
// approximation is safe (a needless rebuild), missing a column is not: a reference that cannot
// be attributed (`*`, a whole-row reference, NATURAL JOIN, an unqualified name where a view's
// unknown output might hold it) leaves its relations at relation granularity, read entirely.
class ColumnReads {
 public:
  void AddRelation(const std::string& ref_name, const ir::QualifiedName& rel, const ir::Table* table) {
    rels_.push_back({ref_name, rel, table});
  }
  void Visit(PgQuery__Node* n) {
    if (n->node_case == PG_QUERY__NODE__NODE_JOIN_EXPR) {
      const PgQuery__JoinExpr* j = n->join_expr;
      if (j->is_natural) AllOpaque();
      for (std::size_t i = 0; i < j->n_using_clause; ++i) {
        if (j->using_clause[i]->node_case == PG_QUERY__NODE__NODE_STRING) Unqualified(j->using_clause[i]->string->sval);
      }
      return;
    }
    if (n->node_case != PG_QUERY__NODE__NODE_COLUMN_REF) return;
    const PgQuery__ColumnRef* ref = n->column_ref;
    std::vector<std::string> fields;
    bool star = false;
    for (std::size_t i = 0; i < ref->n_fields; ++i) {
      if (ref->fields[i]->node_case == PG_QUERY__NODE__NODE_STRING) {
        fields.push_back(ref->fields[i]->string->sval);
      } else {
        star = true;  // A_Star: only last
      }
    }
    if (star) {
      // `*` reads every relation; `q.*` every relation named q (a subquery's is walked itself).
      if (fields.empty()) AllOpaque();
      for (Rel& r : rels_) {
        if (!fields.empty() && r.ref_name == fields.back()) opaque_.insert(ir::RelKey(r.name));
      }
      return;
    }
    // `c`, `q.c`, `s.q.c`, or a field of a composite column (`c.f`): every reading that names
    // a relation of the query counts, and without one the first name is a column.
    bool named = false;
    for (std::size_t i = 0; i + 1 < fields.size(); ++i) {
      if (Names(fields[i])) {
        Qualified(fields[i], fields[i + 1]);
        named = true;
      }
    }
    if (!named) Unqualified(fields[0]);
  }
  void AppendKeys(std::vector<std::string>* keys) const {
    for (const auto& [rel, col] : columns_) {
      if (!opaque_.count(ir::RelKey(rel))) keys->push_back(ir::ColumnKey(rel, col));
    }
  }

 private:
  struct Rel {
    std::string ref_name;  // alias, else the relation's name
    ir::QualifiedName name;
    const ir::Table* table;  // null for a view (its output is not known here)
  };
  bool Names(const std::string& q) const {
    return std::any_of(rels_.begin(), rels_.end(), [&](const Rel& r) { return r.ref_name == q; });
  }
  void AllOpaque() {
    for (const Rel& r : rels_) opaque_.insert(ir::RelKey(r.name));
  }
  // `name` alone: a column of any relation having it, or a whole-row reference to relation `name`.
  void Unqualified(const std::string& name) {
    for (const Rel& r : rels_) {
      if (r.ref_name == name || !r.table) {
        opaque_.insert(ir::RelKey(r.name));
      } else if (r.table->FindColumn(name)) {
        columns_.insert({r.name, name});
      }
    }
  }
  // `q.name`: column `name` of the relations called q (else q is a column, handled as unqualified).
  void Qualified(const std::string& q, const std::string& name) {
    for (const Rel& r : rels_) {
      if (r.ref_name != q) continue;
      if (r.table && !r.table->FindColumn(name)) {
        opaque_.insert(ir::RelKey(r.name));  // function-call notation on the whole row
      } else {
        columns_.insert({r.name, name});
      }
    }
  }
  std::vector<Rel> rels_;
  std::set<std::pair<ir::QualifiedName, std::string>> columns_;
  std::set<std::string> opaque_;
};

// Relations, functions and user types the query names, as reference keys. Unqualified names
// resolve through the search path among the objects defined so far; a name found nowhere is
// a CTE, a system relation, or defined later (then the statement is deferred).
bool QueryDeps(State& state, PgQuery__Node* query, std::vector<std::string>* keys, std::string* missing) {
  std::set<std::string> ctes;
  WalkNodes(query, [&](PgQuery__Node* n) {
    if (n->node_case == PG_QUERY__NODE__NODE_COMMON_TABLE_EXPR && n->common_table_expr->ctename) {
      ctes.insert(n->common_table_expr->ctename);
    }
  });
  bool ok = true;
  ColumnReads reads;
  auto type_name = [&](PgQuery__TypeName* t) {
    std::vector<std::string> parts = StrList(t->names, t->n_names);
    if (parts.size() == 2 && parts[0] != "pg_catalog") {
      keys->push_back(ir::TypeKey({parts[0], parts[1]}));
    } else if (parts.size() == 1) {
      for (const std::string& s : state.ctx.search_path) {
        if (state.db.enums.count({s, parts[0]}) || state.db.domains.count({s, parts[0]}) ||
            state.db.composite_types.count({s, parts[0]}) || IsRangeOrMultirange(state, {s, parts[0]})) {
          keys->push_back(ir::TypeKey({s, parts[0]}));
          QualifyNameList(state, &t->names, &t->n_names, s);
          return;
        }
      }
      // Not built in and not (yet) defined: a type of a later statement, or of an extension.
      if (!IsBuiltinTypeName(parts[0])) {
        if (ok) *missing = fmt::format("type \"{}\"", parts[0]);
        ok = false;
      }
    }
  };
  WalkNodes(query, [&](PgQuery__Node* n) {
    if (n->node_case == PG_QUERY__NODE__NODE_RANGE_VAR) {
      const PgQuery__RangeVar* rv = n->range_var;
      std::string schema = rv->schemaname && *rv->schemaname ? rv->schemaname : "";
      std::string name = rv->relname ? rv->relname : "";
      if (schema.empty() && ctes.count(name)) return;
      if (schema == "pg_catalog" || schema == "information_schema") return;
      for (const std::string& s : state.Candidates(schema)) {
        auto table = state.db.tables.find({s, name});
        if (table != state.db.tables.end() || state.db.views.count({s, name})) {
          keys->push_back(ir::RelKey({s, name}));
          std::string ref_name = rv->alias && rv->alias->aliasname ? rv->alias->aliasname : name;
          reads.AddRelation(ref_name, {s, name}, table != state.db.tables.end() ? &table->second : nullptr);
          // Qualified in the stored text, so that the plan (run under any search_path) reads
          // the same relation.
          if (schema.empty() && state.ctx.arena) n->range_var->schemaname = state.ctx.arena->Strdup(s);
          return;
        }
      }
      if (ok) *missing = fmt::format("relation \"{}\"", Shown(rv));
      ok = false;
    } else if (n->node_case == PG_QUERY__NODE__NODE_FUNC_CALL) {
      std::vector<std::string> parts = StrList(n->func_call->funcname, n->func_call->n_funcname);
      if (parts.size() == 2 && parts[0] != "pg_catalog") {
        keys->push_back(ir::FuncKey({parts[0], parts[1]}));
      } else if (parts.size() == 1) {
        for (const std::string& s : state.ctx.search_path) {
          auto it = state.db.functions.lower_bound({s, parts[0] + "("});
          if (it != state.db.functions.end() && it->first.schema == s &&
              it->first.name.compare(0, parts[0].size() + 1, parts[0] + "(") == 0) {
            keys->push_back(ir::FuncKey({s, parts[0]}));
            QualifyNameList(state, &n->func_call->funcname, &n->func_call->n_funcname, s);
            break;
          }
        }
      }
    } else if (n->node_case == PG_QUERY__NODE__NODE_TYPE_NAME) {
      type_name(n->type_name);
    } else if (n->node_case == PG_QUERY__NODE__NODE_TYPE_CAST && n->type_cast->type_name) {
      type_name(n->type_cast->type_name);  // a message field, not a node: the walk does not reach it
    }
  });
  WalkNodes(query, [&](PgQuery__Node* n) { reads.Visit(n); });
  reads.AppendKeys(keys);
  std::sort(keys->begin(), keys->end());
  keys->erase(std::unique(keys->begin(), keys->end()), keys->end());
  return ok;
}

// Shared by CREATE VIEW and CREATE MATERIALIZED VIEW once the name and options are known.
StmtResult DefineView(State& state, ir::View view, PgQuery__Node* query, bool replace, bool if_not_exists) {
  ir::SourceSpan span = state.Span();
  std::string subject = ViewSubject(view.name, view.materialized);
  std::string missing;
  if (!QueryDeps(state, query, &view.deps.keys, &missing) && !state.ctx.final_pass) return StmtResult::Defer;
  if (!state.EnsureSchema(view.name.schema)) {
    return state.Missing(fmt::format("schema \"{}\"", view.name.schema), span);
  }
  std::string error;
  view.query = DeparseStatement(query, "cannot deparse the query", &error);
  if (!error.empty()) {
    state.Error(ir::diag::kInvalid, fmt::format("{}: cannot deparse the query: {}", subject, error), span);
    return StmtResult::Done;
  }
  auto existing = state.db.views.find(view.name);
  if (existing != state.db.views.end()) {
    if (if_not_exists) return StmtResult::Done;
    if (replace && !existing->second.materialized && !view.materialized) {
      // CREATE OR REPLACE keeps comments, owner, (for the unchanged names) column comments, and
      // the view's triggers and rules.
      ir::View& old = existing->second;
      view.comment = old.comment;
      view.owner = old.owner;
      view.column_comments = old.column_comments;
      view.triggers = std::move(old.triggers);
      view.rules = std::move(old.rules);
      old = std::move(view);
      return StmtResult::Done;
    }
    std::vector<ir::DiagnosticNote> notes;
    if (existing->second.span.Known()) notes.push_back({"previous definition is here", existing->second.span});
    state.Error(ir::diag::kDuplicate, fmt::format("{} is defined more than once", subject), span, std::move(notes));
    return StmtResult::Done;
  }
  if (state.CheckRelationFree(view.name, view.materialized ? ir::ObjectKind::MaterializedView : ir::ObjectKind::View,
                              span)) {
    return StmtResult::Done;
  }
  state.db.views.emplace(view.name, std::move(view));
  return StmtResult::Done;
}

}  // namespace

std::string NormalizeViewQuery(const std::string& text, std::string* error) {
  ParsedText parsed = Parse(text);
  if (!parsed.tree) {
    if (error) *error = parsed.error_message;
    return text;
  }
  if (parsed.tree->n_stmts != 1 || !parsed.tree->stmts[0]->stmt ||
      parsed.tree->stmts[0]->stmt->node_case != PG_QUERY__NODE__NODE_SELECT_STMT) {
    if (error) *error = "not a single SELECT statement";
    return text;
  }
  std::string err;
  std::string out = DeparseStatement(parsed.tree->stmts[0]->stmt, "cannot deparse the query", &err);
  if (!err.empty()) {
    if (error) *error = err;
    return text;
  }
  return out;
}

void CanonicalizeOfflineViews(ir::Database& from, ir::Database& to, ir::Diagnostics& diags) {
  for (auto& [name, to_view] : to.views) {
    auto it = from.views.find(name);
    if (it == from.views.end()) continue;
    ir::View& from_view = it->second;
    if (from_view.materialized != to_view.materialized) continue;
    // Texts read from a catalog are normalized already; normalizing again is harmless and makes
    // the comparison independent of where each side came from.
    std::string ea, eb;
    std::string a = NormalizeViewQuery(from_view.query, &ea);
    std::string b = NormalizeViewQuery(to_view.query, &eb);
    if (ea.empty() && eb.empty() && a == b && from_view.column_names == to_view.column_names) {
      from_view.query = a;
      to_view.query = b;
      continue;
    }
    std::string object = ViewSubject(name, to_view.materialized);
    diags.Report(ir::diag::kUndecidedExpression,
                 fmt::format("{}: query {} versus {} may be the same once PostgreSQL stores it; use a database to "
                             "decide",
                             object, from_view.query, to_view.query),
                 to_view.span, object);
  }
}

StmtResult TransformCreateView(State& state, PgQuery__ViewStmt& stmt) {
  ir::SourceSpan span = state.Span();
  ir::View view;
  view.span = span;
  view.name = state.CreateName(stmt.view);
  std::string subject = ViewSubject(view.name, false);
  if (stmt.view->relpersistence && std::string(stmt.view->relpersistence) == "t") {
    state.Unsupported("temporary view", span);
    return StmtResult::Done;
  }
  view.column_names = StrList(stmt.aliases, stmt.n_aliases);
  if (!StorageParams(state, stmt.options, stmt.n_options, subject, &view.options)) return StmtResult::Done;
  static const std::set<std::string> kViewOptions = {"check_option", "security_barrier", "security_invoker"};
  for (ir::StorageParam& p : view.options) {
    if (!kViewOptions.count(p.name)) {
      state.Error(ir::diag::kInvalid, fmt::format("{}: unrecognized parameter \"{}\"", subject, p.name), span);
      return StmtResult::Done;
    }
    if (p.name == "check_option") {
      std::transform(p.value.begin(), p.value.end(), p.value.begin(), [](unsigned char c) { return std::tolower(c); });
      if (p.value != "local" && p.value != "cascaded") {
        state.Error(ir::diag::kInvalid, fmt::format("{}: invalid value for check_option", subject), span);
        return StmtResult::Done;
      }
    } else {
      // Boolean reloptions are stored as written; PostgreSQL accepts on/off/1/0 too but stores
      // the text: only the canonical spellings are accepted here.
      std::string v = p.value;
      std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
      if (v != "true" && v != "false") {
        state.Unsupported(fmt::format("{}: value \"{}\" for \"{}\" (write true or false)", subject, p.value, p.name),
                          span);
        return StmtResult::Done;
      }
      p.value = v;
    }
  }
  // As DefineView: WITH CHECK OPTION is appended to the written options (reloptions keep the
  // order, which pg_dump shows).
  if (stmt.with_check_option == PG_QUERY__VIEW_CHECK_OPTION__LOCAL_CHECK_OPTION ||
      stmt.with_check_option == PG_QUERY__VIEW_CHECK_OPTION__CASCADED_CHECK_OPTION) {
    std::erase_if(view.options, [](const ir::StorageParam& p) { return p.name == "check_option"; });
    view.options.push_back(
        {"check_option",
         stmt.with_check_option == PG_QUERY__VIEW_CHECK_OPTION__LOCAL_CHECK_OPTION ? "local" : "cascaded"});
  }
  return DefineView(state, std::move(view), stmt.query, stmt.replace, false);
}

StmtResult TransformCreateMaterializedView(State& state, PgQuery__CreateTableAsStmt& stmt) {
  ir::SourceSpan span = state.Span();
  if (stmt.objtype != PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW || !stmt.into || !stmt.into->rel) {
    state.Unsupported("CREATE TABLE AS / SELECT INTO (write CREATE TABLE)", span);
    return StmtResult::Done;
  }
  const PgQuery__IntoClause& into = *stmt.into;
  ir::View view;
  view.span = span;
  view.materialized = true;
  view.name = state.CreateName(into.rel);
  std::string subject = ViewSubject(view.name, true);
  if (into.access_method && *into.access_method && std::string(into.access_method) != "heap") {
    state.Unsupported(fmt::format("{}: access method \"{}\"", subject, into.access_method), span);
    return StmtResult::Done;
  }
  if (into.table_space_name && *into.table_space_name && std::string(into.table_space_name) != "pg_default") {
    state.Unsupported(subject + ": TABLESPACE other than pg_default", span);
    return StmtResult::Done;
  }
  if (into.rel->relpersistence && std::string(into.rel->relpersistence) == "u") {
    state.Unsupported(subject + ": UNLOGGED", span);
    return StmtResult::Done;
  }
  view.column_names = StrList(into.col_names, into.n_col_names);
  if (!StorageParams(state, into.options, into.n_options, subject, &view.options)) return StmtResult::Done;
  view.with_data = !into.skip_data;
  return DefineView(state, std::move(view), stmt.query, false, stmt.if_not_exists);
}

StmtResult TransformAlterView(State& state, PgQuery__AlterTableStmt& stmt) {
  ir::SourceSpan span = state.Span();
  bool materialized = stmt.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW;
  std::string schema = stmt.relation->schemaname ? stmt.relation->schemaname : "";
  ir::View* view = nullptr;
  for (const std::string& s : state.Candidates(schema)) {
    auto it = state.db.views.find({s, stmt.relation->relname});
    if (it != state.db.views.end()) {
      view = &it->second;
      break;
    }
  }
  if (!view) {
    if (stmt.missing_ok) return StmtResult::Done;
    return state.Missing(fmt::format("{} \"{}\"", materialized ? "materialized view" : "view", Shown(stmt.relation)),
                         span);
  }
  for (std::size_t i = 0; i < stmt.n_cmds; ++i) {
    const PgQuery__AlterTableCmd& cmd = *stmt.cmds[i]->alter_table_cmd;
    if (cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_ChangeOwner) {
      state.Unsupported(fmt::format("ALTER {}VIEW other than OWNER TO", materialized ? "MATERIALIZED " : ""), span);
      return StmtResult::Done;
    }
  }
  for (std::size_t i = 0; i < stmt.n_cmds; ++i) {
    std::string owner;
    if (RoleName(state, stmt.cmds[i]->alter_table_cmd->newowner, &owner)) view->owner = owner;
  }
  return StmtResult::Done;
}

ir::View* FindView(State& state, const std::string& schema, const std::string& name) {
  auto it = state.db.views.find({schema, name});
  return it == state.db.views.end() ? nullptr : &it->second;
}

}  // namespace schemac::sql
