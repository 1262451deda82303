// The plan: ordered, segmented DDL with its rollback. This header is the contract between the
// planner (diff/ + emit/) and its users (cli/, apply/ and lint/).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/schema.h"
#include "compiler/ir/source.h"

namespace schemac::emit {

/// Why a step runs after an earlier one (`plan --explain`): the ordering rule, and the
/// dependency key that related the two when the rule joins on one ("rel:public.t": read from
/// pg_depend on the database side, from the parse tree on the files' side).
struct StepOrdering {
  std::size_t after_step = 0;  // 0-based index of the earlier step in the whole plan
  std::string rule;            // the rule's sentence (tests/unit/diff/rules.golden)
  std::string dependency;      // a dependency key, or empty
};

/// The facts of one risk finding on a step (Step::findings holds its text).
struct StepRisk {
  std::string rule;        // "MG306"
  std::string risk_class;  // "blocking", "locks", ...: the rule's class, or "locks" on a small table
  std::string table;       // the table it concerns ("public.orders"), or empty
  std::optional<int64_t> rows;   // the table's estimated rows and heap bytes, when a database told them
  std::optional<int64_t> bytes;
};

/// One change to one object, as one or more SQL statements.
struct Step {
  ir::ObjectId object;            // the object changed (for a column: kind Column, sub = column)
  std::string change;             // stable snake_case change kind: "create_table", "add_column", ...
  std::vector<std::string> sql;   // statements, each ending in ';'
  std::vector<std::string> rollback_sql;  // statements undoing this step (its inverse)
  bool data_loss = false;         // running `sql` destroys data (DROP TABLE/COLUMN, ...)
  /// Data that cannot come back: on a destroying step, its `rollback_sql` restores structure
  /// only; on a step of a rollback plan, it re-creates what the forward plan destroyed, empty.
  bool rollback_data_loss = false;
  std::string reason;             // why this step has this shape ("type swap: enum value removed"), may be empty
  std::vector<std::string> findings;  // the risk classifier's findings ("MG101 index-create-blocking (warning): ...")
  std::vector<StepRisk> risks;        // the same findings' facts, in the same order
  std::string data_loss_reason;           // what `sql` destroys, when data_loss
  std::string rollback_data_loss_reason;  // what `rollback_sql` cannot restore, when rollback_data_loss
  std::vector<StepOrdering> ordering;     // with PlanOptions::explain only: every direct ordering edge into it
};

/// Steps that run together: in one transaction, or (transactional == false) each alone outside
/// any transaction block because PostgreSQL forbids one.
struct Segment {
  bool transactional = true;
  /// Its steps may run for long (CREATE INDEX CONCURRENTLY, VALIDATE CONSTRAINT): an online plan
  /// runs them with statement_timeout 0.
  bool long_running = false;
  std::string reason;             // why a segment boundary is here (e.g. "new enum values must be committed before use")
  std::vector<Step> steps;
};

struct Plan {
  std::vector<Segment> segments;
  /// Online plans set their own timeouts (PlanOptions::online): SegmentSettings.
  bool sets_timeouts = false;
  std::string lock_timeout;       // PostgreSQL duration text, e.g. "2s"
  std::string statement_timeout;  // empty: left as the session has it
  bool empty() const {
    for (const Segment& s : segments) {
      if (!s.steps.empty()) return false;
    }
    return true;
  }
};

/// A forward plan (from -> to) and its rollback (to -> from).
struct PlanPair {
  Plan forward;
  Plan rollback;
};

struct PlanOptions {
  bool owners = false;   // compare and apply OWNER TO
  bool explain = false;  // record each step's ordering edges (Step::ordering)
  /// Online-safe recipes (docs/planning.md#online-plans): indexes of existing tables built and
  /// dropped CONCURRENTLY outside a transaction, CHECKs and foreign keys on existing tables added
  /// NOT VALID and validated in a later transaction, and timeouts set in the plan itself.
  bool online = false;
  std::string lock_timeout = "2s";  // online: SET LOCAL lock_timeout in each transaction
  std::string statement_timeout;    // online: SET LOCAL statement_timeout (empty: not set)
};

/// The SET statements an online plan runs at the start of `segment` (after its BEGIN): the lock
/// and statement timeouts; statement_timeout 0 where a step builds an index or validates (a
/// long build must not be cancelled). Empty for a plan without timeouts.
std::vector<std::string> SegmentSettings(const Plan& plan, const Segment& segment);

/// Plans `from` -> `to` and `to` -> `from`. Problems (an unrepairable dependency cycle, a change
/// with no plan) are reported to `diags` as errors naming the objects.
PlanPair BuildPlans(const ir::Database& from, const ir::Database& to, const PlanOptions& options,
                    ir::Diagnostics& diags);

/// Plans `from` -> `to` only (BuildPlans runs this both ways).
Plan BuildPlan(const ir::Database& from, const ir::Database& to, const PlanOptions& options,
               ir::Diagnostics& diags);

/// The plan as a psql-runnable script: each transactional segment wrapped in BEGIN; ... COMMIT;,
/// each step preceded by a `-- <change> <object>` comment (and its data-loss mark), statements
/// each on their own line(s). An empty plan renders as the empty string.
std::string RenderSql(const Plan& plan);
/// The same; with `explain`, each step's comment is numbered ("-- step 3: create_view ...")
/// and followed by one "--   after step N (...): <rule>" line per ordering edge into it.
std::string RenderSql(const Plan& plan, bool explain);

}  // namespace schemac::emit
