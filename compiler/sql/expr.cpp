#include "compiler/sql/expr.h"

#include <algorithm>
#include <iterator>
#include <string_view>

#include <fmt/format.h>

#include "compiler/sql/types.h"

namespace schemac::sql {

std::vector<std::string> SplitQualifiedLiteral(const std::string& text) {
  // The identifier rules of stringToQualifiedNameList: dots separate, double quotes protect,
  // unquoted parts fold to lower case.
  std::vector<std::string> parts;
  std::string cur;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          cur += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == '.') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
  }
  parts.push_back(cur);
  return parts;
}

namespace {

constexpr std::string_view kBuiltinFunctions[] = {
#define SCHEMAC_BUILTIN_FUNCTION(name) name,
#include "compiler/sql/builtin_functions.def"
#undef SCHEMAC_BUILTIN_FUNCTION
};

}  // namespace

bool IsBuiltinFunctionName(const std::string& name) {
  return std::binary_search(std::begin(kBuiltinFunctions), std::end(kBuiltinFunctions), std::string_view(name));
}

std::string FunctionSchemaOnPath(const ir::Database& db, const std::vector<std::string>& search_path,
                                 const std::string& name) {
  // Database::functions is keyed by {schema, "name(args)"}: the overloads of a name are adjacent.
  for (const std::string& schema : search_path) {
    auto it = db.functions.lower_bound(ir::QualifiedName{schema, name + "("});
    if (it != db.functions.end() && it->first.schema == schema && it->first.name.rfind(name + "(", 0) == 0) {
      return schema;
    }
  }
  return "";
}

namespace {

PgQuery__Node* MakeStringNode(Arena& arena, const std::string& s) {
  PgQuery__String str = PG_QUERY__STRING__INIT;
  str.sval = arena.Strdup(s);
  PgQuery__Node node = PG_QUERY__NODE__INIT;
  node.node_case = PG_QUERY__NODE__NODE_STRING;
  node.string = arena.New(str);
  return arena.New(node);
}

void PrependSchema(Arena& arena, PgQuery__Node*** names, std::size_t* n, const std::string& schema) {
  if (*n != 1) return;
  auto** list = static_cast<PgQuery__Node**>(arena.Allocate(2 * sizeof(PgQuery__Node*)));
  list[0] = MakeStringNode(arena, schema);
  list[1] = (*names)[0];
  *names = list;
  *n = 2;
}

// f(...) -> schema.f(...), in place.
void QualifyCall(Arena& arena, PgQuery__FuncCall* fc, const std::string& schema) {
  PrependSchema(arena, &fc->funcname, &fc->n_funcname, schema);
}

// nextval('seq') / nextval('seq'::regclass) -> nextval('schema.seq'::regclass), in place.
void QualifyNextval(State& state, PgQuery__FuncCall* fc) {
  std::vector<std::string> fname = StrList(fc->funcname, fc->n_funcname);
  if (fname.empty() || fname.back() != "nextval" || fc->n_args != 1) return;
  if (fname.size() == 2 && fname[0] != "pg_catalog") return;
  if (fname.size() > 2) return;
  PgQuery__Node* arg = fc->args[0];
  PgQuery__Node* literal = arg;
  bool has_cast = false;
  if (arg->node_case == PG_QUERY__NODE__NODE_TYPE_CAST) {
    std::vector<std::string> tn = StrList(arg->type_cast->type_name->names, arg->type_cast->type_name->n_names);
    if (tn.empty() || tn.back() != "regclass" || arg->type_cast->type_name->n_array_bounds) return;
    literal = arg->type_cast->arg;
    has_cast = true;
  }
  if (literal->node_case != PG_QUERY__NODE__NODE_A_CONST || literal->a_const->val_case != PG_QUERY__A__CONST__VAL_SVAL) {
    return;
  }
  std::vector<std::string> parts = SplitQualifiedLiteral(literal->a_const->sval->sval);
  std::string schema;
  std::string name;
  if (parts.size() == 1) {
    name = parts[0];
    schema = state.CreationSchema();
    for (const std::string& s : state.ctx.search_path) {
      if (state.FindSequence(s, name)) {
        schema = s;
        break;
      }
    }
  } else if (parts.size() == 2) {
    schema = parts[0];
    name = parts[1];
  } else {
    return;
  }
  Arena& arena = *state.ctx.arena;
  literal->a_const->sval->sval = arena.Strdup(QuoteIdent(schema) + "." + QuoteIdent(name));
  if (!has_cast) {
    PgQuery__TypeName tn = PG_QUERY__TYPE_NAME__INIT;
    tn.n_names = 1;
    tn.names = static_cast<PgQuery__Node**>(arena.Allocate(sizeof(PgQuery__Node*)));
    tn.names[0] = MakeStringNode(arena, "regclass");
    tn.typemod = -1;
    tn.location = -1;
    PgQuery__TypeCast tc = PG_QUERY__TYPE_CAST__INIT;
    tc.arg = literal;
    tc.type_name = arena.New(tn);
    tc.location = -1;
    PgQuery__Node node = PG_QUERY__NODE__INIT;
    node.node_case = PG_QUERY__NODE__NODE_TYPE_CAST;
    node.type_cast = arena.New(tc);
    fc->args[0] = arena.New(node);
  }
}

// The schema of the first search-path entry holding a user type `name` (enum, domain,
// composite, range or multirange), or "".
std::string TypeSchemaOnPath(const ir::Database& db, const std::vector<std::string>& search_path,
                             const std::string& name) {
  for (const std::string& s : search_path) {
    ir::QualifiedName q{s, name};
    if (db.enums.count(q) || db.domains.count(q) || db.composite_types.count(q) || db.range_types.count(q)) return s;
    for (const auto& [rn, r] : db.range_types) {
      if (r.multirange == q) return s;
    }
  }
  return "";
}

// Prepends `schema` to the one-part name of a cast's type.
void QualifyCastType(Arena& arena, PgQuery__TypeName* tn, const std::string& schema) {
  PrependSchema(arena, &tn->names, &tn->n_names, schema);
}

// A cast's one-part type name that is not built in, or "".
std::string UserCastTypeName(const PgQuery__Node* n) {
  if (n->node_case != PG_QUERY__NODE__NODE_TYPE_CAST || !n->type_cast->type_name) return "";
  const PgQuery__TypeName* tn = n->type_cast->type_name;
  if (tn->n_names != 1) return "";
  std::string name = StrVal(tn->names[0]);
  return IsBuiltinTypeName(name) ? "" : name;
}

}  // namespace

std::optional<ir::Expr> TransformExpr(State& state, PgQuery__Node* expr, const std::string& subject) {
  if (!expr) return std::nullopt;
  WalkNodes(expr, [&](PgQuery__Node* n) {
    // PostgreSQL stores a cast to a user type schema-qualified, as it does calls (below); the
    // type is then also a dependency of the expression (ir::ExpressionKeys).
    if (std::string name = UserCastTypeName(n); !name.empty()) {
      std::string schema = TypeSchemaOnPath(state.db, state.ctx.search_path, name);
      if (!schema.empty() && state.ctx.arena != nullptr) {
        QualifyCastType(*state.ctx.arena, n->type_cast->type_name, schema);
      } else {
        state.pending_casts.emplace(name, state.ctx.search_path);
      }
      return;
    }
    if (n->node_case != PG_QUERY__NODE__NODE_FUNC_CALL) return;
    QualifyNextval(state, n->func_call);
    // pg_catalog is always searched, so PostgreSQL prints its functions unqualified. Calls
    // written in SQL syntax (POSITION(a IN b), EXTRACT, SUBSTRING ... FROM, TRIM, OVERLAY) keep
    // the qualification the parser gave them: it is what makes the deparser print them in that
    // syntax again, as PostgreSQL does, rather than as plain calls with reordered arguments.
    std::vector<std::string> fname = StrList(n->func_call->funcname, n->func_call->n_funcname);
    if (fname.size() == 2 && fname[0] == "pg_catalog" &&
        n->func_call->funcformat != PG_QUERY__COERCION_FORM__COERCE_SQL_SYNTAX) {
      n->func_call->funcname++;
      n->func_call->n_funcname--;
    }
    // PostgreSQL stores (and prints, with an empty search_path) a call of a function outside
    // pg_catalog schema-qualified; the schema is where the search path finds it. Knowing it also
    // gives the expression its dependency on the function (ir::ExpressionKeys).
    if (fname.size() == 1 && !IsBuiltinFunctionName(fname[0])) {
      std::string schema = FunctionSchemaOnPath(state.db, state.ctx.search_path, fname[0]);
      if (!schema.empty() && state.ctx.arena != nullptr) {
        QualifyCall(*state.ctx.arena, n->func_call, schema);
      } else {
        state.pending_calls.emplace(fname[0], state.ctx.search_path);
      }
    }
  });
  std::string error;
  std::string text = DeparseExpr(expr, &error);
  if (!error.empty()) {
    state.Error(ir::diag::kInvalid, fmt::format("{}: cannot deparse expression: {}", subject, error),
                state.Span());
    return std::nullopt;
  }
  return ir::Expr{text};
}

namespace {

// The text with the pending calls qualified, or nullopt when nothing changes.
std::optional<std::string> QualifyPendingIn(const State& state, const std::string& text) {
  bool candidate = false;
  for (const auto* pending : {&state.pending_calls, &state.pending_casts}) {
    for (const auto& [name, path] : *pending) {
      if (text.find(name) != std::string::npos) candidate = true;
    }
  }
  if (!candidate) return std::nullopt;
  ParsedText p = Parse("SELECT " + text);
  if (!p.tree || p.tree->n_stmts != 1 || p.tree->stmts[0]->stmt->node_case != PG_QUERY__NODE__NODE_SELECT_STMT ||
      p.tree->stmts[0]->stmt->select_stmt->n_target_list != 1) {
    return std::nullopt;
  }
  PgQuery__Node* expr = p.tree->stmts[0]->stmt->select_stmt->target_list[0]->res_target->val;
  bool changed = false;
  WalkNodes(expr, [&](PgQuery__Node* n) {
    if (std::string name = UserCastTypeName(n); !name.empty()) {
      auto it = state.pending_casts.find(name);
      if (it == state.pending_casts.end()) return;
      std::string schema = TypeSchemaOnPath(state.db, it->second, name);
      if (schema.empty()) return;  // not a type of these files (an extension's, say): as written
      QualifyCastType(*p.arena, n->type_cast->type_name, schema);
      changed = true;
      return;
    }
    if (n->node_case != PG_QUERY__NODE__NODE_FUNC_CALL || n->func_call->n_funcname != 1) return;
    std::string name = StrVal(n->func_call->funcname[0]);
    auto it = state.pending_calls.find(name);
    if (it == state.pending_calls.end()) return;
    std::string schema = FunctionSchemaOnPath(state.db, it->second, name);
    if (schema.empty()) return;  // not a function of these files (an extension's, say): as written
    QualifyCall(*p.arena, n->func_call, schema);
    changed = true;
  });
  if (!changed) return std::nullopt;
  std::string error;
  std::string out = DeparseExpr(expr, &error);
  if (!error.empty()) return std::nullopt;
  return out;
}

}  // namespace

void QualifyNameList(State& state, PgQuery__Node*** names, std::size_t* n, const std::string& schema) {
  if (state.ctx.arena) PrependSchema(*state.ctx.arena, names, n, schema);
}

void QualifyLateFunctionCalls(State& state) {
  if (state.pending_calls.empty() && state.pending_casts.empty()) return;
  auto fix = [&](std::optional<ir::Expr>& e) {
    if (!e) return;
    if (auto text = QualifyPendingIn(state, e->text)) e->text = std::move(*text);
  };
  for (auto& [name, table] : state.db.tables) {
    for (ir::Column& c : table.columns) {
      fix(c.default_expr);
      fix(c.generated);
    }
    for (auto& [cname, k] : table.constraints) fix(k.check);
    for (auto& [iname, ix] : table.indexes) {
      for (ir::IndexElement& e : ix.elements) fix(e.expression);
      fix(ix.predicate);
    }
    for (auto& [tname, t] : table.triggers) fix(t.when);
    for (auto& [pname, pol] : table.policies) {
      fix(pol.using_expr);
      fix(pol.check_expr);
    }
  }
  for (auto& [key, f] : state.db.functions) {
    for (ir::FunctionArg& a : f.args) fix(a.default_expr);
  }
  for (auto& [name, d] : state.db.domains) {
    fix(d.default_expr);
    for (auto& [cname, k] : d.checks) fix(k.check);
  }
}

std::vector<std::string> ExprColumns(PgQuery__Node* expr) {
  std::vector<std::string> out;
  if (!expr) return out;
  WalkNodes(expr, [&](PgQuery__Node* n) {
    if (n->node_case != PG_QUERY__NODE__NODE_COLUMN_REF || n->column_ref->n_fields == 0) return;
    std::string name = StrVal(n->column_ref->fields[n->column_ref->n_fields - 1]);
    if (!name.empty() && std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  });
  return out;
}

std::vector<std::string> ExprTextColumns(const std::string& text) {
  ParsedText p = Parse("SELECT " + text);
  if (!p.tree || p.tree->n_stmts != 1) return {};
  return ExprColumns(p.tree->stmts[0]->stmt);
}

std::string FigureIndexColname(const PgQuery__Node* n) {
  if (!n) return "";
  switch (n->node_case) {
    case PG_QUERY__NODE__NODE_COLUMN_REF: {
      const PgQuery__ColumnRef* c = n->column_ref;
      return c->n_fields ? StrVal(c->fields[c->n_fields - 1]) : "";
    }
    case PG_QUERY__NODE__NODE_FUNC_CALL: {
      const PgQuery__FuncCall* f = n->func_call;
      return f->n_funcname ? StrVal(f->funcname[f->n_funcname - 1]) : "";
    }
    case PG_QUERY__NODE__NODE_TYPE_CAST: {
      std::string inner = FigureIndexColname(n->type_cast->arg);
      // A weak name from the argument loses to the type's name (FigureColnameInternal strength).
      bool strong = n->type_cast->arg->node_case == PG_QUERY__NODE__NODE_COLUMN_REF ||
                    n->type_cast->arg->node_case == PG_QUERY__NODE__NODE_FUNC_CALL;
      if (strong && !inner.empty()) return inner;
      const PgQuery__TypeName* tn = n->type_cast->type_name;
      return tn->n_names ? StrVal(tn->names[tn->n_names - 1]) : inner;
    }
    case PG_QUERY__NODE__NODE_COLLATE_CLAUSE: return FigureIndexColname(n->collate_clause->arg);
    case PG_QUERY__NODE__NODE_CASE_EXPR: return "case";
    case PG_QUERY__NODE__NODE_A_ARRAY_EXPR: return "array";
    case PG_QUERY__NODE__NODE_ROW_EXPR: return "row";
    case PG_QUERY__NODE__NODE_COALESCE_EXPR: return "coalesce";
    case PG_QUERY__NODE__NODE_MIN_MAX_EXPR:
      return n->min_max_expr->op == PG_QUERY__MIN_MAX_OP__IS_GREATEST ? "greatest" : "least";
    case PG_QUERY__NODE__NODE_A_EXPR:
      if (n->a_expr->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NULLIF) return "nullif";
      return "";
    default: return "";
  }
}

}  // namespace schemac::sql
