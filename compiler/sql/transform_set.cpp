// SET (search_path is honoured, other settings are irrelevant to the schema), SELECT
// set_config('search_path', ...) as pg_dump writes it, and CREATE EXTENSION.
#include "compiler/sql/transform.h"

#include <fmt/format.h>

#include "compiler/sql/expr.h"

namespace schemac::sql {

// The effective search path: pg_catalog (always searched first anyway) and "$user" (no role is
// known offline) are dropped; an empty path falls back to the configured default.
void SetSearchPath(State& state, const std::vector<std::string>& raw) {
  std::vector<std::string> path;
  for (const std::string& s : raw) {
    if (s.empty() || s == "pg_catalog" || s == "$user") continue;
    path.push_back(s);
  }
  if (path.empty()) {
    for (const std::string& s : state.options.default_search_path) {
      if (!s.empty() && s != "pg_catalog" && s != "$user") path.push_back(s);
    }
  }
  if (path.empty()) path.push_back("public");
  state.ctx.search_path = path;
}

namespace {

// The string form of search_path ("a, \"B\"") as set_config receives it.
std::vector<std::string> ParsePathString(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  bool any = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      out.push_back(cur);
      cur.clear();
      any = false;
    } else if (c != ' ' && c != '\t') {
      cur += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      any = true;
    }
  }
  if (any || !cur.empty()) out.push_back(cur);
  return out;
}

}  // namespace

StmtResult TransformVariableSet(State& state, PgQuery__VariableSetStmt& stmt) {
  if (!stmt.name || std::string(stmt.name) != "search_path") return StmtResult::Done;
  if (stmt.kind != PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE) {
    SetSearchPath(state, {});  // DEFAULT / RESET
    return StmtResult::Done;
  }
  std::vector<std::string> raw;
  for (std::size_t i = 0; i < stmt.n_args; ++i) {
    const PgQuery__Node* a = stmt.args[i];
    if (a->node_case == PG_QUERY__NODE__NODE_A_CONST && a->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL) {
      raw.push_back(a->a_const->sval->sval);
    }
  }
  SetSearchPath(state, raw);
  return StmtResult::Done;
}

StmtResult TransformSelect(State& state, PgQuery__SelectStmt& stmt) {
  // pg_dump: SELECT pg_catalog.set_config('search_path', '', false);
  if (stmt.n_target_list == 1 && stmt.n_from_clause == 0 && !stmt.where_clause) {
    PgQuery__Node* v = stmt.target_list[0]->res_target->val;
    if (v && v->node_case == PG_QUERY__NODE__NODE_FUNC_CALL) {
      PgQuery__FuncCall* fc = v->func_call;
      std::vector<std::string> fname = StrList(fc->funcname, fc->n_funcname);
      if (!fname.empty() && fname.back() == "set_config" && fc->n_args == 3 &&
          fc->args[0]->node_case == PG_QUERY__NODE__NODE_A_CONST &&
          fc->args[0]->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL &&
          fc->args[1]->node_case == PG_QUERY__NODE__NODE_A_CONST &&
          fc->args[1]->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL) {
        std::string setting = fc->args[0]->a_const->sval->sval;
        if (setting == "search_path") SetSearchPath(state, ParsePathString(fc->args[1]->a_const->sval->sval));
        return StmtResult::Done;
      }
    }
  }
  state.Warning(ir::diag::kIgnoredData, "SELECT statement ignored: only the schema is compiled", state.Span());
  return StmtResult::Done;
}

StmtResult TransformCreateExtension(State& state, PgQuery__CreateExtensionStmt& stmt) {
  std::string name = stmt.extname ? stmt.extname : "";
  // plpgsql is installed in every database, so pg_dump's CREATE EXTENSION plpgsql is a no-op.
  if (name == "plpgsql") return StmtResult::Done;
  ir::SourceSpan span = state.Span();
  std::string subject = fmt::format("extension \"{}\"", name);
  ir::Extension e;
  e.name = name;
  e.span = span;
  for (std::size_t i = 0; i < stmt.n_options; ++i) {
    PgQuery__DefElem* d = stmt.options[i]->def_elem;
    std::string option = d->defname;
    if (option == "schema") {
      e.schema = StrVal(d->arg);
    } else if (option == "new_version") {
      e.version = StrVal(d->arg);
    } else if (option == "cascade") {
      state.Unsupported(subject + ": CASCADE (write each required extension instead)", span);
      return StmtResult::Done;
    } else {
      state.Unsupported(fmt::format("{}: option {}", subject, option), span);
      return StmtResult::Done;
    }
  }
  // Unwritten: the creation schema, where PostgreSQL puts a relocatable extension.
  if (e.schema.empty()) e.schema = state.CreationSchema();
  if (!state.EnsureSchema(e.schema)) return state.Missing(fmt::format("schema \"{}\"", e.schema), span);
  auto it = state.db.extensions.find(name);
  if (it != state.db.extensions.end()) {
    if (stmt.if_not_exists) return StmtResult::Done;
    std::vector<ir::DiagnosticNote> notes;
    if (it->second.span.Known()) notes.push_back({"previous definition is here", it->second.span});
    state.Error(ir::diag::kDuplicate, fmt::format("{} is defined more than once", subject), span, std::move(notes));
    return StmtResult::Done;
  }
  state.db.extensions.emplace(name, std::move(e));
  return StmtResult::Done;
}

}  // namespace schemac::sql
