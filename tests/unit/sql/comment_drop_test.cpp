#include <catch2/catch.hpp>

#include "sql_test_util.h"

using schemac::sql::testing::Compile;

TEST_CASE("comment on: every object kind, IS NULL removes", "[sql][comment]") {
  auto c = Compile(R"(
    CREATE SCHEMA s;
    CREATE TABLE s.t (a int CONSTRAINT a_pos CHECK (a > 0));
    CREATE INDEX i ON s.t (a);
    CREATE SEQUENCE s.q;
    CREATE TYPE s.e AS ENUM ('x');
    COMMENT ON SCHEMA s IS 'schema';
    COMMENT ON TABLE s.t IS 'table';
    COMMENT ON COLUMN s.t.a IS 'column';
    COMMENT ON CONSTRAINT a_pos ON s.t IS 'constraint';
    COMMENT ON INDEX s.i IS 'index';
    COMMENT ON SEQUENCE s.q IS 'sequence';
    COMMENT ON TYPE s.e IS 'type';
    COMMENT ON EXTENSION plpgsql IS 'ignored';
    COMMENT ON SEQUENCE s.q IS NULL;
    COMMENT ON TYPE s.e IS '';)");
  REQUIRE(c.AllMessages() == "");
  const auto& t = c.Table("s", "t");
  CHECK(c.db.schemas.at("s").comment == "schema");
  CHECK(t.comment == "table");
  CHECK(t.columns[0].comment == "column");
  CHECK(t.constraints.at("a_pos").comment == "constraint");
  CHECK(t.indexes.at("i").comment == "index");
  CHECK(!c.db.sequences.at({"s", "q"}).comment);
  CHECK(!c.db.enums.at({"s", "e"}).comment);
}

TEST_CASE("comment on: missing objects are errors", "[sql][comment]") {
  auto c = Compile(R"(CREATE TABLE t (a int);
COMMENT ON TABLE nope IS 'x';
COMMENT ON COLUMN t.b IS 'x';
COMMENT ON CONSTRAINT c ON t IS 'x';
COMMENT ON EXTENSION hstore IS 'x';)");
  CHECK(c.AllMessages() ==
        "test.sql:2:1: error: table \"nope\" does not exist [compile.undefined]\n"
        "test.sql:3:1: error: table \"public.t\": column \"b\" does not exist [compile.undefined]\n"
        "test.sql:4:1: error: table \"public.t\": constraint \"c\" does not exist [compile.undefined]\n"
        "test.sql:5:1: error: extension \"hstore\" does not exist [compile.undefined]\n");
}

TEST_CASE("drop: removes what earlier statements defined", "[sql][drop]") {
  auto c = Compile(R"(
    DROP TABLE IF EXISTS t;
    CREATE TABLE t (id serial, a int);
    CREATE INDEX i ON t (a);
    CREATE TABLE gone (a int);
    CREATE SEQUENCE s;
    CREATE TYPE e AS ENUM ('x');
    CREATE SCHEMA other;
    CREATE TABLE other.x (a int);
    DROP INDEX i;
    DROP TABLE gone;
    DROP SEQUENCE IF EXISTS s, nothing;
    DROP TYPE e;
    DROP SCHEMA other CASCADE;
    DROP INDEX IF EXISTS i;)");
  REQUIRE(c.AllMessages() == "");
  CHECK(schemac::ir::DebugPrint(c.db) ==
        "schema public comment=\"standard public schema\" owner=-\n"
        "sequence public.t_id_seq as pg_catalog.int4 increment 1 min 1 max 2147483647 start 1 cache 1 owned by "
        "public.t.id comment=- owner=-\n"
        "table public.t comment=- owner=-\n"
        "  column id pg_catalog.int4 not null default nextval('public.t_id_seq'::regclass) comment=-\n"
        "  column a pg_catalog.int4 comment=-\n");

  auto dropped = Compile("CREATE TABLE t (id serial); DROP TABLE t;");
  REQUIRE(dropped.AllMessages() == "");
  CHECK(dropped.db.tables.empty());
  CHECK(dropped.db.sequences.empty());  // the owned sequence goes with its table
}

TEST_CASE("drop: errors", "[sql][drop]") {
  auto c = Compile(R"(DROP TABLE nope;
CREATE SCHEMA s;
CREATE TABLE s.t (a int);
DROP SCHEMA s;
DROP VIEW v;)");
  CHECK(c.AllMessages() ==
        "test.sql:1:1: error: table \"nope\" does not exist [compile.undefined]\n"
        "test.sql:4:1: error: cannot drop schema \"s\" because other objects depend on it (use CASCADE) "
        "[compile.invalid]\n"
        "test.sql:5:1: error: view \"v\" does not exist [compile.undefined]\n");
}
