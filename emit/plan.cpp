#include "emit/plan.h"

#include <array>
#include <iterator>
#include <map>

#include <fmt/format.h>

#include "diff/change.h"
#include "diff/differ.h"
#include "diff/match.h"
#include "diff/order.h"
#include "diff/rename.h"
#include "emit/quote.h"
#include "emit/render.h"

namespace schemac::emit {

namespace {

// Segment classes, in execution order. Each step goes to the segment of its class; empty
// segments are left out. (Later: CONCURRENTLY steps get a class with transactional = false.)
struct SegmentClass {
  bool transactional;
  const char* reason;             // why this segment stands apart
  const char* reason_when_after;  // reason of the main segment when this one precedes it
};

enum class SegmentKind { EnumValues, Main };

constexpr SegmentClass kSegmentClasses[] = {
    {true,
     "new enum values must be committed before use: PostgreSQL rejects a value added by "
     "ALTER TYPE ... ADD VALUE in the transaction that added it",
     "runs after the new enum values are committed"},
    {true, "", ""},
};

SegmentKind SegmentOf(const diff::Change& c) {
  return c.kind == diff::ChangeKind::AddEnumValues ? SegmentKind::EnumValues : SegmentKind::Main;
}

Step MakeStep(const diff::Change& c) {
  Step s;
  s.object = c.object;
  s.change = diff::ChangeKindName(c.kind);
  s.sql = RenderChange(c);
  diff::Change reverse = diff::Reverse(c);
  s.rollback_sql = RenderChange(reverse);
  s.reason = c.reason;
  // Only destroying steps carry marks: their inverse brings the structure back, never the data.
  // (That the inverse of a CREATE or ADD would drop rows written since is the nature of any
  // rollback, and marking every such step would bury the real warnings.)
  if (auto loss = diff::DataLossOf(c)) {
    s.data_loss = true;
    s.data_loss_reason = *loss;
    s.rollback_data_loss = true;
    s.rollback_data_loss_reason = "the rollback restores the structure but not the data this step destroys";
  }
  return s;
}

// A `-- ...` comment line. Names and enum values may contain line breaks; left raw, one would
// end the comment and turn the rest of the text into SQL, so they are escaped.
std::string CommentLine(const std::string& text) {
  std::string out = "-- ";
  for (char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out += c;
    }
  }
  return out + "\n";
}

// schema.table.sub as SQL would spell it.
std::string ObjectSql(const ir::ObjectId& id) {
  if (id.kind == ir::ObjectKind::DefaultPrivileges) {
    // "tables in schema app for role alice": name is the kind of objects, sub the role.
    std::string out = id.name;
    if (!id.schema.empty()) out += " in schema " + QuoteIdentifier(id.schema);
    if (!id.sub.empty()) out += " for role " + QuoteIdentifier(id.sub);
    return out;
  }
  // A user mapping is named by its role and server (its id's sub and name).
  if (id.kind == ir::ObjectKind::UserMapping) {
    return "for " + (id.sub.empty() ? std::string("PUBLIC") : QuoteIdentifier(id.sub)) + " server " +
           QuoteIdentifier(id.name);
  }
  std::string out;
  if (!id.schema.empty()) out = QuoteIdentifier(id.schema) + ".";
  out += QuoteIdentifier(id.name);
  if (!id.sub.empty()) out += "." + QuoteIdentifier(id.sub);
  return out;
}

// The rollback steps that re-create what a forward step destroyed (the same object) are marked
// too, so that whoever runs the rollback sees that the data does not come back.
// The first destroying forward step of each object gives the reason (looked up by object, not
// by scanning the rollback once per destroying step, which was quadratic in the plan's size).
void MarkUnrestorable(const Plan& forward, Plan& rollback) {
  std::map<ir::ObjectId, const Step*> destroyed;
  for (const Segment& fseg : forward.segments) {
    for (const Step& f : fseg.steps) {
      if (f.data_loss) destroyed.emplace(f.object, &f);
    }
  }
  if (destroyed.empty()) return;
  for (Segment& rseg : rollback.segments) {
    for (Step& r : rseg.steps) {
      if (r.rollback_data_loss) continue;
      auto f = destroyed.find(r.object);
      if (f == destroyed.end()) continue;
      r.rollback_data_loss = true;
      r.rollback_data_loss_reason = "restores the structure only: the forward plan " + f->second->data_loss_reason;
    }
  }
}

// The plan once the renames of `-- schemac:renamed-from` (if any) are made: see BuildPlan.
Plan BuildRenamedPlan(const ir::Database& from, const ir::Database& to, const PlanOptions& options,
                      ir::Diagnostics& diags);

}  // namespace

Plan BuildPlan(const ir::Database& from, const ir::Database& to, const PlanOptions& options,
               ir::Diagnostics& diags) {
  // Renames run first, in the first segment, before anything that names the objects by their
  // new names; the rest of the plan is the diff of the renamed state against `to`.
  const diff::QuoteFn quote = [](const std::string& name) { return QuoteIdentifier(name); };
  std::vector<diff::Change> renames = diff::PlanRenames(from, to, quote, diags);
  if (renames.empty()) return BuildRenamedPlan(from, to, options, diags);
  Plan plan = BuildRenamedPlan(diff::ApplyRenames(from, renames, quote), to, options, diags);
  if (diags.HasErrors()) return plan;
  std::vector<Step> steps;
  for (const diff::Change& c : renames) steps.push_back(MakeStep(c));
  if (plan.segments.empty()) {
    plan.segments.emplace_back();
    plan.segments.front().transactional = true;
  }
  for (Segment& seg : plan.segments) {
    for (Step& step : seg.steps) {
      for (StepOrdering& o : step.ordering) o.after_step += steps.size();
    }
  }
  std::vector<Step>& first = plan.segments.front().steps;
  first.insert(first.begin(), std::make_move_iterator(steps.begin()), std::make_move_iterator(steps.end()));
  return plan;
}

namespace {

Plan BuildRenamedPlan(const ir::Database& from, const ir::Database& to, const PlanOptions& options,
                      ir::Diagnostics& diags) {
  diff::Matching matching = diff::MatchObjects(from, to);
  diff::DiffOptions diff_options;
  diff_options.owners = options.owners;
  std::vector<diff::Change> changes = diff::ComputeChanges(from, to, matching, diff_options, diags);
  std::vector<diff::Edge> edges;
  if (!diff::OrderChanges(changes, diags, options.explain ? &edges : nullptr)) return Plan{};

  // ALTER TYPE ... ADD VALUE goes in its own transaction ahead of everything that may use the
  // new values. Nothing is ordered before an addition (the type already exists), so taking
  // those steps out of the sorted sequence keeps every dependency satisfied.
  constexpr std::size_t kClasses = std::size(kSegmentClasses);
  std::vector<Segment> segments(kClasses);
  for (std::size_t i = 0; i < kClasses; ++i) segments[i].transactional = kSegmentClasses[i].transactional;
  // Where each change's step lands: (segment class, index in it); none for a change with no SQL.
  constexpr std::size_t kNoStep = static_cast<std::size_t>(-1);
  std::vector<std::pair<std::size_t, std::size_t>> placed(changes.size(), {kNoStep, kNoStep});
  for (std::size_t ci = 0; ci < changes.size(); ++ci) {
    const diff::Change& c = changes[ci];
    Step step = MakeStep(c);
    if (step.sql.empty()) continue;
    std::size_t k = static_cast<std::size_t>(SegmentOf(c));
    placed[ci] = {k, segments[k].steps.size()};
    segments[k].steps.push_back(std::move(step));
  }
  if (options.explain) {
    std::array<std::size_t, kClasses> first{};  // global index of each class's first step
    for (std::size_t k = 1; k < kClasses; ++k) first[k] = first[k - 1] + segments[k - 1].steps.size();
    for (const diff::Edge& e : edges) {
      auto [bk, bi] = placed[e.before];
      auto [ak, ai] = placed[e.after];
      if (bk == kNoStep || ak == kNoStep) continue;
      // Only dependency keys ("rel:...", "func:...") are shown; other rules join on internal keys.
      std::string dependency = e.via.find(':') != std::string::npos ? e.via : std::string();
      segments[ak].steps[ai].ordering.push_back(StepOrdering{first[bk] + bi, e.rule->name, std::move(dependency)});
    }
  }
  Plan plan;
  const char* pending_reason = "";
  for (std::size_t i = 0; i < kClasses; ++i) {
    if (segments[i].steps.empty()) continue;
    segments[i].reason = kSegmentClasses[i].reason;
    if (segments[i].reason.empty()) segments[i].reason = pending_reason;
    pending_reason = kSegmentClasses[i].reason_when_after;
    plan.segments.push_back(std::move(segments[i]));
  }
  return plan;
}

}  // namespace

PlanPair BuildPlans(const ir::Database& from, const ir::Database& to, const PlanOptions& options,
                    ir::Diagnostics& diags) {
  if (!options.owners) {
    // Without --owners no step may set one: the renderers of created objects write OWNER TO
    // whenever the target records an owner (a catalog side always does).
    ir::Database from_copy = from;
    ir::Database to_copy = to;
    ir::ClearOwners(from_copy);
    ir::ClearOwners(to_copy);
    PlanOptions with = options;
    with.owners = true;  // nothing left to compare
    return BuildPlans(from_copy, to_copy, with, diags);
  }
  PlanPair pair;
  pair.forward = BuildPlan(from, to, options, diags);
  // The rollback is the same planner run the other way. Its diagnostics would repeat the
  // forward ones (a cycle one way is usually a cycle the other way), so only new ids are kept.
  ir::Diagnostics back;
  pair.rollback = BuildPlan(to, from, options, back);
  MarkUnrestorable(pair.forward, pair.rollback);
  for (const ir::Diagnostic& d : back.items()) {
    bool seen = false;
    for (const ir::Diagnostic& f : diags.items()) {
      if (f.id == d.id && f.object == d.object) seen = true;
    }
    if (!seen) {
      ir::Diagnostic copy = d;
      copy.message = "rollback: " + copy.message;
      diags.Add(std::move(copy));
    }
  }
  return pair;
}

std::string RenderSql(const Plan& plan) { return RenderSql(plan, false); }

std::string RenderSql(const Plan& plan, bool explain) {
  if (plan.empty()) return "";
  std::vector<const Step*> numbered;  // every step, by its global index
  for (const Segment& seg : plan.segments) {
    for (const Step& step : seg.steps) numbered.push_back(&step);
  }
  std::size_t number = 0;
  std::string out;
  bool first = true;
  for (const Segment& seg : plan.segments) {
    if (seg.steps.empty()) continue;
    if (!first) out += "\n";
    first = false;
    if (!seg.reason.empty()) out += CommentLine("segment: " + seg.reason);
    if (seg.transactional) out += "BEGIN;\n";
    for (const Step& step : seg.steps) {
      ++number;
      if (!explain) {
        out += CommentLine(step.change + " " + ObjectSql(step.object));
      } else {
        out += CommentLine(fmt::format("step {}: {} {}", number, step.change, ObjectSql(step.object)));
        for (const StepOrdering& o : step.ordering) {
          const Step& earlier = *numbered.at(o.after_step);
          std::string line = fmt::format("  after step {} ({} {}): {}", o.after_step + 1, earlier.change,
                                         ObjectSql(earlier.object), o.rule);
          if (!o.dependency.empty()) line += " [dependency " + o.dependency + "]";
          out += CommentLine(line);
        }
      }
      if (!step.reason.empty()) out += CommentLine("reason: " + step.reason);
      if (step.data_loss) out += CommentLine("WARNING: data loss: " + step.data_loss_reason);
      if (step.rollback_data_loss) out += CommentLine("WARNING: " + step.rollback_data_loss_reason);
      for (const std::string& finding : step.findings) out += CommentLine("risk: " + finding);
      for (const std::string& sql : step.sql) out += sql + "\n";
    }
    if (seg.transactional) out += "COMMIT;\n";
  }
  return out;
}

}  // namespace schemac::emit
