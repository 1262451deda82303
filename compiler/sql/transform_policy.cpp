// CREATE / ALTER / DROP POLICY and COMMENT ON POLICY. The IR holds what pg_policy stores: the
// command, PERMISSIVE or RESTRICTIVE, the roles (PUBLIC as none) and the USING and WITH CHECK
// expressions in canonical text (user functions and the relations of subqueries qualified
// through the search path, as pg_get_expr prints them under the catalog front end's empty
// search_path). Dependencies: the table, the columns the expressions read, and the relations,
// functions and types they name.
#include <algorithm>

#include <fmt/format.h>

#include "compiler/ir/expression_keys.h"
#include "compiler/sql/expr.h"
#include "compiler/sql/transform.h"

namespace schemac::sql {

namespace {

// pg_policy.polcmd of CREATE POLICY ... FOR cmd; 0 for an unknown command.
char PolicyCommand(const std::string& cmd) {
  if (cmd.empty() || cmd == "all") return '*';
  if (cmd == "select") return 'r';
  if (cmd == "insert") return 'a';
  if (cmd == "update") return 'w';
  if (cmd == "delete") return 'd';
  return 0;
}

std::string Subject(const std::string& policy, const ir::QualifiedName& table) {
  return fmt::format("policy \"{}\" on table \"{}\"", policy, ir::DisplayName(table));
}

// The roles of TO ...: sorted and distinct names, none for PUBLIC (PostgreSQL keeps only PUBLIC
// when it is listed with other roles). False (reported) for CURRENT_USER and the like, which
// name a role only at creation.
bool PolicyRoles(State& state, PgQuery__Node** roles, std::size_t n, const std::string& subject,
                 std::vector<std::string>* out) {
  out->clear();
  bool is_public = n == 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (roles[i]->node_case != PG_QUERY__NODE__NODE_ROLE_SPEC) continue;
    const PgQuery__RoleSpec& r = *roles[i]->role_spec;
    switch (r.roletype) {
      case PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_PUBLIC: is_public = true; break;
      case PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_CSTRING: out->push_back(r.rolename ? r.rolename : ""); break;
      default:
        state.Unsupported(subject + ": CURRENT_USER, CURRENT_ROLE or SESSION_USER as a policy role (name the role)",
                          state.Span());
        return false;
    }
  }
  if (is_public) out->clear();
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
  return true;
}

// The table of a policy statement (reported when it is not a table of the state).
ir::Table* PolicyTable(State& state, const PgQuery__RangeVar* rv, const std::string& what, StmtResult* result) {
  *result = StmtResult::Done;
  std::vector<std::string> parts;
  if (rv->schemaname && *rv->schemaname) parts.push_back(rv->schemaname);
  parts.push_back(rv->relname ? rv->relname : "");
  std::string shown = parts.size() == 2 ? parts[0] + "." + parts[1] : parts[0];
  TriggerRelation rel = FindTriggerRelation(state, parts);
  if (rel.view) {
    state.Error(ir::diag::kInvalid, fmt::format("{}: \"{}\" is not a table", what, shown), state.Span());
    return nullptr;
  }
  if (!rel.table) *result = state.Missing(fmt::format("table \"{}\"", shown), state.Span());
  if (rel.table && rel.table->foreign) {
    state.Unsupported(fmt::format("{}: a policy on foreign table \"{}\"", what, shown), state.Span());
    return nullptr;
  }
  return rel.table;
}

// USING and WITH CHECK of a CREATE or ALTER POLICY into `p` (each only when given). Defer when a
// relation a subquery names is not defined yet; `ok` is false when an expression was reported.
StmtResult PolicyExpressions(State& state, PgQuery__Node* qual, PgQuery__Node* with_check, const std::string& subject,
                             ir::Policy& p, bool* ok) {
  *ok = false;
  std::vector<std::string> keys;
  std::string missing;
  if (!QualifyQueryRelations(state, {qual, with_check}, {}, &keys, &missing)) {
    if (!state.ctx.final_pass) return StmtResult::Defer;
    return state.Missing(subject + ": " + missing, state.Span());
  }
  for (auto [node, slot] : {std::pair{qual, &p.using_expr}, std::pair{with_check, &p.check_expr}}) {
    if (!node) continue;
    QualifyUserFunctionCalls(state, node);
    std::optional<ir::Expr> e = TransformExpr(state, node, subject);
    if (!e) return StmtResult::Done;
    *slot = std::move(e);
  }
  *ok = true;
  return StmtResult::Done;
}

// The dependencies of a policy, from its expressions' canonical text: the table; the columns of
// the table they read (any column reference ending in one of its names: an over-approximation in
// subqueries, which only costs a rebuild; a whole-row or `*` reference reads them all); the
// relations their subqueries name (qualified by then; unqualified ones are CTEs); the functions
// and types they name.
std::vector<std::string> PolicyDeps(const ir::Table& table, const ir::Policy& p) {
  std::vector<std::string> keys{ir::RelKey(table.name)};
  for (const std::optional<ir::Expr>& e : {p.using_expr, p.check_expr}) {
    if (!e) continue;
    for (std::string& k : ir::ExpressionKeys(e->text)) keys.push_back(std::move(k));
    ParsedText parsed = Parse("SELECT " + e->text);
    if (!parsed.tree || parsed.tree->n_stmts != 1) continue;
    bool whole_row = false;
    WalkNodes(parsed.tree->stmts[0]->stmt, [&](PgQuery__Node* n) {
      if (n->node_case == PG_QUERY__NODE__NODE_RANGE_VAR) {
        const PgQuery__RangeVar& rv = *n->range_var;
        std::string schema = rv.schemaname ? rv.schemaname : "";
        if (!schema.empty() && schema != "pg_catalog" && schema != "information_schema") {
          keys.push_back(ir::RelKey({schema, rv.relname ? rv.relname : ""}));
        }
        return;
      }
      if (n->node_case != PG_QUERY__NODE__NODE_COLUMN_REF || n->column_ref->n_fields == 0) return;
      const PgQuery__Node* last = n->column_ref->fields[n->column_ref->n_fields - 1];
      std::string name = StrVal(last);
      if (table.FindColumn(name)) keys.push_back(ir::ColumnKey(table.name, name));
      whole_row |= last->node_case == PG_QUERY__NODE__NODE_A_STAR ||
                   (n->column_ref->n_fields == 1 && name == table.name.name && !table.FindColumn(name));
    });
    if (whole_row) {
      for (const ir::Column& c : table.columns) keys.push_back(ir::ColumnKey(table.name, c.name));
    }
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

// PostgreSQL's checks of which expressions a command takes.
bool CheckCommandExpressions(State& state, const ir::Policy& p, const std::string& subject) {
  if ((p.command == 'r' || p.command == 'd') && p.check_expr) {
    state.Error(ir::diag::kInvalid, subject + ": WITH CHECK cannot be applied to SELECT or DELETE", state.Span());
    return false;
  }
  if (p.command == 'a' && p.using_expr) {
    state.Error(ir::diag::kInvalid, subject + ": only WITH CHECK expression allowed for INSERT", state.Span());
    return false;
  }
  return true;
}

// [schema.]table.policy of COMMENT ON POLICY / DROP POLICY: the table (null when absent under IF
// EXISTS, or reported) and the policy name.
StmtResult FindPolicyTarget(State& state, const std::vector<std::string>& names, bool missing_ok, ir::Table** table,
                            std::string* policy) {
  *table = nullptr;
  if (names.size() < 2 || names.size() > 3) {
    state.Error(ir::diag::kInvalid, "a policy is named with its table (POLICY name ON table)", state.Span());
    return StmtResult::Done;
  }
  std::vector<std::string> parts(names.begin(), names.end() - 1);
  *policy = names.back();
  std::string shown = parts.size() == 2 ? parts[0] + "." + parts[1] : parts[0];
  TriggerRelation rel = FindTriggerRelation(state, parts);
  if (!rel.table) {
    if (missing_ok && state.ctx.final_pass) return StmtResult::Done;
    return state.Missing(fmt::format("table \"{}\"", shown), state.Span());
  }
  if (!rel.table->policies.count(*policy)) {
    if (missing_ok && state.ctx.final_pass) return StmtResult::Done;
    return state.Missing(fmt::format("policy \"{}\" for table \"{}\"", *policy, rel.table->name.name), state.Span());
  }
  *table = rel.table;
  return StmtResult::Done;
}

}  // namespace

StmtResult TransformCreatePolicy(State& state, PgQuery__CreatePolicyStmt& stmt) {
  ir::SourceSpan span = state.Span();
  std::string name = stmt.policy_name ? stmt.policy_name : "";
  StmtResult found;
  ir::Table* table = PolicyTable(state, stmt.table, fmt::format("policy \"{}\"", name), &found);
  if (!table) return found;
  std::string subject = Subject(name, table->name);
  if (table->policies.count(name)) {
    state.Error(ir::diag::kDuplicate,
                fmt::format("{}: policy \"{}\" for table \"{}\" already exists", subject, name, table->name.name), span,
                {{"first defined here", table->policies.at(name).span}});
    return StmtResult::Done;
  }
  ir::Policy p;
  p.name = name;
  p.span = span;
  p.permissive = stmt.permissive;
  p.command = PolicyCommand(stmt.cmd_name ? stmt.cmd_name : "");
  if (p.command == 0) {
    state.Error(ir::diag::kInvalid, fmt::format("{}: unrecognized policy command \"{}\"", subject, stmt.cmd_name), span);
    return StmtResult::Done;
  }
  if (!PolicyRoles(state, stmt.roles, stmt.n_roles, subject, &p.roles)) return StmtResult::Done;
  bool ok = false;
  StmtResult r = PolicyExpressions(state, stmt.qual, stmt.with_check, subject, p, &ok);
  if (!ok) return r;
  if (!CheckCommandExpressions(state, p, subject)) return StmtResult::Done;
  p.deps.keys = PolicyDeps(*table, p);
  table->policies.emplace(name, std::move(p));
  return StmtResult::Done;
}

StmtResult TransformAlterPolicy(State& state, PgQuery__AlterPolicyStmt& stmt) {
  ir::SourceSpan span = state.Span();
  std::string name = stmt.policy_name ? stmt.policy_name : "";
  StmtResult found;
  ir::Table* table = PolicyTable(state, stmt.table, fmt::format("policy \"{}\"", name), &found);
  if (!table) return found;
  std::string subject = Subject(name, table->name);
  auto it = table->policies.find(name);
  if (it == table->policies.end()) {
    return state.Missing(fmt::format("policy \"{}\" for table \"{}\"", name, table->name.name), span);
  }
  ir::Policy p = it->second;
  if (stmt.n_roles > 0 && !PolicyRoles(state, stmt.roles, stmt.n_roles, subject, &p.roles)) return StmtResult::Done;
  bool ok = false;
  StmtResult r = PolicyExpressions(state, stmt.qual, stmt.with_check, subject, p, &ok);
  if (!ok) return r;
  if (!CheckCommandExpressions(state, p, subject)) return StmtResult::Done;
  p.deps.keys = PolicyDeps(*table, p);
  it->second = std::move(p);
  return StmtResult::Done;
}

StmtResult TransformDropPolicies(State& state, PgQuery__DropStmt& stmt) {
  if (stmt.behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE) {
    state.Unsupported("DROP POLICY ... CASCADE", state.Span());
    return StmtResult::Done;
  }
  std::vector<std::pair<ir::Table*, std::string>> targets;
  for (std::size_t i = 0; i < stmt.n_objects; ++i) {
    PgQuery__Node* obj = stmt.objects[i];
    std::vector<std::string> names;
    if (obj->node_case == PG_QUERY__NODE__NODE_LIST) names = StrList(obj->list->items, obj->list->n_items);
    ir::Table* table = nullptr;
    std::string policy;
    StmtResult r = FindPolicyTarget(state, names, stmt.missing_ok, &table, &policy);
    if (r == StmtResult::Defer) return r;
    if (table) targets.push_back({table, policy});
  }
  for (auto& [table, policy] : targets) table->policies.erase(policy);
  return StmtResult::Done;
}

StmtResult CommentOnPolicy(State& state, PgQuery__CommentStmt& stmt) {
  std::vector<std::string> names;
  if (stmt.object && stmt.object->node_case == PG_QUERY__NODE__NODE_LIST) {
    names = StrList(stmt.object->list->items, stmt.object->list->n_items);
  }
  ir::Table* table = nullptr;
  std::string policy;
  StmtResult r = FindPolicyTarget(state, names, false, &table, &policy);
  if (r == StmtResult::Defer || !table) return r;
  std::optional<std::string> comment;
  if (stmt.comment && *stmt.comment) comment = std::string(stmt.comment);
  table->policies.at(policy).comment = comment;
  return StmtResult::Done;
}

}  // namespace schemac::sql
