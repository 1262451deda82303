// GRANT and REVOKE on tables (and views, materialized views, foreign tables), their columns,
// sequences, schemas, routines, types, foreign servers and foreign-data wrappers, into
// ir::Database::privileges; ALTER DEFAULT PRIVILEGES into ir::Database::default_privileges, and
// the privileges those give the objects created after it.
#include "compiler/sql/transform.h"

#include <algorithm>
#include <cassert>
#include <cctype>

#include <fmt/format.h>

#include "compiler/sql/transform_types.h"

namespace schemac::sql {

namespace {

// The privileges GRANT ALL stands for, by target kind (PostgreSQL 15).
const std::vector<std::string>& AllPrivileges(char kind) {
  static const std::vector<std::string> table = {"INSERT",     "SELECT",  "UPDATE", "DELETE",
                                                 "TRUNCATE", "REFERENCES", "TRIGGER"};
  static const std::vector<std::string> column = {"INSERT", "SELECT", "UPDATE", "REFERENCES"};
  static const std::vector<std::string> sequence = {"USAGE", "SELECT", "UPDATE"};
  static const std::vector<std::string> schema = {"USAGE", "CREATE"};
  static const std::vector<std::string> routine = {"EXECUTE"};
  static const std::vector<std::string> type = {"USAGE"};
  switch (kind) {
    case 'c': return column;
    case 's': return sequence;
    case 'n': return schema;
    case 'f': return routine;
    case 'T':
    case 'S':
    case 'W': return type;  // USAGE
    default: return table;
  }
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// One written privilege: its name (upper case; ALL expanded later) and its columns.
struct Written {
  std::string privilege;  // empty: ALL
  std::vector<std::string> columns;
};

// Applies GRANT or REVOKE of `privileges` to `grantees` to `list`, as PostgreSQL's
// merge_acl_with_grant does; sorts it.
void ApplyToList(std::vector<ir::Grant>& list, const std::vector<std::string>& privileges,
                 const std::vector<std::string>& grantees, bool grant, bool grant_option) {
  for (const std::string& grantee : grantees) {
    for (const std::string& privilege : privileges) {
      auto held = std::find_if(list.begin(), list.end(), [&](const ir::Grant& g) {
        return g.grantee == grantee && g.privilege == privilege;
      });
      if (grant) {
        if (held == list.end()) {
          list.push_back(ir::Grant{grantee, privilege, grant_option});
        } else {
          held->grant_option = held->grant_option || grant_option;
        }
      } else if (held != list.end()) {
        // REVOKE GRANT OPTION FOR keeps the privilege.
        if (grant_option) {
          held->grant_option = false;
        } else {
          list.erase(held);
        }
      }
    }
  }
  std::sort(list.begin(), list.end());
}

// Applies GRANT or REVOKE of `privileges` to `grantees` on `target`, starting from the target's
// current list (or its kind's default).
void Apply(State& state, const ir::PrivilegeTarget& target, const std::vector<std::string>& privileges,
           const std::vector<std::string>& grantees, bool grant, bool grant_option) {
  auto it = state.db.privileges.find(target);
  std::vector<ir::Grant> list = it != state.db.privileges.end() ? it->second : ir::DefaultPrivileges(target);
  ApplyToList(list, privileges, grantees, grant, grant_option);
  if (list == ir::DefaultPrivileges(target)) {
    state.db.privileges.erase(target);
  } else {
    state.db.privileges[target] = std::move(list);
  }
}

// The grantees of a GRANT or REVOKE ("" for PUBLIC); false after reporting one not modelled.
bool Grantees(State& state, const PgQuery__GrantStmt& stmt, const std::string& verb, ir::SourceSpan span,
              std::vector<std::string>* out) {
  for (std::size_t i = 0; i < stmt.n_grantees; ++i) {
    const PgQuery__RoleSpec* r = stmt.grantees[i]->role_spec;
    if (r->roletype == PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_PUBLIC) {
      out->push_back("");
    } else if (r->roletype == PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_CSTRING && r->rolename) {
      out->push_back(r->rolename);
    } else {
      state.Unsupported(fmt::format("{} to CURRENT_USER, CURRENT_ROLE or SESSION_USER (name the role)", verb), span);
      return false;
    }
  }
  if (stmt.is_grant && stmt.grant_option && std::find(out->begin(), out->end(), "") != out->end()) {
    state.Error(ir::diag::kInvalid, verb + ": grant options can only be granted to roles", span);
    return false;
  }
  return true;
}

}  // namespace

StmtResult TransformGrant(State& state, PgQuery__GrantStmt& stmt) {
  ir::SourceSpan span = state.Span();
  const char* verb = stmt.is_grant ? "GRANT" : "REVOKE";
  assert(stmt.targtype != PG_QUERY__GRANT_TARGET_TYPE__ACL_TARGET_DEFAULTS &&
         "ALTER DEFAULT PRIVILEGES goes to TransformAlterDefaultPrivileges");
  if (stmt.grantor) {
    state.Unsupported(fmt::format("{} ... GRANTED BY", verb), span);
    return StmtResult::Done;
  }
  if (!stmt.is_grant && stmt.behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE) {
    state.Unsupported("REVOKE ... CASCADE", span);
    return StmtResult::Done;
  }
  std::vector<std::string> grantees;
  if (!Grantees(state, stmt, verb, span, &grantees)) return StmtResult::Done;
  std::vector<Written> written;
  for (std::size_t i = 0; i < stmt.n_privileges; ++i) {
    const PgQuery__AccessPriv& p = *stmt.privileges[i]->access_priv;
    Written w;
    w.privilege = p.priv_name ? Upper(p.priv_name) : "";
    for (std::size_t k = 0; k < p.n_cols; ++k) w.columns.push_back(StrVal(p.cols[k]));
    written.push_back(std::move(w));
  }
  if (written.empty()) written.push_back(Written{});  // ALL [PRIVILEGES]

  // The targets, resolved first: one defined by a later statement defers the whole statement.
  std::vector<ir::PrivilegeTarget> targets;
  auto missing = [&](const std::string& what) -> StmtResult { return state.Missing(what, span); };
  switch (stmt.objtype) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE: {
      bool sequence = stmt.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE;
      if (stmt.targtype == PG_QUERY__GRANT_TARGET_TYPE__ACL_TARGET_ALL_IN_SCHEMA) {
        for (std::size_t i = 0; i < stmt.n_objects; ++i) {
          std::string schema = StrVal(stmt.objects[i]);
          if (!state.db.schemas.count(schema)) return missing(fmt::format("schema \"{}\"", schema));
          if (sequence) {
            for (const auto& [q, s] : state.db.sequences) {
              if (q.schema == schema) targets.push_back({'s', q.schema, q.name, ""});
            }
          } else {
            for (const auto& [q, t] : state.db.tables) {
              if (q.schema == schema) targets.push_back({'r', q.schema, q.name, ""});
            }
            for (const auto& [q, v] : state.db.views) {
              if (q.schema == schema) targets.push_back({'r', q.schema, q.name, ""});
            }
          }
        }
        break;
      }
      for (std::size_t i = 0; i < stmt.n_objects; ++i) {
        PgQuery__RangeVar* rv = stmt.objects[i]->range_var;
        std::string schema = rv->schemaname ? rv->schemaname : "";
        std::string shown = (schema.empty() ? "" : schema + ".") + rv->relname;
        bool found = false;
        for (const std::string& s : state.Candidates(schema)) {
          if (!sequence && (state.FindTable(s, rv->relname) || FindView(state, s, rv->relname))) {
            targets.push_back({'r', s, rv->relname, ""});
            found = true;
          } else if (state.FindSequence(s, rv->relname)) {
            targets.push_back({'s', s, rv->relname, ""});
            found = true;
          }
          if (found) break;
        }
        if (!found) return missing(fmt::format("{} \"{}\"", sequence ? "sequence" : "relation", shown));
      }
      break;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA:
      for (std::size_t i = 0; i < stmt.n_objects; ++i) {
        std::string schema = StrVal(stmt.objects[i]);
        if (!state.EnsureSchema(schema)) return missing(fmt::format("schema \"{}\"", schema));
        targets.push_back({'n', schema, "", ""});
      }
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
    case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE: {
      if (stmt.targtype == PG_QUERY__GRANT_TARGET_TYPE__ACL_TARGET_ALL_IN_SCHEMA) {
        for (std::size_t i = 0; i < stmt.n_objects; ++i) {
          std::string schema = StrVal(stmt.objects[i]);
          if (!state.db.schemas.count(schema)) return missing(fmt::format("schema \"{}\"", schema));
          for (const auto& [key, f] : state.db.functions) {
            bool procedure = f.kind == ir::FunctionKind::Procedure;
            bool wanted = stmt.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE ||
                          (stmt.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE) == procedure;
            if (key.schema == schema && wanted) targets.push_back({'f', key.schema, key.name, ""});
          }
        }
        break;
      }
      for (std::size_t i = 0; i < stmt.n_objects; ++i) {
        ir::QualifiedName key;
        std::size_t errors = state.diags.ErrorCount();
        if (FindRoutine(state, *stmt.objects[i]->object_with_args, &key) == StmtResult::Defer) return StmtResult::Defer;
        if (state.diags.ErrorCount() != errors) return StmtResult::Done;
        targets.push_back({'f', key.schema, key.name, ""});
      }
      break;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN:
      for (std::size_t i = 0; i < stmt.n_objects; ++i) {
        std::vector<std::string> parts;
        PgQuery__Node* o = stmt.objects[i];
        if (o->node_case == PG_QUERY__NODE__NODE_TYPE_NAME) {
          parts = StrList(o->type_name->names, o->type_name->n_names);
        } else if (o->node_case == PG_QUERY__NODE__NODE_LIST) {
          parts = StrList(o->list->items, o->list->n_items);
        }
        std::string schema, name;
        if (!state.SplitName(parts, &schema, &name, span)) return StmtResult::Done;
        bool found = false;
        for (const std::string& s : state.Candidates(schema)) {
          ir::QualifiedName q{s, name};
          bool domain = FindDomain(state, s, name) != nullptr;
          bool type = state.FindEnum(s, name) || FindCompositeType(state, s, name) || state.db.range_types.count(q);
          if (stmt.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN ? domain : (domain || type)) {
            targets.push_back({'T', s, name, ""});
            found = true;
            break;
          }
        }
        if (!found) {
          return missing(fmt::format("{} \"{}{}\"", stmt.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN ? "domain" : "type",
                                     schema.empty() ? "" : schema + ".", name));
        }
      }
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_SERVER:
    case PG_QUERY__OBJECT_TYPE__OBJECT_FDW: {
      bool server = stmt.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_SERVER;
      for (std::size_t i = 0; i < stmt.n_objects; ++i) {
        std::string name = StrVal(stmt.objects[i]);
        bool found = server ? state.db.foreign_servers.count(name) > 0 : state.db.foreign_data_wrappers.count(name) > 0;
        if (!found && !server && !state.db.extensions.empty()) {
          // Probably an extension's wrapper (postgres_fdw), which is never part of a state.
          state.Unsupported(fmt::format("{} on foreign-data wrapper \"{}\" that the files do not define (an "
                                        "extension's)",
                                        verb, name),
                            span);
          return StmtResult::Done;
        }
        if (!found) return missing(fmt::format("{} \"{}\"", server ? "server" : "foreign-data wrapper", name));
        targets.push_back({server ? 'S' : 'W', "", name, ""});
      }
      break;
    }
    default:
      state.Unsupported(fmt::format("{} on this kind of object", verb), span);
      return StmtResult::Done;
  }

  for (const ir::PrivilegeTarget& target : targets) {
    for (const Written& w : written) {
      if (!w.columns.empty()) {
        if (target.kind != 'r') {
          state.Error(ir::diag::kInvalid, fmt::format("{}: column privileges are only for tables", verb), span);
          return StmtResult::Done;
        }
        const ir::Table* t = state.FindTable(target.schema, target.name);
        for (const std::string& c : w.columns) {
          if (t != nullptr && !t->FindColumn(c)) {
            state.Error(ir::diag::kUndefined,
                        fmt::format("{}: column \"{}\" of {} does not exist", verb, c,
                                    ir::DisplayName(ir::QualifiedName{target.schema, target.name})),
                        span);
            return StmtResult::Done;
          }
          ir::PrivilegeTarget col{'c', target.schema, target.name, c};
          std::vector<std::string> privileges = w.privilege.empty() ? AllPrivileges('c')
                                                                    : std::vector<std::string>{w.privilege};
          Apply(state, col, privileges, grantees, stmt.is_grant, stmt.grant_option);
        }
        continue;
      }
      const std::vector<std::string>& all = AllPrivileges(target.kind);
      std::vector<std::string> privileges = w.privilege.empty() ? all : std::vector<std::string>{w.privilege};
      if (!w.privilege.empty() && std::find(all.begin(), all.end(), w.privilege) == all.end()) {
        state.Error(ir::diag::kInvalid,
                    fmt::format("{}: invalid privilege type {} for {}", verb, w.privilege, ir::DisplayName(target)),
                    span);
        return StmtResult::Done;
      }
      Apply(state, target, privileges, grantees, stmt.is_grant, stmt.grant_option);
    }
  }
  return StmtResult::Done;
}

StmtResult TransformAlterDefaultPrivileges(State& state, PgQuery__AlterDefaultPrivilegesStmt& stmt) {
  ir::SourceSpan span = state.Span();
  const PgQuery__GrantStmt& action = *stmt.action;
  const std::string verb = std::string("ALTER DEFAULT PRIVILEGES ") + (action.is_grant ? "GRANT" : "REVOKE");
  // (PostgreSQL 15's grammar has no GRANTED BY here.)
  if (!action.is_grant && action.behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE) {
    state.Unsupported(verb + " ... CASCADE", span);
    return StmtResult::Done;
  }
  // FOR ROLE: "" stands for the role that runs the files (see ir::DefaultPrivilegeKey::role).
  std::vector<std::string> roles;
  std::vector<std::string> schemas;
  for (std::size_t i = 0; i < stmt.n_options; ++i) {
    const PgQuery__DefElem& d = *stmt.options[i]->def_elem;
    const PgQuery__List* list = d.arg && d.arg->node_case == PG_QUERY__NODE__NODE_LIST ? d.arg->list : nullptr;
    std::size_t n = list ? list->n_items : 0;
    if (std::string(d.defname) == "roles") {
      for (std::size_t k = 0; k < n; ++k) {
        const PgQuery__RoleSpec* r = list->items[k]->role_spec;
        if (r->roletype != PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_CSTRING || !r->rolename) {
          state.Unsupported("ALTER DEFAULT PRIVILEGES FOR ROLE CURRENT_USER, CURRENT_ROLE or SESSION_USER (leave "
                            "FOR ROLE out for the role that runs the files, or name the role)",
                            span);
          return StmtResult::Done;
        }
        roles.push_back(r->rolename);
      }
    } else if (std::string(d.defname) == "schemas") {
      for (std::size_t k = 0; k < n; ++k) schemas.push_back(StrVal(list->items[k]));
    }
  }
  char kind = 'r';
  switch (action.objtype) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE: kind = 'r'; break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE: kind = 's'; break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
    case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE: kind = 'f'; break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE: kind = 'T'; break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA: kind = 'n'; break;
    default:
      state.Unsupported(verb + " on this kind of object", span);
      return StmtResult::Done;
  }
  if (kind == 'n' && !schemas.empty()) {
    state.Error(ir::diag::kInvalid, verb + ": cannot use IN SCHEMA clause when using GRANT/REVOKE ON SCHEMAS", span);
    return StmtResult::Done;
  }
  for (const std::string& schema : schemas) {
    if (!state.EnsureSchema(schema)) return state.Missing(fmt::format("schema \"{}\"", schema), span);
  }
  std::vector<std::string> grantees;
  if (!Grantees(state, action, verb, span, &grantees)) return StmtResult::Done;
  const std::vector<std::string>& all = AllPrivileges(kind);
  std::vector<std::string> privileges;
  for (std::size_t i = 0; i < action.n_privileges; ++i) {
    const PgQuery__AccessPriv& p = *action.privileges[i]->access_priv;
    if (p.n_cols > 0) {
      state.Error(ir::diag::kInvalid, verb + ": default privileges cannot be set for columns", span);
      return StmtResult::Done;
    }
    std::string privilege = p.priv_name ? Upper(p.priv_name) : "";
    if (privilege.empty()) {
      privileges = all;
      break;
    }
    if (std::find(all.begin(), all.end(), privilege) == all.end()) {
      state.Error(ir::diag::kInvalid,
                  fmt::format("{}: invalid privilege type {} for {}", verb, privilege, ir::DefaultPrivilegeKindName(kind)),
                  span);
      return StmtResult::Done;
    }
    privileges.push_back(privilege);
  }
  if (action.n_privileges == 0) privileges = all;  // ALL [PRIVILEGES]
  if (roles.empty()) roles.push_back("");
  if (schemas.empty()) schemas.push_back("");
  for (const std::string& role : roles) {
    // The role's own privileges are left out, as they are of the objects it owns.
    std::vector<std::string> others;
    for (const std::string& g : grantees) {
      if (role.empty() || g != role) others.push_back(g);
    }
    for (const std::string& schema : schemas) {
      ir::DefaultPrivilegeKey key{role, schema, kind};
      auto it = state.db.default_privileges.find(key);
      std::vector<ir::Grant> list =
          it != state.db.default_privileges.end() ? it->second : ir::BuiltinDefaultPrivileges(key);
      ApplyToList(list, privileges, others, action.is_grant, action.grant_option);
      if (list == ir::BuiltinDefaultPrivileges(key)) {
        state.db.default_privileges.erase(key);
      } else {
        state.db.default_privileges[key] = std::move(list);
      }
    }
  }
  return StmtResult::Done;
}

StmtResult TransformStatementCreating(State& state, PgQuery__Node* stmt) {
  if (stmt->node_case == PG_QUERY__NODE__NODE_DROP_STMT && !state.db.default_privileges.empty()) {
    // DROP SCHEMA drops the default privileges given in it: a schema created again has none.
    StmtResult result = TransformStatement(state, stmt);
    std::erase_if(state.db.default_privileges, [&](const auto& kv) {
      return !kv.first.schema.empty() && !state.db.schemas.count(kv.first.schema);
    });
    return result;
  }
  // Renaming or moving an object keeps its privileges: PostgreSQL applies default privileges
  // only when it creates one.
  if (!ir::HasOwnDefaultPrivileges(state.db) || stmt->node_case == PG_QUERY__NODE__NODE_RENAME_STMT ||
      stmt->node_case == PG_QUERY__NODE__NODE_ALTER_OBJECT_SCHEMA_STMT) {
    return TransformStatement(state, stmt);
  }
  std::set<ir::PrivilegeTarget> before = ir::PrivilegeTargets(state.db);
  StmtResult result = TransformStatement(state, stmt);
  for (const ir::PrivilegeTarget& t : ir::PrivilegeTargets(state.db)) {
    if (before.count(t)) continue;
    std::vector<ir::Grant> created = ir::CreatedPrivileges(state.db, t);
    if (created == ir::DefaultPrivileges(t)) {
      state.db.privileges.erase(t);
    } else {
      state.db.privileges[t] = std::move(created);
    }
  }
  return result;
}

void PrunePrivileges(ir::Database& db) {
  // DROP SCHEMA drops the default privileges given in it.
  std::erase_if(db.default_privileges,
                [&](const auto& kv) { return !kv.first.schema.empty() && !db.schemas.count(kv.first.schema); });
  std::erase_if(db.privileges, [&](const auto& kv) {
    const ir::PrivilegeTarget& t = kv.first;
    ir::QualifiedName q{t.schema, t.name};
    switch (t.kind) {
      case 'n': return !db.schemas.count(t.schema);
      case 'S': return !db.foreign_servers.count(t.name);
      case 'W': return !db.foreign_data_wrappers.count(t.name);
      case 's': return !db.sequences.count(q);
      case 'f': return !db.functions.count(q);
      case 'T':
        return !db.enums.count(q) && !db.domains.count(q) && !db.composite_types.count(q) && !db.range_types.count(q);
      case 'c': {
        auto it = db.tables.find(q);
        return it == db.tables.end() || !it->second.FindColumn(t.column);
      }
      default: return !db.tables.count(q) && !db.views.count(q);
    }
  });
}

}  // namespace schemac::sql
