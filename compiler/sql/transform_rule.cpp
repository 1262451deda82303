// CREATE [OR REPLACE] RULE on tables and views, DROP RULE, COMMENT ON RULE and ALTER TABLE ...
// ENABLE / DISABLE RULE. The IR holds what pg_rewrite stores: the event, DO INSTEAD / ALSO, the
// WHERE condition and each action as libpg_query's deparse of its parse tree (relations and
// user functions schema-qualified through the search path, as pg_get_ruledef prints them under
// the catalog front end's empty search_path; the catalog text goes through the same parse +
// deparse, ParseRuleDefinition). Dependencies: the relation, the relations and functions the
// condition and the actions name.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "compiler/ir/expression_keys.h"
#include "compiler/sql/rule_definition.h"
#include "compiler/sql/transform.h"

namespace schemac::sql {

namespace {

// pg_rewrite.ev_type of a RuleStmt event; 0 for an event a rule cannot have.
char EventType(PgQuery__CmdType event) {
  switch (event) {
    case PG_QUERY__CMD_TYPE__CMD_SELECT: return '1';
    case PG_QUERY__CMD_TYPE__CMD_UPDATE: return '2';
    case PG_QUERY__CMD_TYPE__CMD_INSERT: return '3';
    case PG_QUERY__CMD_TYPE__CMD_DELETE: return '4';
    default: return 0;
  }
}

// The WHERE condition and actions of `stmt` in canonical text.
bool DeparseRule(PgQuery__RuleStmt& stmt, std::optional<ir::Expr>* where, std::vector<std::string>* actions,
                 std::string* error) {
  where->reset();
  actions->clear();
  if (stmt.where_clause) {
    std::string text = DeparseExpr(stmt.where_clause, error);
    if (!error->empty()) return false;
    *where = ir::Expr{text};
  }
  for (std::size_t i = 0; i < stmt.n_actions; ++i) {
    std::string text = DeparseStatement(stmt.actions[i], "cannot deparse the rule action", error);
    if (!error->empty()) return false;
    actions->push_back(std::move(text));
  }
  return true;
}

// Relations (tables, views) the condition and actions name, qualified in the tree and added to
// `keys`; false (and `missing` set) when one is not defined yet.
bool RuleRelations(State& state, PgQuery__RuleStmt& stmt, std::vector<std::string>* keys, std::string* missing) {
  std::vector<PgQuery__Node*> roots{stmt.where_clause};
  std::vector<PgQuery__RangeVar*> targets;
  // The target of INSERT / UPDATE / DELETE is a RangeVar field, not a node.
  for (std::size_t i = 0; i < stmt.n_actions; ++i) {
    PgQuery__Node* a = stmt.actions[i];
    roots.push_back(a);
    if (a->node_case == PG_QUERY__NODE__NODE_INSERT_STMT) targets.push_back(a->insert_stmt->relation);
    if (a->node_case == PG_QUERY__NODE__NODE_UPDATE_STMT) targets.push_back(a->update_stmt->relation);
    if (a->node_case == PG_QUERY__NODE__NODE_DELETE_STMT) targets.push_back(a->delete_stmt->relation);
  }
  return QualifyQueryRelations(state, roots, targets, keys, missing);
}

// [schema.]relation.rule of COMMENT ON RULE / DROP RULE: the relation (none when absent under IF
// EXISTS) and the rule name.
StmtResult FindRuleTarget(State& state, const std::vector<std::string>& names, bool missing_ok, TriggerRelation* rel,
                          std::string* rulename) {
  ir::SourceSpan span = state.Span();
  *rel = {};
  if (names.size() < 2 || names.size() > 3) {
    state.Unsupported("rule reference without its table (write RULE name ON table)", span);
    return StmtResult::Done;
  }
  std::vector<std::string> parts(names.begin(), names.end() - 1);
  *rulename = names.back();
  std::string shown = parts.size() == 2 ? parts[0] + "." + parts[1] : parts[0];
  TriggerRelation found = FindTriggerRelation(state, parts);
  if (!found.rules) {
    if (missing_ok && state.ctx.final_pass) return StmtResult::Done;
    return state.Missing(fmt::format("relation \"{}\"", shown), span);
  }
  if (!found.rules->count(*rulename)) {
    if (missing_ok && state.ctx.final_pass) return StmtResult::Done;
    return state.Missing(fmt::format("rule \"{}\" for relation \"{}\"", *rulename, found.name.name), span);
  }
  *rel = found;
  return StmtResult::Done;
}

}  // namespace

bool ParseRuleDefinition(const std::string& text, std::optional<ir::Expr>* where, std::vector<std::string>* actions,
                         std::string* error) {
  ParsedText parsed = Parse(text);
  if (!parsed.tree) {
    *error = parsed.error_message;
    return false;
  }
  if (parsed.tree->n_stmts != 1 || !parsed.tree->stmts[0]->stmt ||
      parsed.tree->stmts[0]->stmt->node_case != PG_QUERY__NODE__NODE_RULE_STMT) {
    *error = "not a single CREATE RULE statement";
    return false;
  }
  error->clear();
  return DeparseRule(*parsed.tree->stmts[0]->stmt->rule_stmt, where, actions, error);
}

StmtResult TransformCreateRule(State& state, PgQuery__RuleStmt& stmt) {
  ir::SourceSpan span = state.Span();
  std::string rulename = stmt.rulename;
  const PgQuery__RangeVar* rv = stmt.relation;
  std::vector<std::string> parts;
  if (rv->schemaname && *rv->schemaname) parts.push_back(rv->schemaname);
  parts.push_back(rv->relname);
  std::string shown = parts.size() == 2 ? parts[0] + "." + parts[1] : parts[0];
  TriggerRelation rel = FindTriggerRelation(state, parts);
  if (!rel.rules) return state.Missing(fmt::format("relation \"{}\"", shown), span);
  std::string subject = fmt::format("rule \"{}\" on {} \"{}\"", rulename, rel.view ? "view" : "table",
                                    ir::DisplayName(rel.name));
  if (rel.view && rel.view->materialized) {
    state.Error(ir::diag::kInvalid, fmt::format("{}: materialized views cannot have rules", subject), span);
    return StmtResult::Done;
  }
  if (rel.table && rel.table->foreign) {
    state.Unsupported(subject + ": a rule on a foreign table", span);
    return StmtResult::Done;
  }
  ir::Rule r;
  r.name = rulename;
  r.span = span;
  r.event = EventType(stmt.event);
  r.instead = stmt.instead;
  if (r.event == 0) {
    state.Error(ir::diag::kInvalid, subject + ": unsupported rule event", span);
    return StmtResult::Done;
  }
  if (r.event == '1' || rulename == "_RETURN") {
    state.Unsupported(subject + ": ON SELECT rules (write a view instead)", span);
    return StmtResult::Done;
  }
  std::vector<std::string> keys{ir::RelKey(rel.name)};
  std::string missing;
  if (!RuleRelations(state, stmt, &keys, &missing)) {
    if (!state.ctx.final_pass) return StmtResult::Defer;
    return state.Missing(subject + ": " + missing, span);
  }
  if (stmt.where_clause) QualifyUserFunctionCalls(state, stmt.where_clause);
  for (std::size_t i = 0; i < stmt.n_actions; ++i) QualifyUserFunctionCalls(state, stmt.actions[i]);
  std::string error;
  if (!DeparseRule(stmt, &r.where, &r.actions, &error)) {
    state.Error(ir::diag::kInvalid, fmt::format("{}: cannot deparse: {}", subject, error), span);
    return StmtResult::Done;
  }
  if (r.where) {
    for (std::string& k : ir::ExpressionKeys(r.where->text)) keys.push_back(std::move(k));
  }
  for (const std::string& a : r.actions) {
    for (std::string& k : ir::ExpressionKeys(a)) keys.push_back(std::move(k));
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  r.deps.keys = std::move(keys);

  auto existing = rel.rules->find(rulename);
  if (existing != rel.rules->end()) {
    if (!stmt.replace) {
      state.Error(ir::diag::kDuplicate,
                  fmt::format("{}: rule \"{}\" for relation \"{}\" already exists", subject, rulename, rel.name.name),
                  span, {{"first defined here", existing->second.span}});
      return StmtResult::Done;
    }
    // OR REPLACE updates the pg_rewrite row in place: the comment stays, the rule fires on
    // origin again.
    r.comment = existing->second.comment;
    existing->second = std::move(r);
    return StmtResult::Done;
  }
  rel.rules->emplace(rulename, std::move(r));
  return StmtResult::Done;
}

StmtResult CommentOnRule(State& state, PgQuery__CommentStmt& stmt) {
  std::vector<std::string> names;
  if (stmt.object && stmt.object->node_case == PG_QUERY__NODE__NODE_LIST) {
    names = StrList(stmt.object->list->items, stmt.object->list->n_items);
  }
  TriggerRelation rel;
  std::string rulename;
  StmtResult r = FindRuleTarget(state, names, false, &rel, &rulename);
  if (r == StmtResult::Defer || !rel.rules) return r;
  std::optional<std::string> comment;
  if (stmt.comment && *stmt.comment) comment = std::string(stmt.comment);
  rel.rules->at(rulename).comment = comment;
  return StmtResult::Done;
}

StmtResult TransformDropRules(State& state, PgQuery__DropStmt& stmt) {
  if (stmt.behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE) {
    state.Unsupported("DROP RULE ... CASCADE", state.Span());
    return StmtResult::Done;
  }
  std::vector<std::pair<std::map<std::string, ir::Rule>*, std::string>> targets;
  for (std::size_t i = 0; i < stmt.n_objects; ++i) {
    PgQuery__Node* obj = stmt.objects[i];
    std::vector<std::string> names;
    if (obj->node_case == PG_QUERY__NODE__NODE_LIST) names = StrList(obj->list->items, obj->list->n_items);
    TriggerRelation rel;
    std::string rulename;
    StmtResult r = FindRuleTarget(state, names, stmt.missing_ok, &rel, &rulename);
    if (r == StmtResult::Defer) return r;
    if (rel.rules) targets.push_back({rel.rules, rulename});
  }
  for (auto& [rules, rulename] : targets) rules->erase(rulename);
  return StmtResult::Done;
}

bool WaitsForRule(const ir::Table& table, const PgQuery__AlterTableCmd& cmd) {
  switch (cmd.subtype) {
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableRule:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysRule:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaRule:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableRule: return !table.rules.count(cmd.name ? cmd.name : "");
    default: return false;
  }
}

void SetRuleEnabled(State& state, ir::Table& table, const PgQuery__AlterTableCmd& cmd, ir::SourceSpan span) {
  char state_char = 'O';
  switch (cmd.subtype) {
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysRule: state_char = 'A'; break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaRule: state_char = 'R'; break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableRule: state_char = 'D'; break;
    default: break;
  }
  std::string name = cmd.name ? cmd.name : "";
  auto it = table.rules.find(name);
  if (it == table.rules.end()) {
    state.Error(ir::diag::kUndefined,
                fmt::format("{}: rule \"{}\" for table \"{}\" does not exist", TableSubject(table.name), name,
                            table.name.name),
                span);
    return;
  }
  it->second.enabled = state_char;
}

}  // namespace schemac::sql
