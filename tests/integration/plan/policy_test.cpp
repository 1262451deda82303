// Row-level security policies against PostgreSQL: the catalog front end reads what the SQL front
// end builds (roles, commands, expressions as stored), plans to a state with other roles and
// expressions round-trip, and a role missing on the server is an error before anything runs.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "compiler/canon/server_canonicalize.h"
#include "compiler/catalog/introspect.h"
#include "tests/integration/plan/plan_test_util.h"

using namespace schemac;
using namespace schemac::plantest;

namespace {

// Roles are global to the server: created once, tolerant of a concurrent test creating them.
void EnsureRoles(const std::string& conninfo) {
  for (const char* role : {"schemac_reader", "Schemac Writer"}) {
    testing::RunSql(conninfo, fmt::format("DO $$BEGIN CREATE ROLE \"{}\" NOLOGIN; "
                                          "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END$$;",
                                          role));
  }
}

const char* const kPolicies = R"sql(
CREATE SCHEMA app;
CREATE TABLE app.accounts (id bigint PRIMARY KEY, owner_name text NOT NULL);
CREATE TABLE app.docs (id bigint PRIMARY KEY, account_id bigint NOT NULL, body varchar(100), is_public boolean);
ALTER TABLE app.docs ENABLE ROW LEVEL SECURITY;
CREATE FUNCTION app.current_account() RETURNS bigint LANGUAGE sql STABLE
  AS $$SELECT current_setting('app.account', true)::bigint$$;
CREATE POLICY docs_read ON app.docs FOR SELECT TO schemac_reader, "Schemac Writer"
  USING (is_public OR account_id = app.current_account());
CREATE POLICY docs_write ON app.docs AS RESTRICTIVE FOR UPDATE TO "Schemac Writer"
  USING (account_id = app.current_account()) WITH CHECK (body IS NOT NULL);
CREATE POLICY docs_owner ON app.docs
  USING (EXISTS (SELECT 1 FROM app.accounts a WHERE a.id = docs.account_id AND a.owner_name = current_user));
CREATE POLICY docs_delete ON app.docs FOR DELETE USING (NOT is_public);
COMMENT ON POLICY docs_owner ON app.docs IS 'owners see everything';
)sql";

std::string PoliciesOf(const ir::Database& db) {
  std::string out;
  for (const auto& [name, t] : db.tables) {
    for (const auto& [pname, p] : t.policies) {
      out += fmt::format("{}.{} {} {} roles=", ir::DisplayName(name), pname, p.command, p.permissive);
      for (const std::string& r : p.roles) out += r + ",";
      out += fmt::format(" using=({}) check=({}) comment={}\n", p.using_expr ? p.using_expr->text : "-",
                         p.check_expr ? p.check_expr->text : "-", p.comment.value_or("-"));
    }
  }
  return out;
}

}  // namespace

TEST_CASE("policies: the catalog front end reads what the SQL front end builds", "[plan][policy]") {
  testing::ScratchDatabase scratch("policy_cat");
  EnsureRoles(scratch.Conninfo());
  testing::RunSql(scratch.Conninfo(), kPolicies);
  ir::Diagnostics cat_diags;
  ir::Database from_catalog = catalog::Introspect(scratch.Conninfo(), {}, cat_diags);
  canon::NormalizeCatalogExpressions(from_catalog, cat_diags);
  REQUIRE_FALSE(cat_diags.HasErrors());
  const std::string got = PoliciesOf(from_catalog);
  CHECK(got ==
        "app.docs.docs_delete d true roles= using=(NOT is_public) check=(-) comment=-\n"
        "app.docs.docs_owner * true roles= using=(EXISTS (SELECT 1 FROM app.accounts a WHERE a.id = docs.account_id "
        "AND a.owner_name = current_user)) check=(-) comment=owners see everything\n"
        "app.docs.docs_read r true roles=Schemac Writer,schemac_reader, using=(is_public OR account_id = "
        "app.current_account()) check=(-) comment=-\n"
        "app.docs.docs_write w false roles=Schemac Writer, using=(account_id = app.current_account()) check=(body IS "
        "NOT NULL) comment=-\n");
  // Dependencies from pg_depend: the columns read, the function, the other table.
  const ir::Policy& owner = from_catalog.tables.at({"app", "docs"}).policies.at("docs_owner");
  CHECK(owner.deps.keys == std::vector<std::string>{"col:app.accounts.id", "col:app.accounts.owner_name",
                                                    "col:app.docs.account_id", "rel:app.accounts", "rel:app.docs"});

  // The files plan to nothing against the database they built, and the plan back from an empty
  // database creates every policy again.
  TempDir dir("policy_files");
  WriteFile(dir.File("schema.sql"), kPolicies);
  cli::PlanOutcome same = cli::PlanStates(PlanOptions({scratch.Conninfo()}, {dir.path()}));
  INFO(DiagText(same));
  REQUIRE(same.exit_code == cli::kExitOk);
  CHECK(Forward(same) == "");
}

TEST_CASE("policies: other roles, expressions and commands round-trip on a live database", "[plan][policy]") {
  testing::ScratchDatabase live("policy_live");
  EnsureRoles(live.Conninfo());
  testing::RunSql(live.Conninfo(), kPolicies);
  testing::RunSql(live.Conninfo(), "INSERT INTO app.accounts VALUES (1, 'ann'); "
                                   "INSERT INTO app.docs VALUES (10, 1, 'hello', true);");
  std::string b = kPolicies;
  auto replace = [&](const std::string& from, const std::string& to) {
    std::size_t at = b.find(from);
    REQUIRE(at != std::string::npos);
    b.replace(at, from.size(), to);
  };
  replace("TO schemac_reader, \"Schemac Writer\"", "TO PUBLIC");
  replace("AS RESTRICTIVE FOR UPDATE", "AS PERMISSIVE FOR UPDATE");
  replace("WITH CHECK (body IS NOT NULL)", "WITH CHECK (length(body) > 0)");
  replace("account_id bigint NOT NULL", "account_id integer NOT NULL");
  replace("FOR DELETE USING (NOT is_public)", "FOR DELETE TO schemac_reader USING (NOT is_public)");
  TempDir dir("policy_b");
  WriteFile(dir.File("schema.sql"), b);
  TempDir adir("policy_a");
  WriteFile(adir.File("schema.sql"), kPolicies);

  cli::PlanOutcome forward = cli::PlanStates(PlanOptions({live.Conninfo()}, {dir.path()}));
  INFO(DiagText(forward));
  REQUIRE(forward.exit_code == cli::kExitOk);
  const std::string sql = Forward(forward);
  CHECK(sql.find("ALTER POLICY docs_delete ON app.docs TO schemac_reader;") != std::string::npos);
  CHECK(sql.find("DROP POLICY docs_write ON app.docs;") != std::string::npos);
  testing::RunSqlScriptWithPsql(live.Conninfo(), sql);
  cli::PlanOutcome again = cli::PlanStates(PlanOptions({live.Conninfo()}, {dir.path()}));
  INFO(DiagText(again));
  CHECK(Forward(again) == "");

  testing::RunSqlScriptWithPsql(live.Conninfo(), emit::RenderSql(forward.plans.rollback));
  cli::PlanOutcome back = cli::PlanStates(PlanOptions({live.Conninfo()}, {adir.path()}));
  INFO(DiagText(back));
  CHECK(Forward(back) == "");
  CHECK(Query(live.Conninfo(), "SELECT count(*) FROM app.docs") == "1\n");
}

TEST_CASE("policies: a role missing on the server is an error naming the policy and the role", "[plan][policy]") {
  testing::ScratchDatabase live("policy_role");
  TempDir dir("policy_role");
  WriteFile(dir.File("schema.sql"), "CREATE TABLE t (a int);\n"
                                    "CREATE POLICY p ON t TO schemac_no_such_role USING (a > 0);\n");
  cli::PlanOutcome out = cli::PlanStates(PlanOptions({live.Conninfo()}, {dir.path()}));
  CHECK(out.exit_code == cli::kExitInvalid);
  CHECK(DiagText(out).find("schema.sql:2:1: error: policy \"p\" on table \"public.t\": role \"schemac_no_such_role\" "
                           "does not exist on the server (schemac does not create roles)") != std::string::npos);
  CHECK(out.plans.forward.empty());
}
