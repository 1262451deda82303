// Expressions that only PostgreSQL can compare (casts it adds, functions it rewrites): planned
// against a live database they compare exactly, through a bounded number of scratch round trips.
#include <catch2/catch.hpp>

#include <algorithm>

#include <fmt/format.h>

#include "tests/integration/plan/plan_test_util.h"

namespace {

using namespace schemac;
using namespace schemac::plantest;

// Every kind of expression whose stored text differs from how it is usually written.
const char* const kExpressions = R"sql(
CREATE SCHEMA other;
CREATE TYPE public.mood AS ENUM ('x', 'y');
CREATE SEQUENCE public.s1;
CREATE SEQUENCE other.s2;
CREATE TABLE public.t (
  id integer NOT NULL DEFAULT nextval('s1'),
  id2 bigint DEFAULT nextval('other.s2'),
  v varchar(20) DEFAULT 'x',
  tx text DEFAULT 'x',
  m public.mood DEFAULT 'x',
  n numeric(10,2) DEFAULT 0,
  arr text[] DEFAULT ARRAY['a', 'b'],
  ints integer[] DEFAULT '{1,2}',
  name varchar(50),
  qty text CHECK (qty::integer > 0),
  c1 timestamptz DEFAULT now(),
  c2 timestamptz DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX t_lower_name_idx ON public.t (lower(name));
CREATE INDEX t_partial_idx ON public.t (id) WHERE v <> 'z';
)sql";

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// N tables, each with a varchar default PostgreSQL stores with a cast.
std::string ManyTables(int n) {
  std::string sql;
  for (int i = 0; i < n; ++i) sql += fmt::format("CREATE TABLE public.t{} (a varchar(10) DEFAULT 'x');\n", i);
  return sql;
}

}  // namespace

TEST_CASE("plan: expressions PostgreSQL stores differently compare equal against a live database",
          "[plan][expressions]") {
  testing::ScratchDatabase db("plan_expr");
  TempDir dir("schemac-plan-expr");
  const std::string desired = dir.File("desired.sql");
  WriteFile(desired, kExpressions);
  BuildFromFiles(db.Conninfo(), desired);

  cli::PlanOutcome out = cli::PlanStates(PlanOptions({db.Conninfo()}, {desired}));
  INFO(DiagText(out));
  REQUIRE(out.exit_code == cli::kExitOk);
  CHECK(out.diags.items().empty());
  CHECK(Forward(out) == "");
  CHECK(out.canon_stats.round_trips == 1);

  SECTION("real changes are still planned: now() -> CURRENT_TIMESTAMP, 'x' -> 'y'") {
    std::string changed = Replace(kExpressions, "c1 timestamptz DEFAULT now()", "c1 timestamptz DEFAULT CURRENT_TIMESTAMP");
    changed = Replace(changed, "v varchar(20) DEFAULT 'x'", "v varchar(20) DEFAULT 'y'");
    changed = Replace(changed, "m public.mood DEFAULT 'x'", "m public.mood DEFAULT 'y'");
    WriteFile(desired, changed);
    cli::PlanOutcome plan = cli::PlanStates(PlanOptions({db.Conninfo()}, {desired}));
    INFO(DiagText(plan));
    INFO(Forward(plan));
    REQUIRE(plan.exit_code == cli::kExitOk);
    std::vector<std::string> changed_columns;
    for (const emit::Step& s : Steps(plan.plans.forward)) changed_columns.push_back(ir::DisplayName(s.object));
    std::sort(changed_columns.begin(), changed_columns.end());
    CHECK(changed_columns == std::vector<std::string>{"public.t.c1", "public.t.m", "public.t.v"});
    CHECK(plan.canon_stats.round_trips == 1);

    testing::RunSqlScriptWithPsql(db.Conninfo(), Forward(plan));
    CHECK(Query(db.Conninfo(), "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef d JOIN pg_attribute a "
                               "ON a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE a.attname IN ('c1', 'v', 'm') "
                               "AND d.adrelid = 'public.t'::regclass ORDER BY a.attname") ==
          "CURRENT_TIMESTAMP\n'y'::mood\n'y'::character varying\n");
    cli::PlanOutcome again = cli::PlanStates(PlanOptions({db.Conninfo()}, {desired}));
    INFO(DiagText(again));
    REQUIRE(again.exit_code == cli::kExitOk);
    CHECK(Forward(again) == "");
  }
}

TEST_CASE("plan: scratch round trips are bounded", "[plan][expressions][roundtrips]") {
  TempDir dir("schemac-plan-rt");

  SECTION("textually identical expressions: no round trip") {
    testing::ScratchDatabase db("plan_rt0");
    const std::string desired = dir.File("same.sql");
    WriteFile(desired,
              "CREATE TABLE public.t (a integer DEFAULT 0 CHECK (a > 0), b timestamptz DEFAULT now(), c text);\n"
              "CREATE INDEX t_c_idx ON public.t (c) WHERE a > 1;\n");
    BuildFromFiles(db.Conninfo(), desired);
    cli::PlanOutcome out = cli::PlanStates(PlanOptions({db.Conninfo()}, {desired}));
    INFO(DiagText(out));
    REQUIRE(out.exit_code == cli::kExitOk);
    CHECK(Forward(out) == "");
    CHECK(out.canon_stats.round_trips == 0);
  }

  for (int tables : {1, 40}) {
    DYNAMIC_SECTION(tables << " table(s) with a differing expression: exactly one round trip") {
      testing::ScratchDatabase db("plan_rtn");
      const std::string desired = dir.File("many.sql");
      WriteFile(desired, ManyTables(tables));
      BuildFromFiles(db.Conninfo(), desired);
      cli::PlanOutcome out = cli::PlanStates(PlanOptions({db.Conninfo()}, {desired}));
      INFO(DiagText(out));
      REQUIRE(out.exit_code == cli::kExitOk);
      CHECK(Forward(out) == "");
      CHECK(out.canon_stats.round_trips == 1);
      CHECK(out.canon_stats.expressions == tables);

      cli::DiffOptions offline = PlanOptions({db.Conninfo()}, {desired});
      offline.offline = true;
      cli::PlanOutcome off = cli::PlanStates(offline);
      INFO(DiagText(off));
      REQUIRE(off.exit_code == cli::kExitOk);
      CHECK(off.canon_stats.round_trips == 0);
      // The offline result: 'x'::character varying versus 'x' cannot be decided from text, so
      // each is a (harmless) change, each with its warning.
      int undecided = 0;
      for (const ir::Diagnostic& d : off.diags.items()) undecided += d.id == ir::diag::kUndecidedExpression;
      CHECK(undecided == tables);
      CHECK(Steps(off.plans.forward).size() == static_cast<std::size_t>(tables));
    }
  }
}

// `x IN ('a', 'b')` on a varchar column is stored as an array coercion that PostgreSQL prints as
// `(x)::text = ANY ((ARRAY['a'::character varying, ...])::text[])` but re-parses, from that
// text, into per-element casts. Changing the list and rolling back must restore exactly what
// was there (the rollback re-creates the constraint from the catalog's text), and each state
// must plan to nothing; pg_dump output of such a database must plan to nothing too.
TEST_CASE("plan: IN lists on varchar columns survive a plan and its rollback exactly", "[plan][expressions]") {
  const char* const before =
      "CREATE TABLE public.e (fmt varchar(10) NOT NULL DEFAULT 'csv', CONSTRAINT e_fmt_known CHECK (fmt IN ('csv', "
      "'json')));\nCREATE INDEX e_json_idx ON public.e (fmt) WHERE fmt IN ('json', 'xml');\n";
  const char* const after =
      "CREATE TABLE public.e (fmt varchar(10) NOT NULL DEFAULT 'csv', CONSTRAINT e_fmt_known CHECK (fmt IN ('csv', "
      "'json', 'parquet')));\nCREATE INDEX e_json_idx ON public.e (fmt) WHERE fmt IN ('json');\n";
  testing::ScratchDatabase live("plan_in"), want("plan_in_want");
  TempDir dir("schemac-plan-in");
  const std::string a = dir.File("a.sql"), b = dir.File("b.sql"), dump = dir.File("dump.sql");
  WriteFile(a, before);
  WriteFile(b, after);
  BuildFromFiles(live.Conninfo(), a);
  BuildFromFiles(want.Conninfo(), b);
  const std::string a_dump = testing::DumpSchema(live.Conninfo()), b_dump = testing::DumpSchema(want.Conninfo());

  WriteFile(dump, PgDumpSchemaOnly(live.Conninfo()));
  for (const std::string& files : {a, dump}) {
    cli::PlanOutcome same = cli::PlanStates(PlanOptions({live.Conninfo()}, {files}));
    INFO(files << "\n" << DiagText(same));
    REQUIRE(same.exit_code == cli::kExitOk);
    CHECK(Forward(same) == "");
  }

  cli::PlanOutcome forward = cli::PlanStates(PlanOptions({live.Conninfo()}, {b}));
  INFO(DiagText(forward));
  REQUIRE(forward.exit_code == cli::kExitOk);
  testing::RunSqlScriptWithPsql(live.Conninfo(), Forward(forward));
  CHECK(LineDiff(b_dump, testing::DumpSchema(live.Conninfo())) == "");
  CHECK(Forward(cli::PlanStates(PlanOptions({live.Conninfo()}, {b}))) == "");

  testing::RunSqlScriptWithPsql(live.Conninfo(), emit::RenderSql(forward.plans.rollback));
  CHECK(LineDiff(a_dump, testing::DumpSchema(live.Conninfo())) == "");
  CHECK(Forward(cli::PlanStates(PlanOptions({live.Conninfo()}, {a}))) == "");
}

// SQL-syntax calls (COERCE_SQL_SYNTAX: POSITION(a IN b), EXTRACT, SUBSTRING ... FROM, TRIM, OVERLAY)
// keep their pg_catalog qualification in the SQL front end, so they deparse in their SQL form as
// PostgreSQL prints them; otherwise the CHECK would be dropped and re-added by every plan.
TEST_CASE("plan: POSITION(a IN b) in a CHECK plans to nothing", "[plan][expressions]") {
  testing::ScratchDatabase db("plan_pos");
  TempDir dir("schemac-plan-pos");
  const std::string file = dir.File("pos.sql");
  WriteFile(file, "CREATE TABLE public.u (email varchar(254), CONSTRAINT u_at CHECK (position('@' in email) > 1));\n");
  BuildFromFiles(db.Conninfo(), file);
  cli::PlanOutcome out = cli::PlanStates(PlanOptions({db.Conninfo()}, {file}));
  INFO(DiagText(out));
  REQUIRE(out.exit_code == cli::kExitOk);
  CHECK(Forward(out) == "");
}
