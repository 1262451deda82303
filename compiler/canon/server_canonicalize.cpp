#include "compiler/canon/server_canonicalize.h"

#include <cctype>
#include <memory>
#include <set>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "compiler/catalog/embedded_cluster.h"
#include "compiler/catalog/introspect.h"
#include "compiler/sql/normalize.h"
#include "compiler/sql/view_query.h"
#include "emit/plan.h"

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
    for (auto& [iname, ix] : table.indexes) {
      for (ir::IndexElement& e : ix.elements) fix(e.expression);
      fix(ix.predicate);
    }
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

}  // namespace

void NormalizeCatalogExpressions(ir::Database& db, ir::Diagnostics& diags) {
  for (auto& [name, table] : db.tables) {
    std::string where = ir::DisplayName(name);
    for (ir::Column& c : table.columns) {
      Normalize(c.default_expr, where + "." + c.name, diags);
      Normalize(c.generated, where + "." + c.name, diags);
    }
    for (auto& [cname, k] : table.constraints) Normalize(k.check, where + "." + cname, diags);
    for (auto& [iname, ix] : table.indexes) {
      for (ir::IndexElement& e : ix.elements) Normalize(e.expression, name.schema + "." + iname, diags);
      Normalize(ix.predicate, name.schema + "." + iname, diags);
    }
    for (auto& [gname, g] : table.triggers) Normalize(g.when, where + "." + gname, diags);
  }
  for (auto& [key, f] : db.functions) {
    for (ir::FunctionArg& a : f.args) Normalize(a.default_expr, key.schema + "." + key.name, diags);
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
  }
}

namespace {

using TableSub = std::pair<ir::QualifiedName, std::string>;

/// The desired expressions whose text differs from the database's.
struct Slots {
  std::set<TableSub> defaults, generated, checks, indexes;
  std::set<ir::QualifiedName> tables;
  /// Views (and materialized views) whose query text or column list differs.
  std::set<ir::QualifiedName> views;
  int count = 0;
};

bool HasExpression(const ir::Index& ix) {
  if (ix.predicate) return true;
  for (const ir::IndexElement& e : ix.elements) {
    if (e.expression) return true;
  }
  return false;
}

Slots FindSlots(const ir::Database& current, const ir::Database& desired) {
  Slots s;
  auto add = [&](std::set<TableSub>& set, const ir::QualifiedName& t, const std::string& sub) {
    set.insert({t, sub});
    s.tables.insert(t);
    ++s.count;
  };
  for (const auto& [name, want] : desired.tables) {
    auto it = current.tables.find(name);
    if (it == current.tables.end()) continue;
    const ir::Table& have = it->second;
    for (const ir::Column& c : want.columns) {
      const ir::Column* hc = have.FindColumn(c.name);
      if (hc == nullptr) continue;
      if (c.default_expr && hc->default_expr && c.default_expr != hc->default_expr) add(s.defaults, name, c.name);
      if (c.generated && hc->generated && c.generated != hc->generated) add(s.generated, name, c.name);
    }
    for (const auto& [cname, k] : want.constraints) {
      auto hk = have.constraints.find(cname);
      if (k.check && hk != have.constraints.end() && hk->second.check && k.check != hk->second.check) {
        add(s.checks, name, cname);
      }
    }
    for (const auto& [iname, ix] : want.indexes) {
      auto hi = have.indexes.find(iname);
      if (hi != have.indexes.end() && !(hi->second == ix) && HasExpression(ix) && HasExpression(hi->second)) {
        add(s.indexes, name, iname);
      }
    }
  }
  for (const auto& [name, want] : desired.views) {
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
  return s;
}

/// The scratch objects: every schema, enum and sequence of the desired state (expressions may
/// name them), and for each table holding a differing expression its columns (types only) plus
/// just those expressions.
ir::Database Skeleton(const ir::Database& desired, const Slots& slots) {
  ir::Database skel;
  for (const auto& [name, s] : desired.schemas) skel.schemas[name] = ir::Schema{.name = name};
  skel.schemas["public"] = ir::Schema{.name = "public"};
  for (const auto& [name, e] : desired.enums) skel.enums[name] = ir::EnumType{.name = name, .values = e.values};
  for (const auto& [name, seq] : desired.sequences) {
    skel.sequences[name] = ir::Sequence{.name = name, .options = seq.options};
  }
  for (const ir::QualifiedName& tname : slots.tables) {
    const ir::Table& want = desired.tables.at(tname);
    ir::Table t{.name = tname};
    for (const ir::Column& c : want.columns) {
      ir::Column col{.name = c.name, .type = c.type, .collation = c.collation};
      if (slots.defaults.count({tname, c.name})) col.default_expr = c.default_expr;
      if (slots.generated.count({tname, c.name})) col.generated = c.generated;
      t.columns.push_back(std::move(col));
    }
    for (const auto& [cname, k] : want.constraints) {
      if (!slots.checks.count({tname, cname})) continue;
      t.constraints[cname] = ir::Constraint{.name = cname, .kind = ir::ConstraintKind::Check, .check = k.check,
                                            .no_inherit = k.no_inherit};
    }
    for (const auto& [iname, ix] : want.indexes) {
      if (!slots.indexes.count({tname, iname})) continue;
      ir::Index copy = ix;
      copy.comment.reset();
      t.indexes[iname] = std::move(copy);
    }
    skel.tables[tname] = std::move(t);
  }
  if (!slots.views.empty()) {
    // A view needs what its query reads: every table (columns and types only), every view
    // (without comments, owners and indexes), and the functions and types they may call or
    // name; the planner orders them by their dependencies.
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
      if (slots.views.count(vname)) {
        for (auto& [iname, ix] : v.indexes) ix.comment.reset();
      } else {
        v.indexes.clear();
      }
      v.with_data = false;
      skel.views[vname] = std::move(v);
    }
    skel.functions = desired.functions;
    skel.domains = desired.domains;
    skel.composite_types = desired.composite_types;
    skel.range_types = desired.range_types;
    skel.extensions = desired.extensions;
    skel.collations = desired.collations;
  }
  return skel;
}

}  // namespace

void CanonicalizeWithServer(ir::Database& current, ir::Database& desired, const ServerCanonOptions& options,
                            ir::Diagnostics& diags, ServerCanonStats* stats) {
  ExplicitArrayCoercionsIn(current);
  ExplicitArrayCoercionsIn(desired);
  Slots slots = FindSlots(current, desired);
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

  std::unique_ptr<catalog::EmbeddedCluster> cluster;
  std::string conninfo = options.dev_db;
  if (conninfo.empty()) {
    cluster = std::make_unique<catalog::EmbeddedCluster>();
    try {
      cluster->Start();
    } catch (const std::exception& e) {
      diags.Report(ir::diag::kCatalog, fmt::format("cannot start the scratch PostgreSQL: {}", e.what()));
      return;
    }
    conninfo = cluster->Conninfo();
  }

  catalog::IntrospectStats istats;
  catalog::IntrospectOptions iopts;
  iopts.lock_timeout = options.lock_timeout;
  iopts.stats = &istats;
  ir::Diagnostics scratch_diags;
  ir::Database stored = catalog::IntrospectAfter(conninfo, statements, iopts, scratch_diags);
  if (stats != nullptr) {
    stats->round_trips += 1;
    stats->expressions += slots.count;
    stats->queries += istats.queries;
  }
  if (scratch_diags.HasErrors()) {
    for (const ir::Diagnostic& d : scratch_diags.items()) {
      diags.Report(d.id, "scratch database: " + d.message, d.span, d.object, d.notes);
    }
    return;
  }
  NormalizeCatalogExpressions(stored, diags);
  ExplicitArrayCoercionsIn(stored);

  // The desired text is replaced by what PostgreSQL stored only where that equals the
  // database's: then the two compare equal. Where they still differ, the change is real, and the
  // desired text is kept as written: the plan must run the user's expression, because what
  // PostgreSQL prints does not always parse back into what it stored (`x IN ('a', 'b')` on a
  // varchar column prints as `(x)::text = ANY ((ARRAY['a'::character varying, ...])::text[])`,
  // which PostgreSQL re-parses as `ARRAY[('a'::character varying)::text, ...]`).
  for (const ir::QualifiedName& tname : slots.tables) {
    ir::Table& want = desired.tables.at(tname);
    const ir::Table& have = current.tables.at(tname);
    const ir::Table& got = stored.tables.at(tname);
    for (ir::Column& c : want.columns) {
      const ir::Column* sc = got.FindColumn(c.name);
      const ir::Column* hc = have.FindColumn(c.name);
      if (sc == nullptr || hc == nullptr) continue;
      if (slots.defaults.count({tname, c.name}) && sc->default_expr == hc->default_expr) {
        c.default_expr = sc->default_expr;
      }
      if (slots.generated.count({tname, c.name}) && sc->generated == hc->generated) c.generated = sc->generated;
    }
    for (auto& [cname, k] : want.constraints) {
      auto sk = got.constraints.find(cname);
      auto hk = have.constraints.find(cname);
      if (slots.checks.count({tname, cname}) && sk != got.constraints.end() && hk != have.constraints.end() &&
          sk->second.check == hk->second.check) {
        k.check = sk->second.check;
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
  // Views: the desired query takes PostgreSQL's text (and its folded column names) where that
  // equals the database's; the output columns PostgreSQL derived are recorded either way, so the
  // differ can tell a compatible query change (CREATE OR REPLACE) from one that needs a rebuild.
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

}  // namespace schemac::canon
