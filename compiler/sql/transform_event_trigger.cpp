// CREATE EVENT TRIGGER, ALTER EVENT TRIGGER ... ENABLE / DISABLE / OWNER TO, DROP EVENT TRIGGER
// and COMMENT ON EVENT TRIGGER. Event triggers are database-wide objects; the IR holds what
// pg_event_trigger stores: the event, the WHEN TAG IN filter upper-cased in written order, the
// function schema-qualified (it must be defined in the files and return event_trigger), the
// enabled state. Dependencies: the function.
#include <fmt/format.h>

#include "compiler/sql/transform.h"

namespace schemac::sql {

namespace {

bool KnownEvent(const std::string& event) {
  return event == "ddl_command_start" || event == "ddl_command_end" || event == "sql_drop" ||
         event == "table_rewrite";
}

std::string Upper(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

ir::EventTrigger* FindEventTrigger(State& state, const std::string& name) {
  auto it = state.db.event_triggers.find(name);
  return it == state.db.event_triggers.end() ? nullptr : &it->second;
}

}  // namespace

StmtResult TransformCreateEventTrigger(State& state, PgQuery__CreateEventTrigStmt& stmt) {
  ir::SourceSpan span = state.Span();
  ir::EventTrigger e;
  e.name = stmt.trigname;
  e.event = stmt.eventname;
  e.span = span;
  std::string subject = fmt::format("event trigger \"{}\"", e.name);
  if (!KnownEvent(e.event)) {
    state.Error(ir::diag::kInvalid, fmt::format("{}: unrecognized event name \"{}\"", subject, e.event), span);
    return StmtResult::Done;
  }
  for (std::size_t i = 0; i < stmt.n_whenclause; ++i) {
    const PgQuery__DefElem& d = *stmt.whenclause[i]->def_elem;
    if (std::string(d.defname) != "tag") {
      state.Error(ir::diag::kInvalid, fmt::format("{}: unrecognized filter variable \"{}\"", subject, d.defname), span);
      return StmtResult::Done;
    }
    if (!e.tags.empty()) {
      state.Error(ir::diag::kInvalid, fmt::format("{}: filter variable \"tag\" specified more than once", subject),
                  span);
      return StmtResult::Done;
    }
    if (d.arg && d.arg->node_case == PG_QUERY__NODE__NODE_LIST) {
      for (std::size_t k = 0; k < d.arg->list->n_items; ++k) e.tags.push_back(Upper(StrVal(d.arg->list->items[k])));
    }
  }
  std::vector<std::string> fn = StrList(stmt.funcname, stmt.n_funcname);
  std::string fschema, fname;
  if (!state.SplitName(fn, &fschema, &fname, span)) return StmtResult::Done;
  const ir::Function* function = nullptr;
  for (const std::string& s : state.Candidates(fschema)) {
    auto it = state.db.functions.find({s, fname + "()"});
    if (it != state.db.functions.end()) {
      function = &it->second;
      break;
    }
  }
  std::string fwritten = fschema.empty() ? fname : fschema + "." + fname;
  if (!function) return state.Missing(fmt::format("{}: function {}()", subject, fwritten), span);
  if (function->kind != ir::FunctionKind::Function || !function->return_type ||
      !(*function->return_type == ir::TypeRef{"pg_catalog", "event_trigger", "", false})) {
    state.Error(ir::diag::kInvalid,
                fmt::format("{}: function {}() must return type event_trigger", subject,
                            ir::DisplayName(function->name)),
                span);
    return StmtResult::Done;
  }
  e.function = function->name;
  e.deps.keys = {ir::FuncKey(function->name)};
  if (ir::EventTrigger* existing = FindEventTrigger(state, e.name)) {
    state.Error(ir::diag::kDuplicate, fmt::format("{} already exists", subject), span,
                {{"first defined here", existing->span}});
    return StmtResult::Done;
  }
  state.db.event_triggers.emplace(e.name, std::move(e));
  return StmtResult::Done;
}

StmtResult TransformAlterEventTrigger(State& state, PgQuery__AlterEventTrigStmt& stmt) {
  ir::SourceSpan span = state.Span();
  ir::EventTrigger* e = FindEventTrigger(state, stmt.trigname);
  if (!e) return state.Missing(fmt::format("event trigger \"{}\"", stmt.trigname), span);
  std::string enabled = stmt.tgenabled ? stmt.tgenabled : "";
  if (enabled.size() != 1 || std::string("ODRA").find(enabled[0]) == std::string::npos) {
    state.Unsupported(fmt::format("ALTER EVENT TRIGGER \"{}\" with state \"{}\"", e->name, enabled), span);
    return StmtResult::Done;
  }
  e->enabled = enabled[0];
  return StmtResult::Done;
}

StmtResult TransformDropEventTriggers(State& state, PgQuery__DropStmt& stmt) {
  ir::SourceSpan span = state.Span();
  if (stmt.behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE) {
    state.Unsupported("DROP EVENT TRIGGER ... CASCADE", span);
    return StmtResult::Done;
  }
  std::vector<std::string> names;
  for (std::size_t i = 0; i < stmt.n_objects; ++i) {
    std::string name = StrVal(stmt.objects[i]);
    if (!FindEventTrigger(state, name)) {
      if (stmt.missing_ok && state.ctx.final_pass) continue;
      return state.Missing(fmt::format("event trigger \"{}\"", name), span);
    }
    names.push_back(name);
  }
  for (const std::string& name : names) state.db.event_triggers.erase(name);
  return StmtResult::Done;
}

StmtResult CommentOnEventTrigger(State& state, PgQuery__CommentStmt& stmt) {
  ir::SourceSpan span = state.Span();
  std::string name = StrVal(stmt.object);
  ir::EventTrigger* e = FindEventTrigger(state, name);
  if (!e) return state.Missing(fmt::format("event trigger \"{}\"", name), span);
  e->comment.reset();
  if (stmt.comment && *stmt.comment) e->comment = std::string(stmt.comment);
  return StmtResult::Done;
}

StmtResult AlterEventTriggerOwner(State& state, const std::string& name, const std::string& owner) {
  ir::EventTrigger* e = FindEventTrigger(state, name);
  if (!e) return state.Missing(fmt::format("event trigger \"{}\"", name), state.Span());
  e->owner = owner;
  return StmtResult::Done;
}

}  // namespace schemac::sql
