// CREATE / ALTER / DROP FOREIGN DATA WRAPPER, SERVER and USER MAPPING, COMMENT ON and OWNER TO of
// wrappers and servers, and the OPTIONS lists of foreign tables and their columns. Wrappers and
// servers are database-wide; the IR holds what pg_foreign_data_wrapper, pg_foreign_server and
// pg_user_mapping store. A user mapping's options that hold a secret (ir::IsSecretOption) are
// never kept: a warning says so, and plans never print them.
#include <algorithm>

#include <fmt/format.h>

#include "compiler/sql/transform.h"

namespace schemac::sql {

namespace {

ir::ForeignDataWrapper* FindWrapper(State& state, const std::string& name) {
  auto it = state.db.foreign_data_wrappers.find(name);
  return it == state.db.foreign_data_wrappers.end() ? nullptr : &it->second;
}

ir::ForeignServer* FindServer(State& state, const std::string& name) {
  auto it = state.db.foreign_servers.find(name);
  return it == state.db.foreign_servers.end() ? nullptr : &it->second;
}

// HANDLER / VALIDATOR [function] | NO HANDLER / NO VALIDATOR of CREATE / ALTER FOREIGN DATA
// WRAPPER. A function defined in the files is resolved through the search path; one it does not
// define (a C function of an extension, which the files cannot define) is taken as written, in
// the creation schema when unqualified.
bool WrapperFunctions(State& state, PgQuery__Node** items, std::size_t n, ir::ForeignDataWrapper& w,
                      const std::string& subject) {
  for (std::size_t i = 0; i < n; ++i) {
    if (items[i]->node_case != PG_QUERY__NODE__NODE_DEF_ELEM) continue;
    const PgQuery__DefElem& d = *items[i]->def_elem;
    std::string what = d.defname;
    std::optional<ir::QualifiedName>* target = what == "handler" ? &w.handler : what == "validator" ? &w.validator : nullptr;
    if (!target) {
      state.Error(ir::diag::kInvalid, fmt::format("{}: unrecognized option \"{}\"", subject, what),
                  state.Span(d.location));
      return false;
    }
    target->reset();
    if (!d.arg) continue;  // NO HANDLER / NO VALIDATOR
    std::vector<std::string> parts =
        d.arg->node_case == PG_QUERY__NODE__NODE_LIST ? StrList(d.arg->list->items, d.arg->list->n_items)
                                                      : std::vector<std::string>{StrVal(d.arg)};
    std::string schema, name;
    if (!state.SplitName(parts, &schema, &name, state.Span(d.location))) return false;
    ir::QualifiedName resolved{schema.empty() ? state.CreationSchema() : schema, name};
    for (const std::string& s : state.Candidates(schema)) {
      auto it = state.db.functions.lower_bound({s, name + "("});
      if (it != state.db.functions.end() && it->first.schema == s && it->second.name.name == name) {
        resolved = it->second.name;
        break;
      }
    }
    *target = resolved;
  }
  w.deps.keys.clear();
  for (const auto* f : {&w.handler, &w.validator}) {
    if (*f) w.deps.keys.push_back(ir::FuncKey(**f));
  }
  std::sort(w.deps.keys.begin(), w.deps.keys.end());
  w.deps.keys.erase(std::unique(w.deps.keys.begin(), w.deps.keys.end()), w.deps.keys.end());
  return true;
}

// The role of a user mapping: a role name, or "" for PUBLIC.
bool MappingUser(State& state, const PgQuery__RoleSpec* role, std::string* out) {
  if (role && role->roletype == PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_PUBLIC) {
    out->clear();
    return true;
  }
  if (role && role->roletype == PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_CSTRING && role->rolename) {
    *out = role->rolename;
    return true;
  }
  state.Unsupported("user mapping for CURRENT_USER, CURRENT_ROLE, SESSION_USER or USER (name the role)",
                    state.Span(role ? role->location : -1));
  return false;
}

std::string MappingSubject(const std::string& user, const std::string& server) {
  return fmt::format("user mapping for \"{}\" server \"{}\"", user.empty() ? "public" : user, server);
}

}  // namespace

bool FdwOptionChanges(State& state, PgQuery__Node** items, std::size_t n, const std::string& subject,
                      ir::FdwOptions& options, bool secrets) {
  bool ok = true;
  for (std::size_t i = 0; i < n; ++i) {
    if (items[i]->node_case != PG_QUERY__NODE__NODE_DEF_ELEM) continue;
    const PgQuery__DefElem& d = *items[i]->def_elem;
    ir::SourceSpan span = state.Span(d.location);
    std::string name = d.defname;
    // A secret of a user mapping is never kept, so ADD, SET and DROP of one change nothing here.
    if (secrets && ir::IsSecretOption(name)) {
      if (d.defaction != PG_QUERY__DEF_ELEM_ACTION__DEFELEM_DROP) {
        state.Warning(ir::diag::kIgnoredSecret,
                      fmt::format("{}: option \"{}\" holds a secret: schemac neither keeps nor plans it (set it "
                                  "outside the schema files)",
                                  subject, name),
                      span);
      }
      continue;
    }
    bool exists = options.count(name) > 0;
    switch (d.defaction) {
      case PG_QUERY__DEF_ELEM_ACTION__DEFELEM_DROP:
        if (!exists) {
          state.Error(ir::diag::kUndefined, fmt::format("{}: option \"{}\" not found", subject, name), span);
          ok = false;
        }
        options.erase(name);
        continue;
      case PG_QUERY__DEF_ELEM_ACTION__DEFELEM_SET:
        if (!exists) {
          state.Error(ir::diag::kUndefined, fmt::format("{}: option \"{}\" not found", subject, name), span);
          ok = false;
          continue;
        }
        break;
      default:
        if (exists) {
          state.Error(ir::diag::kDuplicate, fmt::format("{}: option \"{}\" provided more than once", subject, name),
                      span);
          ok = false;
          continue;
        }
        break;
    }
    if (!d.arg || d.arg->node_case != PG_QUERY__NODE__NODE_STRING) {
      state.Error(ir::diag::kInvalid, fmt::format("{}: option \"{}\" needs a string value", subject, name), span);
      ok = false;
      continue;
    }
    options[name] = StrVal(d.arg);
  }
  return ok;
}

StmtResult TransformCreateWrapper(State& state, PgQuery__CreateFdwStmt& stmt) {
  ir::SourceSpan span = state.Span();
  ir::ForeignDataWrapper w;
  w.name = stmt.fdwname;
  w.span = span;
  std::string subject = fmt::format("foreign-data wrapper \"{}\"", w.name);
  if (ir::ForeignDataWrapper* existing = FindWrapper(state, w.name)) {
    state.Error(ir::diag::kDuplicate, subject + " already exists", span, {{"first defined here", existing->span}});
    return StmtResult::Done;
  }
  if (!WrapperFunctions(state, stmt.func_options, stmt.n_func_options, w, subject)) return StmtResult::Done;
  if (!FdwOptionChanges(state, stmt.options, stmt.n_options, subject, w.options, false)) return StmtResult::Done;
  state.db.foreign_data_wrappers.emplace(w.name, std::move(w));
  return StmtResult::Done;
}

StmtResult TransformAlterWrapper(State& state, PgQuery__AlterFdwStmt& stmt) {
  ir::SourceSpan span = state.Span();
  ir::ForeignDataWrapper* w = FindWrapper(state, stmt.fdwname);
  std::string subject = fmt::format("foreign-data wrapper \"{}\"", stmt.fdwname);
  if (!w) return state.Missing(subject, span);
  ir::ForeignDataWrapper changed = *w;
  if (!WrapperFunctions(state, stmt.func_options, stmt.n_func_options, changed, subject)) return StmtResult::Done;
  if (!FdwOptionChanges(state, stmt.options, stmt.n_options, subject, changed.options, false)) return StmtResult::Done;
  *w = std::move(changed);
  return StmtResult::Done;
}

StmtResult TransformCreateServer(State& state, PgQuery__CreateForeignServerStmt& stmt) {
  ir::SourceSpan span = state.Span();
  ir::ForeignServer s;
  s.name = stmt.servername;
  s.wrapper = stmt.fdwname;
  s.span = span;
  std::string subject = fmt::format("server \"{}\"", s.name);
  if (ir::ForeignServer* existing = FindServer(state, s.name)) {
    if (stmt.if_not_exists) return StmtResult::Done;
    state.Error(ir::diag::kDuplicate, subject + " already exists", span, {{"first defined here", existing->span}});
    return StmtResult::Done;
  }
  // A wrapper the files do not define may come from an extension they create (postgres_fdw,
  // file_fdw); without any extension it must be defined by the files.
  if (!FindWrapper(state, s.wrapper) && state.db.extensions.empty()) {
    return state.Missing(fmt::format("{}: foreign-data wrapper \"{}\"", subject, s.wrapper), span);
  }
  if (stmt.servertype && *stmt.servertype) s.type = std::string(stmt.servertype);
  if (stmt.version && *stmt.version) s.version = std::string(stmt.version);
  if (!FdwOptionChanges(state, stmt.options, stmt.n_options, subject, s.options, false)) return StmtResult::Done;
  s.deps.keys = {ir::WrapperKey(s.wrapper)};
  state.db.foreign_servers.emplace(s.name, std::move(s));
  return StmtResult::Done;
}

StmtResult TransformAlterServer(State& state, PgQuery__AlterForeignServerStmt& stmt) {
  ir::SourceSpan span = state.Span();
  ir::ForeignServer* s = FindServer(state, stmt.servername);
  std::string subject = fmt::format("server \"{}\"", stmt.servername);
  if (!s) return state.Missing(subject, span);
  ir::FdwOptions options = s->options;
  if (!FdwOptionChanges(state, stmt.options, stmt.n_options, subject, options, false)) return StmtResult::Done;
  s->options = std::move(options);
  if (stmt.has_version) {
    s->version.reset();
    if (stmt.version && *stmt.version) s->version = std::string(stmt.version);
  }
  return StmtResult::Done;
}

StmtResult TransformCreateUserMapping(State& state, PgQuery__CreateUserMappingStmt& stmt) {
  ir::SourceSpan span = state.Span();
  ir::UserMapping m;
  if (!MappingUser(state, stmt.user, &m.user)) return StmtResult::Done;
  m.server = stmt.servername;
  m.span = span;
  std::string subject = MappingSubject(m.user, m.server);
  if (!FindServer(state, m.server)) return state.Missing(fmt::format("{}: server \"{}\"", subject, m.server), span);
  auto it = state.db.user_mappings.find({m.server, m.user});
  if (it != state.db.user_mappings.end()) {
    if (stmt.if_not_exists) return StmtResult::Done;
    state.Error(ir::diag::kDuplicate, subject + " already exists", span, {{"first defined here", it->second.span}});
    return StmtResult::Done;
  }
  if (!FdwOptionChanges(state, stmt.options, stmt.n_options, subject, m.options, true)) return StmtResult::Done;
  m.deps.keys = {ir::ServerKey(m.server)};
  state.db.user_mappings.emplace(std::make_pair(m.server, m.user), std::move(m));
  return StmtResult::Done;
}

StmtResult TransformAlterUserMapping(State& state, PgQuery__AlterUserMappingStmt& stmt) {
  ir::SourceSpan span = state.Span();
  std::string user;
  if (!MappingUser(state, stmt.user, &user)) return StmtResult::Done;
  std::string subject = MappingSubject(user, stmt.servername);
  auto it = state.db.user_mappings.find({stmt.servername, user});
  if (it == state.db.user_mappings.end()) return state.Missing(subject, span);
  ir::FdwOptions options = it->second.options;
  if (!FdwOptionChanges(state, stmt.options, stmt.n_options, subject, options, true)) return StmtResult::Done;
  it->second.options = std::move(options);
  return StmtResult::Done;
}

StmtResult TransformDropUserMapping(State& state, PgQuery__DropUserMappingStmt& stmt) {
  ir::SourceSpan span = state.Span();
  std::string user;
  if (!MappingUser(state, stmt.user, &user)) return StmtResult::Done;
  std::string subject = MappingSubject(user, stmt.servername);
  if (!state.db.user_mappings.erase({stmt.servername, user})) {
    if (stmt.missing_ok && state.ctx.final_pass) return StmtResult::Done;
    return state.Missing(subject, span);
  }
  return StmtResult::Done;
}

StmtResult TransformDropForeignObjects(State& state, PgQuery__DropStmt& stmt) {
  ir::SourceSpan span = state.Span();
  bool wrapper = stmt.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_FDW;
  const char* kind = wrapper ? "foreign-data wrapper" : "server";
  if (stmt.behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE) {
    state.Unsupported(fmt::format("DROP {} ... CASCADE", wrapper ? "FOREIGN DATA WRAPPER" : "SERVER"), span);
    return StmtResult::Done;
  }
  std::vector<std::string> names;
  for (std::size_t i = 0; i < stmt.n_objects; ++i) {
    std::string name = StrVal(stmt.objects[i]);
    bool found = wrapper ? FindWrapper(state, name) != nullptr : FindServer(state, name) != nullptr;
    if (!found) {
      if (stmt.missing_ok && state.ctx.final_pass) continue;
      return state.Missing(fmt::format("{} \"{}\"", kind, name), span);
    }
    names.push_back(name);
  }
  for (const std::string& name : names) {
    // As PostgreSQL without CASCADE: refused while something still uses it.
    std::string user;
    if (wrapper) {
      for (const auto& [sname, s] : state.db.foreign_servers) {
        if (s.wrapper == name) user = fmt::format("server \"{}\"", sname);
      }
    } else {
      for (const auto& [tname, t] : state.db.tables) {
        if (t.foreign && t.foreign->server == name) user = fmt::format("foreign table \"{}\"", ir::DisplayName(tname));
      }
      for (const auto& [key, m] : state.db.user_mappings) {
        if (key.first == name) user = MappingSubject(key.second, key.first);
      }
    }
    if (!user.empty()) {
      state.Error(ir::diag::kInvalid,
                  fmt::format("cannot drop {} \"{}\" because {} depends on it (use CASCADE)", kind, name, user), span);
      continue;
    }
    if (wrapper) {
      state.db.foreign_data_wrappers.erase(name);
    } else {
      state.db.foreign_servers.erase(name);
    }
  }
  return StmtResult::Done;
}

StmtResult CommentOnForeignObject(State& state, PgQuery__CommentStmt& stmt) {
  ir::SourceSpan span = state.Span();
  std::string name = StrVal(stmt.object);
  std::optional<std::string> comment;
  if (stmt.comment && *stmt.comment) comment = std::string(stmt.comment);
  if (stmt.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_FDW) {
    ir::ForeignDataWrapper* w = FindWrapper(state, name);
    if (!w) return state.Missing(fmt::format("foreign-data wrapper \"{}\"", name), span);
    w->comment = comment;
  } else {
    ir::ForeignServer* s = FindServer(state, name);
    if (!s) return state.Missing(fmt::format("server \"{}\"", name), span);
    s->comment = comment;
  }
  return StmtResult::Done;
}

StmtResult AlterForeignObjectOwner(State& state, PgQuery__AlterOwnerStmt& stmt, const std::string& owner) {
  ir::SourceSpan span = state.Span();
  std::string name = StrVal(stmt.object);
  if (stmt.object_type == PG_QUERY__OBJECT_TYPE__OBJECT_FDW) {
    ir::ForeignDataWrapper* w = FindWrapper(state, name);
    if (!w) return state.Missing(fmt::format("foreign-data wrapper \"{}\"", name), span);
    w->owner = owner;
  } else {
    ir::ForeignServer* s = FindServer(state, name);
    if (!s) return state.Missing(fmt::format("server \"{}\"", name), span);
    s->owner = owner;
  }
  return StmtResult::Done;
}

}  // namespace schemac::sql
