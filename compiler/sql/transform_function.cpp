// CREATE [OR REPLACE] FUNCTION / PROCEDURE, and the function forms of COMMENT ON, DROP and
// ALTER ... OWNER TO. The IR holds what pg_proc stores: argument types without modifiers,
// PostgreSQL's defaults for cost, rows, volatility and parallel safety, the body verbatim.
#include <algorithm>
#include <cctype>
#include <set>

#include <fmt/format.h>

#include "compiler/ir/expression_keys.h"
#include "compiler/sql/expr.h"
#include "compiler/sql/function_body.h"
#include "compiler/sql/routine.h"
#include "compiler/sql/transform.h"
#include "compiler/sql/normalize.h"
#include "compiler/sql/types.h"

namespace schemac::sql {

namespace {

// pg_catalog pseudo-types a function may take or return (pg_type.typtype = 'p').
const std::set<std::string>& PseudoTypes() {
  static const std::set<std::string> kTypes = {
      "any",           "void",          "trigger",       "event_trigger", "record",           "anyelement",
      "anyarray",      "anynonarray",   "anyenum",       "anyrange",         "anymultirange",
      "anycompatible", "anycompatiblearray",             "anycompatiblenonarray",
      "anycompatiblerange",             "anycompatiblemultirange",           "cstring",
      "internal",      "language_handler",               "fdw_handler",      "table_am_handler",
      "index_am_handler",               "tsm_handler"};
  return kTypes;
}

}  // namespace

TypeOutcome FunctionType(State& state, const PgQuery__TypeName* written, const std::string& subject,
                         ir::TypeRef* out, std::vector<std::string>* deps) {
  PgQuery__TypeName tn = *written;
  tn.setof = false;
  std::vector<std::string> names = StrList(tn.names, tn.n_names);
  bool array = tn.n_array_bounds > 0;
  if (!tn.pct_type && (names.size() == 1 || (names.size() == 2 && names[0] == "pg_catalog")) &&
      PseudoTypes().count(names.back())) {
    if (array || tn.n_typmods > 0) {
      state.Error(ir::diag::kInvalid, fmt::format("{}: invalid use of type \"{}\"", subject, names.back()),
                  state.Span(tn.location));
      return TypeOutcome::Failed;
    }
    *out = {"pg_catalog", names.back(), "", false};
    return TypeOutcome::Ok;
  }
  if (!tn.pct_type && names.size() == 1) {
    static const std::set<std::string> kSerial = {"smallserial", "serial2", "serial", "serial4", "bigserial",
                                                  "serial8"};
    if (kSerial.count(names[0])) {
      state.Error(ir::diag::kUndefined, fmt::format("{}: type \"{}\" does not exist", subject, names[0]),
                  state.Span(tn.location));
      return TypeOutcome::Failed;
    }
  }
  ResolvedType r = ResolveType(state, &tn, subject);
  if (!r.ok) return TypeOutcome::Failed;
  if (!r.pending) {
    *out = r.type;
    out->modifiers.clear();
    return TypeOutcome::Ok;
  }
  const PendingType& p = *r.pending;
  for (const std::string& s : p.candidates) {
    ir::QualifiedName q{s, p.name};
    if (state.db.enums.count(q) || state.db.domains.count(q) || state.db.composite_types.count(q) ||
        state.db.range_types.count(q)) {
      *out = {s, p.name, "", array};
      deps->push_back(ir::TypeKey(q));
      return TypeOutcome::Ok;
    }
    if (state.db.tables.count(q) || state.db.views.count(q)) {  // a relation's row type
      *out = {s, p.name, "", array};
      deps->push_back(ir::RelKey(q));
      return TypeOutcome::Ok;
    }
  }
  return state.Missing(fmt::format("{}: type \"{}\"", subject, p.written), p.span) == StmtResult::Defer
             ? TypeOutcome::Defer
             : TypeOutcome::Failed;
}

namespace {

// Numeric option values (COST, ROWS) are Integer or Float nodes.
bool NumberOf(const PgQuery__Node* n, double* out) {
  if (!n) return false;
  if (n->node_case == PG_QUERY__NODE__NODE_INTEGER) {
    *out = n->integer->ival;
    return true;
  }
  if (n->node_case == PG_QUERY__NODE__NODE_FLOAT) {
    *out = std::stod(n->float_->fval);
    return true;
  }
  return false;
}

bool BoolOf(const PgQuery__Node* n) {
  if (n && n->node_case == PG_QUERY__NODE__NODE_BOOLEAN) return n->boolean->boolval;
  if (n && n->node_case == PG_QUERY__NODE__NODE_INTEGER) return n->integer->ival != 0;
  return true;
}

// Settings whose value is a list of identifiers (GUC_LIST_QUOTE): flatten_set_variable_args
// quotes each element with quote_identifier.
bool IsListQuoteSetting(const std::string& name) {
  return name == "search_path" || name == "temp_tablespaces" || name == "session_preload_libraries" ||
         name == "shared_preload_libraries" || name == "local_preload_libraries";
}

// SET name = value as proconfig stores it ("name=value"; flatten_set_variable_args).
bool ConfigItem(State& state, const PgQuery__VariableSetStmt& set, const std::string& subject, ir::StorageParam* out) {
  ir::SourceSpan span = state.Span();
  if (set.kind != PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE) {
    state.Unsupported(fmt::format("{}: SET {} FROM CURRENT / TO DEFAULT", subject, set.name), span);
    return false;
  }
  out->name = set.name;
  bool list = IsListQuoteSetting(out->name);
  std::string value;
  for (std::size_t i = 0; i < set.n_args; ++i) {
    const PgQuery__Node* a = set.args[i];
    std::string item;
    if (a->node_case != PG_QUERY__NODE__NODE_A_CONST) {
      state.Unsupported(fmt::format("{}: SET {} value", subject, set.name), span);
      return false;
    }
    const PgQuery__AConst* c = a->a_const;
    switch (c->val_case) {
      case PG_QUERY__A__CONST__VAL_SVAL: item = list ? QuoteIdent(c->sval->sval) : std::string(c->sval->sval); break;
      case PG_QUERY__A__CONST__VAL_IVAL: item = std::to_string(c->ival->ival); break;
      case PG_QUERY__A__CONST__VAL_FVAL: item = c->fval->fval; break;
      case PG_QUERY__A__CONST__VAL_BOOLVAL: item = c->boolval->boolval ? "true" : "false"; break;
      default: state.Unsupported(fmt::format("{}: SET {} value", subject, set.name), span); return false;
    }
    value += (value.empty() ? "" : ", ") + item;
  }
  out->value = value;
  return true;
}

// The stored text of an argument default. PostgreSQL coerces the default to the argument type,
// so an untyped literal is stored (and printed by pg_get_expr) as a constant of that type:
// 'x' -> 'x'::text, NULL -> NULL::integer. Numbers and booleans print bare for their own types.
std::optional<ir::Expr> ArgDefault(State& state, PgQuery__Node* expr, const ir::TypeRef& type,
                                   const std::string& subject) {
  if (expr->node_case == PG_QUERY__NODE__NODE_A_CONST) {
    const PgQuery__AConst* c = expr->a_const;
    bool bare_string = c->val_case == PG_QUERY__A__CONST__VAL_SVAL &&
                       !(type.schema == "pg_catalog" && !type.array &&
                         (type.name == "int4" || type.name == "bool" || type.name == "numeric"));
    if (c->isnull || bare_string) {
      std::optional<ir::Expr> lit = TransformExpr(state, expr, subject);
      if (!lit) return std::nullopt;
      ir::TypeRef t = type;
      t.modifiers.clear();
      std::string error;
      std::string text = NormalizeExprText(lit->text + "::" + TypeDisplay(t), &error);
      if (!error.empty()) {
        state.Error(ir::diag::kInvalid, fmt::format("{}: cannot normalize default: {}", subject, error), state.Span());
        return std::nullopt;
      }
      return ir::Expr{text};
    }
  }
  return TransformExpr(state, expr, subject);
}

std::string KindWord(bool procedure) { return procedure ? "procedure" : "function"; }

std::string KindWord(ir::FunctionKind kind) {
  switch (kind) {
    case ir::FunctionKind::Procedure: return "procedure";
    case ir::FunctionKind::Aggregate: return "aggregate";
    default: return "function";
  }
}

// The kind of routine a DROP / COMMENT ON / ALTER ... OWNER TO names.
ir::FunctionKind KindOf(PgQuery__ObjectType type) {
  if (type == PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE) return ir::FunctionKind::Procedure;
  if (type == PG_QUERY__OBJECT_TYPE__OBJECT_AGGREGATE) return ir::FunctionKind::Aggregate;
  return ir::FunctionKind::Function;
}

// What a SQL-standard body uses, as reference keys: relations (at relation granularity: any
// column change of the relation rebuilds the routine), functions and user types. Unqualified
// names resolve through the search path among the objects defined so far and are qualified in
// the tree, so that the stored text means the same under any search_path. False when a name is
// found nowhere yet (a CTE aside): it may be defined by a later statement.
bool SqlBodyDeps(State& state, PgQuery__Node* body, std::vector<std::string>* keys) {
  std::set<std::string> ctes;
  WalkNodes(body, [&](PgQuery__Node* n) {
    if (n->node_case == PG_QUERY__NODE__NODE_COMMON_TABLE_EXPR && n->common_table_expr->ctename) {
      ctes.insert(n->common_table_expr->ctename);
    }
  });
  bool ok = true;
  auto relation = [&](PgQuery__RangeVar* rv) {
    if (!rv) return;
    std::string schema = rv->schemaname && *rv->schemaname ? rv->schemaname : "";
    std::string name = rv->relname ? rv->relname : "";
    if (schema.empty() && ctes.count(name)) return;
    if (schema == "pg_catalog" || schema == "information_schema") return;
    for (const std::string& s : state.Candidates(schema)) {
      if (state.db.tables.count({s, name}) || state.db.views.count({s, name})) {
        keys->push_back(ir::RelKey({s, name}));
        if (schema.empty() && state.ctx.arena) rv->schemaname = state.ctx.arena->Strdup(s);
        return;
      }
    }
    ok = false;
  };
  auto type = [&](PgQuery__TypeName* tn) {
    if (!tn) return;
    std::vector<std::string> parts = StrList(tn->names, tn->n_names);
    if (parts.size() == 2 && parts[0] != "pg_catalog") {
      keys->push_back(ir::TypeKey({parts[0], parts[1]}));
    } else if (parts.size() == 1) {
      for (const std::string& s : state.ctx.search_path) {
        if (state.db.enums.count({s, parts[0]}) || state.db.domains.count({s, parts[0]}) ||
            state.db.composite_types.count({s, parts[0]}) || state.db.range_types.count({s, parts[0]})) {
          keys->push_back(ir::TypeKey({s, parts[0]}));
          QualifyNameList(state, &tn->names, &tn->n_names, s);
          break;
        }
      }
    }
  };
  // RangeVar and TypeName are Node-wrapped in FROM lists but plain messages as the target of
  // INSERT / UPDATE / DELETE / MERGE and in casts: those are taken from their parents.
  WalkNodes(body, [&](PgQuery__Node* n) {
    switch (n->node_case) {
      case PG_QUERY__NODE__NODE_RANGE_VAR: relation(n->range_var); break;
      case PG_QUERY__NODE__NODE_INSERT_STMT: relation(n->insert_stmt->relation); break;
      case PG_QUERY__NODE__NODE_UPDATE_STMT: relation(n->update_stmt->relation); break;
      case PG_QUERY__NODE__NODE_DELETE_STMT: relation(n->delete_stmt->relation); break;
      case PG_QUERY__NODE__NODE_MERGE_STMT: relation(n->merge_stmt->relation); break;
      case PG_QUERY__NODE__NODE_TYPE_NAME: type(n->type_name); break;
      case PG_QUERY__NODE__NODE_TYPE_CAST: type(n->type_cast->type_name); break;
      case PG_QUERY__NODE__NODE_FUNC_CALL: {
        std::vector<std::string> parts = StrList(n->func_call->funcname, n->func_call->n_funcname);
        if (parts.size() == 2 && parts[0] == "pg_catalog" &&
            n->func_call->funcformat != PG_QUERY__COERCION_FORM__COERCE_SQL_SYNTAX) {
          // Printed unqualified by PostgreSQL (pg_catalog is always searched), as in TransformExpr.
          n->func_call->funcname++;
          n->func_call->n_funcname--;
        } else if (parts.size() == 2) {
          keys->push_back(ir::FuncKey({parts[0], parts[1]}));
        } else if (parts.size() == 1) {
          std::string s = FunctionSchemaOnPath(state.db, state.ctx.search_path, parts[0]);
          if (!s.empty()) {
            keys->push_back(ir::FuncKey({s, parts[0]}));
            QualifyNameList(state, &n->func_call->funcname, &n->func_call->n_funcname, s);
          } else if (!IsBuiltinFunctionName(parts[0])) {
            ok = false;
          }
        }
        break;
      }
      default: break;
    }
  });
  return ok;
}

// The canonical text of a SQL-standard body: "RETURN <expr>" with the expression deparsed as
// the expression normalizer does, or "BEGIN ATOMIC", each statement deparsed on a line of its
// own ending in ";", and "END". (libpg_query cannot deparse a whole BEGIN ATOMIC body; each of
// its statements deparses on its own.)
std::string CanonicalSqlBody(PgQuery__Node* body, std::string* error) {
  if (body->node_case == PG_QUERY__NODE__NODE_RETURN_STMT) {
    std::string text = DeparseExpr(body->return_stmt->returnval, error);
    return error->empty() ? "RETURN " + text : "";
  }
  // BEGIN ATOMIC: a one-element list holding the list of statements (an empty body arrives
  // with that element unset).
  if (body->node_case != PG_QUERY__NODE__NODE_LIST || body->list->n_items > 1 ||
      (body->list->n_items == 1 && body->list->items[0]->node_case != PG_QUERY__NODE__NODE_LIST &&
       body->list->items[0]->node_case != PG_QUERY__NODE__NODE__NOT_SET)) {
    *error = "unexpected body node " + NodeKindName(body);
    return "";
  }
  const PgQuery__List* stmts = body->list->n_items == 1 && body->list->items[0]->node_case == PG_QUERY__NODE__NODE_LIST
                                   ? body->list->items[0]->list
                                   : nullptr;
  std::string out = "BEGIN ATOMIC\n";
  for (std::size_t i = 0; stmts && i < stmts->n_items; ++i) {
    std::string text = DeparseStatement(stmts->items[i], "cannot deparse a statement of the body", error);
    if (!error->empty()) return "";
    out += "    " + text + ";\n";
  }
  return out + "END";
}

// The input argument types of ObjectWithArgs (DROP / COMMENT ON / ALTER ... OWNER TO), or
// nullopt when they were not written (name alone: must be unique).
TypeOutcome SignatureTypes(State& state, const PgQuery__ObjectWithArgs& o, const std::string& subject,
                           std::vector<ir::TypeRef>* out) {
  std::vector<std::string> ignored;
  for (std::size_t i = 0; i < o.n_objfuncargs; ++i) {
    const PgQuery__Node* n = o.objfuncargs[i];
    if (n->node_case != PG_QUERY__NODE__NODE_FUNCTION_PARAMETER) continue;
    const PgQuery__FunctionParameter* p = n->function_parameter;
    if (p->mode == PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_OUT ||
        p->mode == PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_TABLE) {
      continue;
    }
    ir::TypeRef t;
    TypeOutcome r = FunctionType(state, p->arg_type, subject, &t, &ignored);
    if (r != TypeOutcome::Ok) return r;
    out->push_back(t);
  }
  if (o.n_objfuncargs == 0) {
    for (std::size_t i = 0; i < o.n_objargs; ++i) {
      if (o.objargs[i]->node_case != PG_QUERY__NODE__NODE_TYPE_NAME) continue;
      ir::TypeRef t;
      TypeOutcome r = FunctionType(state, o.objargs[i]->type_name, subject, &t, &ignored);
      if (r != TypeOutcome::Ok) return r;
      out->push_back(t);
    }
  }
  return TypeOutcome::Ok;
}

}  // namespace

StmtResult TransformCreateFunction(State& state, PgQuery__CreateFunctionStmt& stmt) {
  ir::SourceSpan span = state.Span();
  bool procedure = stmt.is_procedure;
  std::string schema;
  std::string name;
  if (!state.SplitName(StrList(stmt.funcname, stmt.n_funcname), &schema, &name, span)) return StmtResult::Done;
  if (schema.empty()) schema = state.CreationSchema();
  if (!state.EnsureSchema(schema)) return state.Missing(fmt::format("schema \"{}\"", schema), span);
  ir::Function f;
  f.name = {schema, name};
  f.kind = procedure ? ir::FunctionKind::Procedure : ir::FunctionKind::Function;
  f.span = span;
  std::string subject = fmt::format("{} \"{}\"", KindWord(procedure), ir::DisplayName(f.name));

  // Arguments: types first (a user type may be defined later: retry), then defaults.
  std::vector<std::string> deps;
  std::vector<PgQuery__FunctionParameter*> params;
  for (std::size_t i = 0; i < stmt.n_parameters; ++i) {
    PgQuery__FunctionParameter* p = stmt.parameters[i]->function_parameter;
    ir::FunctionArg a;
    switch (p->mode) {
      case PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_OUT: a.mode = ir::ArgMode::Out; break;
      case PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_INOUT: a.mode = ir::ArgMode::InOut; break;
      case PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_VARIADIC: a.mode = ir::ArgMode::Variadic; break;
      case PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_TABLE: a.mode = ir::ArgMode::Table; break;
      default: a.mode = ir::ArgMode::In; break;
    }
    a.name = p->name ? p->name : "";
    std::string what = a.name.empty() ? fmt::format("{}: argument {}", subject, i + 1)
                                      : fmt::format("{}: argument \"{}\"", subject, a.name);
    TypeOutcome r = FunctionType(state, p->arg_type, what, &a.type, &deps);
    if (r == TypeOutcome::Defer) return StmtResult::Defer;
    if (r == TypeOutcome::Failed) return StmtResult::Done;
    f.args.push_back(a);
    params.push_back(p);
  }
  bool seen_default = false;
  std::set<std::string> arg_names;
  for (std::size_t i = 0; i < f.args.size(); ++i) {
    ir::FunctionArg& a = f.args[i];
    bool input = a.mode == ir::ArgMode::In || a.mode == ir::ArgMode::InOut || a.mode == ir::ArgMode::Variadic;
    if (!a.name.empty() && !arg_names.insert(a.name).second) {
      state.Error(ir::diag::kInvalid, fmt::format("{}: parameter name \"{}\" used more than once", subject, a.name),
                  span);
      return StmtResult::Done;
    }
    if (params[i]->defexpr) {
      if (!input) {
        state.Error(ir::diag::kInvalid, subject + ": only input parameters can have default values", span);
        return StmtResult::Done;
      }
      a.default_expr = ArgDefault(state, params[i]->defexpr, a.type, subject);
      if (!a.default_expr) return StmtResult::Done;
      for (std::string& k : ir::ExpressionKeys(a.default_expr->text)) deps.push_back(std::move(k));
      seen_default = true;
    } else if (input && seen_default) {
      state.Error(ir::diag::kInvalid,
                  subject + ": input parameters after one with a default value must also have defaults", span);
      return StmtResult::Done;
    }
  }

  // The result: RETURNS, else what the OUT / TABLE arguments make it.
  std::vector<const ir::FunctionArg*> outs;
  bool has_table = false;
  for (const ir::FunctionArg& a : f.args) {
    if (a.mode == ir::ArgMode::Out || a.mode == ir::ArgMode::InOut || a.mode == ir::ArgMode::Table) outs.push_back(&a);
    has_table |= a.mode == ir::ArgMode::Table;
  }
  if (!procedure) {
    std::optional<ir::TypeRef> implied;
    if (outs.size() == 1) implied = outs[0]->type;
    if (outs.size() > 1) implied = ir::TypeRef{"pg_catalog", "record", "", false};
    if (stmt.return_type) {
      ir::TypeRef rt;
      TypeOutcome r = FunctionType(state, stmt.return_type, subject + ": result", &rt, &deps);
      if (r == TypeOutcome::Defer) return StmtResult::Defer;
      if (r == TypeOutcome::Failed) return StmtResult::Done;
      f.returns_set = stmt.return_type->setof || has_table;
      if (has_table) rt = *implied;  // RETURNS TABLE (...) arrives as SETOF record plus TABLE args
      if (implied && !(*implied == rt)) {
        state.Error(ir::diag::kInvalid,
                    fmt::format("{}: function result type must be {} because of OUT parameters", subject,
                                TypeDisplay(*implied)),
                    span);
        return StmtResult::Done;
      }
      f.return_type = rt;
    } else if (implied) {
      f.return_type = implied;
    } else {
      state.Error(ir::diag::kInvalid, subject + ": function result type must be specified", span);
      return StmtResult::Done;
    }
  }

  // Options.
  std::optional<double> cost, rows;
  bool has_language = false;
  bool has_body = false;
  for (std::size_t i = 0; i < stmt.n_options; ++i) {
    if (stmt.options[i]->node_case != PG_QUERY__NODE__NODE_DEF_ELEM) continue;
    const PgQuery__DefElem* d = stmt.options[i]->def_elem;
    std::string opt = d->defname;
    if (opt == "as") {
      std::vector<std::string> parts;
      if (d->arg && d->arg->node_case == PG_QUERY__NODE__NODE_LIST) {
        parts = StrList(d->arg->list->items, d->arg->list->n_items);
      }
      if (parts.size() != 1) {
        state.Unsupported(subject + ": AS 'object file', 'link symbol'", span);
        return StmtResult::Done;
      }
      f.body = parts[0];
      has_body = true;
    } else if (opt == "language") {
      f.language = StrVal(d->arg);
      has_language = true;
    } else if (opt == "volatility") {
      std::string v = StrVal(d->arg);
      f.volatility = v == "immutable" ? 'i' : v == "stable" ? 's' : 'v';
    } else if (opt == "strict") {
      f.strict = BoolOf(d->arg);
    } else if (opt == "security") {
      f.security_definer = BoolOf(d->arg);
    } else if (opt == "leakproof") {
      f.leakproof = BoolOf(d->arg);
    } else if (opt == "parallel") {
      std::string v = StrVal(d->arg);
      if (v != "safe" && v != "restricted" && v != "unsafe") {
        state.Error(ir::diag::kInvalid, fmt::format("{}: parameter \"parallel\" must be SAFE, RESTRICTED, or UNSAFE",
                                                    subject), span);
        return StmtResult::Done;
      }
      f.parallel = v[0];
    } else if (opt == "cost" || opt == "rows") {
      double v = 0;
      if (!NumberOf(d->arg, &v) || v <= 0) {
        state.Error(ir::diag::kInvalid, fmt::format("{}: {} must be positive", subject, opt == "cost" ? "COST" : "ROWS"),
                    span);
        return StmtResult::Done;
      }
      (opt == "cost" ? cost : rows) = v;
    } else if (opt == "set") {
      if (!d->arg || d->arg->node_case != PG_QUERY__NODE__NODE_VARIABLE_SET_STMT) continue;
      ir::StorageParam p;
      if (!ConfigItem(state, *d->arg->variable_set_stmt, subject, &p)) return StmtResult::Done;
      // A later SET of the same name replaces the earlier one in place (GUCArrayAdd).
      bool replaced = false;
      for (ir::StorageParam& q : f.config) {
        if (q.name == p.name) {
          q.value = p.value;
          replaced = true;
        }
      }
      if (!replaced) f.config.push_back(p);
    } else if (opt == "window") {
      state.Unsupported(subject + ": window function", span);
      return StmtResult::Done;
    } else {
      state.Unsupported(fmt::format("{}: option {}", subject, opt), span);
      return StmtResult::Done;
    }
  }
  if (stmt.sql_body) {
    // A SQL-standard body: LANGUAGE sql is implied; PostgreSQL parses it at creation and
    // records what it uses in pg_depend, so those are dependencies of the routine.
    if (has_body) {
      state.Error(ir::diag::kInvalid, subject + ": duplicate function body specified", span);
      return StmtResult::Done;
    }
    if (!has_language) f.language = "sql";
    has_language = true;
    if (f.language != "sql") {
      state.Error(ir::diag::kInvalid, subject + ": inline SQL function body only valid for language SQL", span);
      return StmtResult::Done;
    }
    // As for views: a name found nowhere after every statement was read is left as written
    // (a system relation, an object outside the managed scope); PostgreSQL judges it.
    if (!SqlBodyDeps(state, stmt.sql_body, &deps) && !state.ctx.final_pass) return StmtResult::Defer;
    std::string error;
    f.sql_body = CanonicalSqlBody(stmt.sql_body, &error);
    if (!error.empty()) {
      state.Error(ir::diag::kInvalid, fmt::format("{}: cannot deparse the body: {}", subject, error), span);
      return StmtResult::Done;
    }
    has_body = true;
  }
  if (!has_language) {
    state.Error(ir::diag::kInvalid, subject + ": no language specified", span);
    return StmtResult::Done;
  }
  if (f.language != "sql" && f.language != "plpgsql") {
    state.Unsupported(fmt::format("{}: LANGUAGE {}", subject, f.language), span);
    return StmtResult::Done;
  }
  if (!has_body) {
    state.Error(ir::diag::kInvalid, subject + ": no function body specified", span);
    return StmtResult::Done;
  }
  if (procedure && (f.volatility != 'v' || f.strict || f.leakproof || f.parallel != 'u' || cost || rows)) {
    state.Error(ir::diag::kInvalid, subject + ": invalid attribute in procedure definition", span);
    return StmtResult::Done;
  }
  f.cost = cost.value_or(100);
  if (rows && !f.returns_set) {
    state.Error(ir::diag::kInvalid, subject + ": ROWS is not applicable when function does not return a set", span);
    return StmtResult::Done;
  }
  f.rows = f.returns_set ? rows.value_or(1000) : 0;

  std::sort(deps.begin(), deps.end());
  deps.erase(std::unique(deps.begin(), deps.end()), deps.end());
  f.deps.keys = deps;

  ir::QualifiedName key{schema, ir::Signature(f)};
  auto existing = state.db.functions.find(key);
  if (existing != state.db.functions.end()) {
    if (!stmt.replace) {
      state.Error(ir::diag::kDuplicate,
                  fmt::format("{} \"{}.{}\" already exists with same argument types", KindWord(procedure), schema,
                              key.name),
                  span, {{"defined here", existing->second.span}});
      return StmtResult::Done;
    }
    if (existing->second.kind != f.kind) {
      state.Error(ir::diag::kInvalid,
                  fmt::format("cannot change routine kind of \"{}.{}\"", schema, key.name), span);
      return StmtResult::Done;
    }
    // CREATE OR REPLACE keeps the comment and the owner.
    f.comment = existing->second.comment;
    f.owner = existing->second.owner;
  }
  state.db.functions[key] = std::move(f);
  return StmtResult::Done;
}

namespace {

StmtResult FindFunctionTarget(State& state, PgQuery__ObjectWithArgs& o, ir::FunctionKind kind, bool missing_ok,
                              ir::QualifiedName* out, bool any_kind = false) {
  ir::SourceSpan span = state.Span();
  std::string schema;
  std::string name;
  std::vector<std::string> names = StrList(o.objname, o.n_objname);
  if (!state.SplitName(names, &schema, &name, span)) return StmtResult::Done;
  std::string written = schema.empty() ? name : schema + "." + name;
  std::string subject = fmt::format("{} \"{}\"", KindWord(kind), written);
  std::vector<ir::TypeRef> types;
  if (!o.args_unspecified) {
    TypeOutcome r = SignatureTypes(state, o, subject, &types);
    if (r == TypeOutcome::Defer) return StmtResult::Defer;
    if (r == TypeOutcome::Failed) return StmtResult::Done;
  }
  for (const std::string& s : state.Candidates(schema)) {
    std::vector<ir::QualifiedName> hits;
    for (const auto& [key, f] : state.db.functions) {
      if (key.schema != s || f.name.name != name) continue;
      if (!o.args_unspecified) {
        std::vector<ir::TypeRef> in;
        for (const ir::FunctionArg& a : f.args) {
          if (a.mode != ir::ArgMode::Out && a.mode != ir::ArgMode::Table) in.push_back(a.type);
        }
        if (!(in == types)) continue;
      }
      hits.push_back(key);
    }
    if (hits.size() > 1) {
      state.Error(ir::diag::kInvalid, fmt::format("{}: function name \"{}\" is not unique", subject, written), span);
      return StmtResult::Done;
    }
    if (hits.size() == 1) {
      const ir::Function& f = state.db.functions.at(hits[0]);
      if (f.kind != kind && !any_kind) {
        state.Error(ir::diag::kInvalid,
                    fmt::format("\"{}.{}\" is not a{} {}", hits[0].schema, hits[0].name,
                                kind == ir::FunctionKind::Aggregate ? "n" : "", KindWord(kind)),
                    span);
        return StmtResult::Done;
      }
      *out = hits[0];
      return StmtResult::Done;
    }
  }
  if (missing_ok) return StmtResult::Done;
  return state.Missing(subject, span);
}

}  // namespace

StmtResult FindRoutine(State& state, PgQuery__ObjectWithArgs& o, ir::QualifiedName* out) {
  return FindFunctionTarget(state, o, ir::FunctionKind::Function, false, out, true);
}

StmtResult TransformDropFunctions(State& state, PgQuery__DropStmt& stmt) {
  ir::FunctionKind kind = KindOf(stmt.remove_type);
  // Every target first: a target defined by a later statement defers the whole statement.
  std::vector<ir::QualifiedName> targets;
  for (std::size_t i = 0; i < stmt.n_objects; ++i) {
    if (stmt.objects[i]->node_case != PG_QUERY__NODE__NODE_OBJECT_WITH_ARGS) continue;
    ir::QualifiedName key;
    std::size_t errors = state.diags.ErrorCount();
    if (FindFunctionTarget(state, *stmt.objects[i]->object_with_args, kind, stmt.missing_ok, &key) ==
        StmtResult::Defer) {
      return StmtResult::Defer;
    }
    if (state.diags.ErrorCount() != errors) return StmtResult::Done;
    if (!key.name.empty()) targets.push_back(key);
  }
  for (const ir::QualifiedName& key : targets) state.db.functions.erase(key);
  return StmtResult::Done;
}

StmtResult CommentOnFunction(State& state, PgQuery__CommentStmt& stmt) {
  ir::FunctionKind kind = KindOf(stmt.objtype);
  if (!stmt.object || stmt.object->node_case != PG_QUERY__NODE__NODE_OBJECT_WITH_ARGS) {
    state.Error(ir::diag::kInvalid, "COMMENT ON FUNCTION needs a function name", state.Span());
    return StmtResult::Done;
  }
  ir::QualifiedName key;
  StmtResult r = FindFunctionTarget(state, *stmt.object->object_with_args, kind, false, &key);
  if (r == StmtResult::Defer || key.name.empty()) return r;
  // CreateComments treats an empty comment like NULL: both remove the comment.
  std::optional<std::string> comment;
  if (stmt.comment && *stmt.comment) comment = std::string(stmt.comment);
  state.db.functions.at(key).comment = comment;
  return StmtResult::Done;
}

StmtResult AlterFunctionOwner(State& state, PgQuery__AlterOwnerStmt& stmt, const std::string& owner) {
  ir::FunctionKind kind = KindOf(stmt.object_type);
  if (!stmt.object || stmt.object->node_case != PG_QUERY__NODE__NODE_OBJECT_WITH_ARGS) {
    state.Error(ir::diag::kInvalid, "ALTER FUNCTION ... OWNER TO needs a function name", state.Span());
    return StmtResult::Done;
  }
  ir::QualifiedName key;
  StmtResult r = FindFunctionTarget(state, *stmt.object->object_with_args, kind, false, &key);
  if (r == StmtResult::Defer || key.name.empty()) return r;
  state.db.functions.at(key).owner = owner;
  return StmtResult::Done;
}

std::string NormalizeSqlBody(const std::string& text, std::string* error) {
  // The body alone does not parse: it is carried by a CREATE FUNCTION whose other parts do
  // not matter.
  ParsedText parsed = Parse("CREATE FUNCTION schemac_body() RETURNS void LANGUAGE sql\n" + text);
  if (!parsed.tree) {
    *error = parsed.error_message;
    return text;
  }
  if (parsed.tree->n_stmts != 1 || !parsed.tree->stmts[0]->stmt ||
      parsed.tree->stmts[0]->stmt->node_case != PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT ||
      !parsed.tree->stmts[0]->stmt->create_function_stmt->sql_body) {
    *error = "not a SQL-standard function body";
    return text;
  }
  std::string out = CanonicalSqlBody(parsed.tree->stmts[0]->stmt->create_function_stmt->sql_body, error);
  return error->empty() ? out : text;
}

}  // namespace schemac::sql
