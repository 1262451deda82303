#include "compiler/sql/transform.h"

#include <algorithm>
#include <cctype>
#include <set>

#include <fmt/format.h>

namespace schemac::sql {

std::string TableSubject(const ir::QualifiedName& name) {
  return fmt::format("table \"{}\"", ir::DisplayName(name));
}

bool RoleName(State& state, const PgQuery__RoleSpec* role, std::string* out) {
  if (role && role->roletype == PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_CSTRING && role->rolename) {
    *out = role->rolename;
    return true;
  }
  state.Unsupported("owner given as CURRENT_USER, CURRENT_ROLE, SESSION_USER or PUBLIC", state.Span());
  return false;
}

bool StorageParams(State& state, PgQuery__Node** options, std::size_t n, const std::string& subject,
                   std::vector<ir::StorageParam>* out) {
  bool ok = true;
  for (std::size_t i = 0; i < n; ++i) {
    PgQuery__DefElem* d = options[i]->def_elem;
    if (options[i]->node_case != PG_QUERY__NODE__NODE_DEF_ELEM) continue;
    if (d->defnamespace && *d->defnamespace) {
      state.Unsupported(fmt::format("{}: storage parameter \"{}.{}\"", subject, d->defnamespace, d->defname),
                        state.Span(d->location));
      ok = false;
      continue;
    }
    ir::StorageParam p;
    p.name = d->defname;
    // reloptions store the value as text; an option without a value means true.
    const PgQuery__Node* a = d->arg;
    if (!a) {
      p.value = "true";
    } else if (a->node_case == PG_QUERY__NODE__NODE_INTEGER) {
      p.value = std::to_string(a->integer->ival);
    } else if (a->node_case == PG_QUERY__NODE__NODE_FLOAT) {
      p.value = a->float_->fval;
    } else if (a->node_case == PG_QUERY__NODE__NODE_STRING) {
      p.value = a->string->sval;
    } else if (a->node_case == PG_QUERY__NODE__NODE_BOOLEAN) {
      p.value = a->boolean->boolval ? "true" : "false";
    } else if (a->node_case == PG_QUERY__NODE__NODE_TYPE_NAME && a->type_name->n_names == 1) {
      p.value = StrVal(a->type_name->names[0]);
    } else {
      state.Error(ir::diag::kInvalid, fmt::format("{}: invalid value for storage parameter \"{}\"", subject, p.name),
                  state.Span(d->location));
      ok = false;
      continue;
    }
    out->push_back(p);
  }
  return ok;
}

namespace {

// "CREATE VIEW", "CREATE OR REPLACE FUNCTION", ...: the statement's leading keywords as written.
std::string StatementTitle(const State& state, PgQuery__Node* stmt) {
  static const std::set<std::string> kModifiers = {"OR",       "REPLACE", "MATERIALIZED", "TEMP",   "TEMPORARY",
                                                   "UNIQUE",   "RECURSIVE", "CONSTRAINT", "DEFAULT", "EVENT",
                                                   "FOREIGN",  "TEXT",    "SEARCH",       "OPERATOR", "ACCESS",
                                                   "UNLOGGED", "GLOBAL",  "LOCAL",        "PROCEDURAL", "TRUSTED"};
  const std::string& text = state.sources.Text(state.ctx.file);
  std::vector<std::string> words;
  std::size_t i = state.ctx.begin;
  while (i < state.ctx.end && words.size() < 6) {
    while (i < state.ctx.end && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    std::string w;
    while (i < state.ctx.end && std::isalpha(static_cast<unsigned char>(text[i]))) {
      w += static_cast<char>(std::toupper(static_cast<unsigned char>(text[i++])));
    }
    if (w.empty()) break;
    words.push_back(w);
    if (words.size() >= 2 && !kModifiers.count(w)) break;
  }
  if (words.empty()) return NodeKindName(stmt);
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

}  // namespace

StmtResult TransformStatement(State& state, PgQuery__Node* stmt) {
  switch (stmt->node_case) {
    case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT: return TransformCreateSchema(state, *stmt->create_schema_stmt);
    case PG_QUERY__NODE__NODE_CREATE_STMT: return TransformCreateTable(state, *stmt->create_stmt);
    case PG_QUERY__NODE__NODE_INDEX_STMT: return TransformCreateIndex(state, *stmt->index_stmt);
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT: {
      PgQuery__AlterTableStmt& a = *stmt->alter_table_stmt;
      bool on_view = a.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW || a.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW;
      if (!on_view && a.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE && a.relation && !state.FindTable(a.relation)) {
        std::string schema = a.relation->schemaname ? a.relation->schemaname : "";
        for (const std::string& s : state.Candidates(schema)) on_view |= FindView(state, s, a.relation->relname) != nullptr;
      }
      if (on_view) return TransformAlterView(state, a);
      if (a.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_TYPE) return TransformAlterCompositeType(state, a);
      return TransformAlterTable(state, a);
    }
    case PG_QUERY__NODE__NODE_VIEW_STMT: return TransformCreateView(state, *stmt->view_stmt);
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
      return TransformCreateMaterializedView(state, *stmt->create_table_as_stmt);
    case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT: return TransformCreateFunction(state, *stmt->create_function_stmt);
    case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT: return TransformCreateTrigger(state, *stmt->create_trig_stmt);
    case PG_QUERY__NODE__NODE_RULE_STMT: return TransformCreateRule(state, *stmt->rule_stmt);
    case PG_QUERY__NODE__NODE_CREATE_POLICY_STMT: return TransformCreatePolicy(state, *stmt->create_policy_stmt);
    case PG_QUERY__NODE__NODE_ALTER_POLICY_STMT: return TransformAlterPolicy(state, *stmt->alter_policy_stmt);
    case PG_QUERY__NODE__NODE_CREATE_EVENT_TRIG_STMT:
      return TransformCreateEventTrigger(state, *stmt->create_event_trig_stmt);
    case PG_QUERY__NODE__NODE_ALTER_EVENT_TRIG_STMT:
      return TransformAlterEventTrigger(state, *stmt->alter_event_trig_stmt);
    case PG_QUERY__NODE__NODE_CREATE_FDW_STMT: return TransformCreateWrapper(state, *stmt->create_fdw_stmt);
    case PG_QUERY__NODE__NODE_ALTER_FDW_STMT: return TransformAlterWrapper(state, *stmt->alter_fdw_stmt);
    case PG_QUERY__NODE__NODE_CREATE_FOREIGN_SERVER_STMT:
      return TransformCreateServer(state, *stmt->create_foreign_server_stmt);
    case PG_QUERY__NODE__NODE_ALTER_FOREIGN_SERVER_STMT:
      return TransformAlterServer(state, *stmt->alter_foreign_server_stmt);
    case PG_QUERY__NODE__NODE_CREATE_USER_MAPPING_STMT:
      return TransformCreateUserMapping(state, *stmt->create_user_mapping_stmt);
    case PG_QUERY__NODE__NODE_ALTER_USER_MAPPING_STMT:
      return TransformAlterUserMapping(state, *stmt->alter_user_mapping_stmt);
    case PG_QUERY__NODE__NODE_DROP_USER_MAPPING_STMT:
      return TransformDropUserMapping(state, *stmt->drop_user_mapping_stmt);
    case PG_QUERY__NODE__NODE_CREATE_FOREIGN_TABLE_STMT:
      return TransformCreateForeignTable(state, *stmt->create_foreign_table_stmt);
    case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT: return TransformCreateSequence(state, *stmt->create_seq_stmt);
    case PG_QUERY__NODE__NODE_ALTER_SEQ_STMT: return TransformAlterSequence(state, *stmt->alter_seq_stmt);
    case PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT: return TransformCreateDomain(state, *stmt->create_domain_stmt);
    case PG_QUERY__NODE__NODE_ALTER_DOMAIN_STMT: return TransformAlterDomain(state, *stmt->alter_domain_stmt);
    case PG_QUERY__NODE__NODE_COMPOSITE_TYPE_STMT:
      return TransformCreateCompositeType(state, *stmt->composite_type_stmt);
    case PG_QUERY__NODE__NODE_CREATE_RANGE_STMT: return TransformCreateRange(state, *stmt->create_range_stmt);
    case PG_QUERY__NODE__NODE_DEFINE_STMT:
      if (stmt->define_stmt->kind == PG_QUERY__OBJECT_TYPE__OBJECT_COLLATION) {
        return TransformCreateCollation(state, *stmt->define_stmt);
      }
      if (stmt->define_stmt->kind == PG_QUERY__OBJECT_TYPE__OBJECT_AGGREGATE) {
        return TransformCreateAggregate(state, *stmt->define_stmt);
      }
      state.Error(ir::diag::kUnsupportedStatement, "not yet supported: " + StatementTitle(state, stmt), state.Span());
      return StmtResult::Done;
    case PG_QUERY__NODE__NODE_RENAME_STMT:
      if (stmt->rename_stmt->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_ATTRIBUTE) {
        return TransformRenameAttribute(state, *stmt->rename_stmt);
      }
      state.Error(ir::diag::kUnsupportedStatement, "not yet supported: " + StatementTitle(state, stmt), state.Span());
      return StmtResult::Done;
    case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT: return TransformCreateEnum(state, *stmt->create_enum_stmt);
    case PG_QUERY__NODE__NODE_ALTER_ENUM_STMT: return TransformAlterEnum(state, *stmt->alter_enum_stmt);
    case PG_QUERY__NODE__NODE_COMMENT_STMT: return TransformComment(state, *stmt->comment_stmt);
    case PG_QUERY__NODE__NODE_DROP_STMT: return TransformDrop(state, *stmt->drop_stmt);
    case PG_QUERY__NODE__NODE_GRANT_STMT: return TransformGrant(state, *stmt->grant_stmt);
    case PG_QUERY__NODE__NODE_ALTER_DEFAULT_PRIVILEGES_STMT:
      return TransformAlterDefaultPrivileges(state, *stmt->alter_default_privileges_stmt);
    case PG_QUERY__NODE__NODE_ALTER_OWNER_STMT: return TransformAlterOwner(state, *stmt->alter_owner_stmt);
    case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT: return TransformVariableSet(state, *stmt->variable_set_stmt);
    case PG_QUERY__NODE__NODE_SELECT_STMT: return TransformSelect(state, *stmt->select_stmt);
    case PG_QUERY__NODE__NODE_CREATE_EXTENSION_STMT:
      return TransformCreateExtension(state, *stmt->create_extension_stmt);
    case PG_QUERY__NODE__NODE_TRANSACTION_STMT:
      // BEGIN / COMMIT around the statements change nothing about the schema they describe;
      // ROLLBACK or savepoints would, and are not modelled.
      if (stmt->transaction_stmt->kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN ||
          stmt->transaction_stmt->kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START ||
          stmt->transaction_stmt->kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT) {
        return StmtResult::Done;
      }
      state.Error(ir::diag::kUnsupportedStatement, "not yet supported: " + StatementTitle(state, stmt), state.Span());
      return StmtResult::Done;
    case PG_QUERY__NODE__NODE_INSERT_STMT:
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
    case PG_QUERY__NODE__NODE_DELETE_STMT:
    case PG_QUERY__NODE__NODE_COPY_STMT:
      state.Warning(ir::diag::kIgnoredData, "data statement ignored: only the schema is compiled", state.Span());
      return StmtResult::Done;
    default:
      state.Error(ir::diag::kUnsupportedStatement, "not yet supported: " + StatementTitle(state, stmt), state.Span());
      return StmtResult::Done;
  }
}

}  // namespace schemac::sql
