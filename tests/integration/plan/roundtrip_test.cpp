// Round trips through a real database: a database built from desired-state files is read back
// into exactly the IR the files compile to (after server canonicalization), plans to nothing, and
// pg_dump output is accepted as input.
#include <catch2/catch.hpp>


#include "compiler/canon/server_canonicalize.h"
#include "compiler/catalog/introspect.h"
#include "compiler/sql/compile.h"
#include "tests/integration/plan/plan_test_util.h"

namespace {

using namespace schemac;
using namespace schemac::plantest;

const char* const kStates[] = {
    "tests/unit/sql/fixtures/pg_dump_source.sql",
    "tests/unit/sql/fixtures/pg_dump_names_source.sql",
    "schemas/demo/v1",
    "schemas/demo/v2",
    "schemas/saas/v1",
    // schemas/saas/v2: its own test case below.
};

void CheckRoundTrip(const std::string& relative) {
  const std::string path = RepoPath(relative);
  testing::ScratchDatabase db("plan_rt");
  BuildFromFiles(db.Conninfo(), path);

  cli::PlanOutcome out = cli::PlanStates(PlanOptions({db.Conninfo()}, {path}));
  INFO(DiagText(out));
  REQUIRE(out.exit_code == cli::kExitOk);
  CHECK_FALSE(out.diags.HasErrors());
  CHECK(Forward(out) == "");
  CHECK(emit::RenderSql(out.plans.rollback) == "");
  CHECK(out.canon_stats.round_trips <= 1);

  // The same pipeline by hand, to compare every IR field (DebugPrint shows them all).
  ir::Diagnostics diags;
  ir::SourceManager sources;
  catalog::IntrospectStats stats;
  catalog::IntrospectOptions iopts;
  iopts.stats = &stats;
  ir::Database current = catalog::Introspect(db.Conninfo(), iopts, diags);
  canon::NormalizeCatalogExpressions(current, diags);
  sql::CompileOptions copts;
  copts.default_search_path = stats.search_path;
  ir::Database desired = sql::CompilePaths({path}, copts, sources, diags);
  canon::CanonicalizeWithServer(current, desired, canon::ServerCanonOptions{.dev_db = testing::TestConninfo()},
                                diags);
  std::string messages;
  for (const ir::Diagnostic& d : diags.items()) messages += ir::FormatDiagnostic(d, &sources) + "\n";
  INFO(messages);
  REQUIRE_FALSE(diags.HasErrors());
  // Owners are recorded from the catalog but compared only with --owners, and the files set none.
  ir::ClearOwners(current);
  ir::ClearOwners(desired);
  // An extension whose files write no VERSION accepts the installed one.
  for (auto& [name, e] : desired.extensions) {
    if (!e.version && current.extensions.count(name)) current.extensions.at(name).version.reset();
  }
  // "- " lines: only in the catalog's IR; "+ " lines: only in the compiled IR.
  CHECK(LineDiff(ir::DebugPrint(current), ir::DebugPrint(desired)) == "");
}

}  // namespace

TEST_CASE("plan: a database built from files reads back as the same IR and plans to nothing", "[plan][roundtrip]") {
  for (const char* relative : kStates) {
    DYNAMIC_SECTION(relative) { CheckRoundTrip(relative); }
  }
}

// saas v2 has a CHECK written in SQL-syntax call form (position('@' in email)): the SQL front end keeps
// pg_catalog on such calls so that it deparses them as PostgreSQL prints them.
TEST_CASE("plan: saas v2 reads back as the same IR and plans to nothing", "[plan][roundtrip]") {
  CheckRoundTrip("schemas/saas/v2");
}

namespace {

// A database built from saas v1, and its `pg_dump --schema-only` in a file.
struct DumpedV1 {
  std::string v1 = RepoPath("schemas/saas/v1");
  testing::ScratchDatabase db{"plan_dump"};
  TempDir dir{"schemac-plan-dump"};
  std::string dump = dir.File("saas_v1_dump.sql");
  DumpedV1() {
    BuildFromFiles(db.Conninfo(), v1);
    WriteFile(dump, PgDumpSchemaOnly(db.Conninfo()));
  }
};

}  // namespace

TEST_CASE("plan: pg_dump --schema-only output is accepted as input and plans to nothing", "[plan][pgdump]") {
  DumpedV1 f;
  cli::PlanOutcome out = cli::PlanStates(PlanOptions({f.db.Conninfo()}, {f.dump}));
  INFO(DiagText(out));
  REQUIRE(out.exit_code == cli::kExitOk);
  CHECK(out.diags.items().empty());
  CHECK(Forward(out) == "");
  CHECK(emit::RenderSql(out.plans.rollback) == "");
  CHECK(out.canon_stats.round_trips == 0);  // the dump spells every expression as stored

  cli::DiffOptions offline = PlanOptions({f.db.Conninfo()}, {f.dump});
  offline.offline = true;
  cli::PlanOutcome off = cli::PlanStates(offline);
  INFO(DiagText(off));
  REQUIRE(off.exit_code == cli::kExitOk);
  CHECK(off.diags.items().empty());
  CHECK(Forward(off) == "");
}

// Offline canonicalization cannot decide rewrites PostgreSQL applies when it stores an expression
// (`x IN ('a', 'b')` as `x = ANY (ARRAY[...])`, `x BETWEEN 0 AND 90` as `x >= 0 AND x <= 90`, a cast added
// on a column): each such difference must come with a canon.undecided-expression warning.
TEST_CASE("plan: saas v1 files -> their pg_dump, offline: only undecided expressions change",
          "[plan][pgdump]") {
  DumpedV1 f;
  cli::DiffOptions o = PlanOptions({f.v1}, {f.dump});
  o.offline = true;
  cli::PlanOutcome out = cli::PlanStates(o);
  INFO(DiagText(out));
  REQUIRE(out.exit_code == cli::kExitOk);
  CHECK_FALSE(out.diags.HasErrors());
  CHECK(out.canon_stats.round_trips == 0);  // no database side: never a scratch database
  // Each undecided-expression warning names its object: `table "s.t": column "c"` (or
  // constraint, index). Every changed object must be covered by one; an index or constraint
  // re-created only because a column it uses is re-created is covered by the column's.
  std::vector<std::string> undecided;
  for (const ir::Diagnostic& d : out.diags.items()) {
    if (d.id == ir::diag::kUndecidedExpression) undecided.push_back(d.object);
  }
  auto covered = [&](const ir::ObjectId& id) {
    std::string name = "\"" + ir::DisplayName(ir::QualifiedName{id.schema, id.name}) + "\"";
    if (id.kind == ir::ObjectKind::Function) name = "\"" + id.schema + "." + id.name + "\"";
    for (const std::string& object : undecided) {
      bool subject = false;
      for (const char* kind : {"table ", "view ", "materialized view ", "domain ", "function ", "procedure "}) {
        subject = subject || object.rfind(kind + name, 0) == 0;
      }
      if (subject && (id.sub.empty() || object.find("\"" + id.sub + "\"") != std::string::npos)) return true;
    }
    return false;
  };
  // A view dropped and created again only because a view it reads is (public.overdue_tasks reads
  // public.open_tasks) is covered by that view's warning.
  auto rebuilt_with = [&](const emit::Step& step, const std::vector<emit::Step>& steps) {
    if (step.object.kind != ir::ObjectKind::View && step.object.kind != ir::ObjectKind::MaterializedView) return false;
    for (const emit::Step& other : steps) {
      if (&other != &step && other.object.kind == step.object.kind && other.change == step.change &&
          covered(other.object) && step.reason.find(ir::DisplayName({other.object.schema, other.object.name})) !=
                                       std::string::npos) {
        return true;
      }
    }
    return false;
  };
  std::vector<emit::Step> steps = Steps(out.plans.forward);
  for (const emit::Step& step : steps) {
    bool ok = covered(step.object) || rebuilt_with(step, steps);
    for (const emit::Step& other : steps) {
      ok = ok || (other.change == "drop_column" && other.object.schema == step.object.schema &&
                  other.object.name == step.object.name && covered(other.object) &&
                  step.object.kind != ir::ObjectKind::Column);
    }
    INFO("changed: " << step.change << " " << ir::DisplayName(step.object));
    CHECK(ok);
  }
}
