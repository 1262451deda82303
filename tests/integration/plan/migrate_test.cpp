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

// saas rows seen through its objects: columns of a domain type, views (one on another view,
// both rebuilt by the plan), the materialized view (rebuilt and filled again), a set-returning
// function over a composite type, and the audit rows the memberships trigger wrote.
const char* const kSaasObjectRows =
    "INSERT INTO public.teams (account_id, name, handle) SELECT id, 'Platform', 'platform' FROM public.accounts "
    "WHERE slug = 'acme';"
    "INSERT INTO public.invitations (account_id, email) SELECT id, 'carol@acme.test' FROM public.accounts "
    "WHERE slug = 'acme';"
    "INSERT INTO public.projects (account_id, key, name, owner_id) SELECT a.id, 'OPS', 'Operations', u.id "
    "FROM public.accounts a JOIN public.users u ON u.email = 'ann@acme.test' WHERE a.slug = 'acme';"
    "INSERT INTO public.tasks (account_id, project_id, number, title, assignee_id, due_date) "
    "SELECT p.account_id, p.id, 12, 'Rotate keys', u.id, DATE '2020-01-31' FROM public.projects p "
    "JOIN public.users u ON u.email = 'ann@acme.test';"
    "INSERT INTO billing.plans (code, name, price_cents) VALUES ('team', 'Team', 900);"
    "INSERT INTO billing.customers (account_id, billing_email, country_code) SELECT id, 'billing@acme.test', 'DE' "
    "FROM public.accounts WHERE slug = 'acme';"
    "INSERT INTO billing.subscriptions (account_id, plan_id, current_period_start, current_period_end) "
    "SELECT c.account_id, p.id, TIMESTAMPTZ '2020-01-01', TIMESTAMPTZ '2020-02-01' FROM billing.customers c, "
    "billing.plans p;"
    "INSERT INTO billing.usage_records (subscription_id, metric, quantity, recorded_at, idempotency_key) "
    "SELECT s.id, 'api_calls', q, TIMESTAMPTZ '2020-01-15' + q * interval '1 hour', gen_random_uuid() "
    "FROM billing.subscriptions s, generate_series(1, 3) q;"
    "REFRESH MATERIALIZED VIEW billing.usage_by_month;";
const char* const kSaasObjectQuery =
    "SELECT task_key || ' ' || title || ' ' || due_date FROM public.overdue_tasks "
    "UNION ALL SELECT handle FROM public.teams "
    "UNION ALL SELECT email FROM public.invitations "
    "UNION ALL SELECT metric || ' ' || to_char(month, 'YYYY-MM') || ' ' || total_quantity FROM billing.usage_by_month "
    "UNION ALL SELECT slug || ' ' || member_count FROM public.account_overview "
    "UNION ALL SELECT count(*)::text FROM audit.events WHERE target_table = 'public.memberships' "
    "UNION ALL SELECT string_agg(DISTINCT action::text, ',') FROM audit.recent_events "
    "ORDER BY 1";

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
  if (rows_in_saas) testing::RunSql(live.Conninfo(), kSaasObjectRows);
  const std::string object_rows = rows_in_saas ? Query(live.Conninfo(), kSaasObjectQuery) : "";
  if (rows_in_saas) {
    REQUIRE(object_rows ==
            "2\n"
            "OPS-12 Rotate keys 2020-01-31\n"
            "acme 1\n"
            "api_calls 2020-01 6\n"
            "carol@acme.test\n"
            "create\n"
            "globex 1\n"
            "platform\n");
  }
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
  if (rows_in_saas) CHECK(Query(live.Conninfo(), kSaasObjectQuery) == object_rows);
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
  if (rows_in_saas) CHECK(Query(live.Conninfo(), kSaasObjectQuery) == object_rows);
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
