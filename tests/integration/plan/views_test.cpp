// Views against a live database: the query as written compares equal to what PostgreSQL stores
// (through one scratch round trip), a compatible query change is a CREATE OR REPLACE VIEW, an
// incompatible one rebuilds the view and its dependents, and the SQL and catalog front ends
// agree on every view field when the query is written as PostgreSQL prints it.
#include <catch2/catch.hpp>

#include "compiler/canon/server_canonicalize.h"
#include "compiler/catalog/introspect.h"
#include "compiler/sql/compile.h"
#include "tests/integration/plan/plan_test_util.h"

namespace {

using namespace schemac;
using namespace schemac::plantest;

const char* const kViews = R"sql(
CREATE SCHEMA app;
CREATE TABLE app.t (id int, name text, total numeric(10,2));
CREATE VIEW app.v (ident, label) WITH (security_barrier) AS
  select id, name from app.t where total > 0 WITH LOCAL CHECK OPTION;
COMMENT ON VIEW app.v IS 'positive';
COMMENT ON COLUMN app.v.label IS 'the name';
CREATE VIEW app.w AS SELECT ident FROM app.v;
CREATE MATERIALIZED VIEW app.m WITH (fillfactor = 70) AS SELECT id, count(*) AS n FROM app.t GROUP BY id WITH NO DATA;
CREATE UNIQUE INDEX m_id ON app.m (id);
COMMENT ON INDEX app.m_id IS 'one per id';
)sql";

std::string ViewsOnly(const ir::Database& db) {
  ir::Database only;
  only.views = db.views;
  return ir::DebugPrint(only);
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("plan: views compare equal to what PostgreSQL stores", "[plan][views]") {
  testing::ScratchDatabase db("plan_views");
  TempDir dir("schemac-plan-views");
  const std::string desired = dir.File("desired.sql");
  WriteFile(desired, kViews);
  BuildFromFiles(db.Conninfo(), desired);

  cli::PlanOutcome out = cli::PlanStates(PlanOptions({db.Conninfo()}, {desired}));
  INFO(DiagText(out));
  INFO(Forward(out));
  REQUIRE(out.exit_code == cli::kExitOk);
  CHECK(Forward(out) == "");
  CHECK(out.canon_stats.round_trips == 1);

  SECTION("a compatible query change is a CREATE OR REPLACE VIEW; the dependent view stays") {
    WriteFile(desired, Replace(kViews, "select id, name from app.t", "select id, name, total from app.t"));
    cli::PlanOutcome plan = cli::PlanStates(PlanOptions({db.Conninfo()}, {desired}));
    INFO(DiagText(plan));
    INFO(Forward(plan));
    REQUIRE(plan.exit_code == cli::kExitOk);
    CHECK(plan.canon_stats.round_trips == 1);
    std::string forward = Forward(plan);
    CHECK(forward.find("CREATE OR REPLACE VIEW app.v (ident, label) WITH (security_barrier=true) AS\nSELECT id, name, total FROM app.t") != std::string::npos);
    CHECK(forward.find("DROP VIEW") == std::string::npos);
    testing::RunSqlScriptWithPsql(db.Conninfo(), forward);
    cli::PlanOutcome again = cli::PlanStates(PlanOptions({db.Conninfo()}, {desired}));
    INFO(DiagText(again));
    REQUIRE(again.exit_code == cli::kExitOk);
    CHECK(Forward(again) == "");
    // The rollback goes back with a rebuild (a column is removed).
    testing::RunSqlScriptWithPsql(db.Conninfo(), emit::RenderSql(plan.plans.rollback));
    WriteFile(desired, kViews);
    cli::PlanOutcome back = cli::PlanStates(PlanOptions({db.Conninfo()}, {desired}));
    INFO(DiagText(back));
    CHECK(Forward(back) == "");
  }

  SECTION("an incompatible query change rebuilds the view and the view on it") {
    WriteFile(desired, Replace(kViews, "select id, name from app.t", "select name, id from app.t"));
    cli::PlanOutcome plan = cli::PlanStates(PlanOptions({db.Conninfo()}, {desired}));
    INFO(DiagText(plan));
    INFO(Forward(plan));
    REQUIRE(plan.exit_code == cli::kExitOk);
    std::string forward = Forward(plan);
    CHECK(forward.find("DROP VIEW app.w;") < forward.find("DROP VIEW app.v;"));
    CHECK(forward.find("CREATE VIEW app.v") < forward.find("CREATE VIEW app.w"));
    testing::RunSqlScriptWithPsql(db.Conninfo(), forward);
    cli::PlanOutcome again = cli::PlanStates(PlanOptions({db.Conninfo()}, {desired}));
    INFO(DiagText(again));
    CHECK(Forward(again) == "");
  }
}

TEST_CASE("views: the SQL and catalog front ends agree", "[plan][views][catalog]") {
  // Written as PostgreSQL prints it (qualified names, its casts), so no scratch database is needed.
  const char* const kCanonical = R"sql(
CREATE TABLE public.t (id integer, name text);
CREATE VIEW public.v WITH (check_option=cascaded, security_invoker=true) AS SELECT t.id, t.name FROM public.t WHERE t.id > 1;
COMMENT ON VIEW public.v IS 'v';
COMMENT ON COLUMN public.v.name IS 'n';
CREATE MATERIALIZED VIEW public.m AS SELECT t.id FROM public.t WITH NO DATA;
CREATE INDEX m_id_idx ON public.m USING btree (id DESC) WHERE id > 0;
)sql";
  testing::ScratchDatabase db("views_parity");
  testing::RunSql(db.Conninfo(), kCanonical);
  ir::Diagnostics diags;
  ir::Database from_catalog = catalog::Introspect(db.Conninfo(), {}, diags);
  canon::NormalizeCatalogExpressions(from_catalog, diags);
  ir::SourceManager sources;
  ir::Database from_sql = sql::CompileText("views.sql", kCanonical, {}, sources, diags);
  std::string messages;
  for (const ir::Diagnostic& d : diags.items()) messages += ir::FormatDiagnostic(d, &sources) + "\n";
  INFO(messages);
  REQUIRE(diags.items().empty());
  // Owners are only known to the catalog.
  for (auto& [name, v] : from_catalog.views) v.owner.reset();
  CHECK(ViewsOnly(from_sql) == ViewsOnly(from_catalog));
  CHECK(from_catalog.views.at({"public", "v"}).deps.keys ==
        std::vector<std::string>{"col:public.t.id", "col:public.t.name", "rel:public.t"});
  const ir::View& v = from_catalog.views.at({"public", "v"});
  REQUIRE(v.output.columns.size() == 2);
  CHECK(v.output.columns[1].name == "name");
}
