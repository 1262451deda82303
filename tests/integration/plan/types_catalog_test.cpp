// Range types, collations and composite types changed by ALTER TYPE read back from PostgreSQL
// equal what the SQL front end builds from the same statements (ir::DebugPrint of those kinds
// and of the domains and tables using them).
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
  only.range_types = std::move(db.range_types);
  only.collations = std::move(db.collations);
  only.tables = std::move(db.tables);
  for (auto& [n, d] : only.domains) d.owner.reset();
  for (auto& [n, t] : only.composite_types) t.owner.reset();
  for (auto& [n, r] : only.range_types) r.owner.reset();
  for (auto& [n, c] : only.collations) c.owner.reset();
  for (auto& [n, t] : only.tables) t.owner.reset();
  return ir::DebugPrint(only);
}

void ExpectBothFrontEndsAgree(const std::string& sql) {
  testing::ScratchDatabase scratch("typecat");
  testing::RunSql(scratch.Conninfo(), sql);
  ir::Diagnostics cat_diags;
  ir::Database from_catalog = catalog::Introspect(scratch.Conninfo(), {}, cat_diags);
  canon::NormalizeCatalogExpressions(from_catalog, cat_diags);
  INFO(Messages(cat_diags, nullptr));
  REQUIRE_FALSE(cat_diags.HasErrors());
  ir::SourceManager sources;
  ir::Diagnostics sql_diags;
  ir::Database from_sql = sql::CompileText("t.sql", sql, {}, sources, sql_diags);
  INFO(Messages(sql_diags, &sources));
  REQUIRE_FALSE(sql_diags.HasErrors());
  CHECK(Types(from_catalog) == Types(from_sql));
}

}  // namespace

TEST_CASE("range types: catalog and SQL front ends agree", "[catalog][range]") {
  ExpectBothFrontEndsAgree(R"sql(
CREATE SCHEMA app;
CREATE FUNCTION app.time_diff(x time, y time) RETURNS float8 LANGUAGE sql IMMUTABLE STRICT
  AS 'SELECT EXTRACT(EPOCH FROM (x - y))::float8';
CREATE TYPE app.timerange AS RANGE (subtype = time, subtype_diff = app.time_diff);
CREATE TYPE floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);
CREATE TYPE textrange AS RANGE (subtype = text, collation = "C", multirange_type_name = app.texts);
CREATE TYPE patrange AS RANGE (subtype = text, subtype_opclass = text_pattern_ops);
CREATE TYPE plainrange AS RANGE (subtype = text, subtype_opclass = text_ops, collation = "default");
CREATE DOMAIN posint AS int CHECK (VALUE > 0);
CREATE TYPE posrange AS RANGE (subtype = posint);
COMMENT ON TYPE floatrange IS 'floats';
CREATE TABLE app.t (id int, a app.timerange, b floatmultirange, c textrange[], d app.texts, e posrange);
)sql");
}

TEST_CASE("collations: catalog and SQL front ends agree", "[catalog][collation]") {
  ExpectBothFrontEndsAgree(R"sql(
CREATE SCHEMA app;
CREATE COLLATION app.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE COLLATION german (provider = icu, locale = 'de');
CREATE COLLATION plain (locale = 'C');
CREATE COLLATION mixed (lc_collate = 'C', lc_ctype = 'POSIX');
CREATE COLLATION copy_ci FROM app.ci;
CREATE COLLATION und FROM "und-x-icu";
COMMENT ON COLLATION german IS 'Deutsch';
CREATE DOMAIN app.name_ci AS text COLLATE app.ci;
CREATE TYPE app.pair AS (a text COLLATE german, b text COLLATE "C");
CREATE TYPE app.cirange AS RANGE (subtype = text, collation = app.ci);
CREATE TABLE app.people (id int, name text COLLATE app.ci, code varchar(5) COLLATE public.plain);
CREATE INDEX people_name ON app.people (name COLLATE public.german);
)sql");
}

TEST_CASE("composite types changed by ALTER TYPE: catalog and SQL front ends agree", "[catalog][composite]") {
  ExpectBothFrontEndsAgree(R"sql(
CREATE TYPE item AS (name text, qty int, old text);
COMMENT ON COLUMN item.qty IS 'how many';
ALTER TYPE item ADD ATTRIBUTE price numeric(8,2), DROP ATTRIBUTE old;
ALTER TYPE item ALTER ATTRIBUTE qty TYPE bigint, ALTER ATTRIBUTE name SET DATA TYPE varchar(20) COLLATE "C";
ALTER TYPE item RENAME ATTRIBUTE qty TO quantity;
CREATE TABLE orders (id int, items item[]);
)sql");
}

// The control file's comment is the extension's default: a database holding it reads as
// unwritten, one holding none or another as that; and the plans against files follow.
TEST_CASE("extension comments: the control file's is the default", "[catalog][extension]") {
  testing::ScratchDatabase scratch("extcomment");
  testing::RunSql(scratch.Conninfo(), "CREATE EXTENSION pgcrypto; CREATE EXTENSION citext;"
                                      "COMMENT ON EXTENSION citext IS NULL;");
  ir::Diagnostics diags;
  ir::Database db = catalog::Introspect(scratch.Conninfo(), {}, diags);
  REQUIRE_FALSE(diags.HasErrors());
  const ir::Extension& pgcrypto = db.extensions.at("pgcrypto");
  CHECK_FALSE(pgcrypto.comment.has_value());
  CHECK(pgcrypto.control_comment.text == "cryptographic functions");
  CHECK(db.extensions.at("citext").comment == "");

  ir::Extension files;  // as the SQL front end gives it
  files.name = "pgcrypto";
  // Unwritten: nothing to do, either way.
  CHECK_FALSE(ir::ExtensionCommentChanges(pgcrypto, files));
  CHECK_FALSE(ir::ExtensionCommentChanges(files, pgcrypto));
  // Written as pg_dump writes it: nothing either; the rollback of another one restores it.
  files.comment = "cryptographic functions";
  CHECK_FALSE(ir::ExtensionCommentChanges(pgcrypto, files));
  CHECK_FALSE(ir::ExtensionCommentChanges(files, pgcrypto));
  files.comment = "hashes";
  CHECK(ir::ExtensionCommentChanges(pgcrypto, files));
  CHECK(ir::ExtensionCommentChanges(files, pgcrypto));
  CHECK(ir::StoredComment(pgcrypto) == "cryptographic functions");
  // IS NULL in the files removes it.
  files.comment = "";
  CHECK(ir::ExtensionCommentChanges(pgcrypto, files));
}
