#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/sql/canonicalize.h"
#include "sql_test_util.h"

using schemac::sql::testing::Compile;
using schemac::sql::testing::CompileFiles;

namespace {

std::string FixturePath(const std::string& name) {
  return (std::filesystem::path(__FILE__).parent_path() / "fixtures" / name).string();
}

}  // namespace

// fixtures/pg_dump_schema_only.sql is the verbatim output of PostgreSQL 15's
// `pg_dump --schema-only` for a database built from fixtures/pg_dump_source.sql. Because every
// name and default in the dump is what PostgreSQL chose, compiling both must give the same IR.
TEST_CASE("pg_dump --schema-only output compiles to the same IR as its source", "[sql][pg_dump]") {
  auto dump = CompileFiles({FixturePath("pg_dump_schema_only.sql")});
  REQUIRE(dump.AllMessages() == "");
  auto source = CompileFiles({FixturePath("pg_dump_source.sql")});
  REQUIRE(source.AllMessages() == "");

  CHECK(dump.db.schemas.at("app").owner == "root");
  CHECK(dump.db.tables.at({"app", "orders"}).owner == "root");
  CHECK(dump.db.sequences.at({"app", "countdown"}).owner == "root");  // ALTER TABLE <sequence> OWNER TO
  CHECK(dump.db.enums.at({"app", "mood"}).owner == "root");
  schemac::ir::ClearOwners(dump.db);
  CHECK(schemac::ir::DebugPrint(dump.db) == schemac::ir::DebugPrint(source.db));
  CHECK(dump.db == source.db);

  const auto& orders = dump.db.tables.at({"app", "orders"});
  CHECK(orders.columns[0].identity->sequence_name == "orders_id_seq");
  CHECK(orders.columns[4].generated->text == "total * 0.8");
  CHECK(orders.constraints.at("orders_total_check").check->text == "total > 0::numeric");
  CHECK(orders.indexes.at("orders_lower_idx").elements[0].expression->text == "lower(note::text)");
  const auto& customers = dump.db.tables.at({"app", "customers"});
  CHECK(customers.constraints.count("customers_email_name_key") == 1);
  CHECK(customers.columns[3].default_expr->text == "'ok'::app.mood");
}

TEST_CASE("pg_dump: data statements are warnings, not schema", "[sql][pg_dump]") {
  auto c = Compile(R"(SELECT pg_catalog.set_config('search_path', '', false);
CREATE TABLE public.t (a integer);
COPY public.t (a) FROM stdin;
SELECT pg_catalog.setval('public.s', 1, false);
UPDATE public.t SET a = 1;
DELETE FROM public.t;
CREATE EXTENSION IF NOT EXISTS plpgsql WITH SCHEMA pg_catalog;
COMMENT ON EXTENSION plpgsql IS 'PL/pgSQL procedural language';)");
  CHECK(c.AllMessages() ==
        "test.sql:3:1: warning: data statement ignored: only the schema is compiled [compile.ignored-data]\n"
        "test.sql:4:1: warning: SELECT statement ignored: only the schema is compiled [compile.ignored-data]\n"
        "test.sql:5:1: warning: data statement ignored: only the schema is compiled [compile.ignored-data]\n"
        "test.sql:6:1: warning: data statement ignored: only the schema is compiled [compile.ignored-data]\n");
  CHECK(c.db.tables.size() == 1);
}

// fixtures/pg_dump_names_dump.sql: PostgreSQL 15's dump of fixtures/pg_dump_names_source.sql,
// which exercises default names (numeric suffixes, 63-byte truncation, expression index names,
// quoted names). Every name must match; only the casts PostgreSQL adds to defaults differ, and
// those are exactly the ones the offline canonicalizer reports as undecided.
TEST_CASE("pg_dump: default names match PostgreSQL's choices", "[sql][pg_dump][names]") {
  auto dump = CompileFiles({FixturePath("pg_dump_names_dump.sql")});
  REQUIRE(dump.AllMessages() == "");
  auto source = CompileFiles({FixturePath("pg_dump_names_source.sql")});
  REQUIRE(source.AllMessages() == "");
  schemac::ir::ClearOwners(dump.db);

  schemac::ir::Diagnostics diags;
  schemac::sql::CanonicalizeOfflinePair(dump.db, source.db, diags);
  std::vector<std::string> got;
  for (const auto& d : diags.items()) got.push_back(d.message);
  CHECK(got == std::vector<std::string>{
                   "table \"n.\"Mixed Case\"\": column \"v\": default 'ab'::varchar versus 'ab' may be the same "
                   "once PostgreSQL stores it; use a database to decide",
                   "table \"n.arr\": column \"a\": default '{}'::int[] versus '{}' may be the same once PostgreSQL "
                   "stores it; use a database to decide",
                   "table \"n.arr\": column \"b\": default ARRAY['x'::text] versus ARRAY['x'] may be the same once "
                   "PostgreSQL stores it; use a database to decide",
                   "table \"n.seqs\": column \"b\": default '-1'::int versus -1 may be the same once PostgreSQL "
                   "stores it; use a database to decide"});
  // With those four defaults taken from the source, the two states are identical.
  auto& dt = dump.db.tables;
  const auto& st = source.db.tables;
  dt.at({"n", "Mixed Case"}).columns[2].default_expr = st.at({"n", "Mixed Case"}).columns[2].default_expr;
  dt.at({"n", "arr"}).columns[0].default_expr = st.at({"n", "arr"}).columns[0].default_expr;
  dt.at({"n", "arr"}).columns[1].default_expr = st.at({"n", "arr"}).columns[1].default_expr;
  dt.at({"n", "seqs"}).columns[1].default_expr = st.at({"n", "seqs"}).columns[1].default_expr;
  CHECK(schemac::ir::DebugPrint(dump.db) == schemac::ir::DebugPrint(source.db));
  CHECK(dump.db == source.db);
}
