#include "compiler/sql/canonicalize.h"

#include <fmt/format.h>

#include "compiler/sql/normalize.h"
#include "compiler/sql/pg_tree.h"
#include "compiler/sql/types.h"
#include "compiler/sql/view_query.h"

namespace schemac::sql {

namespace {

// The text with the undecidable differences erased (only used to compare, never stored).
std::string Loose(const std::string& text) {
  ParsedText p = Parse("SELECT " + text);
  if (!p.tree || p.tree->n_stmts != 1) return text;
  PgQuery__Node* expr = p.tree->stmts[0]->stmt->select_stmt->target_list[0]->res_target->val;
  Arena& arena = *p.arena;
  WalkNodes(expr, [&](PgQuery__Node* n) {
    for (;;) {
      if (n->node_case == PG_QUERY__NODE__NODE_TYPE_CAST) {
        PgQuery__Node* arg = n->type_cast->arg;
        const PgQuery__TypeName* tn = n->type_cast->type_name;
        std::string type = tn->n_names ? StrVal(tn->names[tn->n_names - 1]) : "";
        bool literal = arg->node_case == PG_QUERY__NODE__NODE_A_CONST;
        // PostgreSQL casts a column (or an array of constants) to the type an operator or
        // function takes: (quantity)::numeric * price, (ARRAY['a'::varchar])::text[].
        bool column = arg->node_case == PG_QUERY__NODE__NODE_COLUMN_REF;
        bool array = arg->node_case == PG_QUERY__NODE__NODE_A_ARRAY_EXPR;
        if ((literal && type != "regclass") || column || array) {
          *n = *arg;
          continue;
        }
      }
      // PostgreSQL stores a negative constant as a string literal with a cast ('-1'::integer);
      // once the cast is gone, compare the literal as the number it spells.
      if (n->node_case == PG_QUERY__NODE__NODE_A_CONST && n->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL) {
        std::string v = n->a_const->sval->sval;
        std::size_t digits = v.find_first_not_of("0123456789", v.size() && v[0] == '-' ? 1 : 0);
        bool integer = digits == std::string::npos && v.size() > (v[0] == '-' ? 1u : 0u) && v.size() < 10;
        if (integer) {
          PgQuery__Integer i = PG_QUERY__INTEGER__INIT;
          i.ival = std::stoi(v);
          n->a_const->val_case = PG_QUERY__A__CONST__VAL_IVAL;
          n->a_const->ival = arena.New(i);
        }
      }
      // PostgreSQL stores x BETWEEN a AND b as x >= a AND x <= b.
      if (n->node_case == PG_QUERY__NODE__NODE_A_EXPR && n->a_expr->kind == PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN &&
          n->a_expr->rexpr && n->a_expr->rexpr->node_case == PG_QUERY__NODE__NODE_LIST &&
          n->a_expr->rexpr->list->n_items == 2) {
        auto comparison = [&](const char* op, PgQuery__Node* right) {
          PgQuery__String name = PG_QUERY__STRING__INIT;
          name.sval = arena.Strdup(op);
          PgQuery__Node name_node = PG_QUERY__NODE__INIT;
          name_node.node_case = PG_QUERY__NODE__NODE_STRING;
          name_node.string = arena.New(name);
          PgQuery__AExpr e = PG_QUERY__A__EXPR__INIT;
          e.kind = PG_QUERY__A__EXPR__KIND__AEXPR_OP;
          e.n_name = 1;
          e.name = arena.New<PgQuery__Node*>(arena.New(name_node));
          e.lexpr = n->a_expr->lexpr;
          e.rexpr = right;
          e.location = -1;
          PgQuery__Node node = PG_QUERY__NODE__INIT;
          node.node_case = PG_QUERY__NODE__NODE_A_EXPR;
          node.a_expr = arena.New(e);
          return arena.New(node);
        };
        PgQuery__Node** args = static_cast<PgQuery__Node**>(arena.Allocate(2 * sizeof(PgQuery__Node*)));
        args[0] = comparison(">=", n->a_expr->rexpr->list->items[0]);
        args[1] = comparison("<=", n->a_expr->rexpr->list->items[1]);
        PgQuery__BoolExpr both = PG_QUERY__BOOL_EXPR__INIT;
        both.boolop = PG_QUERY__BOOL_EXPR_TYPE__AND_EXPR;
        both.n_args = 2;
        both.args = args;
        both.location = -1;
        n->node_case = PG_QUERY__NODE__NODE_BOOL_EXPR;
        n->bool_expr = arena.New(both);
      }
      // PostgreSQL stores x IN (a, b) as x = ANY (ARRAY[a, b]) and x NOT IN (a, b) as
      // x <> ALL (ARRAY[a, b]); a list of one as x = a (x <> a).
      if (n->node_case == PG_QUERY__NODE__NODE_A_EXPR && n->a_expr->kind == PG_QUERY__A__EXPR__KIND__AEXPR_IN &&
          n->a_expr->rexpr && n->a_expr->rexpr->node_case == PG_QUERY__NODE__NODE_LIST &&
          n->a_expr->rexpr->list->n_items == 1) {
        n->a_expr->rexpr = n->a_expr->rexpr->list->items[0];
        n->a_expr->kind = PG_QUERY__A__EXPR__KIND__AEXPR_OP;
      }
      if (n->node_case == PG_QUERY__NODE__NODE_A_EXPR && n->a_expr->kind == PG_QUERY__A__EXPR__KIND__AEXPR_IN &&
          n->a_expr->rexpr && n->a_expr->rexpr->node_case == PG_QUERY__NODE__NODE_LIST) {
        std::vector<std::string> op = StrList(n->a_expr->name, n->a_expr->n_name);
        PgQuery__AArrayExpr array = PG_QUERY__A__ARRAY_EXPR__INIT;
        array.n_elements = n->a_expr->rexpr->list->n_items;
        array.elements = n->a_expr->rexpr->list->items;
        array.location = -1;
        PgQuery__Node node = PG_QUERY__NODE__INIT;
        node.node_case = PG_QUERY__NODE__NODE_A_ARRAY_EXPR;
        node.a_array_expr = arena.New(array);
        n->a_expr->rexpr = arena.New(node);
        n->a_expr->kind = !op.empty() && op.back() == "<>" ? PG_QUERY__A__EXPR__KIND__AEXPR_OP_ALL
                                                           : PG_QUERY__A__EXPR__KIND__AEXPR_OP_ANY;
      }
      if (n->node_case == PG_QUERY__NODE__NODE_FUNC_CALL && n->func_call->n_args == 0) {
        std::vector<std::string> fname = StrList(n->func_call->funcname, n->func_call->n_funcname);
        if (!fname.empty() && fname.back() == "now") {
          PgQuery__SQLValueFunction f = PG_QUERY__SQLVALUE_FUNCTION__INIT;
          f.op = PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP;
          f.typmod = -1;
          f.location = -1;
          n->node_case = PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION;
          n->sqlvalue_function = arena.New(f);
        }
      }
      break;
    }
  });
  std::string err;
  std::string out = DeparseExpr(expr, &err);
  return err.empty() ? out : text;
}

struct Pairing {
  ir::Diagnostics& diags;

  void Compare(const std::string& object, const std::string& what, ir::Expr& from, ir::Expr& to,
               ir::SourceSpan span) {
    if (from.text == to.text) return;
    std::string ea;
    std::string eb;
    std::string a = NormalizeExprText(from.text, &ea);
    std::string b = NormalizeExprText(to.text, &eb);
    if (ea.empty() && eb.empty() && a == b) {
      from.text = a;
      to.text = b;
      return;
    }
    if (Loose(a) == Loose(b)) {
      diags.Report(ir::diag::kUndecidedExpression,
                   fmt::format("{}: {} {} versus {} may be the same once PostgreSQL stores it; use a database to "
                               "decide",
                               object, what, from.text, to.text),
                   span, object);
    }
  }

  void Compare(const std::string& object, const std::string& what, std::optional<ir::Expr>& from,
               std::optional<ir::Expr>& to, ir::SourceSpan span) {
    if (from && to) Compare(object, what, *from, *to, span);
  }
};

}  // namespace

void CanonicalizeOfflinePair(ir::Database& from, ir::Database& to, ir::Diagnostics& diags) {
  Pairing p{diags};
  for (auto& [name, to_table] : to.tables) {
    auto it = from.tables.find(name);
    if (it == from.tables.end()) continue;
    ir::Table& from_table = it->second;
    std::string table = fmt::format("table \"{}\"", ir::DisplayName(name));
    const std::optional<ir::PartitionOf>& fp = from_table.partition_of;
    const std::optional<ir::PartitionOf>& tp = to_table.partition_of;
    if (fp && tp && fp->parent == tp->parent && fp->bound != tp->bound && (fp->written || tp->written)) {
      diags.Report(ir::diag::kUndecidedExpression,
                   fmt::format("{}: bound {} versus {} may be the same once PostgreSQL stores it; use a database to "
                               "decide",
                               table, fp->bound, tp->bound),
                   to_table.span, table);
    }
    for (ir::Column& tc : to_table.columns) {
      for (ir::Column& fc : from_table.columns) {
        if (fc.name != tc.name) continue;
        std::string object = fmt::format("{}: column \"{}\"", table, tc.name);
        p.Compare(object, "default", fc.default_expr, tc.default_expr, tc.span);
        p.Compare(object, "generation expression", fc.generated, tc.generated, tc.span);
      }
    }
    for (auto& [cname, tk] : to_table.constraints) {
      auto fk = from_table.constraints.find(cname);
      if (fk == from_table.constraints.end()) continue;
      p.Compare(fmt::format("{}: constraint \"{}\"", table, cname), "check", fk->second.check, tk.check, tk.span);
    }
    for (auto& [iname, ti] : to_table.indexes) {
      auto fi = from_table.indexes.find(iname);
      if (fi == from_table.indexes.end()) continue;
      std::string object = fmt::format("{}: index \"{}\"", table, iname);
      p.Compare(object, "predicate", fi->second.predicate, ti.predicate, ti.span);
      if (fi->second.elements.size() != ti.elements.size()) continue;
      for (std::size_t k = 0; k < ti.elements.size(); ++k) {
        p.Compare(object, "expression", fi->second.elements[k].expression, ti.elements[k].expression, ti.span);
      }
    }
  }
  // Trigger WHEN clauses, on tables and on views.
  auto triggers = [&](const std::string& subject, std::map<std::string, ir::Trigger>& from_triggers,
                      std::map<std::string, ir::Trigger>& to_triggers) {
    for (auto& [tname, tt] : to_triggers) {
      auto ft = from_triggers.find(tname);
      if (ft == from_triggers.end()) continue;
      p.Compare(fmt::format("{}: trigger \"{}\"", subject, tname), "WHEN", ft->second.when, tt.when, tt.span);
    }
  };
  // Rule WHERE conditions, on tables and on views.
  auto rules = [&](const std::string& subject, std::map<std::string, ir::Rule>& from_rules,
                   std::map<std::string, ir::Rule>& to_rules) {
    for (auto& [rname, tr] : to_rules) {
      auto fr = from_rules.find(rname);
      if (fr == from_rules.end()) continue;
      p.Compare(fmt::format("{}: rule \"{}\"", subject, rname), "WHERE", fr->second.where, tr.where, tr.span);
    }
  };
  for (auto& [name, to_table] : to.tables) {
    auto it = from.tables.find(name);
    if (it != from.tables.end()) {
      std::string subject = fmt::format("table \"{}\"", ir::DisplayName(name));
      triggers(subject, it->second.triggers, to_table.triggers);
      rules(subject, it->second.rules, to_table.rules);
      for (auto& [pname, tp] : to_table.policies) {
        auto fp = it->second.policies.find(pname);
        if (fp == it->second.policies.end()) continue;
        std::string object = fmt::format("{}: policy \"{}\"", subject, pname);
        p.Compare(object, "USING", fp->second.using_expr, tp.using_expr, tp.span);
        p.Compare(object, "WITH CHECK", fp->second.check_expr, tp.check_expr, tp.span);
      }
    }
  }
  for (auto& [name, to_view] : to.views) {
    auto it = from.views.find(name);
    if (it != from.views.end()) {
      std::string subject = fmt::format("view \"{}\"", ir::DisplayName(name));
      triggers(subject, it->second.triggers, to_view.triggers);
      rules(subject, it->second.rules, to_view.rules);
    }
  }
  // Argument defaults of routines of the same signature.
  for (auto& [key, to_fn] : to.functions) {
    auto it = from.functions.find(key);
    if (it == from.functions.end() || it->second.args.size() != to_fn.args.size()) continue;
    std::string subject = fmt::format("{} \"{}.{}\"", to_fn.kind == ir::FunctionKind::Procedure ? "procedure" : "function",
                                      key.schema, key.name);
    for (std::size_t i = 0; i < to_fn.args.size(); ++i) {
      p.Compare(fmt::format("{}: argument {}", subject, i + 1), "default", it->second.args[i].default_expr,
                to_fn.args[i].default_expr, to_fn.span);
    }
    // A SQL-standard body is stored as a query tree, printed back with casts, aliases and
    // qualified parameters only PostgreSQL adds (as a view's query): only a database decides.
    const std::optional<std::string>& from_body = it->second.sql_body;
    if (from_body && to_fn.sql_body && *from_body != *to_fn.sql_body) {
      diags.Report(ir::diag::kUndecidedExpression,
                   fmt::format("{}: body {} versus {} may be the same once PostgreSQL stores it; use a database to "
                               "decide",
                               subject, *from_body, *to_fn.sql_body),
                   to_fn.span, subject);
    }
  }
  // Domain defaults and CHECK constraints (VALUE stands for the column).
  for (auto& [name, to_domain] : to.domains) {
    auto it = from.domains.find(name);
    if (it == from.domains.end()) continue;
    std::string domain = fmt::format("domain \"{}\"", ir::DisplayName(name));
    p.Compare(domain, "default", it->second.default_expr, to_domain.default_expr, to_domain.span);
    for (auto& [cname, tk] : to_domain.checks) {
      auto fk = it->second.checks.find(cname);
      if (fk == it->second.checks.end()) continue;
      p.Compare(fmt::format("{}: constraint \"{}\"", domain, cname), "check", fk->second.check, tk.check, tk.span);
    }
  }
  CanonicalizeOfflineViews(from, to, diags);
}

}  // namespace schemac::sql
