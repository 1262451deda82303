// CREATE [OR REPLACE] AGGREGATE, new syntax (argument list, ordered-set `(... ORDER BY ...)`
// forms) and old syntax (BASETYPE = ...). The aggregate is a Function of kind Aggregate with
// what pg_proc stores for it (language internal, body "aggregate_dummy", immutable, cost 1) and
// what pg_aggregate stores (ir::Aggregate), PostgreSQL's defaults filled in. DROP AGGREGATE,
// COMMENT ON AGGREGATE and ALTER AGGREGATE ... OWNER TO share the function code
// (transform_function.cpp).
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "compiler/sql/expr.h"
#include "compiler/sql/routine.h"
#include "compiler/sql/transform.h"

namespace schemac::sql {

namespace {

// The name a definition option gives: a function name and the like arrive as a TypeName (the
// grammar's func_type), operators as a list of strings, keywords as a string.
std::vector<std::string> NameOf(const PgQuery__Node* arg) {
  if (!arg) return {};
  switch (arg->node_case) {
    case PG_QUERY__NODE__NODE_TYPE_NAME:
      if (arg->type_name->n_array_bounds > 0 || arg->type_name->n_typmods > 0 || arg->type_name->pct_type) return {};
      return StrList(arg->type_name->names, arg->type_name->n_names);
    case PG_QUERY__NODE__NODE_STRING: return {arg->string->sval};
    case PG_QUERY__NODE__NODE_LIST: return StrList(arg->list->items, arg->list->n_items);
    default: return {};
  }
}

// A string-valued option (INITCOND): a string or a number, as defGetString reads it.
bool TextOf(const PgQuery__Node* arg, std::string* out) {
  if (!arg) return false;
  switch (arg->node_case) {
    case PG_QUERY__NODE__NODE_STRING: *out = arg->string->sval; return true;
    case PG_QUERY__NODE__NODE_INTEGER: *out = std::to_string(arg->integer->ival); return true;
    case PG_QUERY__NODE__NODE_FLOAT: *out = arg->float_->fval; return true;
    case PG_QUERY__NODE__NODE_TYPE_NAME: {
      std::vector<std::string> parts = NameOf(arg);
      if (parts.size() != 1) return false;
      *out = parts[0];
      return true;
    }
    default: return false;
  }
}

enum class Lookup { Ok, Defer, Failed };

// A support function by name: qualified as written, else the first schema of the search path
// holding a function of that name among the files' objects, else a built-in (pg_catalog).
Lookup SupportFunction(State& state, const PgQuery__DefElem& d, const std::string& subject,
                       std::vector<std::string>* deps, std::optional<ir::QualifiedName>* out) {
  std::vector<std::string> parts = NameOf(d.arg);
  ir::SourceSpan span = state.Span(d.location);
  if (parts.empty() || parts.size() > 2) {
    state.Error(ir::diag::kInvalid, fmt::format("{}: {} requires a function name", subject, d.defname), span);
    return Lookup::Failed;
  }
  if (parts.size() == 2) {
    *out = ir::QualifiedName{parts[0], parts[1]};
    if (parts[0] != "pg_catalog") {
      if (!state.db.schemas.count(parts[0])) {
        return state.Missing(fmt::format("schema \"{}\"", parts[0]), span) == StmtResult::Defer ? Lookup::Defer
                                                                                               : Lookup::Failed;
      }
      deps->push_back(ir::FuncKey(**out));
    }
    return Lookup::Ok;
  }
  std::string schema = FunctionSchemaOnPath(state.db, state.ctx.search_path, parts[0]);
  if (!schema.empty()) {
    *out = ir::QualifiedName{schema, parts[0]};
    deps->push_back(ir::FuncKey(**out));
    return Lookup::Ok;
  }
  if (IsBuiltinFunctionName(parts[0])) {
    *out = ir::QualifiedName{"pg_catalog", parts[0]};
    return Lookup::Ok;
  }
  return state.Missing(fmt::format("{}: function \"{}\"", subject, parts[0]), span) == StmtResult::Defer
             ? Lookup::Defer
             : Lookup::Failed;
}

// FINALFUNC_MODIFY / MFINALFUNC_MODIFY.
bool ModifyOf(State& state, const PgQuery__DefElem& d, const std::string& subject, char* out) {
  std::vector<std::string> parts = NameOf(d.arg);
  std::string v = parts.size() == 1 ? parts[0] : "";
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  if (v == "read_only") *out = 'r';
  else if (v == "shareable") *out = 's';
  else if (v == "read_write") *out = 'w';
  else {
    state.Error(ir::diag::kInvalid,
                fmt::format("{}: parameter \"{}\" must be READ_ONLY, SHAREABLE, or READ_WRITE", subject, d.defname),
                state.Span(d.location));
    return false;
  }
  return true;
}

bool IntOf(State& state, const PgQuery__DefElem& d, const std::string& subject, int* out) {
  if (!d.arg || d.arg->node_case != PG_QUERY__NODE__NODE_INTEGER) {
    state.Error(ir::diag::kInvalid, fmt::format("{}: {} requires an integer value", subject, d.defname),
                state.Span(d.location));
    return false;
  }
  *out = d.arg->integer->ival;
  return true;
}

bool BoolOf(const PgQuery__DefElem& d) {
  if (!d.arg) return true;
  if (d.arg->node_case == PG_QUERY__NODE__NODE_BOOLEAN) return d.arg->boolean->boolval;
  if (d.arg->node_case == PG_QUERY__NODE__NODE_INTEGER) return d.arg->integer->ival != 0;
  std::vector<std::string> parts = NameOf(d.arg);
  if (parts.size() == 1) {
    std::string v = parts[0];
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
    return !(v == "false" || v == "off" || v == "0" || v == "no");
  }
  return true;
}

}  // namespace

StmtResult TransformCreateAggregate(State& state, PgQuery__DefineStmt& stmt) {
  ir::SourceSpan span = state.Span();
  std::string schema;
  std::string name;
  if (!state.SplitName(StrList(stmt.defnames, stmt.n_defnames), &schema, &name, span)) return StmtResult::Done;
  if (schema.empty()) schema = state.CreationSchema();
  if (!state.EnsureSchema(schema)) return state.Missing(fmt::format("schema \"{}\"", schema), span);
  ir::Function f;
  f.name = {schema, name};
  f.kind = ir::FunctionKind::Aggregate;
  f.language = "internal";
  f.body = "aggregate_dummy";
  f.volatility = 'i';
  f.cost = 1;
  f.span = span;
  std::string subject = fmt::format("aggregate \"{}\"", ir::DisplayName(f.name));
  if (stmt.if_not_exists) {
    state.Unsupported(subject + ": IF NOT EXISTS", span);
    return StmtResult::Done;
  }
  ir::Aggregate agg;
  std::vector<std::string> deps;

  // Arguments: the new syntax gives (parameters, number of direct arguments or -1); the old one
  // a BASETYPE option ('ANY': no arguments, like `(*)`).
  int ndirect = -1;
  if (!stmt.oldstyle) {
    if (stmt.n_args != 2) {
      state.Error(ir::diag::kInvalid, subject + ": unexpected argument list", span);
      return StmtResult::Done;
    }
    const PgQuery__Node* params = stmt.args[0];
    if (stmt.args[1]->node_case == PG_QUERY__NODE__NODE_INTEGER) ndirect = stmt.args[1]->integer->ival;
    std::size_t n = params && params->node_case == PG_QUERY__NODE__NODE_LIST ? params->list->n_items : 0;
    for (std::size_t i = 0; i < n; ++i) {
      const PgQuery__FunctionParameter* p = params->list->items[i]->function_parameter;
      ir::FunctionArg a;
      switch (p->mode) {
        case PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_VARIADIC: a.mode = ir::ArgMode::Variadic; break;
        case PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_OUT:
        case PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_INOUT:
        case PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_TABLE:
          state.Error(ir::diag::kInvalid, subject + ": aggregates cannot have output arguments", span);
          return StmtResult::Done;
        default: a.mode = ir::ArgMode::In; break;
      }
      if (p->defexpr) {
        state.Error(ir::diag::kInvalid, subject + ": aggregate arguments cannot have default values", span);
        return StmtResult::Done;
      }
      a.name = p->name ? p->name : "";
      std::string what = fmt::format("{}: argument {}", subject, i + 1);
      TypeOutcome r = FunctionType(state, p->arg_type, what, &a.type, &deps);
      if (r == TypeOutcome::Defer) return StmtResult::Defer;
      if (r == TypeOutcome::Failed) return StmtResult::Done;
      f.args.push_back(a);
    }
  }

  bool hypothetical = false;
  bool has_sfunc = false;
  bool has_stype = false;
  std::optional<char> finalfunc_modify, mfinalfunc_modify;
  for (std::size_t i = 0; i < stmt.n_definition; ++i) {
    if (stmt.definition[i]->node_case != PG_QUERY__NODE__NODE_DEF_ELEM) continue;
    const PgQuery__DefElem& d = *stmt.definition[i]->def_elem;
    std::string opt = d.defname;
    auto function = [&](std::optional<ir::QualifiedName>* out) {
      switch (SupportFunction(state, d, subject, &deps, out)) {
        case Lookup::Ok: return std::optional<StmtResult>();
        case Lookup::Defer: return std::optional<StmtResult>(StmtResult::Defer);
        default: return std::optional<StmtResult>(StmtResult::Done);
      }
    };
    auto type = [&](ir::TypeRef* out) -> std::optional<StmtResult> {
      if (!d.arg || d.arg->node_case != PG_QUERY__NODE__NODE_TYPE_NAME) {
        state.Error(ir::diag::kInvalid, fmt::format("{}: {} requires a type name", subject, opt), state.Span(d.location));
        return StmtResult::Done;
      }
      TypeOutcome r = FunctionType(state, d.arg->type_name, subject + ": " + opt, out, &deps);
      if (r == TypeOutcome::Defer) return StmtResult::Defer;
      if (r == TypeOutcome::Failed) return StmtResult::Done;
      return std::nullopt;
    };
    std::optional<StmtResult> stop;
    if (opt == "sfunc" || opt == "sfunc1") {
      std::optional<ir::QualifiedName> q;
      stop = function(&q);
      if (q) agg.sfunc = *q;
      has_sfunc = true;
    } else if (opt == "stype" || opt == "stype1") {
      stop = type(&agg.stype);
      has_stype = true;
    } else if (opt == "sspace") {
      if (!IntOf(state, d, subject, &agg.sspace)) return StmtResult::Done;
    } else if (opt == "finalfunc") {
      stop = function(&agg.finalfunc);
    } else if (opt == "finalfunc_extra") {
      agg.finalfunc_extra = BoolOf(d);
    } else if (opt == "finalfunc_modify") {
      char m = 'r';
      if (!ModifyOf(state, d, subject, &m)) return StmtResult::Done;
      finalfunc_modify = m;
    } else if (opt == "combinefunc") {
      stop = function(&agg.combinefunc);
    } else if (opt == "serialfunc") {
      stop = function(&agg.serialfunc);
    } else if (opt == "deserialfunc") {
      stop = function(&agg.deserialfunc);
    } else if (opt == "initcond" || opt == "initcond1") {
      std::string v;
      if (!TextOf(d.arg, &v)) {
        state.Error(ir::diag::kInvalid, subject + ": initcond requires a value", state.Span(d.location));
        return StmtResult::Done;
      }
      agg.initcond = v;
    } else if (opt == "msfunc") {
      stop = function(&agg.msfunc);
    } else if (opt == "minvfunc") {
      stop = function(&agg.minvfunc);
    } else if (opt == "mstype") {
      ir::TypeRef t;
      stop = type(&t);
      agg.mstype = t;
    } else if (opt == "msspace") {
      if (!IntOf(state, d, subject, &agg.msspace)) return StmtResult::Done;
    } else if (opt == "mfinalfunc") {
      stop = function(&agg.mfinalfunc);
    } else if (opt == "mfinalfunc_extra") {
      agg.mfinalfunc_extra = BoolOf(d);
    } else if (opt == "mfinalfunc_modify") {
      char m = 'r';
      if (!ModifyOf(state, d, subject, &m)) return StmtResult::Done;
      mfinalfunc_modify = m;
    } else if (opt == "minitcond") {
      std::string v;
      if (!TextOf(d.arg, &v)) {
        state.Error(ir::diag::kInvalid, subject + ": minitcond requires a value", state.Span(d.location));
        return StmtResult::Done;
      }
      agg.minitcond = v;
    } else if (opt == "sortop") {
      std::vector<std::string> parts = NameOf(d.arg);
      if (parts.empty() || parts.size() > 2) {
        state.Error(ir::diag::kInvalid, subject + ": sortop requires an operator", state.Span(d.location));
        return StmtResult::Done;
      }
      if (parts.size() == 2 && parts[0] != "pg_catalog") {
        state.Unsupported(subject + ": SORTOP with a user-defined operator", state.Span(d.location));
        return StmtResult::Done;
      }
      agg.sortop = ir::QualifiedName{"pg_catalog", parts.back()};
    } else if (opt == "parallel") {
      std::vector<std::string> parts = NameOf(d.arg);
      std::string v = parts.size() == 1 ? parts[0] : "";
      std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
      if (v != "safe" && v != "restricted" && v != "unsafe") {
        state.Error(ir::diag::kInvalid,
                    fmt::format("{}: parameter \"parallel\" must be SAFE, RESTRICTED, or UNSAFE", subject),
                    state.Span(d.location));
        return StmtResult::Done;
      }
      f.parallel = v[0];
    } else if (opt == "hypothetical") {
      hypothetical = BoolOf(d);
    } else if (opt == "basetype" && stmt.oldstyle) {
      std::vector<std::string> parts = NameOf(d.arg);
      std::string lowered = parts.size() == 1 ? parts[0] : "";
      std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char c) { return std::tolower(c); });
      if (lowered == "any") continue;  // BASETYPE = 'ANY': no arguments
      if (!d.arg || d.arg->node_case != PG_QUERY__NODE__NODE_TYPE_NAME) {
        state.Error(ir::diag::kInvalid, subject + ": basetype requires a type name", state.Span(d.location));
        return StmtResult::Done;
      }
      ir::FunctionArg a;
      TypeOutcome r = FunctionType(state, d.arg->type_name, subject + ": basetype", &a.type, &deps);
      if (r == TypeOutcome::Defer) return StmtResult::Defer;
      if (r == TypeOutcome::Failed) return StmtResult::Done;
      f.args.push_back(a);
    } else {
      state.Error(ir::diag::kInvalid, fmt::format("{}: aggregate attribute \"{}\" not recognized", subject, opt),
                  state.Span(d.location));
      return StmtResult::Done;
    }
    if (stop) return *stop;
  }
  if (!has_stype) {
    state.Error(ir::diag::kInvalid, subject + ": aggregate stype must be specified", span);
    return StmtResult::Done;
  }
  if (!has_sfunc) {
    state.Error(ir::diag::kInvalid, subject + ": aggregate sfunc must be specified", span);
    return StmtResult::Done;
  }
  if (agg.msfunc || agg.minvfunc || agg.mstype || agg.mfinalfunc || agg.minitcond || agg.mfinalfunc_extra ||
      mfinalfunc_modify || agg.msspace != 0) {
    if (!agg.msfunc || !agg.minvfunc || !agg.mstype) {
      state.Error(ir::diag::kInvalid,
                  subject + ": aggregate msfunc, minvfunc and mstype must be specified together", span);
      return StmtResult::Done;
    }
  }
  if (ndirect >= 0) {
    agg.kind = hypothetical ? 'h' : 'o';
    agg.num_direct_args = ndirect;
  } else if (hypothetical) {
    state.Error(ir::diag::kInvalid, subject + ": only ordered-set aggregates can be hypothetical", span);
    return StmtResult::Done;
  }
  char default_modify = agg.kind == 'n' ? 'r' : 'w';
  agg.finalfunc_modify = finalfunc_modify.value_or(default_modify);
  agg.mfinalfunc_modify = mfinalfunc_modify.value_or(default_modify);
  f.aggregate = agg;

  std::sort(deps.begin(), deps.end());
  deps.erase(std::unique(deps.begin(), deps.end()), deps.end());
  f.deps.keys = deps;

  ir::QualifiedName key{schema, ir::Signature(f)};
  auto existing = state.db.functions.find(key);
  if (existing != state.db.functions.end()) {
    if (!stmt.replace) {
      state.Error(ir::diag::kDuplicate,
                  fmt::format("function \"{}.{}\" already exists with same argument types", schema, key.name), span,
                  {{"defined here", existing->second.span}});
      return StmtResult::Done;
    }
    if (existing->second.kind != ir::FunctionKind::Aggregate) {
      state.Error(ir::diag::kInvalid, fmt::format("\"{}.{}\" is not an aggregate function", schema, key.name), span);
      return StmtResult::Done;
    }
    f.comment = existing->second.comment;
    f.owner = existing->second.owner;
  }
  state.db.functions[key] = std::move(f);
  return StmtResult::Done;
}

}  // namespace schemac::sql
