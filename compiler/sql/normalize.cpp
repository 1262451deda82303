#include "compiler/sql/normalize.h"

#include "compiler/sql/pg_tree.h"
#include "compiler/sql/state.h"
#include "compiler/sql/types.h"

namespace schemac::sql {

std::string NormalizeExprText(const std::string& expr_text, std::string* error) {
  ParsedText p = Parse("SELECT " + expr_text);
  if (!p.tree || p.tree->n_stmts != 1 || p.tree->stmts[0]->stmt->node_case != PG_QUERY__NODE__NODE_SELECT_STMT ||
      p.tree->stmts[0]->stmt->select_stmt->n_target_list != 1) {
    if (error) *error = p.error_message.empty() ? "not a single expression" : p.error_message;
    return expr_text;
  }
  PgQuery__Node* expr = p.tree->stmts[0]->stmt->select_stmt->target_list[0]->res_target->val;
  std::string err;
  std::string out = DeparseExpr(expr, &err);
  if (!err.empty()) {
    if (error) *error = err;
    return expr_text;
  }
  return out;
}

ir::TypeRef NormalizeTypeName(const std::string& type_text, const std::string& default_schema, std::string* error) {
  ParsedText p = Parse("SELECT NULL::" + type_text);
  PgQuery__Node* expr = nullptr;
  if (p.tree && p.tree->n_stmts == 1 && p.tree->stmts[0]->stmt->node_case == PG_QUERY__NODE__NODE_SELECT_STMT &&
      p.tree->stmts[0]->stmt->select_stmt->n_target_list == 1) {
    expr = p.tree->stmts[0]->stmt->select_stmt->target_list[0]->res_target->val;
  }
  if (!expr || expr->node_case != PG_QUERY__NODE__NODE_TYPE_CAST) {
    if (error) *error = "not a type name: " + type_text;
    return {};
  }
  ir::SourceManager sources;
  ir::Diagnostics diags;
  CompileOptions options;
  options.default_search_path = {default_schema};
  State state(sources, diags, options);
  state.ctx.search_path = {default_schema.empty() ? std::string("public") : default_schema};
  ResolvedType r = ResolveType(state, expr->type_cast->type_name, "type \"" + type_text + "\"");
  if (!r.ok || r.serial_bytes) {
    if (error) {
      *error = diags.items().empty() ? "not a type name: " + type_text : diags.items().front().message;
    }
    return {};
  }
  return r.type;
}

}  // namespace schemac::sql
