// The catalog front end on views and materialized views: query text (pg_get_viewdef under
// search_path = ''), options, comments, output columns, dependencies from pg_depend on the
// _RETURN rule, and indexes of materialized views.
#include <catch2/catch.hpp>

#include "compiler/catalog/introspect.h"
#include "compiler/ir/schema.h"
#include "tests/support/pg_fixture.h"

using namespace schemac;

TEST_CASE("catalog: views and materialized views", "[catalog][views]") {
  testing::ScratchDatabase db("catalog_views");
  testing::RunSql(db.Conninfo(), R"sql(
CREATE SCHEMA app;
CREATE TABLE app.t (id int, name text, note text);
CREATE FUNCTION app.up(text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT upper($1)';
CREATE VIEW app.v (ident) WITH (security_barrier) AS SELECT id, app.up(name) AS big FROM app.t WITH CHECK OPTION;
COMMENT ON VIEW app.v IS 'v';
COMMENT ON COLUMN app.v.big IS 'upper name';
CREATE MATERIALIZED VIEW app.m AS SELECT ident FROM app.v WITH NO DATA;
CREATE INDEX m_ident ON app.m (ident DESC);
COMMENT ON INDEX app.m_ident IS 'i';
)sql");
  ir::Diagnostics diags;
  catalog::IntrospectOptions options;
  options.include_schemas = {"app"};
  ir::Database got = catalog::Introspect(db.Conninfo(), options, diags);
  std::string messages;
  for (const ir::Diagnostic& d : diags.items()) messages += ir::FormatDiagnostic(d, nullptr) + "\n";
  // The function is another kind's business (it may be reported as unsupported); views are not.
  CHECK(messages.find("view") == std::string::npos);
  REQUIRE(got.views.size() == 2);
  const ir::View& v = got.views.at({"app", "v"});
  CHECK_FALSE(v.materialized);
  CHECK(v.query == " SELECT t.id AS ident,\n    app.up(t.name) AS big\n   FROM app.t;");
  CHECK(v.column_names.empty());
  CHECK(v.options == std::vector<ir::StorageParam>{{"security_barrier", "true"}, {"check_option", "cascaded"}});
  CHECK(v.comment == "v");
  CHECK(v.column_comments == std::map<std::string, std::string>{{"big", "upper name"}});
  REQUIRE(v.output.columns.size() == 2);
  CHECK(v.output.columns[0].name == "ident");
  CHECK(v.output.columns[0].type->name == "int4");
  CHECK(v.output.columns[1].type->name == "text");
  CHECK(v.deps.keys ==
        std::vector<std::string>{"col:app.t.id", "col:app.t.name", "func:app.up", "rel:app.t"});
  const ir::View& m = got.views.at({"app", "m"});
  CHECK(m.materialized);
  CHECK_FALSE(m.with_data);
  CHECK(m.deps.keys == std::vector<std::string>{"col:app.v.ident", "rel:app.v"});
  REQUIRE(m.indexes.count("m_ident") == 1);
  const ir::Index& ix = m.indexes.at("m_ident");
  CHECK(ix.comment == "i");
  REQUIRE(ix.elements.size() == 1);
  CHECK(ix.elements[0].column == "ident");
  CHECK(ix.elements[0].descending);
}
