// Expressions of objects beyond tables that PostgreSQL stores in its own spelling (domain
// DEFAULT and CHECKs, trigger WHEN clauses, rule WHERE clauses, routine argument defaults and
// SQL-standard bodies): planned against a live database they compare equal through one scratch
// round trip, real changes are still planned (and roll back exactly), and texts written as
// PostgreSQL stores them need no round trip.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/integration/plan/plan_test_util.h"

namespace {

using namespace schemac;
using namespace schemac::plantest;

// Each definition is stored with casts PostgreSQL adds (numeric and varchar operands).
const char* const kDomains = R"sql(
CREATE DOMAIN public.amount AS numeric(12,2) DEFAULT 0 CHECK (VALUE >= 0);
CREATE DOMAIN public.code AS varchar(10) DEFAULT 'a' CONSTRAINT code_known CHECK (VALUE IN ('a', 'b'));
)sql";

const char* const kTriggers = R"sql(
CREATE TABLE public.t (id integer, x numeric, c varchar(10));
CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER t_x BEFORE INSERT OR UPDATE ON public.t FOR EACH ROW WHEN (NEW.x > 0) EXECUTE FUNCTION public.touch();
CREATE TRIGGER t_c AFTER UPDATE ON public.t FOR EACH ROW WHEN (NEW.c <> 'z') EXECUTE FUNCTION public.touch();
)sql";

const char* const kFunctions = R"sql(
CREATE FUNCTION public.scaled(a numeric DEFAULT length('ab'), b varchar DEFAULT 'x' || 'y') RETURNS numeric
  LANGUAGE sql IMMUTABLE AS $$ SELECT a $$;
)sql";

// A rule's WHERE clause is stored with the cast on the numeric comparison.
const char* const kRules = R"sql(
CREATE TABLE public.r (id integer, x numeric);
CREATE TABLE public.r_log (x numeric);
CREATE RULE r_log_big AS ON INSERT TO public.r WHERE NEW.x > 0 DO ALSO INSERT INTO public.r_log VALUES (NEW.x);
)sql";

// SQL-standard bodies: PostgreSQL stores them parsed, with its casts (`a / (2)::numeric`); the
// BEGIN ATOMIC body reads a table, which the scratch database must hold.
const char* const kBodies = R"sql(
CREATE TABLE public.items (id integer, price numeric);
CREATE FUNCTION public.half(a numeric) RETURNS numeric LANGUAGE sql IMMUTABLE RETURN a / 2;
CREATE FUNCTION public.expensive() RETURNS bigint LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT count(*) FROM public.items WHERE price > 100;
END;
)sql";

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

struct Case {
  const char* name;
  std::string sql;
  std::string from, to;  // a real change of one expression
  std::string object;    // the object the change plans (ir::DisplayName of its steps)
};

std::vector<Case> Cases() {
  return {
      {"domain CHECK", kDomains, "CHECK (VALUE >= 0)", "CHECK (VALUE >= 1)", "public.amount"},
      {"domain DEFAULT", kDomains, "DEFAULT 'a'", "DEFAULT 'b'", "public.code"},
      {"domain CHECK with an IN list", kDomains, "VALUE IN ('a', 'b')", "VALUE IN ('a', 'b', 'c')", "public.code"},
      {"trigger WHEN", kTriggers, "WHEN (NEW.x > 0)", "WHEN (NEW.x > 1)", "public.t.t_x"},
      {"trigger WHEN on varchar", kTriggers, "WHEN (NEW.c <> 'z')", "WHEN (NEW.c <> 'y')", "public.t.t_c"},
      {"routine argument default", kFunctions, "length('ab')", "length('abc')",
       "public.scaled(numeric, varchar)"},
      {"rule WHERE", kRules, "NEW.x > 0", "NEW.x > 1", "public.r.r_log_big"},
      {"SQL-standard body (RETURN)", kBodies, "RETURN a / 2", "RETURN a / 3", "public.half(numeric)"},
      {"SQL-standard body (BEGIN ATOMIC)", kBodies, "price > 100", "price > 200", "public.expensive()"},
  };
}

std::vector<std::string> StepObjects(const cli::PlanOutcome& out) {
  std::vector<std::string> objects;
  for (const emit::Step& s : Steps(out.plans.forward)) objects.push_back(ir::DisplayName(s.object));
  return objects;
}

}  // namespace

TEST_CASE("plan: object expressions PostgreSQL stores with casts compare equal, real changes are planned",
          "[plan][canon][objects]") {
  for (const Case& c : Cases()) {
    DYNAMIC_SECTION(c.name) {
      testing::ScratchDatabase db("canon_obj");
      TempDir dir("schemac-canon-obj");
      const std::string file = dir.File("desired.sql");
      WriteFile(file, c.sql);
      BuildFromFiles(db.Conninfo(), file);
      const std::string before_dump = testing::DumpSchema(db.Conninfo());

      cli::PlanOutcome same = cli::PlanStates(PlanOptions({db.Conninfo()}, {file}));
      INFO(DiagText(same));
      INFO(Forward(same));
      REQUIRE(same.exit_code == cli::kExitOk);
      CHECK(same.diags.items().empty());
      CHECK(Forward(same) == "");
      CHECK(same.canon_stats.round_trips == 1);

      // A real change of the expression is still a change, planned with the user's text.
      WriteFile(file, Replace(c.sql, c.from, c.to));
      cli::PlanOutcome changed = cli::PlanStates(PlanOptions({db.Conninfo()}, {file}));
      INFO(DiagText(changed));
      INFO(Forward(changed));
      REQUIRE(changed.exit_code == cli::kExitOk);
      CHECK(changed.canon_stats.round_trips == 1);
      std::vector<std::string> objects = StepObjects(changed);
      REQUIRE_FALSE(objects.empty());
      for (const std::string& o : objects) CHECK(o == c.object);

      // Applied, the files plan to nothing; the rollback restores the database exactly.
      testing::RunSqlScriptWithPsql(db.Conninfo(), Forward(changed));
      cli::PlanOutcome again = cli::PlanStates(PlanOptions({db.Conninfo()}, {file}));
      INFO(DiagText(again));
      REQUIRE(again.exit_code == cli::kExitOk);
      CHECK(Forward(again) == "");
      testing::RunSqlScriptWithPsql(db.Conninfo(), emit::RenderSql(changed.plans.rollback));
      CHECK(LineDiff(before_dump, testing::DumpSchema(db.Conninfo())) == "");
      WriteFile(file, c.sql);
      cli::PlanOutcome back = cli::PlanStates(PlanOptions({db.Conninfo()}, {file}));
      INFO(DiagText(back));
      REQUIRE(back.exit_code == cli::kExitOk);
      CHECK(Forward(back) == "");
    }
  }
}

TEST_CASE("plan: object expressions of one plan share one scratch round trip", "[plan][canon][objects][roundtrips]") {
  testing::ScratchDatabase db("canon_obj_all");
  TempDir dir("schemac-canon-all");
  const std::string file = dir.File("all.sql");
  // A table default too: the table expressions and the objects go in the same transaction.
  const std::string sql = std::string(kDomains) + kTriggers + kFunctions + kBodies +
                          "CREATE TABLE public.p (a public.amount, v varchar(5) DEFAULT 'x');\n";
  WriteFile(file, sql);
  BuildFromFiles(db.Conninfo(), file);
  cli::PlanOutcome out = cli::PlanStates(PlanOptions({db.Conninfo()}, {file}));
  INFO(DiagText(out));
  INFO(Forward(out));
  REQUIRE(out.exit_code == cli::kExitOk);
  CHECK(Forward(out) == "");
  CHECK(out.canon_stats.round_trips == 1);
  // amount, code, t_x, t_c, scaled, half, expensive, p.v
  CHECK(out.canon_stats.expressions == 8);
}

// A table expression alone is canonicalized with only the types its table uses: a column of a
// domain type needs the domain in the scratch database (without its default and CHECKs).
TEST_CASE("plan: a table expression next to a domain-typed column", "[plan][canon][objects]") {
  testing::ScratchDatabase db("canon_obj_dom_col");
  TempDir dir("schemac-canon-domcol");
  const std::string file = dir.File("p.sql");
  // The domain is written as PostgreSQL stores it: only the table default differs.
  WriteFile(file,
            "CREATE DOMAIN public.amount AS numeric(12,2) DEFAULT 0::numeric CHECK (VALUE >= 0::numeric);\n"
            "CREATE TABLE public.p (a public.amount[], v varchar(5) DEFAULT 'x');\n");
  BuildFromFiles(db.Conninfo(), file);
  cli::PlanOutcome out = cli::PlanStates(PlanOptions({db.Conninfo()}, {file}));
  INFO(DiagText(out));
  INFO(Forward(out));
  REQUIRE(out.exit_code == cli::kExitOk);
  CHECK(out.diags.items().empty());
  CHECK(Forward(out) == "");
  CHECK(out.canon_stats.round_trips == 1);
  CHECK(out.canon_stats.expressions == 1);
}

TEST_CASE("plan: object expressions written as PostgreSQL stores them need no round trip",
          "[plan][canon][objects][roundtrips]") {
  // The same objects, spelled as the catalog prints them.
  const char* const kStored = R"sql(
CREATE DOMAIN public.amount AS numeric(12,2) DEFAULT 0::numeric CHECK (VALUE >= 0::numeric);
CREATE DOMAIN public.code AS varchar(10) DEFAULT 'a'::varchar CONSTRAINT code_known CHECK (VALUE::text <> 'z'::text);
CREATE TABLE public.t (id integer, x numeric, c varchar(10));
CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER t_x BEFORE INSERT OR UPDATE ON public.t FOR EACH ROW WHEN (new.x > 0::numeric) EXECUTE FUNCTION public.touch();
CREATE TRIGGER t_c AFTER UPDATE ON public.t FOR EACH ROW WHEN ((new.c)::text <> 'z'::text) EXECUTE FUNCTION public.touch();
CREATE FUNCTION public.scaled(a numeric DEFAULT length('ab'::text), b varchar DEFAULT 'x'::text || 'y'::text)
  RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT a $$;
CREATE FUNCTION public.half(a numeric) RETURNS numeric LANGUAGE sql IMMUTABLE RETURN a / 2::numeric;
)sql";
  testing::ScratchDatabase db("canon_obj_rt0");
  TempDir dir("schemac-canon-rt0");
  const std::string file = dir.File("stored.sql");
  WriteFile(file, kStored);
  BuildFromFiles(db.Conninfo(), file);
  cli::PlanOutcome out = cli::PlanStates(PlanOptions({db.Conninfo()}, {file}));
  INFO(DiagText(out));
  INFO(Forward(out));
  REQUIRE(out.exit_code == cli::kExitOk);
  CHECK(Forward(out) == "");
  CHECK(out.canon_stats.round_trips == 0);

  SECTION("a comment or a NOT NULL change alone needs no round trip either") {
    WriteFile(file, Replace(kStored, "DEFAULT 0::numeric CHECK", "DEFAULT 0::numeric NOT NULL CHECK") +
                        "COMMENT ON DOMAIN public.amount IS 'money';\n");
    cli::PlanOutcome commented = cli::PlanStates(PlanOptions({db.Conninfo()}, {file}));
    INFO(DiagText(commented));
    INFO(Forward(commented));
    REQUIRE(commented.exit_code == cli::kExitOk);
    CHECK(Forward(commented) != "");
    CHECK(commented.canon_stats.round_trips == 0);
  }
}
