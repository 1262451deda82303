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
    "schemas/saas/v2",
};

}  // namespace

TEST_CASE("plan: a database built from files reads back as the same IR and plans to nothing", "[plan][roundtrip]") {
  for (const char* relative : kStates) {
    DYNAMIC_SECTION(relative) {
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
      CHECK(ir::DebugPrint(current) == ir::DebugPrint(desired));
    }
  }
}

TEST_CASE("plan: pg_dump --schema-only output is accepted as input and plans to nothing", "[plan][pgdump]") {
  const std::string v1 = RepoPath("schemas/saas/v1");
  testing::ScratchDatabase db("plan_dump");
  BuildFromFiles(db.Conninfo(), v1);
  TempDir dir("schemac-plan-dump");
  const std::string dump = dir.File("saas_v1_dump.sql");
  WriteFile(dump, PgDumpSchemaOnly(db.Conninfo()));

  SECTION("database -> dump") {
    cli::PlanOutcome out = cli::PlanStates(PlanOptions({db.Conninfo()}, {dump}));
    INFO(DiagText(out));
    REQUIRE(out.exit_code == cli::kExitOk);
    CHECK_FALSE(out.diags.HasErrors());
    CHECK(Forward(out) == "");
  }

  SECTION("files -> dump, offline: only changes that offline canonicalization says it cannot decide") {
    cli::DiffOptions o = PlanOptions({v1}, {dump});
    o.offline = true;
    cli::PlanOutcome out = cli::PlanStates(o);
    INFO(DiagText(out));
    INFO(Forward(out));
    REQUIRE(out.exit_code == cli::kExitOk);
    CHECK_FALSE(out.diags.HasErrors());
    CHECK(out.canon_stats.round_trips == 0);  // no database side: never a scratch database
    // Each undecided-expression warning names its object: `table "s.t": column "c"` (or
    // constraint, index). Every changed object must be covered by one.
    std::vector<std::string> undecided;
    for (const ir::Diagnostic& d : out.diags.items()) {
      if (d.id == ir::diag::kUndecidedExpression) undecided.push_back(d.object);
    }
    for (const emit::Step& step : Steps(out.plans.forward)) {
      std::string table = "table \"" + ir::DisplayName(ir::QualifiedName{step.object.schema, step.object.name}) + "\"";
      bool covered = false;
      for (const std::string& object : undecided) {
        covered = covered || (object.rfind(table, 0) == 0 &&
                              (step.object.sub.empty() || object.find("\"" + step.object.sub + "\"") != std::string::npos));
      }
      INFO("changed: " << step.change << " " << ir::DisplayName(step.object));
      CHECK(covered);
    }
  }
}
