// CREATE [OR REPLACE] [CONSTRAINT] TRIGGER on tables and views, and the trigger forms of COMMENT
// ON, DROP and ALTER TABLE ... ENABLE / DISABLE TRIGGER. The IR holds what pg_trigger stores: the timing and
// event bits, UPDATE OF columns in written order, the function schema-qualified, its string
// arguments, the WHEN condition as canonical text (OLD / NEW references lower-cased, as
// pg_get_triggerdef prints them), a constraint trigger's FROM table. Dependencies: the relation,
// the function, the FROM table, UPDATE OF and WHEN columns, functions the WHEN condition calls.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "compiler/ir/expression_keys.h"
#include "compiler/sql/expr.h"
#include "compiler/sql/transform.h"

namespace schemac::sql {

namespace {

// CreateTrigStmt.timing and .events bits (PostgreSQL's TRIGGER_TYPE_*).
constexpr int kBefore = 1 << 1;
constexpr int kInsert = 1 << 2;
constexpr int kDelete = 1 << 3;
constexpr int kUpdate = 1 << 4;
constexpr int kTruncate = 1 << 5;
constexpr int kInstead = 1 << 6;

// A function argument as CreateTrigger stores it (every argument is turned into a string).
std::string ArgText(const PgQuery__Node* n) {
  switch (n->node_case) {
    case PG_QUERY__NODE__NODE_STRING: return n->string->sval;
    case PG_QUERY__NODE__NODE_INTEGER: return std::to_string(n->integer->ival);
    case PG_QUERY__NODE__NODE_FLOAT: return n->float_->fval;
    default: return StrVal(n);
  }
}

}  // namespace

// The table or view a trigger (or rule) statement names, resolved through the search path.
TriggerRelation FindTriggerRelation(State& state, const std::vector<std::string>& parts) {
  std::string schema, name;
  if (parts.size() == 2) {
    schema = parts[0];
    name = parts[1];
  } else if (parts.size() == 1) {
    name = parts[0];
  } else {
    return {};
  }
  for (const std::string& s : state.Candidates(schema)) {
    if (ir::Table* t = state.FindTable(s, name)) return {t->name, t, nullptr, &t->triggers, &t->rules};
    if (ir::View* v = FindView(state, s, name)) return {v->name, nullptr, v, &v->triggers, &v->rules};
  }
  return {};
}

bool QualifyQueryRelations(State& state, const std::vector<PgQuery__Node*>& roots,
                           const std::vector<PgQuery__RangeVar*>& targets, std::vector<std::string>* keys,
                           std::string* missing) {
  std::set<std::string> ctes;
  auto each = [&](const std::function<void(PgQuery__Node*)>& fn) {
    for (PgQuery__Node* root : roots) {
      if (root) WalkNodes(root, fn);
    }
  };
  each([&](PgQuery__Node* n) {
    if (n->node_case == PG_QUERY__NODE__NODE_COMMON_TABLE_EXPR && n->common_table_expr->ctename) {
      ctes.insert(n->common_table_expr->ctename);
    }
  });
  bool ok = true;
  auto resolve = [&](PgQuery__RangeVar* rv) {
    if (!rv) return;
    std::string schema = rv->schemaname && *rv->schemaname ? rv->schemaname : "";
    std::string name = rv->relname ? rv->relname : "";
    if (schema.empty() && ctes.count(name)) return;
    if (schema == "pg_catalog" || schema == "information_schema") return;
    std::vector<std::string> parts;
    if (!schema.empty()) parts.push_back(schema);
    parts.push_back(name);
    TriggerRelation rel = FindTriggerRelation(state, parts);
    if (!rel.rules) {
      if (ok) *missing = fmt::format("relation \"{}\"", schema.empty() ? name : schema + "." + name);
      ok = false;
      return;
    }
    keys->push_back(ir::RelKey(rel.name));
    if (schema.empty() && state.ctx.arena) rv->schemaname = state.ctx.arena->Strdup(rel.name.schema);
  };
  for (PgQuery__RangeVar* rv : targets) resolve(rv);
  each([&](PgQuery__Node* n) {
    if (n->node_case == PG_QUERY__NODE__NODE_RANGE_VAR) resolve(n->range_var);
  });
  return ok;
}

namespace {

// Prepends `schema` to a one-part function name of the parse tree.
void QualifyFunction(State& state, PgQuery__FuncCall& call, const std::string& schema) {
  if (!state.ctx.arena || call.n_funcname != 1) return;
  Arena& arena = *state.ctx.arena;
  auto** list = static_cast<PgQuery__Node**>(arena.Allocate(2 * sizeof(PgQuery__Node*)));
  PgQuery__String str = PG_QUERY__STRING__INIT;
  str.sval = arena.Strdup(schema);
  PgQuery__Node node = PG_QUERY__NODE__INIT;
  node.node_case = PG_QUERY__NODE__NODE_STRING;
  node.string = arena.New(str);
  list[0] = arena.New(node);
  list[1] = call.funcname[0];
  call.funcname = list;
  call.n_funcname = 2;
}

}  // namespace

// Unqualified calls of functions defined so far are schema-qualified in the WHEN condition, as
// pg_get_triggerdef (pg_get_ruledef) prints them under the catalog front end's empty search_path.
void QualifyUserFunctionCalls(State& state, PgQuery__Node* expr) {
  WalkNodes(expr, [&](PgQuery__Node* n) {
    if (n->node_case != PG_QUERY__NODE__NODE_FUNC_CALL || n->func_call->n_funcname != 1) return;
    std::string name = StrVal(n->func_call->funcname[0]);
    for (const std::string& s : state.ctx.search_path) {
      auto it = state.db.functions.lower_bound({s, name + "("});
      if (it != state.db.functions.end() && it->first.schema == s &&
          it->first.name.compare(0, name.size() + 1, name + "(") == 0) {
        QualifyFunction(state, *n->func_call, s);
        return;
      }
    }
  });
}

// "table \"s.t\"" / "view \"s.v\"" for messages.
static std::string RelationSubject(const TriggerRelation& rel) {
  return rel.view ? fmt::format("view \"{}\"", ir::DisplayName(rel.name)) : TableSubject(rel.name);
}

StmtResult TransformCreateTrigger(State& state, PgQuery__CreateTrigStmt& stmt) {
  ir::SourceSpan span = state.Span();
  std::string trigname = stmt.trigname;
  std::string subject = fmt::format("trigger \"{}\"", trigname);
  const PgQuery__RangeVar* rv = stmt.relation;
  std::string rel_schema = rv->schemaname ? rv->schemaname : "";
  std::string rel_written = rel_schema.empty() ? std::string(rv->relname) : rel_schema + "." + rv->relname;
  std::vector<std::string> rel_parts;
  if (!rel_schema.empty()) rel_parts.push_back(rel_schema);
  rel_parts.push_back(rv->relname);
  TriggerRelation rel = FindTriggerRelation(state, rel_parts);
  if (!rel.triggers) return state.Missing(fmt::format("relation \"{}\"", rel_written), span);
  if (rel.view && rel.view->materialized) {
    state.Error(ir::diag::kInvalid,
                fmt::format("{}: \"{}\" is a materialized view; it cannot have triggers", subject, rv->relname), span);
    return StmtResult::Done;
  }
  ir::Table* table = rel.table;
  subject = fmt::format("trigger \"{}\" on {}", trigname, RelationSubject(rel));
  if (table && table->foreign) {
    state.Unsupported(subject + ": a trigger on a foreign table", span);
    return StmtResult::Done;
  }

  // The function: name only, no arguments, returning trigger.
  std::vector<std::string> fn = StrList(stmt.funcname, stmt.n_funcname);
  std::string fschema, fname;
  if (!state.SplitName(fn, &fschema, &fname, span)) return StmtResult::Done;
  std::string fwritten = fschema.empty() ? fname : fschema + "." + fname;
  const ir::Function* function = nullptr;
  for (const std::string& s : state.Candidates(fschema)) {
    auto it = state.db.functions.find({s, fname + "()"});
    if (it != state.db.functions.end()) {
      function = &it->second;
      break;
    }
  }
  if (!function) return state.Missing(fmt::format("{}: function {}()", subject, fwritten), span);
  if (function->kind != ir::FunctionKind::Function || !function->return_type ||
      !(*function->return_type == ir::TypeRef{"pg_catalog", "trigger", "", false})) {
    state.Error(ir::diag::kInvalid,
                fmt::format("{}: function {}() must return type trigger", subject, ir::DisplayName(function->name)),
                span);
    return StmtResult::Done;
  }

  ir::Trigger g;
  g.name = trigname;
  g.span = span;
  g.timing = (stmt.timing & kInstead) ? 'i' : (stmt.timing & kBefore) ? 'b' : 'a';
  g.on_insert = stmt.events & kInsert;
  g.on_update = stmt.events & kUpdate;
  g.on_delete = stmt.events & kDelete;
  g.on_truncate = stmt.events & kTruncate;
  g.for_each_row = stmt.row;
  g.function = function->name;
  g.constraint = stmt.isconstraint;
  g.deferrable = stmt.deferrable;
  g.initially_deferred = stmt.initdeferred;
  // PostgreSQL's CreateTrigger checks, in its order.
  if (table && g.timing == 'i') {
    state.Error(ir::diag::kInvalid, fmt::format("{}: {} is a table; tables cannot have INSTEAD OF triggers", subject,
                                                ir::DisplayName(table->name)),
                span);
    return StmtResult::Done;
  }
  if (rel.view && g.timing != 'i' && g.for_each_row) {
    state.Error(ir::diag::kInvalid,
                subject + ": views cannot have row-level BEFORE or AFTER triggers (use INSTEAD OF)", span);
    return StmtResult::Done;
  }
  if (rel.view && g.on_truncate) {
    state.Error(ir::diag::kInvalid, subject + ": views cannot have TRUNCATE triggers", span);
    return StmtResult::Done;
  }
  if (g.on_truncate && g.for_each_row) {
    state.Error(ir::diag::kInvalid, subject + ": TRUNCATE FOR EACH ROW triggers are not supported", span);
    return StmtResult::Done;
  }
  if (g.timing == 'i' && (!g.for_each_row || stmt.when_clause || stmt.n_columns > 0)) {
    state.Error(ir::diag::kInvalid,
                subject + ": INSTEAD OF triggers must be FOR EACH ROW, without WHEN condition or column list", span);
    return StmtResult::Done;
  }
  if (g.constraint && (g.timing != 'a' || !g.for_each_row)) {
    state.Error(ir::diag::kInvalid, subject + ": constraint triggers must be AFTER ROW", span);
    return StmtResult::Done;
  }
  if (rel.view && stmt.n_transition_rels > 0) {
    state.Error(ir::diag::kInvalid, subject + ": triggers on views cannot have transition tables", span);
    return StmtResult::Done;
  }
  if (rel.view && stmt.n_columns > 0) {
    state.Unsupported(subject + ": UPDATE OF columns on a view's trigger", span);
    return StmtResult::Done;
  }
  std::vector<std::string> deps{ir::FuncKey(function->name), ir::RelKey(rel.name)};
  if (stmt.constrrel) {
    std::vector<std::string> from_parts;
    if (stmt.constrrel->schemaname && *stmt.constrrel->schemaname) from_parts.push_back(stmt.constrrel->schemaname);
    from_parts.push_back(stmt.constrrel->relname);
    TriggerRelation from = FindTriggerRelation(state, from_parts);
    if (!from.triggers) {
      std::string shown = from_parts.size() == 2 ? from_parts[0] + "." + from_parts[1] : from_parts[0];
      return state.Missing(fmt::format("{}: relation \"{}\"", subject, shown), span);
    }
    g.from_table = from.name;
    deps.push_back(ir::RelKey(from.name));
  }
  for (std::size_t i = 0; i < stmt.n_columns; ++i) {
    std::string col = StrVal(stmt.columns[i]);
    if (!table->FindColumn(col)) {
      state.Error(ir::diag::kUndefined, fmt::format("{}: column \"{}\" does not exist", subject, col), span);
      return StmtResult::Done;
    }
    if (std::find(g.update_columns.begin(), g.update_columns.end(), col) != g.update_columns.end()) {
      state.Error(ir::diag::kInvalid, fmt::format("{}: column \"{}\" specified more than once", subject, col), span);
      return StmtResult::Done;
    }
    g.update_columns.push_back(col);
    deps.push_back(ir::ColumnKey(table->name, col));
  }
  for (std::size_t i = 0; i < stmt.n_args; ++i) g.function_args.push_back(ArgText(stmt.args[i]));
  for (std::size_t i = 0; i < stmt.n_transition_rels; ++i) {
    const PgQuery__TriggerTransition& tt = *stmt.transition_rels[i]->trigger_transition;
    if (!tt.is_table) {
      state.Error(ir::diag::kInvalid, subject + ": ROW variable naming in the REFERENCING clause is not supported", span);
      return StmtResult::Done;
    }
    (tt.is_new ? g.new_table : g.old_table) = tt.name;
  }
  if (stmt.when_clause) {
    if (!g.for_each_row) {
      state.Error(ir::diag::kInvalid, subject + ": statement trigger's WHEN condition cannot reference column values",
                  span);
      return StmtResult::Done;
    }
    QualifyUserFunctionCalls(state, stmt.when_clause);
    std::optional<ir::Expr> when = TransformExpr(state, stmt.when_clause, subject);
    if (!when) return StmtResult::Done;
    g.when = std::move(when);
    for (const std::string& c : ExprColumns(stmt.when_clause)) {
      if (table->FindColumn(c)) deps.push_back(ir::ColumnKey(table->name, c));
    }
    for (std::string& k : ir::ExpressionKeys(g.when->text)) deps.push_back(std::move(k));
  }
  std::sort(deps.begin(), deps.end());
  deps.erase(std::unique(deps.begin(), deps.end()), deps.end());
  g.deps.keys = std::move(deps);

  auto existing = rel.triggers->find(trigname);
  if (existing != rel.triggers->end()) {
    if (!stmt.replace) {
      state.Error(ir::diag::kDuplicate,
                  fmt::format("{}: trigger \"{}\" for relation \"{}\" already exists", subject, trigname,
                              rel.name.name),
                  span, {{"first defined here", existing->second.span}});
      return StmtResult::Done;
    }
    if (existing->second.constraint || g.constraint) {
      state.Error(ir::diag::kInvalid, subject + ": CREATE OR REPLACE cannot replace a constraint trigger", span);
      return StmtResult::Done;
    }
    // OR REPLACE keeps the trigger's oid, hence its comment; the new row is enabled ('O').
    g.comment = existing->second.comment;
    existing->second = std::move(g);
    return StmtResult::Done;
  }
  rel.triggers->emplace(trigname, std::move(g));
  return StmtResult::Done;
}

// [schema.]relation.trigger of COMMENT ON TRIGGER / DROP TRIGGER: the relation (table or view,
// none when absent under IF EXISTS) and the trigger name.
StmtResult FindTriggerTarget(State& state, const std::vector<std::string>& names, bool missing_ok,
                             TriggerRelation* rel, std::string* trigname) {
  ir::SourceSpan span = state.Span();
  *rel = {};
  if (names.size() < 2 || names.size() > 3) {
    state.Error(ir::diag::kInvalid, "improper trigger reference", span);
    return StmtResult::Done;
  }
  std::vector<std::string> parts(names.begin(), names.end() - 1);
  *trigname = names.back();
  std::string shown = parts.size() == 2 ? parts[0] + "." + parts[1] : parts[0];
  TriggerRelation found = FindTriggerRelation(state, parts);
  if (!found.triggers) {
    if (missing_ok && state.ctx.final_pass) return StmtResult::Done;
    return state.Missing(fmt::format("relation \"{}\"", shown), span);
  }
  if (!found.triggers->count(*trigname)) {
    if (missing_ok && state.ctx.final_pass) return StmtResult::Done;
    return state.Missing(fmt::format("trigger \"{}\" for table \"{}\"", *trigname, found.name.name), span);
  }
  *rel = found;
  return StmtResult::Done;
}

StmtResult CommentOnTrigger(State& state, PgQuery__CommentStmt& stmt) {
  std::vector<std::string> names;
  if (stmt.object && stmt.object->node_case == PG_QUERY__NODE__NODE_LIST) {
    names = StrList(stmt.object->list->items, stmt.object->list->n_items);
  }
  TriggerRelation rel;
  std::string trigname;
  StmtResult r = FindTriggerTarget(state, names, false, &rel, &trigname);
  if (r == StmtResult::Defer || !rel.triggers) return r;
  std::optional<std::string> comment;
  if (stmt.comment && *stmt.comment) comment = std::string(stmt.comment);
  rel.triggers->at(trigname).comment = comment;
  return StmtResult::Done;
}

StmtResult TransformDropTriggers(State& state, PgQuery__DropStmt& stmt) {
  if (stmt.behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE) {
    state.Unsupported("DROP TRIGGER ... CASCADE", state.Span());
    return StmtResult::Done;
  }
  std::vector<std::pair<std::map<std::string, ir::Trigger>*, std::string>> targets;
  for (std::size_t i = 0; i < stmt.n_objects; ++i) {
    PgQuery__Node* obj = stmt.objects[i];
    std::vector<std::string> names;
    if (obj->node_case == PG_QUERY__NODE__NODE_LIST) names = StrList(obj->list->items, obj->list->n_items);
    TriggerRelation rel;
    std::string trigname;
    StmtResult r = FindTriggerTarget(state, names, stmt.missing_ok, &rel, &trigname);
    if (r == StmtResult::Defer) return r;
    if (rel.triggers) targets.push_back({rel.triggers, trigname});
  }
  for (auto& [triggers, trigname] : targets) triggers->erase(trigname);
  return StmtResult::Done;
}

bool WaitsForTrigger(const ir::Table& table, const PgQuery__AlterTableCmd& cmd) {
  switch (cmd.subtype) {
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrig: return !table.triggers.count(cmd.name ? cmd.name : "");
    default: return WaitsForRule(table, cmd);
  }
}

void SetTriggerEnabled(State& state, ir::Table& table, const PgQuery__AlterTableCmd& cmd, ir::SourceSpan span) {
  char state_char = 'O';
  switch (cmd.subtype) {
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysTrig: state_char = 'A'; break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaTrig: state_char = 'R'; break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigUser: state_char = 'D'; break;
    default: break;
  }
  if (cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigUser ||
      cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigUser) {
    for (auto& [name, g] : table.triggers) g.enabled = state_char;
    return;
  }
  std::string name = cmd.name ? cmd.name : "";
  auto it = table.triggers.find(name);
  if (it == table.triggers.end()) {
    state.Error(ir::diag::kUndefined,
                fmt::format("{}: trigger \"{}\" for table \"{}\" does not exist", TableSubject(table.name), name,
                            table.name.name),
                span);
    return;
  }
  it->second.enabled = state_char;
}

}  // namespace schemac::sql
