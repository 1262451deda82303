#include "compiler/canon/server_canonicalize.h"

#include <cctype>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "compiler/catalog/embedded_cluster.h"
#include "compiler/catalog/introspect.h"
#include "compiler/sql/function_body.h"
#include "compiler/sql/normalize.h"
#include "compiler/sql/rule_definition.h"
#include "compiler/sql/view_query.h"
#include "diff/rename.h"
#include "emit/plan.h"
#include "emit/quote.h"

namespace schemac::canon {

namespace {

// Skips a quoted literal or identifier starting at text[i] (a ' or "); returns the index just
// past it. Doubled quotes inside are part of it.
std::size_t SkipQuoted(const std::string& text, std::size_t i) {
  char q = text[i++];
  while (i < text.size()) {
    if (text[i] == q) {
      if (i + 1 < text.size() && text[i + 1] == q) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    ++i;
  }
  return i;
}

// The elements of `ARRAY[...]` whose '[' is at `open`, split at top-level commas, and the index
// of the closing ']' (npos when unbalanced).
std::vector<std::string> ArrayElements(const std::string& text, std::size_t open, std::size_t& close) {
  std::vector<std::string> elements;
  int depth = 0;
  std::size_t start = open + 1;
  for (std::size_t i = open; i < text.size();) {
    char c = text[i];
    if (c == '\'' || c == '"') {
      i = SkipQuoted(text, i);
      continue;
    }
    if (c == '[' || c == '(') ++depth;
    if (c == ']' || c == ')') --depth;
    if ((c == ',' && depth == 1) || depth == 0) {
      std::string e = text.substr(start, i - start);
      while (!e.empty() && e.front() == ' ') e.erase(e.begin());
      elements.push_back(e);
      start = i + 1;
    }
    if (depth == 0) {
      close = i;
      return elements;
    }
    ++i;
  }
  close = std::string::npos;
  return elements;
}

// For `'literal'::E`, returns E; else "".
std::string LiteralCastType(const std::string& element) {
  if (element.empty() || element.front() != '\'') return "";
  std::size_t end = SkipQuoted(element, 0);
  if (element.compare(end, 2, "::") != 0) return "";
  std::string type = element.substr(end + 2);
  for (char c : type) {
    if (c == '\'' || c == '(' || c == ':' || c == ' ') return "";
  }
  return type;
}

// PostgreSQL prints an array of literals coerced to another array type (what `x IN ('a', 'b')`
// on a varchar column becomes) as `(ARRAY['a'::character varying, ...])::text[]`, but parses
// that text back differently: a cast written directly on ARRAY[...] casts each element
// (`ARRAY[('a'::character varying)::text, ...]`), so a plan running the printed text (a
// rollback re-creating a constraint read from the catalog) would not restore what was there.
// Spelling the element type out, `ARRAY['a'::varchar, ...]::varchar[]::text[]`, parses into
// the array coercion PostgreSQL stored, which prints as the original. The database's, the
// scratch database's and the desired texts all go through this, so comparisons stay exact.
std::string ExplicitArrayCoercions(std::string text) {
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == '\'' || text[i] == '"') {
      i = SkipQuoted(text, i);
      continue;
    }
    bool word_start = i == 0 || !(std::isalnum(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == '_');
    if (!word_start || text.compare(i, 6, "ARRAY[") != 0) {
      ++i;
      continue;
    }
    std::size_t close = 0;
    std::vector<std::string> elements = ArrayElements(text, i + 5, close);
    if (close == std::string::npos) break;
    std::string element_type = elements.empty() ? "" : LiteralCastType(elements.front());
    for (const std::string& e : elements) {
      if (LiteralCastType(e) != element_type) element_type.clear();
    }
    std::size_t after = close + 1;
    if (!element_type.empty() && text.compare(after, 2, "::") == 0) {
      std::size_t type_end = after + 2;
      while (type_end < text.size() && (std::isalnum(static_cast<unsigned char>(text[type_end])) ||
                                        std::string_view("_.\"[]").find(text[type_end]) != std::string_view::npos)) {
        ++type_end;
      }
      std::string target = text.substr(after + 2, type_end - after - 2);
      if (target.size() > 2 && target.ends_with("[]") && target != element_type + "[]") {
        text.insert(after, "::" + element_type + "[]");
      }
    }
    i += 6;
  }
  return text;
}

// Applies ExplicitArrayCoercions to every expression of a state: of the database (so that a plan
// re-creating its expressions, such as a rollback, restores exactly what it holds), of the
// scratch database, and of the desired state, because a file may hold what PostgreSQL printed
// (pg_dump output: `(ARRAY['a'::character varying])::text[]`): read literally, PostgreSQL would
// store that differently (if equivalently) from the database it was dumped from, so it is taken
// to mean what was printed.
void ExplicitArrayCoercionsIn(ir::Database& db) {
  auto fix = [](std::optional<ir::Expr>& e) {
    if (e) e->text = ExplicitArrayCoercions(e->text);
  };
  for (auto& [name, table] : db.tables) {
    for (ir::Column& c : table.columns) {
      fix(c.default_expr);
      fix(c.generated);
    }
    for (auto& [cname, k] : table.constraints) fix(k.check);
    if (table.partition_key) {
      for (ir::IndexElement& e : table.partition_key->elements) fix(e.expression);
    }
    for (auto& [iname, ix] : table.indexes) {
      for (ir::IndexElement& e : ix.elements) fix(e.expression);
      fix(ix.predicate);
    }
    for (auto& [gname, g] : table.triggers) fix(g.when);
    for (auto& [rname, r] : table.rules) fix(r.where);
    for (auto& [pname, pol] : table.policies) {
      fix(pol.using_expr);
      fix(pol.check_expr);
    }
  }
  for (auto& [name, view] : db.views) {
    for (auto& [gname, g] : view.triggers) fix(g.when);
    for (auto& [rname, r] : view.rules) fix(r.where);
  }
  for (auto& [key, f] : db.functions) {
    for (ir::FunctionArg& a : f.args) fix(a.default_expr);
  }
  for (auto& [name, d] : db.domains) {
    fix(d.default_expr);
    for (auto& [cname, k] : d.checks) fix(k.check);
  }
}

void Normalize(std::optional<ir::Expr>& e, const std::string& object, ir::Diagnostics& diags) {
  if (!e) return;
  std::string error;
  std::string text = sql::NormalizeExprText(e->text, &error);
  if (!error.empty()) {
    diags.Report(ir::diag::kCatalog,
                 fmt::format("cannot parse the expression PostgreSQL stores ({}): {}", e->text, error), {}, object);
    return;
  }
  e->text = std::move(text);
}

// Rules read from the catalog: pg_get_ruledef text through the SQL front end's parse + deparse
// into the WHERE condition and actions (compiler/sql/rule_definition.h).
void NormalizeRules(std::map<std::string, ir::Rule>& rules, const std::string& relation, ir::Diagnostics& diags) {
  for (auto& [rname, r] : rules) {
    if (r.catalog_definition.text.empty()) continue;
    std::string error;
    if (!sql::ParseRuleDefinition(r.catalog_definition.text, &r.where, &r.actions, &error)) {
      diags.Report(ir::diag::kCatalog,
                   fmt::format("cannot parse the rule PostgreSQL stores ({}): {}", r.catalog_definition.text, error), {},
                   relation + "." + rname);
      continue;
    }
    r.catalog_definition.text.clear();
  }
}

}  // namespace

void NormalizeCatalogExpressions(ir::Database& db, ir::Diagnostics& diags) {
  for (auto& [name, table] : db.tables) {
    std::string where = ir::DisplayName(name);
    for (ir::Column& c : table.columns) {
      Normalize(c.default_expr, where + "." + c.name, diags);
      Normalize(c.generated, where + "." + c.name, diags);
    }
    for (auto& [cname, k] : table.constraints) Normalize(k.check, where + "." + cname, diags);
    if (table.partition_key) {
      for (ir::IndexElement& e : table.partition_key->elements) Normalize(e.expression, where, diags);
    }
    for (auto& [iname, ix] : table.indexes) {
      for (ir::IndexElement& e : ix.elements) Normalize(e.expression, name.schema + "." + iname, diags);
      Normalize(ix.predicate, name.schema + "." + iname, diags);
    }
    for (auto& [gname, g] : table.triggers) Normalize(g.when, where + "." + gname, diags);
    NormalizeRules(table.rules, where, diags);
    for (auto& [pname, pol] : table.policies) {
      Normalize(pol.using_expr, where + "." + pname, diags);
      Normalize(pol.check_expr, where + "." + pname, diags);
    }
  }
  for (auto& [key, f] : db.functions) {
    for (ir::FunctionArg& a : f.args) Normalize(a.default_expr, key.schema + "." + key.name, diags);
    if (f.sql_body) {  // pg_get_function_sqlbody text through the SQL front end's parse + deparse
      std::string error;
      std::string text = sql::NormalizeSqlBody(*f.sql_body, &error);
      if (!error.empty()) {
        diags.Report(ir::diag::kCatalog,
                     fmt::format("cannot parse the body PostgreSQL stores for {}.{}: {}", key.schema, key.name, error),
                     {}, key.schema + "." + key.name);
      }
      f.sql_body = std::move(text);
    }
  }
  for (auto& [name, d] : db.domains) {
    std::string where = ir::DisplayName(name);
    Normalize(d.default_expr, where, diags);
    for (auto& [cname, k] : d.checks) Normalize(k.check, where + "." + cname, diags);
  }
  // View queries: pg_get_viewdef text through the SQL front end's parse + deparse.
  for (auto& [name, view] : db.views) {
    std::string error;
    std::string text = sql::NormalizeViewQuery(view.query, &error);
    if (!error.empty()) {
      diags.Report(ir::diag::kCatalog,
                   fmt::format("cannot parse the query PostgreSQL stores for view {}: {}", ir::DisplayName(name), error),
                   {}, ir::DisplayName(name));
      continue;
    }
    view.query = std::move(text);
    for (auto& [iname, ix] : view.indexes) {
      for (ir::IndexElement& e : ix.elements) Normalize(e.expression, name.schema + "." + iname, diags);
      Normalize(ix.predicate, name.schema + "." + iname, diags);
    }
    for (auto& [gname, g] : view.triggers) Normalize(g.when, ir::DisplayName(name) + "." + gname, diags);
    NormalizeRules(view.rules, ir::DisplayName(name), diags);
  }
}

namespace {

using TableSub = std::pair<ir::QualifiedName, std::string>;

/// The desired definitions whose text differs from the database's in a way PostgreSQL may store
/// differently from how it is written.
struct Slots {
  std::set<TableSub> defaults, generated, checks, indexes;
  std::set<ir::QualifiedName> tables;  // holding one of the above
  /// Views (and materialized views) whose query text, column list or index expressions differ.
  std::set<ir::QualifiedName> views;
  std::set<ir::QualifiedName> domains;    // the default or a CHECK differs as text
  std::set<ir::QualifiedName> functions;  // keys of Database::functions: the definition differs
  std::set<TableSub> triggers;            // (table or view, trigger): the WHEN clause differs
  std::set<TableSub> rules;               // (table or view, rule): the WHERE clause or actions differ
  std::set<TableSub> policies;            // (table, policy): USING or WITH CHECK differs
  /// Partitions whose bound holds its values as written (ir::PartitionOf::written), new or
  /// differing from the database's: the stored form is always taken, being exact and unambiguous.
  std::set<ir::QualifiedName> bounds;
  int count = 0;

  /// Objects whose text may reference anything (a query, a routine, a rule action): the scratch
  /// database then holds every relation, routine and type of the desired state.
  bool HasObjects() const {
    return !views.empty() || !domains.empty() || !functions.empty() || !triggers.empty() || !rules.empty() ||
           !policies.empty();
  }
};

bool HasExpression(const ir::Index& ix) {
  if (ix.predicate) return true;
  for (const ir::IndexElement& e : ix.elements) {
    if (e.expression) return true;
  }
  return false;
}

/// Both sides hold the expression and its texts differ.
bool Differs(const std::optional<ir::Expr>& a, const std::optional<ir::Expr>& b) { return a && b && a != b; }

// The definitions PostgreSQL stores and the scratch database reproduces: comments, owners and
// enabled states are set apart (spans and dependencies never take part in equality).
ir::Domain DomainDefinition(ir::Domain d) {
  d.comment.reset();
  d.owner.reset();
  for (auto& [name, k] : d.checks) k.comment.reset();
  return d;
}

ir::Function FunctionDefinition(ir::Function f) {
  f.comment.reset();
  f.owner.reset();
  return f;
}

ir::Trigger TriggerDefinition(ir::Trigger g) {
  g.comment.reset();
  g.enabled = 'O';
  return g;
}

ir::Rule RuleDefinition(ir::Rule r) {
  r.comment.reset();
  r.enabled = 'O';
  return r;
}

// The triggers (rules) of a table or view, or null when the state has no such relation.
template <typename Db>
auto TriggersOf(Db& db, const ir::QualifiedName& rel) -> decltype(&db.tables.begin()->second.triggers) {
  if (auto t = db.tables.find(rel); t != db.tables.end()) return &t->second.triggers;
  if (auto v = db.views.find(rel); v != db.views.end()) return &v->second.triggers;
  return nullptr;
}

template <typename Db>
auto RulesOf(Db& db, const ir::QualifiedName& rel) -> decltype(&db.tables.begin()->second.rules) {
  if (auto t = db.tables.find(rel); t != db.tables.end()) return &t->second.rules;
  if (auto v = db.views.find(rel); v != db.views.end()) return &v->second.rules;
  return nullptr;
}

// The triggers and rules of relation `rel` whose expression texts differ from the database's.
void FindRelationSlots(const ir::Database& current, const ir::QualifiedName& rel,
                       const std::map<std::string, ir::Trigger>& triggers, const std::map<std::string, ir::Rule>& rules,
                       Slots& s) {
  if (const auto* have = TriggersOf(current, rel)) {
    for (const auto& [name, want] : triggers) {
      auto h = have->find(name);
      if (h != have->end() && Differs(want.when, h->second.when)) {
        s.triggers.insert({rel, name});
        ++s.count;
      }
    }
  }
  if (const auto* have = RulesOf(current, rel)) {
    for (const auto& [name, want] : rules) {
      auto h = have->find(name);
      if (h == have->end()) continue;
      bool actions = !want.actions.empty() && !h->second.actions.empty() && want.actions != h->second.actions;
      if (Differs(want.where, h->second.where) || actions) {
        s.rules.insert({rel, name});
        ++s.count;
      }
    }
  }
}

// The database's CHECK `name` of `have`: its own, or for a partition its parent's (which a
// partition holds without listing it, and keeps as its own once detached).
const ir::Constraint* HaveCheck(const ir::Database& current, const ir::Table& have, const std::string& name) {
  if (auto k = have.constraints.find(name); k != have.constraints.end()) return &k->second;
  if (!have.partition_of) return nullptr;
  auto parent = current.tables.find(have.partition_of->parent);
  if (parent == current.tables.end()) return nullptr;
  auto k = parent->second.constraints.find(name);
  return k == parent->second.constraints.end() || k->second.kind != ir::ConstraintKind::Check ? nullptr : &k->second;
}

Slots FindSlots(const ir::Database& current, const ir::Database& desired) {
  Slots s;
  auto add = [&](std::set<TableSub>& set, const ir::QualifiedName& t, const std::string& sub) {
    set.insert({t, sub});
    s.tables.insert(t);
    ++s.count;
  };
  for (const auto& [name, want] : desired.tables) {
    FindRelationSlots(current, name, want.triggers, want.rules, s);
    if (want.partition_of && want.partition_of->written) {
      s.bounds.insert(name);
      ++s.count;
    }
    auto it = current.tables.find(name);
    if (it == current.tables.end()) continue;
    const ir::Table& have = it->second;
    for (const auto& [pname, pol] : want.policies) {
      auto hp = have.policies.find(pname);
      if (hp == have.policies.end()) continue;
      if (Differs(pol.using_expr, hp->second.using_expr) || Differs(pol.check_expr, hp->second.check_expr)) {
        s.policies.insert({name, pname});
        ++s.count;
      }
    }
    for (const ir::Column& c : want.columns) {
      const ir::Column* hc = have.FindColumn(c.name);
      if (hc == nullptr) continue;
      if (c.default_expr && hc->default_expr && c.default_expr != hc->default_expr) add(s.defaults, name, c.name);
      if (c.generated && hc->generated && c.generated != hc->generated) add(s.generated, name, c.name);
    }
    for (const auto& [cname, k] : want.constraints) {
      const ir::Constraint* hk = HaveCheck(current, have, cname);
      if (k.check && hk != nullptr && hk->check && k.check != hk->check) add(s.checks, name, cname);
    }
    for (const auto& [iname, ix] : want.indexes) {
      auto hi = have.indexes.find(iname);
      if (hi != have.indexes.end() && !(hi->second == ix) && HasExpression(ix) && HasExpression(hi->second)) {
        add(s.indexes, name, iname);
      }
    }
  }
  for (const auto& [name, want] : desired.views) {
    FindRelationSlots(current, name, want.triggers, want.rules, s);
    auto it = current.views.find(name);
    if (it == current.views.end()) continue;
    bool differs = it->second.query != want.query || it->second.column_names != want.column_names;
    // Indexes of a materialized view with expressions PostgreSQL may store differently.
    for (const auto& [iname, ix] : want.indexes) {
      auto hi = it->second.indexes.find(iname);
      if (hi == it->second.indexes.end() || !HasExpression(ix) || !HasExpression(hi->second)) continue;
      ir::Index a = ix, b = hi->second;
      a.comment = b.comment;
      a.span = b.span;
      differs |= !(a == b);
    }
    if (differs) {
      s.views.insert(name);
      ++s.count;
    }
  }
  // A domain is sent when its definition differs and its default or one of its CHECKs differs
  // as text (a NOT NULL change alone needs no scratch database).
  for (const auto& [name, want] : desired.domains) {
    auto it = current.domains.find(name);
    if (it == current.domains.end()) continue;
    const ir::Domain& have = it->second;
    if (DomainDefinition(want) == DomainDefinition(have)) continue;
    bool text = Differs(want.default_expr, have.default_expr);
    for (const auto& [cname, k] : want.checks) {
      auto hk = have.checks.find(cname);
      text |= hk != have.checks.end() && Differs(k.check, hk->second.check);
    }
    if (text) {
      s.domains.insert(name);
      ++s.count;
    }
  }
  // A routine is sent when anything of its definition but the body differs: argument defaults,
  // a SQL-standard body and whatever else PostgreSQL stores in its own spelling compare as the
  // whole. The body (prosrc) is stored verbatim, so no scratch database can make it equal.
  for (const auto& [key, want] : desired.functions) {
    auto it = current.functions.find(key);
    if (it == current.functions.end()) continue;
    ir::Function a = FunctionDefinition(want);
    ir::Function b = FunctionDefinition(it->second);
    a.body = b.body;
    if (!(a == b)) {
      s.functions.insert(key);
      ++s.count;
    }
  }
  return s;
}

// ---- the scratch objects ----

// `name(` as the SQL front end and PostgreSQL print a call of a function outside pg_catalog.
bool CallsFunction(const std::string& text, const ir::QualifiedName& name) {
  return text.find(emit::QuoteQualified(name) + "(") != std::string::npos;
}

// Whether `text` names type `name` (a cast to a domain, a composite or range type).
bool NamesType(const std::string& text, const ir::QualifiedName& name) {
  return text.find(emit::QuoteQualified(name)) != std::string::npos;
}

/// Builds the scratch objects for expressions of tables alone: only the types their columns and
/// expressions use. Returns false when those need routines (a call of a function of the desired
/// state, a range type with a canonical or subtype_diff function): the caller then builds the
/// whole context instead.
class TypeClosure {
 public:
  TypeClosure(const ir::Database& desired, ir::Database& skel) : desired_(desired), skel_(skel) {}

  bool ok() const { return ok_; }

  void AddType(const ir::TypeRef& type) { Add({type.schema, type.name}); }

  void AddCollation(const std::optional<ir::QualifiedName>& name) {
    if (!name) return;
    auto it = desired_.collations.find(*name);
    if (it == desired_.collations.end() || skel_.collations.count(*name)) return;
    ir::Collation c = it->second;
    c.comment.reset();
    c.owner.reset();
    skel_.collations[*name] = std::move(c);
  }

  /// The types and routines an expression sent to the scratch database names.
  void AddExpression(const std::optional<ir::Expr>& e) {
    if (!e) return;
    for (const auto& [key, f] : desired_.functions) {
      if (CallsFunction(e->text, f.name)) ok_ = false;
    }
    for (const auto& [name, d] : desired_.domains) {
      if (NamesType(e->text, name)) Add(name);
    }
    for (const auto& [name, c] : desired_.composite_types) {
      if (NamesType(e->text, name)) Add(name);
    }
    for (const auto& [name, r] : desired_.range_types) {
      if (NamesType(e->text, name)) Add(name);
    }
  }

 private:
  // A domain goes without its default and CHECKs (a column's expressions do not depend on them,
  // and they may call routines); composite and range types as they are.
  void Add(const ir::QualifiedName& name) {
    if (auto d = desired_.domains.find(name); d != desired_.domains.end()) {
      if (skel_.domains.count(name)) return;
      const ir::Domain& want = d->second;
      skel_.domains[name] =
          ir::Domain{.name = name, .base_type = want.base_type, .collation = want.collation, .deps = want.deps};
      AddType(want.base_type);
      AddCollation(want.collation);
    } else if (auto c = desired_.composite_types.find(name); c != desired_.composite_types.end()) {
      if (skel_.composite_types.count(name)) return;
      ir::CompositeType t = c->second;
      t.comment.reset();
      t.owner.reset();
      for (ir::CompositeAttribute& a : t.attributes) a.comment.reset();
      skel_.composite_types[name] = t;
      for (const ir::CompositeAttribute& a : t.attributes) {
        AddType(a.type);
        AddCollation(a.collation);
      }
    } else if (auto r = desired_.range_types.find(name); r != desired_.range_types.end()) {
      if (skel_.range_types.count(name)) return;
      ir::RangeType t = r->second;
      if (t.canonical || t.subtype_diff) ok_ = false;
      t.comment.reset();
      t.owner.reset();
      skel_.range_types[name] = t;
      AddType(t.subtype);
      AddCollation(t.collation);
    }
  }

  const ir::Database& desired_;
  ir::Database& skel_;
  bool ok_ = true;
};

// A stand-in for a trigger function the desired state does not define (it lives outside the
// managed schemas): the stored WHEN clause does not depend on the function's body.
ir::Function StandInTriggerFunction(const ir::QualifiedName& name) {
  ir::Function f;
  f.name = name;
  f.return_type = ir::TypeRef{"pg_catalog", "trigger", "", false};
  f.language = "plpgsql";
  f.body = "BEGIN RETURN NULL; END";
  return f;
}

/// The scratch objects: every schema, enum and sequence of the desired state (expressions may
/// name them), and for each table holding a differing expression its columns (types only) plus
/// just those expressions, with the user types they use. When objects are sent (views, domains,
/// routines, triggers, rules), or table expressions call routines of the desired state, the
/// scratch database holds the whole context: every table (columns only), view, routine and type,
/// plus the differing triggers and rules.
ir::Database Skeleton(const ir::Database& desired, const Slots& slots) {
  ir::Database skel;
  for (const auto& [name, s] : desired.schemas) skel.schemas[name] = ir::Schema{.name = name};
  skel.schemas["public"] = ir::Schema{.name = "public"};
  for (const auto& [name, e] : desired.enums) skel.enums[name] = ir::EnumType{.name = name, .values = e.values};
  for (const auto& [name, seq] : desired.sequences) {
    skel.sequences[name] = ir::Sequence{.name = name, .options = seq.options};
  }
  TypeClosure types(desired, skel);
  for (const ir::QualifiedName& tname : slots.tables) {
    const ir::Table& want = desired.tables.at(tname);
    ir::Table t{.name = tname};
    for (const ir::Column& c : want.columns) {
      ir::Column col{.name = c.name, .type = c.type, .collation = c.collation};
      types.AddType(c.type);
      types.AddCollation(c.collation);
      if (slots.defaults.count({tname, c.name})) {
        col.default_expr = c.default_expr;
        types.AddExpression(c.default_expr);
      }
      if (slots.generated.count({tname, c.name})) {
        col.generated = c.generated;
        types.AddExpression(c.generated);
      }
      t.columns.push_back(std::move(col));
    }
    for (const auto& [cname, k] : want.constraints) {
      if (!slots.checks.count({tname, cname})) continue;
      t.constraints[cname] = ir::Constraint{.name = cname, .kind = ir::ConstraintKind::Check, .check = k.check,
                                            .no_inherit = k.no_inherit};
      types.AddExpression(k.check);
    }
    for (const auto& [iname, ix] : want.indexes) {
      if (!slots.indexes.count({tname, iname})) continue;
      ir::Index copy = ix;
      copy.comment.reset();
      for (const ir::IndexElement& e : copy.elements) {
        types.AddExpression(e.expression);
        types.AddCollation(e.collation);
      }
      types.AddExpression(copy.predicate);
      t.indexes[iname] = std::move(copy);
    }
    skel.tables[tname] = std::move(t);
  }
  // A partition with a written bound, under its parent with the partition key (both with their
  // columns' types; the parent need not be a partition itself for the bound to be stored).
  auto table = [&](const ir::QualifiedName& name) -> ir::Table& {
    if (auto it = skel.tables.find(name); it != skel.tables.end()) return it->second;
    ir::Table t{.name = name};
    for (const ir::Column& c : desired.tables.at(name).columns) {
      t.columns.push_back(ir::Column{.name = c.name, .type = c.type, .collation = c.collation});
      types.AddType(c.type);
      types.AddCollation(c.collation);
    }
    return skel.tables[name] = std::move(t);
  };
  for (const ir::QualifiedName& pname : slots.bounds) {
    const ir::PartitionOf& bound = *desired.tables.at(pname).partition_of;
    ir::Table& parent = table(bound.parent);
    if (!parent.partition_key) {
      parent.partition_key = desired.tables.at(bound.parent).partition_key;
      for (const ir::IndexElement& e : parent.partition_key->elements) {
        types.AddExpression(e.expression);
        types.AddCollation(e.collation);
      }
    }
    table(pname).partition_of = bound;
  }
  if (!slots.HasObjects() && types.ok()) return skel;

  // The whole context: what a query, a routine, a trigger or a rule may read, without comments
  // and owners; the planner orders it by its dependencies.
  for (const auto& [tname, want] : desired.tables) {
    if (skel.tables.count(tname)) continue;
    ir::Table t{.name = tname};
    for (const ir::Column& c : want.columns) {
      t.columns.push_back(ir::Column{.name = c.name, .type = c.type, .collation = c.collation});
    }
    skel.tables[tname] = std::move(t);
  }
  for (const auto& [vname, want] : desired.views) {
    ir::View v = want;
    v.comment.reset();
    v.owner.reset();
    v.column_comments.clear();
    v.triggers.clear();
    v.rules.clear();
    if (slots.views.count(vname)) {
      for (auto& [iname, ix] : v.indexes) ix.comment.reset();
    } else {
      v.indexes.clear();
    }
    v.with_data = false;
    skel.views[vname] = std::move(v);
  }
  for (const auto& [key, want] : desired.functions) skel.functions[key] = FunctionDefinition(want);
  for (const auto& [name, want] : desired.domains) skel.domains[name] = DomainDefinition(want);
  for (const auto& [name, want] : desired.composite_types) {
    ir::CompositeType t = want;
    t.comment.reset();
    t.owner.reset();
    for (ir::CompositeAttribute& a : t.attributes) a.comment.reset();
    skel.composite_types[name] = std::move(t);
  }
  for (const auto& [name, want] : desired.range_types) {
    ir::RangeType t = want;
    t.comment.reset();
    t.owner.reset();
    skel.range_types[name] = std::move(t);
  }
  for (const auto& [name, want] : desired.extensions) {
    ir::Extension e = want;
    e.comment.reset();
    skel.extensions[name] = std::move(e);
  }
  for (const auto& [name, want] : desired.collations) {
    ir::Collation c = want;
    c.comment.reset();
    c.owner.reset();
    skel.collations[name] = std::move(c);
  }
  for (const auto& [rel, name] : slots.triggers) {
    ir::Trigger g = TriggerDefinition(TriggersOf(desired, rel)->at(name));
    bool defined = false;
    for (const auto& [key, f] : desired.functions) defined |= f.name == g.function;
    if (!defined && g.function.schema != "pg_catalog") {
      skel.schemas[g.function.schema] = ir::Schema{.name = g.function.schema};
      ir::Function f = StandInTriggerFunction(g.function);
      skel.functions[{f.name.schema, ir::Signature(f)}] = f;
    }
    (*TriggersOf(skel, rel))[name] = std::move(g);
  }
  for (const auto& [rel, name] : slots.rules) (*RulesOf(skel, rel))[name] = RuleDefinition(RulesOf(desired, rel)->at(name));
  // Policies without their roles (which need not exist on the scratch server; they do not change
  // how the expressions are stored) and comments.
  for (const auto& [rel, name] : slots.policies) {
    ir::Policy pol = desired.tables.at(rel).policies.at(name);
    pol.roles.clear();
    pol.comment.reset();
    skel.tables.at(rel).policies[name] = std::move(pol);
  }
  return skel;
}

// The desired value takes PostgreSQL's stored form `stored` where that equals the database's
// `have`; else it keeps the user's text.
template <typename T>
void Adopt(T& want, const T& stored, const T& have) {
  if (stored == have) want = stored;
}

/// Runs the scratch statements and reads back what PostgreSQL stored. False (with diagnostics)
/// when that failed.
bool ReadScratch(const std::vector<std::string>& statements, const ServerCanonOptions& options,
                 ir::Database& stored, ir::Diagnostics& diags, ServerCanonStats* stats, int expressions) {
  std::unique_ptr<catalog::ScratchServer> server;
  try {
    server = std::make_unique<catalog::ScratchServer>(options.dev_db);
  } catch (const std::exception& e) {
    diags.Report(ir::diag::kCatalog, fmt::format("cannot start the scratch PostgreSQL: {}", e.what()));
    return false;
  }
  const std::string& conninfo = server->Conninfo();

  catalog::IntrospectStats istats;
  catalog::IntrospectOptions iopts;
  iopts.lock_timeout = options.lock_timeout;
  iopts.stats = &istats;
  iopts.statement_settings = options.session;
  ir::Diagnostics scratch_diags;
  stored = catalog::IntrospectAfter(conninfo, statements, iopts, scratch_diags);
  if (stats != nullptr) {
    stats->round_trips += 1;
    stats->expressions += expressions;
    stats->queries += istats.queries;
  }
  if (scratch_diags.HasErrors()) {
    for (const ir::Diagnostic& d : scratch_diags.items()) {
      std::vector<ir::DiagnosticNote> notes = d.notes;
      // Every scratch object is created in one transaction, which holds a lock on each until it
      // ends: a large schema can exhaust the server's lock table.
      if (d.message.find("max_locks_per_transaction") != std::string::npos ||
          d.message.find("out of shared memory") != std::string::npos) {
        notes.push_back(ir::DiagnosticNote{
            fmt::format("the scratch objects ({} statements) are created in one transaction, which locks each of "
                        "them until it ends; raise max_locks_per_transaction on the scratch server (it takes a "
                        "restart; --dev-db names that server), or plan with --offline",
                        statements.size())});
      }
      diags.Report(d.id, "scratch database: " + d.message, d.span, d.object, std::move(notes));
    }
    return false;
  }
  NormalizeCatalogExpressions(stored, diags);
  ExplicitArrayCoercionsIn(stored);
  return true;
}

void AdoptTables(const Slots& slots, const ir::Database& current, const ir::Database& stored, ir::Database& desired) {
  for (const ir::QualifiedName& tname : slots.tables) {
    ir::Table& want = desired.tables.at(tname);
    const ir::Table& have = current.tables.at(tname);
    auto got_it = stored.tables.find(tname);
    if (got_it == stored.tables.end()) continue;
    const ir::Table& got = got_it->second;
    for (ir::Column& c : want.columns) {
      const ir::Column* sc = got.FindColumn(c.name);
      const ir::Column* hc = have.FindColumn(c.name);
      if (sc == nullptr || hc == nullptr) continue;
      if (slots.defaults.count({tname, c.name})) Adopt(c.default_expr, sc->default_expr, hc->default_expr);
      if (slots.generated.count({tname, c.name})) Adopt(c.generated, sc->generated, hc->generated);
    }
    for (auto& [cname, k] : want.constraints) {
      auto sk = got.constraints.find(cname);
      const ir::Constraint* hk = HaveCheck(current, have, cname);
      if (slots.checks.count({tname, cname}) && sk != got.constraints.end() && hk != nullptr) {
        Adopt(k.check, sk->second.check, hk->check);
      }
    }
    for (auto& [iname, ix] : want.indexes) {
      auto si = got.indexes.find(iname);
      auto hi = have.indexes.find(iname);
      if (!slots.indexes.count({tname, iname}) || si == got.indexes.end() || hi == have.indexes.end()) continue;
      // The scratch index carries no comment; compare and keep everything else as stored.
      ir::Index stored_ix = si->second, current_ix = hi->second;
      stored_ix.comment = current_ix.comment = ix.comment;
      stored_ix.span = current_ix.span = ix.span;
      if (stored_ix == current_ix) ix = stored_ix;
    }
  }
}

// Partition bounds as written take PostgreSQL's text, whatever the database holds.
void AdoptBounds(const Slots& slots, const ir::Database& stored, ir::Database& desired) {
  for (const ir::QualifiedName& pname : slots.bounds) {
    auto got = stored.tables.find(pname);
    if (got == stored.tables.end() || !got->second.partition_of) continue;
    desired.tables.at(pname).partition_of = got->second.partition_of;
  }
}

// Views: the desired query takes PostgreSQL's text (and its folded column names) where that
// equals the database's; the output columns PostgreSQL derived are recorded either way, so the
// differ can tell a compatible query change (CREATE OR REPLACE) from one that needs a rebuild.
void AdoptViews(const Slots& slots, const ir::Database& current, const ir::Database& stored, ir::Database& desired) {
  for (const ir::QualifiedName& vname : slots.views) {
    ir::View& want = desired.views.at(vname);
    const ir::View& have = current.views.at(vname);
    auto got = stored.views.find(vname);
    if (got == stored.views.end()) continue;
    want.output = got->second.output;
    if (got->second.query == have.query) {
      want.query = got->second.query;
      want.column_names.clear();
    }
    for (auto& [iname, ix] : want.indexes) {
      auto si = got->second.indexes.find(iname);
      auto hi = have.indexes.find(iname);
      if (si == got->second.indexes.end() || hi == have.indexes.end()) continue;
      ir::Index stored_ix = si->second, current_ix = hi->second;
      stored_ix.comment = current_ix.comment = ix.comment;
      stored_ix.span = current_ix.span = ix.span;
      if (stored_ix == current_ix) ix = stored_ix;
    }
  }
}

// Domains, routines, triggers and rules: each expression takes PostgreSQL's text where that
// equals the database's. A routine whose whole definition (but the body, stored verbatim) then
// equals the database's takes every field as stored, so that any text PostgreSQL spells its own
// way compares equal, not only the ones named here.
void AdoptObjects(const Slots& slots, const ir::Database& current, const ir::Database& stored, ir::Database& desired) {
  for (const ir::QualifiedName& name : slots.domains) {
    ir::Domain& want = desired.domains.at(name);
    const ir::Domain& have = current.domains.at(name);
    auto got = stored.domains.find(name);
    if (got == stored.domains.end()) continue;
    Adopt(want.default_expr, got->second.default_expr, have.default_expr);
    for (auto& [cname, k] : want.checks) {
      auto sk = got->second.checks.find(cname);
      auto hk = have.checks.find(cname);
      if (sk != got->second.checks.end() && hk != have.checks.end()) Adopt(k.check, sk->second.check, hk->second.check);
    }
  }
  for (const ir::QualifiedName& key : slots.functions) {
    ir::Function& want = desired.functions.at(key);
    const ir::Function& have = current.functions.at(key);
    auto got = stored.functions.find(key);
    if (got == stored.functions.end()) continue;
    ir::Function probe = FunctionDefinition(got->second);
    probe.body = have.body;
    if (probe == FunctionDefinition(have)) {
      ir::Function taken = got->second;
      taken.body = want.body;
      taken.comment = want.comment;
      taken.owner = want.owner;
      taken.deps = want.deps;
      taken.span = want.span;
      want = std::move(taken);
      continue;
    }
    const std::vector<ir::FunctionArg>& sargs = got->second.args;
    if (sargs.size() == want.args.size() && have.args.size() == want.args.size()) {
      for (std::size_t i = 0; i < want.args.size(); ++i) {
        Adopt(want.args[i].default_expr, sargs[i].default_expr, have.args[i].default_expr);
      }
    }
    Adopt(want.sql_body, got->second.sql_body, have.sql_body);
  }
  for (const auto& [rel, name] : slots.triggers) {
    const auto* st = TriggersOf(stored, rel);
    const auto* ht = TriggersOf(current, rel);
    if (st == nullptr || ht == nullptr || !st->count(name) || !ht->count(name)) continue;
    Adopt(TriggersOf(desired, rel)->at(name).when, st->at(name).when, ht->at(name).when);
  }
  for (const auto& [rel, name] : slots.rules) {
    const auto* sr = RulesOf(stored, rel);
    const auto* hr = RulesOf(current, rel);
    if (sr == nullptr || hr == nullptr || !sr->count(name) || !hr->count(name)) continue;
    ir::Rule& want = RulesOf(desired, rel)->at(name);
    Adopt(want.where, sr->at(name).where, hr->at(name).where);
    Adopt(want.actions, sr->at(name).actions, hr->at(name).actions);
  }
  for (const auto& [rel, name] : slots.policies) {
    auto st = stored.tables.find(rel);
    if (st == stored.tables.end() || !st->second.policies.count(name)) continue;
    const ir::Policy& got = st->second.policies.at(name);
    const ir::Policy& have = current.tables.at(rel).policies.at(name);
    ir::Policy& want = desired.tables.at(rel).policies.at(name);
    Adopt(want.using_expr, got.using_expr, have.using_expr);
    Adopt(want.check_expr, got.check_expr, have.check_expr);
  }
}

}  // namespace

void CanonicalizeWithServer(ir::Database& current, ir::Database& desired, const ServerCanonOptions& options,
                            ir::Diagnostics& diags, ServerCanonStats* stats) {
  ExplicitArrayCoercionsIn(current);
  ExplicitArrayCoercionsIn(desired);
  // Objects the desired state renames (`-- schemac:renamed-from`) are compared under their new
  // names, as the planner compares them: the database as it is once the renames are made.
  const diff::QuoteFn quote = [](const std::string& name) { return emit::QuoteIdentifier(name); };
  ir::Diagnostics rename_diags;  // the planner reports them
  std::vector<diff::Change> renames = diff::PlanRenames(current, desired, quote, rename_diags);
  ir::Database renamed;
  if (!renames.empty()) renamed = diff::ApplyRenames(current, renames, quote);
  const ir::Database& have_db = renames.empty() ? current : renamed;
  // A bound written exactly as the database prints it needs no scratch database.
  for (auto& [name, want] : desired.tables) {
    if (!want.partition_of || !want.partition_of->written) continue;
    auto have = have_db.tables.find(name);
    if (have != have_db.tables.end() && have->second.partition_of == want.partition_of) want.partition_of->written = false;
  }
  Slots slots = FindSlots(have_db, desired);
  if (slots.count == 0) return;

  ir::Database skeleton = Skeleton(desired, slots);
  ir::Database scratch_base;
  scratch_base.schemas["public"] = ir::Schema{.name = "public"};
  ir::Diagnostics plan_diags;
  emit::PlanPair plans = emit::BuildPlans(scratch_base, skeleton, emit::PlanOptions{}, plan_diags);
  if (plan_diags.HasErrors()) {
    diags.Append(plan_diags);
    return;
  }
  std::vector<std::string> statements;
  for (const emit::Segment& segment : plans.forward.segments) {
    for (const emit::Step& step : segment.steps) statements.insert(statements.end(), step.sql.begin(), step.sql.end());
  }

  ir::Database stored;
  if (!ReadScratch(statements, options, stored, diags, stats, slots.count)) return;

  // The desired text is replaced by what PostgreSQL stored only where that equals the
  // database's: then the two compare equal. Where they still differ, the change is real, and the
  // desired text is kept as written: the plan must run the user's expression, because what
  // PostgreSQL prints does not always parse back into what it stored (`x IN ('a', 'b')` on a
  // varchar column prints as `(x)::text = ANY ((ARRAY['a'::character varying, ...])::text[])`,
  // which PostgreSQL re-parses as `ARRAY[('a'::character varying)::text, ...]`).
  AdoptTables(slots, have_db, stored, desired);
  AdoptBounds(slots, stored, desired);
  AdoptViews(slots, have_db, stored, desired);
  AdoptObjects(slots, have_db, stored, desired);
}

}  // namespace schemac::canon
