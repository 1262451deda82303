// Functions and procedures read back from PostgreSQL equal what the SQL front end builds from
// the same statements (ir::DebugPrint of the functions). Lives with the plan tests because it
// needs both front ends and the catalog expression normalizer (catalog_tests link only the
// catalog library).
#include <string>

#include <catch2/catch.hpp>

#include "compiler/canon/server_canonicalize.h"
#include "compiler/catalog/introspect.h"
#include "compiler/ir/schema.h"
#include "compiler/sql/compile.h"
#include "tests/support/pg_fixture.h"

using namespace schemac;

namespace {

std::string Messages(const ir::Diagnostics& diags, const ir::SourceManager* sources) {
  std::string out;
  for (const ir::Diagnostic& d : diags.items()) out += ir::FormatDiagnostic(d, sources) + "\n";
  return out;
}

std::string Functions(ir::Database db, bool keep_owner) {
  ir::Database only;
  only.schemas.clear();
  only.functions = std::move(db.functions);
  if (!keep_owner) {
    for (auto& [key, f] : only.functions) f.owner.reset();
  }
  return ir::DebugPrint(only);
}

void ExpectBothFrontEndsAgree(const std::string& sql) {
  testing::ScratchDatabase scratch("fncat");
  testing::RunSql(scratch.Conninfo(), sql);
  ir::Diagnostics cat_diags;
  ir::Database from_catalog = catalog::Introspect(scratch.Conninfo(), {}, cat_diags);
  canon::NormalizeCatalogExpressions(from_catalog, cat_diags);
  INFO(Messages(cat_diags, nullptr));
  REQUIRE_FALSE(cat_diags.HasErrors());
  ir::SourceManager sources;
  ir::Diagnostics sql_diags;
  ir::Database from_sql = sql::CompileText("f.sql", sql, {}, sources, sql_diags);
  INFO(Messages(sql_diags, &sources));
  REQUIRE_FALSE(sql_diags.HasErrors());
  CHECK(Functions(from_catalog, false) == Functions(from_sql, false));
  CHECK_FALSE(from_sql.functions.empty());
}

}  // namespace

TEST_CASE("functions: catalog and SQL front ends agree", "[catalog][function]") {
  ExpectBothFrontEndsAgree(R"sql(
CREATE SCHEMA app;
CREATE TYPE app.mood AS ENUM ('sad', 'ok');
CREATE TABLE app.t (id int);
CREATE FUNCTION app.add(a integer, b integer DEFAULT 1) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT a + b $$;
CREATE FUNCTION app.add(a bigint, b bigint) RETURNS bigint LANGUAGE sql AS 'select a + b';
CREATE FUNCTION app.f(IN x varchar(10), INOUT y text DEFAULT 'q', OUT z numeric(5,2),
                      VARIADIC rest int[] DEFAULT NULL)
  RETURNS SETOF record LANGUAGE plpgsql STABLE SECURITY DEFINER LEAKPROOF
  COST 5 ROWS 20 SET search_path = app, public SET work_mem = '64MB'
  AS 'begin return; end';
COMMENT ON FUNCTION app.f(varchar, text, int[]) IS 'doc';
CREATE FUNCTION app.g(m app.mood, ms app.mood[]) RETURNS TABLE (a int, "B" text) LANGUAGE sql
  AS $$select 1, 'x'$$;
CREATE FUNCTION app.one(m app.mood) RETURNS TABLE (a int) LANGUAGE sql AS $$select 1$$;
CREATE FUNCTION app.rows() RETURNS SETOF app.t LANGUAGE sql AS $$select * from app.t$$;
CREATE FUNCTION public.trg() RETURNS trigger LANGUAGE plpgsql AS $fn$
begin
  raise notice $$it's $x$ here$$;
  return new;
end
$fn$;
CREATE PROCEDURE public.p(a int, INOUT b text DEFAULT NULL) LANGUAGE plpgsql SET work_mem TO 1024
  AS $$begin b := 'x'; end$$;
COMMENT ON PROCEDURE public.p(int, text) IS 'proc';
CREATE FUNCTION public.outs(OUT a int, OUT b date) LANGUAGE sql AS 'select 1, current_date';
)sql");
}

TEST_CASE("functions: SQL-standard bodies and aggregates agree in both front ends", "[catalog][function]") {
  // Bodies written as PostgreSQL prints them: then the texts agree without a scratch database.
  ExpectBothFrontEndsAgree(R"sql(
CREATE SCHEMA app;
CREATE TABLE app.t (id int, c int, d text);
CREATE FUNCTION app.inc(a integer) RETURNS integer LANGUAGE sql IMMUTABLE RETURN a + 1;
CREATE FUNCTION app.twice(integer) RETURNS integer LANGUAGE sql RETURN $1 * 2;
CREATE FUNCTION app.total(a integer) RETURNS bigint LANGUAGE sql STABLE
  BEGIN ATOMIC SELECT sum(t.c) AS sum FROM app.t WHERE t.id = total.a; END;
CREATE PROCEDURE app.put(x integer, y text) BEGIN ATOMIC
  INSERT INTO app.t (id, d) VALUES (put.x, put.y);
  UPDATE app.t SET c = app.inc(put.x) WHERE t.id = put.x;
END;
CREATE FUNCTION app.nothing() RETURNS void LANGUAGE sql BEGIN ATOMIC END;
CREATE FUNCTION app.step(s integer, v integer) RETURNS integer LANGUAGE sql RETURN s + v;
CREATE AGGREGATE app.mysum(integer) (sfunc = int4pl, stype = int4, initcond = 0, parallel = safe);
CREATE AGGREGATE app.cnt(*) (sfunc = int8inc, stype = int8, initcond = '0');
CREATE AGGREGATE app.pct(float8 ORDER BY float8) (sfunc = ordered_set_transition, stype = internal,
  finalfunc = percentile_disc_final, finalfunc_extra);
CREATE AGGREGATE app.rk(VARIADIC "any" ORDER BY VARIADIC "any") (sfunc = ordered_set_transition_multi,
  stype = internal, finalfunc = rank_final, finalfunc_extra, hypothetical);
CREATE AGGREGATE app.myavg(x float8) (sfunc = float8_accum, stype = float8[], finalfunc = float8_avg,
  combinefunc = float8_combine, initcond = '{0,0,0}', msfunc = float8_accum, minvfunc = float8_accum,
  mstype = float8[], minitcond = '{0,0,0}', mfinalfunc = float8_avg, sortop = >, sspace = 24,
  finalfunc_modify = shareable, mfinalfunc_modify = read_write);
CREATE AGGREGATE app.old (basetype = int4, sfunc = app.step, stype = int4);
COMMENT ON AGGREGATE app.cnt(*) IS 'count';
)sql");
}

TEST_CASE("functions: dependencies of SQL-standard bodies and aggregates come from pg_depend", "[catalog][function]") {
  testing::ScratchDatabase scratch("fndeps");
  testing::RunSql(scratch.Conninfo(), R"sql(
CREATE TABLE t (id int, c int, d text);
CREATE FUNCTION inc(a integer) RETURNS integer LANGUAGE sql RETURN a + 1;
CREATE FUNCTION total(a integer) RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT sum(c) FROM t WHERE id = inc(a); END;
CREATE FUNCTION step(s integer, v integer) RETURNS integer LANGUAGE sql RETURN s + v;
CREATE AGGREGATE agg(integer) (sfunc = step, stype = integer);
)sql");
  ir::Diagnostics diags;
  ir::Database db = catalog::Introspect(scratch.Conninfo(), {}, diags);
  INFO(Messages(diags, nullptr));
  REQUIRE_FALSE(diags.HasErrors());
  CHECK(db.functions.at({"public", "total(int4)"}).deps.keys ==
        std::vector<std::string>{"col:public.t.c", "col:public.t.id", "func:public.inc", "rel:public.t"});
  CHECK(db.functions.at({"public", "agg(int4)"}).deps.keys == std::vector<std::string>{"func:public.step"});
}
