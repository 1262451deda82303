#include "emit/plan.h"

#include <array>
#include <iterator>
#include <map>
#include <set>

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
  bool long_running;              // CONCURRENTLY builds, VALIDATE: statement_timeout 0 in online plans
  const char* reason;             // why this segment stands apart
  const char* reason_when_after;  // reason of the main segment when this one precedes it
};

enum class SegmentKind { PreConcurrent, EnumValues, Main, PostConcurrent, Validate };

constexpr SegmentClass kSegmentClasses[] = {
    {false, true,
     "online: DROP INDEX CONCURRENTLY cannot run in a transaction block; each runs alone, without blocking reads or "
     "writes, before the rest of the plan",
     ""},
    {true, false,
     "new enum values must be committed before use: PostgreSQL rejects a value added by "
     "ALTER TYPE ... ADD VALUE in the transaction that added it",
     "runs after the new enum values are committed"},
    {true, false, "", ""},
    {false, true,
     "online: CREATE INDEX CONCURRENTLY cannot run in a transaction block; each builds alone, without blocking "
     "writes, once the changes it needs are committed",
     ""},
    {true, true,
     "online: the constraints added NOT VALID are validated in a transaction of their own, under SHARE UPDATE "
     "EXCLUSIVE (reads and writes go on while the rows are checked)",
     ""},
};

SegmentKind SegmentOf(const diff::Change& c) {
  if (c.kind == diff::ChangeKind::AddEnumValues) return SegmentKind::EnumValues;
  // (A moved build's comment goes with it.)
  if (c.concurrently) return c.kind == diff::ChangeKind::DropIndex ? SegmentKind::PreConcurrent : SegmentKind::PostConcurrent;
  return SegmentKind::Main;
}

// Online recipes (PlanOptions::online) on the sorted changes: which index changes leave the main
// transaction to run CONCURRENTLY, and which constraints are added NOT VALID (their validations
// returned, to run in the last segment). A step moves only where no ordering edge ties it to
// the main transaction: a drop that nothing must precede runs first, a build that nothing must
// follow runs after. Tables created, dropped, partitioned or partitions keep the plain steps.
std::vector<diff::Change> MakeOnline(std::vector<diff::Change>& changes, const std::vector<diff::Edge>& edges,
                                     const ir::Database& from, const ir::Database& to) {
  std::set<ir::QualifiedName> created;
  for (const diff::Change& c : changes) {
    if (c.kind == diff::ChangeKind::CreateTable) created.insert(diff::TableOf(c));
  }
  std::vector<bool> has_in(changes.size()), has_out(changes.size());
  for (const diff::Edge& e : edges) {
    has_out[e.before] = true;
    has_in[e.after] = true;
  }
  auto existing = [&](const ir::QualifiedName& t) {
    auto f = from.tables.find(t);
    auto g = to.tables.find(t);
    return f != from.tables.end() && g != to.tables.end() && !created.count(t) && !f->second.partition_key &&
           !g->second.partition_key && !f->second.foreign;
  };
  std::vector<diff::Change> validations;
  for (std::size_t i = 0; i < changes.size(); ++i) {
    diff::Change& c = changes[i];
    const ir::QualifiedName table = diff::TableOf(c);
    switch (c.kind) {
      case diff::ChangeKind::CreateIndex: {
        if (!existing(table) || !c.after.index->parent_index.empty()) break;
        // What must follow the build may follow it out of the transaction: its comment.
        std::vector<std::size_t> comments;
        bool tied = false;
        for (const diff::Edge& e : edges) {
          if (e.before != i) continue;
          const diff::Change& next = changes[e.after];
          if (next.kind == diff::ChangeKind::SetComment && next.object == c.object && !has_out[e.after]) {
            comments.push_back(e.after);
          } else {
            tied = true;
          }
        }
        if (tied) break;
        c.concurrently = true;
        for (std::size_t k : comments) changes[k].concurrently = true;
        break;
      }
      case diff::ChangeKind::DropIndex:
        if (existing(table) && !has_in[i] && c.before.index->parent_index.empty()) c.concurrently = true;
        break;
      case diff::ChangeKind::AddConstraint:
      case diff::ChangeKind::AddForeignKey: {
        const ir::Constraint& k = *c.after.constraint;
        bool checked = k.kind == ir::ConstraintKind::Check || k.kind == ir::ConstraintKind::ForeignKey;
        if (!checked || !k.validated || !existing(table) || c.after.table->partition_of) break;
        c.not_valid_first = true;
        diff::Change v;
        v.kind = diff::ChangeKind::ValidateConstraint;
        v.object = c.object;
        v.after = c.after;
        v.before.table = c.after.table;  // before.constraint stays null: validating what the plan added
        v.reason = "online: added NOT VALID above, validated here without blocking writes";
        validations.push_back(std::move(v));
        break;
      }
      default: break;
    }
  }
  return validations;
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
  // Renames take an ACCESS EXCLUSIVE lock: they go in the first transactional segment.
  std::size_t host = 0;
  while (host < plan.segments.size() && !plan.segments[host].transactional) ++host;
  if (host == plan.segments.size()) {
    plan.segments.emplace_back();
    host = plan.segments.size() - 1;
  }
  for (Segment& seg : plan.segments) {
    for (Step& step : seg.steps) {
      for (StepOrdering& o : step.ordering) o.after_step += steps.size();
    }
  }
  std::vector<Step>& first = plan.segments[host].steps;
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
  if (!diff::OrderChanges(changes, diags, options.explain || options.online ? &edges : nullptr)) return Plan{};
  std::vector<diff::Change> validations;
  if (options.online) validations = MakeOnline(changes, edges, from, to);

  // ALTER TYPE ... ADD VALUE goes in its own transaction ahead of everything that may use the
  // new values. Nothing is ordered before an addition (the type already exists), so taking
  // those steps out of the sorted sequence keeps every dependency satisfied.
  constexpr std::size_t kClasses = std::size(kSegmentClasses);
  std::vector<Segment> segments(kClasses);
  for (std::size_t i = 0; i < kClasses; ++i) {
    segments[i].transactional = kSegmentClasses[i].transactional;
    segments[i].long_running = kSegmentClasses[i].long_running;
  }
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
  for (const diff::Change& v : validations) {
    segments[static_cast<std::size_t>(SegmentKind::Validate)].steps.push_back(MakeStep(v));
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
  if (options.online) {
    plan.sets_timeouts = true;
    plan.lock_timeout = options.lock_timeout;
    plan.statement_timeout = options.statement_timeout;
  }
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
    for (const std::string& set : SegmentSettings(plan, seg)) out += set + "\n";
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
    if (!seg.transactional && plan.sets_timeouts) out += "RESET lock_timeout;\nRESET statement_timeout;\n";
  }
  return out;
}

std::vector<std::string> SegmentSettings(const Plan& plan, const Segment& segment) {
  if (!plan.sets_timeouts) return {};
  std::vector<std::string> out;
  const std::string scope = segment.transactional ? "SET LOCAL " : "SET ";
  out.push_back(scope + "lock_timeout = " + QuoteLiteral(plan.lock_timeout) + ";");
  if (segment.long_running) {
    out.push_back(scope + "statement_timeout = 0;");
  } else if (!plan.statement_timeout.empty()) {
    out.push_back(scope + "statement_timeout = " + QuoteLiteral(plan.statement_timeout) + ";");
  }
  return out;
}

}  // namespace schemac::emit
