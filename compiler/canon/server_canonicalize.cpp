#include "compiler/canon/server_canonicalize.h"

#include <memory>
#include <set>

#include <fmt/format.h>

#include "compiler/catalog/embedded_cluster.h"
#include "compiler/catalog/introspect.h"
#include "compiler/sql/normalize.h"
#include "emit/plan.h"

namespace schemac::canon {

namespace {

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
  }
}

namespace {

using TableSub = std::pair<ir::QualifiedName, std::string>;

/// The desired expressions whose text differs from the database's.
struct Slots {
  std::set<TableSub> defaults, generated, checks, indexes;
  std::set<ir::QualifiedName> tables;
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
  return skel;
}

}  // namespace

void CanonicalizeWithServer(const ir::Database& current, ir::Database& desired, const ServerCanonOptions& options,
                            ir::Diagnostics& diags, ServerCanonStats* stats) {
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

  for (const ir::QualifiedName& tname : slots.tables) {
    ir::Table& want = desired.tables.at(tname);
    const ir::Table& got = stored.tables.at(tname);
    for (ir::Column& c : want.columns) {
      const ir::Column* sc = got.FindColumn(c.name);
      if (sc == nullptr) continue;
      if (slots.defaults.count({tname, c.name})) c.default_expr = sc->default_expr;
      if (slots.generated.count({tname, c.name})) c.generated = sc->generated;
    }
    for (auto& [cname, k] : want.constraints) {
      auto sk = got.constraints.find(cname);
      if (slots.checks.count({tname, cname}) && sk != got.constraints.end()) k.check = sk->second.check;
    }
    for (auto& [iname, ix] : want.indexes) {
      auto si = got.indexes.find(iname);
      if (!slots.indexes.count({tname, iname}) || si == got.indexes.end()) continue;
      std::optional<std::string> comment = ix.comment;
      ir::SourceSpan span = ix.span;
      ix = si->second;
      ix.comment = comment;
      ix.span = span;
    }
  }
}

}  // namespace schemac::canon
