// saas v1 -> v2 -> v1 through `plan`: the forward plan applied to a live v1 database (holding
// rows) gives exactly a database built from v2, the rollback gives back exactly v1, each is a
// fixpoint, and tables and columns present on both sides keep their rows, oids and attnums.
#include <catch2/catch.hpp>

#include <map>

#include "tests/integration/plan/plan_test_util.h"

namespace {

using namespace schemac;
using namespace schemac::plantest;

// "schema.table.column" (column empty for the table itself) -> pg_class oid / attnum.
std::map<std::string, std::string> Identities(const std::string& conninfo) {
  std::string rows = Query(conninfo,
                           "SELECT n.nspname || '.' || c.relname || '.' || coalesce(a.attname, '') || '|' || "
                           "coalesce(a.attnum::text, c.oid::text) "
                           "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                           "LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
                           "WHERE c.relkind = 'r' AND n.nspname IN ('public', 'billing', 'audit', 'integrations') "
                           "UNION ALL SELECT n.nspname || '.' || c.relname || '.|' || c.oid::text "
                           "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                           "WHERE c.relkind = 'r' AND n.nspname IN ('public', 'billing', 'audit', 'integrations')");
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start < rows.size()) {
    std::size_t end = rows.find('\n', start);
    if (end == std::string::npos) end = rows.size();
    std::string line = rows.substr(start, end - start);
    std::size_t bar = line.rfind('|');
    if (bar != std::string::npos) out[line.substr(0, bar)] = line.substr(bar + 1);
    start = end + 1;
  }
  return out;
}

// Every table and column present in v1, in v2 (`shared`) and after a plan keeps its identity.
void CheckSameIdentities(const std::map<std::string, std::string>& before,
                         const std::map<std::string, std::string>& after,
                         const std::map<std::string, std::string>& shared, const std::string& when) {
  int common = 0;
  for (const auto& [key, value] : before) {
    auto it = after.find(key);
    if (it == after.end() || !shared.count(key)) continue;
    ++common;
    INFO(when << ": " << key);
    CHECK(it->second == value);
  }
  CHECK(common > 100);  // the comparison really covered the shared tables and columns
}

const char* const kRows =
    "SELECT a.slug, a.name, u.email, u.display_name, m.role FROM public.memberships m "
    "JOIN public.accounts a ON a.id = m.account_id JOIN public.users u ON u.id = m.user_id ORDER BY 1, 3";

}  // namespace

// Builds a live database from `v1` (holding a few rows when `rows`), plans it to `v2`, applies
// the plan with psql, plans again (nothing), applies the rollback, plans to `v1` (nothing).
// With `compare_dumps`, each state must also pg_dump exactly like a database built from its
// files (column order aside).
void MigrateThereAndBack(const std::string& v1, const std::string& v2, bool rows_in_saas, bool compare_dumps) {
  testing::ScratchDatabase live("plan_live"), want_v2("plan_v2");
  BuildFromFiles(live.Conninfo(), v1);
  BuildFromFiles(want_v2.Conninfo(), v2);
  const std::string v1_dump = testing::DumpSchema(live.Conninfo());
  const std::string v2_dump = testing::DumpSchema(want_v2.Conninfo());

  if (rows_in_saas) {
  testing::RunSql(live.Conninfo(),
                  "INSERT INTO public.accounts (slug, name) VALUES ('acme', 'Acme'), ('globex', 'Globex');"
                  "INSERT INTO public.users (email, display_name) VALUES ('ann@acme.test', 'Ann'), "
                  "('bob@globex.test', 'Bob');"
                  "INSERT INTO public.memberships (account_id, user_id, role) SELECT a.id, u.id, 'owner' "
                  "FROM public.accounts a JOIN public.users u ON split_part(u.email, '@', 2) = a.slug || '.test';");
  }
  const std::string rows = rows_in_saas ? Query(live.Conninfo(), kRows) : "";
  if (rows_in_saas) REQUIRE(rows == "acme|Acme|ann@acme.test|Ann|owner\nglobex|Globex|bob@globex.test|Bob|owner\n");
  const auto ids_v1 = Identities(live.Conninfo());
  const auto ids_v2 = Identities(want_v2.Conninfo());  // only its keys matter: what v2 shares with v1

  cli::PlanOutcome forward = cli::PlanStates(PlanOptions({live.Conninfo()}, {v2}));
  INFO(ErrorText(forward));
  REQUIRE(forward.exit_code == cli::kExitOk);
  REQUIRE_FALSE(forward.plans.forward.empty());
  CHECK(forward.canon_stats.round_trips <= 1);
  const std::string rollback_sql = emit::RenderSql(forward.plans.rollback);

  testing::RunSqlScriptWithPsql(live.Conninfo(), emit::RenderSql(forward.plans.forward));
  if (compare_dumps) CHECK(LineDiff(testing::WithoutColumnOrder(v2_dump), testing::WithoutColumnOrder(testing::DumpSchema(live.Conninfo()))) == "");
  if (rows_in_saas) CHECK(Query(live.Conninfo(), kRows) == rows);
  if (rows_in_saas) CheckSameIdentities(ids_v1, Identities(live.Conninfo()), ids_v2, "after the forward plan");
  {
    cli::PlanOutcome again = cli::PlanStates(PlanOptions({live.Conninfo()}, {v2}));
    INFO(ErrorText(again));
    REQUIRE(again.exit_code == cli::kExitOk);
    CHECK(Forward(again) == "");
  }

  testing::RunSqlScriptWithPsql(live.Conninfo(), rollback_sql);
  if (compare_dumps) CHECK(LineDiff(testing::WithoutColumnOrder(v1_dump), testing::WithoutColumnOrder(testing::DumpSchema(live.Conninfo()))) == "");
  if (rows_in_saas) CHECK(Query(live.Conninfo(), kRows) == rows);
  if (rows_in_saas) CheckSameIdentities(ids_v1, Identities(live.Conninfo()), ids_v2, "after the rollback");
  {
    cli::PlanOutcome again = cli::PlanStates(PlanOptions({live.Conninfo()}, {v1}));
    INFO(ErrorText(again));
    REQUIRE(again.exit_code == cli::kExitOk);
    CHECK(Forward(again) == "");
  }
}

TEST_CASE("plan: saas v1 -> v2 -> v1 on a live database keeps rows, oids and attnums, and each plan is a fixpoint",
          "[plan][migrate]") {
  MigrateThereAndBack(RepoPath("schemas/saas/v1"), RepoPath("schemas/saas/v2"), true, false);
}

// Exact to pg_dump's text, including the stored order of storage parameters
// (billing.invoice_lines has WITH (fillfactor = 100, autovacuum_enabled = true)).
TEST_CASE("plan: saas v1 -> v2 -> v1 reaches exactly what pg_dump shows of each state",
          "[plan][migrate]") {
  MigrateThereAndBack(RepoPath("schemas/saas/v1"), RepoPath("schemas/saas/v2"), false, true);
}

TEST_CASE("plan: demo v1 -> v2 -> v1 reaches exactly what pg_dump shows of each state", "[plan][migrate]") {
  MigrateThereAndBack(RepoPath("schemas/demo/v1"), RepoPath("schemas/demo/v2"), false, true);
}
