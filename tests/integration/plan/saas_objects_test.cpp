// The saas fixture (schemas/saas) with its views, functions, procedures, an aggregate, triggers,
// an event trigger, a rule, domains, a composite type, a range type, a collation, a materialized
// view and an extension, through `plan` against real databases:
// built from an empty database by schemac, its golden v1 -> v2 and v2 -> v1 plans, its pg_dump
// read back as input, and the hand-written reference migration. (v1 -> v2 -> v1 on a database
// holding rows: migrate_test.cpp.)
//
// Golden plans: schemas/saas/plans/*.psql. After an intended change of output, rewrite them and
// review the diff (git diff schemas/saas/plans):
//   SCHEMAC_REWRITE_GOLDEN=1 build-X/tests/support/schemac-testdb -- build-X/tests/plan_tests "[saas-golden]"
#include <catch2/catch.hpp>

#include <cstdlib>

#include "tests/integration/plan/plan_test_util.h"

namespace {

using namespace schemac;
using namespace schemac::plantest;

const char* const kV1 = "schemas/saas/v1";
const char* const kV2 = "schemas/saas/v2";

// Plans the database `conninfo` to `files` and returns the outcome, which must have no errors.
cli::PlanOutcome PlanTo(const std::string& conninfo, const std::string& files) {
  cli::PlanOutcome out = cli::PlanStates(PlanOptions({conninfo}, {files}));
  INFO(DiagText(out));
  REQUIRE(out.exit_code == cli::kExitOk);
  REQUIRE_FALSE(out.diags.HasErrors());
  return out;
}

// Planning `conninfo` to `files` finds nothing to do, in either direction.
void CheckNothingToDo(const std::string& conninfo, const std::string& files, const std::string& when) {
  INFO(when);
  cli::PlanOutcome out = PlanTo(conninfo, files);
  CHECK(Forward(out) == "");
  CHECK(emit::RenderSql(out.plans.rollback) == "");
}

// Which objects beyond tables a database holds, by kind, as a stable text: guards against a
// fixture edit (or a plan) that silently loses a kind the tests are meant to cover.
std::string ObjectCensus(const std::string& conninfo) {
  return Query(conninfo,
               "SELECT 'extensions', count(*) FROM pg_extension WHERE extname <> 'plpgsql' "
               "UNION ALL SELECT 'domains', count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
               "  WHERE t.typtype = 'd' AND n.nspname IN ('public', 'billing', 'audit', 'integrations') "
               "UNION ALL SELECT 'composite types', count(*) FROM pg_type t JOIN pg_class c ON c.oid = t.typrelid "
               "  JOIN pg_namespace n ON n.oid = t.typnamespace "
               "  WHERE c.relkind = 'c' AND n.nspname IN ('public', 'billing', 'audit', 'integrations') "
               "UNION ALL SELECT 'functions ' || p.prokind::text, count(*) FROM pg_proc p "
               "  JOIN pg_namespace n ON n.oid = p.pronamespace "
               "  WHERE n.nspname IN ('public', 'billing', 'audit', 'integrations') "
               "  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass "
               "                  AND d.objid = p.oid AND d.deptype IN ('e', 'i')) GROUP BY p.prokind "
               "UNION ALL SELECT 'triggers', count(*) FROM pg_trigger WHERE NOT tgisinternal "
               "UNION ALL SELECT 'relkind ' || c.relkind::text, count(*) FROM pg_class c "
               "  JOIN pg_namespace n ON n.oid = c.relnamespace "
               "  WHERE c.relkind IN ('v', 'm') AND n.nspname IN ('public', 'billing', 'audit', 'integrations') "
               "  GROUP BY c.relkind "
               "UNION ALL SELECT 'matview indexes', count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
               "  WHERE c.relkind = 'm' "
               "UNION ALL SELECT 'range types', count(*) FROM pg_range r JOIN pg_type t ON t.oid = r.rngtypid "
               "  JOIN pg_namespace n ON n.oid = t.typnamespace "
               "  WHERE n.nspname IN ('public', 'billing', 'audit', 'integrations') "
               "UNION ALL SELECT 'collations', count(*) FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace "
               "  WHERE n.nspname IN ('public', 'billing', 'audit', 'integrations') "
               "UNION ALL SELECT 'rules', count(*) FROM pg_rewrite w JOIN pg_class c ON c.oid = w.ev_class "
               "  JOIN pg_namespace n ON n.oid = c.relnamespace "
               "  WHERE w.rulename <> '_RETURN' AND n.nspname IN ('public', 'billing', 'audit', 'integrations') "
               "UNION ALL SELECT 'event triggers', count(*) FROM pg_event_trigger "
               "UNION ALL SELECT 'policies', count(*) FROM pg_policy "
               "UNION ALL SELECT 'sql-standard bodies', count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
               "  WHERE p.prosqlbody IS NOT NULL AND n.nspname IN ('public', 'billing', 'audit', 'integrations') "
               "ORDER BY 1");
}

// The census of each release (see the README's table of objects).
const char* const kCensusV1 =
    "collations|1\ncomposite types|1\ndomains|4\nevent triggers|1\nextensions|1\nfunctions a|1\nfunctions f|13\n"
    "functions p|1\nmatview indexes|1\npolicies|2\nrange types|1\nrelkind m|1\nrelkind v|4\nrules|1\nsql-standard bodies|2\n"
    "triggers|6\n";
const char* const kCensusV2 =
    "collations|1\ncomposite types|1\ndomains|4\nevent triggers|1\nextensions|1\nfunctions a|1\nfunctions f|12\n"
    "functions p|1\nmatview indexes|1\npolicies|2\nrange types|1\nrelkind m|1\nrelkind v|5\nrules|1\nsql-standard bodies|2\n"
    "triggers|7\n";

bool RewriteGolden() {
  const char* v = std::getenv("SCHEMAC_REWRITE_GOLDEN");
  return v != nullptr && *v != '\0' && std::string(v) != "0";
}

// Compares `actual` with the golden file `relative` (or rewrites it under SCHEMAC_REWRITE_GOLDEN).
void CheckGolden(const std::string& relative, const std::string& actual) {
  const std::string path = RepoPath(relative);
  if (RewriteGolden()) {
    WriteFile(path, actual);
    WARN("rewrote " << relative << ": review the diff");
    return;
  }
  REQUIRE(fs::is_regular_file(path));
  const std::string expected = ReadFile(path);
  INFO("golden file " << relative << " (SCHEMAC_REWRITE_GOLDEN=1 rewrites it); lines only in it (-) / only in the plan (+):\n"
                      << LineDiff(expected, actual));
  CHECK(expected == actual);
}

}  // namespace

TEST_CASE("plan: saas v1 and v2 with their objects, created by schemac in an empty database, plan to nothing",
          "[plan][saas]") {
  for (const char* version : {kV1, kV2}) {
    DYNAMIC_SECTION(version) {
      const std::string files = RepoPath(version);
      testing::ScratchDatabase live("saas_empty"), want("saas_psql");
      BuildFromFiles(want.Conninfo(), files);
      const std::string empty_dump = testing::DumpSchema(live.Conninfo());
      const std::string want_dump = testing::DumpSchema(want.Conninfo());
      CHECK(ObjectCensus(want.Conninfo()) == (version == kV1 ? kCensusV1 : kCensusV2));

      cli::PlanOutcome create = PlanTo(live.Conninfo(), files);
      REQUIRE_FALSE(create.plans.forward.empty());
      testing::RunSqlScriptWithPsql(live.Conninfo(), Forward(create));
      CHECK(LineDiff(want_dump, testing::DumpSchema(live.Conninfo())) == "");
      CheckNothingToDo(live.Conninfo(), files, "after creating everything");

      // The rollback of the creation drops everything again.
      testing::RunSqlScriptWithPsql(live.Conninfo(), emit::RenderSql(create.plans.rollback));
      CHECK(LineDiff(empty_dump, testing::DumpSchema(live.Conninfo())) == "");
    }
  }
}

// The golden plans are planned from a live database built from one release to the files of the
// other, as `schemac plan` is run. Each checked-in plan is then itself applied with psql and must
// reach the other release exactly (column order aside: re-added columns go last).
TEST_CASE("plan: saas v1 -> v2 and v2 -> v1 plans equal the checked-in golden plans and reach the other release",
          "[plan][saas][saas-golden]") {
  struct Direction {
    const char* from;
    const char* to;
    const char* golden;
  };
  for (const Direction& d : {Direction{kV1, kV2, "schemas/saas/plans/v1_to_v2.psql"},
                             Direction{kV2, kV1, "schemas/saas/plans/v2_to_v1.psql"}}) {
    DYNAMIC_SECTION(d.golden) {
      testing::ScratchDatabase live("saas_gold"), want("saas_want");
      BuildFromFiles(live.Conninfo(), RepoPath(d.from));
      BuildFromFiles(want.Conninfo(), RepoPath(d.to));
      cli::PlanOutcome out = PlanTo(live.Conninfo(), RepoPath(d.to));
      CHECK(out.canon_stats.round_trips <= 1);
      const std::string plan = Forward(out);
      REQUIRE_FALSE(plan.empty());
      CheckGolden(d.golden, plan);

      testing::RunSqlScriptWithPsql(live.Conninfo(), RepoPath(d.golden));
      CHECK(LineDiff(testing::WithoutColumnOrder(testing::DumpSchema(want.Conninfo())),
                     testing::WithoutColumnOrder(testing::DumpSchema(live.Conninfo()))) == "");
      CheckNothingToDo(live.Conninfo(), RepoPath(d.to), "after the golden plan");
    }
  }
}

// `pg_dump --schema-only` of a v2 database, compiled as the desired state: nothing to do against
// that database (which was built from the v2 files). A schema-only dump writes every
// materialized view WITH NO DATA (a full dump refreshes it in its data section), so the
// materialized view of the dumped database is emptied first, to be what the dump describes.
TEST_CASE("plan: pg_dump of a saas v2 database with its objects is accepted as input and plans to nothing",
          "[plan][saas][pgdump]") {
  testing::ScratchDatabase db("saas_dumped"), restored("saas_restored");
  BuildFromFiles(db.Conninfo(), RepoPath(kV2));
  testing::RunSql(db.Conninfo(), "REFRESH MATERIALIZED VIEW billing.usage_by_month WITH NO DATA");
  TempDir dir("schemac-saas-dump");
  const std::string dump = dir.File("saas_v2_dump.sql");
  WriteFile(dump, PgDumpSchemaOnly(db.Conninfo()));
  REQUIRE(ReadFile(dump).find("CREATE MATERIALIZED VIEW billing.usage_by_month") != std::string::npos);

  cli::PlanOutcome out = PlanTo(db.Conninfo(), dump);
  INFO(DiagText(out));
  CHECK(out.diags.items().empty());
  CHECK(Forward(out) == "");
  CHECK(emit::RenderSql(out.plans.rollback) == "");

  // The dump restores every object kind.
  testing::RunSqlScriptWithPsql(restored.Conninfo(), dump);
  CHECK(ObjectCensus(restored.Conninfo()) == kCensusV2);
}

// migration_v1_to_v2.psql is the hand-written reference for what the v1 -> v2 plan must achieve:
// applied to v1 (without -1: it commits an enum value before using it), it gives exactly v2.
TEST_CASE("plan: the saas reference migration turns v1 into exactly v2", "[plan][saas]") {
  testing::ScratchDatabase live("saas_ref"), want("saas_ref_want");
  BuildFromFiles(live.Conninfo(), RepoPath(kV1));
  BuildFromFiles(want.Conninfo(), RepoPath(kV2));
  testing::RunSqlScriptWithPsql(live.Conninfo(), RepoPath("schemas/saas/migration_v1_to_v2.psql"));
  CHECK(LineDiff(testing::DumpSchema(want.Conninfo()), testing::DumpSchema(live.Conninfo())) == "");
  CheckNothingToDo(live.Conninfo(), RepoPath(kV2), "after the reference migration");
}
