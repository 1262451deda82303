// Functions, procedures and aggregates. CREATE OR REPLACE keeps a routine's identity (and what
// depends on it) but PostgreSQL refuses it when the result type, the argument names or modes,
// the OUT arguments or the kind change, or when defaults are removed: those rebuild the routine.
// An aggregate is rebuilt for any change but its comment and owner.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "compiler/ir/expression_keys.h"
#include "diff/objects_kinds.h"

namespace schemac::diff {

namespace {

void List(const ir::Database& db, std::vector<ObjectEntry>& out) {
  for (const auto& [key, f] : db.functions) {
    ObjectEntry e;
    e.id = ir::ObjectId{ir::ObjectKind::Function, key.schema, key.name, ""};
    e.ref.function = &f;
    out.push_back(e);
  }
}

// Why CREATE OR REPLACE cannot turn `b` into `a`, or "" when it can.
std::string RebuildReason(const ir::Function& b, const ir::Function& a) {
  if (b.kind != a.kind) return "the routine kind changes";
  if (b.return_type != a.return_type) return "the result type changes";
  if (b.returns_set != a.returns_set) return "the result changes between a set and a single value";
  if (b.args.size() != a.args.size()) return "the OUT arguments change";
  for (std::size_t i = 0; i < b.args.size(); ++i) {
    const ir::FunctionArg& x = b.args[i];
    const ir::FunctionArg& y = a.args[i];
    if (x.mode != y.mode) return "the argument modes change";
    if (x.name != y.name) return "the argument names change";
    if (!(x.type == y.type)) return "the OUT arguments change";
    if (x.default_expr && !y.default_expr) return "an argument default is removed";
  }
  return "";
}

Comparison Compare(const ElementRef& before, const ElementRef& after, bool owners) {
  const ir::Function& b = *before.function;
  const ir::Function& a = *after.function;
  if (std::string why = RebuildReason(b, a); !why.empty()) return {Verdict::Rebuild, why};
  // An aggregate is replaced in place (CREATE OR REPLACE AGGREGATE) unless its kind, its number
  // of direct arguments or its result type changes, which PostgreSQL refuses to replace (the
  // argument types are checked above).
  if (a.kind == ir::FunctionKind::Aggregate && (b.aggregate != a.aggregate || b.parallel != a.parallel)) {
    if (!b.aggregate || !a.aggregate || b.aggregate->kind != a.aggregate->kind) {
      return {Verdict::Rebuild, "the aggregate's kind changes"};
    }
    if (b.aggregate->num_direct_args != a.aggregate->num_direct_args) {
      return {Verdict::Rebuild, "the aggregate's direct arguments change"};
    }
    // The result type (not in the IR: the final function's, else the state type) stays only
    // when the state type and the final function stay.
    if (b.aggregate->stype != a.aggregate->stype || b.aggregate->finalfunc != a.aggregate->finalfunc ||
        b.aggregate->finalfunc_extra != a.aggregate->finalfunc_extra) {
      return {Verdict::Rebuild, "the aggregate's state type or final function changes"};
    }
    return {Verdict::Replace, "the aggregate's definition changes"};
  }
  auto what_changes = [&]() -> std::string {
    if (b.body != a.body || b.sql_body != a.sql_body) return "the body changes";
    if (b.language != a.language) return "the language changes";
    for (std::size_t i = 0; i < b.args.size(); ++i) {
      if (b.args[i].default_expr != a.args[i].default_expr) return "an argument default changes";
    }
    if (b.volatility != a.volatility || b.strict != a.strict || b.security_definer != a.security_definer ||
        b.leakproof != a.leakproof || b.parallel != a.parallel || b.cost != a.cost || b.rows != a.rows ||
        b.config != a.config) {
      return "its attributes change";
    }
    return "";
  };
  if (std::string why = what_changes(); !why.empty()) return {Verdict::Replace, why};
  if (b.comment != a.comment || (owners && a.owner && b.owner != a.owner)) return {Verdict::Alter, ""};
  return {Verdict::Same, ""};
}

const std::vector<std::string>& Deps(const ElementRef& ref) { return ref.function->deps.keys; }

std::vector<std::string> Provides(const ElementRef& ref) { return {ir::FuncKey(ref.function->name)}; }

// The expressions of a table that call functions, with a description for messages.
std::vector<std::pair<std::string, std::string>> TableExpressions(const ir::Table& t) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const ir::Column& c : t.columns) {
    if (c.default_expr) out.push_back({"column default " + ir::DisplayName(t.name) + "." + c.name, c.default_expr->text});
    if (c.generated) out.push_back({"generated column " + ir::DisplayName(t.name) + "." + c.name, c.generated->text});
  }
  for (const auto& [n, k] : t.constraints) {
    if (k.check) out.push_back({"check constraint " + n + " on " + ir::DisplayName(t.name), k.check->text});
  }
  for (const auto& [n, ix] : t.indexes) {
    std::string text;
    for (const ir::IndexElement& e : ix.elements) text += e.expression ? e.expression->text + " " : "";
    if (ix.predicate) text += ix.predicate->text;
    if (!text.empty()) out.push_back({"index " + ir::DisplayName(ir::QualifiedName{t.name.schema, n}), text});
  }
  return out;
}

}  // namespace

void CheckFunctionDropsUnderTables(const ir::Database& from, const ir::Database& to, const std::vector<Change>& changes,
                                   ir::Diagnostics& diags) {
  for (const Change& c : changes) {
    if (c.kind != ChangeKind::DropObject || c.object.kind != ir::ObjectKind::Function || !c.before.function) continue;
    std::string key = ir::FuncKey(c.before.function->name);
    for (const auto& [tname, t] : from.tables) {
      auto kept = to.tables.find(tname);
      if (kept == to.tables.end()) continue;
      // An expression that is the same in both states stays in place while the function goes.
      std::vector<std::pair<std::string, std::string>> after = TableExpressions(kept->second);
      for (const auto& [what, text] : TableExpressions(t)) {
        std::vector<std::string> calls = ir::ExpressionKeys(text);
        if (std::find(calls.begin(), calls.end(), key) == calls.end()) continue;
        if (std::find(after.begin(), after.end(), std::make_pair(what, text)) == after.end()) continue;
        diags.Report(ir::diag::kPlanUnsupported,
                     "not yet supported: changing the signature or result of function " +
                         ir::DisplayName(c.object) + " used by " + what,
                     c.before.function->span, ir::DisplayName(c.object));
      }
    }
  }
}

const ObjectKindHandler& FunctionHandler() {
  static const ObjectKindHandler handler{ir::ObjectKind::Function, List, Compare, Deps, Provides};
  return handler;
}

}  // namespace schemac::diff
