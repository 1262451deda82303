// Domains and composite types read back from PostgreSQL equal what the SQL front end builds from
// the same statements (ir::DebugPrint of both kinds and of the tables using them).
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

std::string Types(ir::Database db) {
  ir::Database only;
  only.domains = std::move(db.domains);
  only.composite_types = std::move(db.composite_types);
  only.tables = std::move(db.tables);
  for (auto& [n, d] : only.domains) d.owner.reset();
  for (auto& [n, t] : only.composite_types) t.owner.reset();
  for (auto& [n, t] : only.tables) t.owner.reset();
  return ir::DebugPrint(only);
}

void ExpectBothFrontEndsAgree(const std::string& sql) {
  testing::ScratchDatabase scratch("domcat");
  testing::RunSql(scratch.Conninfo(), sql);
  ir::Diagnostics cat_diags;
  ir::Database from_catalog = catalog::Introspect(scratch.Conninfo(), {}, cat_diags);
  canon::NormalizeCatalogExpressions(from_catalog, cat_diags);
  INFO(Messages(cat_diags, nullptr));
  REQUIRE_FALSE(cat_diags.HasErrors());
  ir::SourceManager sources;
  ir::Diagnostics sql_diags;
  ir::Database from_sql = sql::CompileText("d.sql", sql, {}, sources, sql_diags);
  INFO(Messages(sql_diags, &sources));
  REQUIRE_FALSE(sql_diags.HasErrors());
  CHECK(Types(from_catalog) == Types(from_sql));
  CHECK_FALSE((from_sql.domains.empty() && from_sql.composite_types.empty()));
}

}  // namespace

TEST_CASE("domains: catalog and SQL front ends agree", "[catalog][domain]") {
  ExpectBothFrontEndsAgree(R"sql(
CREATE SCHEMA app;
CREATE TYPE app.mood AS ENUM ('sad', 'ok');
CREATE DOMAIN app.posint AS integer DEFAULT 1 NOT NULL CHECK (VALUE > 0) CHECK (VALUE < 1000);
COMMENT ON DOMAIN app.posint IS 'positive';
CREATE DOMAIN app.code AS text COLLATE "C" CONSTRAINT code_upper CHECK (length(VALUE) > 1);
CREATE DOMAIN app.short AS varchar(10) NOT NULL;
COMMENT ON CONSTRAINT code_upper ON DOMAIN app.code IS 'upper case';
CREATE DOMAIN app.happy AS app.mood CHECK (VALUE IS NOT NULL);
CREATE DOMAIN app.amount AS numeric(10,2);
ALTER DOMAIN app.amount ADD CONSTRAINT small CHECK (VALUE < 100.5) NOT VALID;
ALTER DOMAIN app.amount ADD CHECK (VALUE >= 0.0);
ALTER DOMAIN app.amount SET DEFAULT 0;
CREATE DOMAIN app.tags AS text[];
CREATE TABLE app.t (id int, q app.posint, c app.code, h app.happy[], a app.amount, g app.tags);
)sql");
}

TEST_CASE("composite types: catalog and SQL front ends agree", "[catalog][composite]") {
  ExpectBothFrontEndsAgree(R"sql(
CREATE DOMAIN posint AS int CHECK (VALUE > 0);
CREATE TYPE item AS (name text COLLATE "C", qty posint, price numeric(8,2), tags varchar(5)[]);
COMMENT ON TYPE item IS 'an item';
COMMENT ON COLUMN item.qty IS 'how many';
CREATE TYPE empty AS ();
CREATE TABLE orders (id int, items item[], main item);
)sql");
}
