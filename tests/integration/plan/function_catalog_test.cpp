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
