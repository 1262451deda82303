// Foreign-data wrappers, servers, user mappings and foreign tables against PostgreSQL: the
// catalog front end reads what the SQL front end builds, changes plan both ways and apply, and a
// user mapping's password is never read, printed or dropped.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "compiler/canon/server_canonicalize.h"
#include "compiler/catalog/introspect.h"
#include "compiler/sql/compile.h"
#include "tests/integration/plan/plan_test_util.h"

using namespace schemac;
using namespace schemac::plantest;

namespace {

const char* const kForeign = R"sql(
CREATE EXTENSION postgres_fdw;
CREATE FOREIGN DATA WRAPPER plain OPTIONS (debug 'true');
COMMENT ON FOREIGN DATA WRAPPER plain IS 'no handler';
CREATE SERVER films FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'localhost', dbname 'films');
CREATE SERVER archive TYPE 'csv' VERSION '1.0' FOREIGN DATA WRAPPER plain;
COMMENT ON SERVER archive IS 'old rows';
CREATE USER MAPPING FOR PUBLIC SERVER films OPTIONS (user 'reader');
CREATE SCHEMA app;
CREATE TYPE app.rating AS ENUM ('g', 'pg');
CREATE FOREIGN TABLE app.film (
  code char(5) OPTIONS (column_name 'film_code') NOT NULL,
  title varchar(40) DEFAULT 'untitled',
  rating app.rating,
  CONSTRAINT code_set CHECK (code <> '')
) SERVER films OPTIONS (table_name 'films');
COMMENT ON FOREIGN TABLE app.film IS 'remote films';
COMMENT ON COLUMN app.film.title IS 'the title';
CREATE FOREIGN TABLE app.old_film (code char(5)) SERVER archive;
CREATE FOREIGN TABLE app.older_film (code char(5)) SERVER archive OPTIONS (file 'older.csv');
CREATE VIEW app.titles AS SELECT code, title FROM app.film;
GRANT SELECT ON app.film TO PUBLIC;
GRANT USAGE ON FOREIGN SERVER films TO PUBLIC;
GRANT USAGE ON FOREIGN DATA WRAPPER plain TO PUBLIC;
)sql";

std::string Replaced(std::string text, const std::vector<std::pair<std::string, std::string>>& edits) {
  for (const auto& [from, to] : edits) {
    std::size_t at = text.find(from);
    if (at == std::string::npos) throw std::runtime_error("not found: " + from);
    text.replace(at, from.size(), to);
  }
  return text;
}

// What this feature adds to a state: wrappers, servers, mappings, and each foreign table's server,
// options and columns (names, types, NOT NULL, options, comments). Expressions are compared by the
// plans below (the catalog's text is canonicalized against the server at planning time).
ir::Database ForeignParts(const ir::Database& db) {
  ir::Database out;
  out.foreign_data_wrappers = db.foreign_data_wrappers;
  out.foreign_servers = db.foreign_servers;
  out.user_mappings = db.user_mappings;
  for (const auto& [target, grants] : db.privileges) {
    if (target.kind == 'S' || target.kind == 'W') out.privileges[target] = grants;
  }
  for (const auto& [name, t] : db.tables) {
    if (!t.foreign) continue;
    ir::Table copy{.name = name, .foreign = t.foreign, .comment = t.comment};
    for (const ir::Column& c : t.columns) {
      copy.columns.push_back(ir::Column{.name = c.name, .type = c.type, .not_null = c.not_null,
                                        .fdw_options = c.fdw_options, .comment = c.comment});
    }
    out.tables[name] = std::move(copy);
  }
  ir::ClearOwners(out);
  return out;
}

ir::Database FromCatalog(const std::string& conninfo) {
  ir::Diagnostics diags;
  ir::Database db = catalog::Introspect(conninfo, {}, diags);
  canon::NormalizeCatalogExpressions(db, diags);
  for (const ir::Diagnostic& d : diags.items()) UNSCOPED_INFO(d.message);
  REQUIRE_FALSE(diags.HasErrors());
  return db;
}

}  // namespace

TEST_CASE("foreign: the catalog front end reads what the SQL front end builds", "[plan][foreign]") {
  testing::ScratchDatabase scratch("foreign_cat");
  testing::RunSql(scratch.Conninfo(), kForeign);
  ir::Database from_catalog = FromCatalog(scratch.Conninfo());
  ir::Diagnostics diags;
  ir::SourceManager sources;
  ir::Database from_files = sql::CompileText("schema.sql", kForeign, {}, sources, diags);
  REQUIRE_FALSE(diags.HasErrors());
  CHECK(ir::DebugPrint(ForeignParts(from_catalog)) == ir::DebugPrint(ForeignParts(from_files)));
  CHECK(from_catalog.tables.at({"app", "film"}).constraints.count("code_set") == 1);
  CHECK(from_catalog.privileges.count(ir::PrivilegeTarget{'S', "", "films", ""}) == 1);
  CHECK(from_catalog.foreign_data_wrappers.count("postgres_fdw") == 0);  // the extension's
  CHECK(from_catalog.foreign_servers.at("films").wrapper == "postgres_fdw");
  CHECK(from_catalog.tables.at({"app", "film"}).foreign->options == ir::FdwOptions{{"table_name", "films"}});

  TempDir dir("foreign_files");
  WriteFile(dir.File("schema.sql"), kForeign);
  cli::PlanOutcome same = cli::PlanStates(PlanOptions({scratch.Conninfo()}, {dir.path()}));
  INFO(DiagText(same));
  REQUIRE(same.exit_code == cli::kExitOk);
  CHECK(Forward(same) == "");
}

TEST_CASE("foreign: a user mapping's password is never read, printed nor dropped", "[plan][foreign]") {
  testing::ScratchDatabase live("foreign_secret");
  testing::RunSql(live.Conninfo(), kForeign);
  testing::RunSql(live.Conninfo(), "ALTER USER MAPPING FOR PUBLIC SERVER films OPTIONS (ADD password 'hunter2')");
  ir::Database db = FromCatalog(live.Conninfo());
  CHECK(db.user_mappings.at({"films", ""}).options == ir::FdwOptions{{"user", "reader"}});
  CHECK(ir::DebugPrint(db).find("hunter2") == std::string::npos);

  TempDir dir("foreign_secret");
  WriteFile(dir.File("schema.sql"),
            Replaced(kForeign, {{"OPTIONS (user 'reader')", "OPTIONS (user 'writer', password 'in files')"}}));
  cli::PlanOutcome forward = cli::PlanStates(PlanOptions({live.Conninfo()}, {dir.path()}));
  INFO(DiagText(forward));
  REQUIRE(forward.exit_code == cli::kExitOk);
  const std::string sql = Forward(forward) + emit::RenderSql(forward.plans.rollback);
  CHECK(sql.find("hunter2") == std::string::npos);
  CHECK(sql.find("in files") == std::string::npos);
  CHECK(Forward(forward).find("ALTER USER MAPPING FOR PUBLIC SERVER films OPTIONS (SET \"user\" 'writer');") !=
        std::string::npos);
  testing::RunSqlScriptWithPsql(live.Conninfo(), Forward(forward));
  CHECK(Query(live.Conninfo(), "SELECT array_to_string(umoptions, ',') FROM pg_user_mappings") ==
        "user=writer,password=hunter2\n");
  cli::PlanOutcome again = cli::PlanStates(PlanOptions({live.Conninfo()}, {dir.path()}));
  INFO(DiagText(again));
  CHECK(Forward(again) == "");
}

TEST_CASE("foreign: changes to wrappers, servers, mappings and foreign tables round-trip", "[plan][foreign]") {
  testing::ScratchDatabase live("foreign_live");
  testing::RunSql(live.Conninfo(), kForeign);
  const std::string b = Replaced(
      kForeign,
      {{"CREATE FOREIGN DATA WRAPPER plain OPTIONS (debug 'true');", "CREATE FOREIGN DATA WRAPPER plain;"},
       {"OPTIONS (host 'localhost', dbname 'films')", "OPTIONS (host 'films.example', dbname 'films', port '5433')"},
       {"CREATE SERVER archive TYPE 'csv' VERSION '1.0'", "CREATE SERVER archive TYPE 'tsv' VERSION '2.0'"},
       {"COMMENT ON SERVER archive IS 'old rows';", "CREATE USER MAPPING FOR PUBLIC SERVER archive;"},
       {"code char(5) OPTIONS (column_name 'film_code') NOT NULL",
        "code char(5) OPTIONS (column_name 'code2') NOT NULL"},
       {"title varchar(40) DEFAULT 'untitled',\n  rating app.rating,",
        "title varchar(80),\n  year int OPTIONS (column_name 'yr') NOT NULL,"},
       {"SERVER films OPTIONS (table_name 'films');", "SERVER films OPTIONS (table_name 'films', schema_name 'x');"},
       {"CREATE FOREIGN TABLE app.old_film (code char(5)) SERVER archive;",
        "CREATE FOREIGN TABLE app.old_film (code char(5)) SERVER films;"},
       {"GRANT USAGE ON FOREIGN SERVER films TO PUBLIC;", "GRANT USAGE ON FOREIGN SERVER archive TO PUBLIC;"},
       {"GRANT USAGE ON FOREIGN DATA WRAPPER plain TO PUBLIC;", ""}});
  TempDir bdir("foreign_b");
  WriteFile(bdir.File("schema.sql"), b);
  TempDir adir("foreign_a");
  WriteFile(adir.File("schema.sql"), kForeign);

  cli::PlanOutcome forward = cli::PlanStates(PlanOptions({live.Conninfo()}, {bdir.path()}));
  INFO(DiagText(forward));
  REQUIRE(forward.exit_code == cli::kExitOk);
  const std::string sql = Forward(forward);
  INFO(sql);
  CHECK(sql.find("ALTER SERVER films OPTIONS (SET host 'films.example', ADD port '5433');") != std::string::npos);
  CHECK(sql.find("DROP SERVER archive;") != std::string::npos);  // its type changes
  CHECK(sql.find("DROP FOREIGN TABLE app.older_film;") != std::string::npos);  // with its server
  CHECK(sql.find("ALTER FOREIGN TABLE app.film ALTER COLUMN code OPTIONS (SET column_name 'code2');") !=
        std::string::npos);
  CHECK(sql.find("ALTER FOREIGN TABLE app.film OPTIONS (ADD schema_name 'x');") != std::string::npos);
  CHECK(sql.find("ALTER FOREIGN DATA WRAPPER plain OPTIONS (DROP debug);") != std::string::npos);
  CHECK(sql.find("WARNING: data loss") == std::string::npos);  // foreign tables hold no rows
  CHECK(sql.find("REVOKE USAGE ON FOREIGN SERVER films FROM PUBLIC;") != std::string::npos);
  CHECK(sql.find("GRANT USAGE ON FOREIGN SERVER archive TO PUBLIC;") != std::string::npos);
  CHECK(sql.find("REVOKE USAGE ON FOREIGN DATA WRAPPER plain FROM PUBLIC;") != std::string::npos);
  testing::RunSqlScriptWithPsql(live.Conninfo(), sql);
  cli::PlanOutcome again = cli::PlanStates(PlanOptions({live.Conninfo()}, {bdir.path()}));
  INFO(DiagText(again));
  CHECK(Forward(again) == "");

  testing::RunSqlScriptWithPsql(live.Conninfo(), emit::RenderSql(forward.plans.rollback));
  cli::PlanOutcome back = cli::PlanStates(PlanOptions({live.Conninfo()}, {adir.path()}));
  INFO(DiagText(back));
  CHECK(Forward(back) == "");
}

TEST_CASE("foreign: a narrowed scope leaves wrappers, servers and mappings alone", "[plan][foreign]") {
  testing::ScratchDatabase live("foreign_scope");
  testing::RunSql(live.Conninfo(), kForeign);
  TempDir dir("foreign_scope");
  WriteFile(dir.File("schema.sql"), "CREATE SCHEMA other;\n");
  cli::DiffOptions options = PlanOptions({live.Conninfo()}, {dir.path()});
  options.include_schemas = {"other"};
  cli::PlanOutcome out = cli::PlanStates(options);
  INFO(DiagText(out));
  REQUIRE(out.exit_code == cli::kExitOk);
  CHECK(Forward(out) == "BEGIN;\n-- create_schema other\nCREATE SCHEMA other;\nCOMMIT;\n");
}
