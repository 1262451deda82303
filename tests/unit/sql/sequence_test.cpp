#include <catch2/catch.hpp>

#include "sql_test_util.h"

using schemac::sql::testing::Compile;

TEST_CASE("create sequence: PostgreSQL's defaults are filled in", "[sql][sequence]") {
  auto c = Compile(R"(
    CREATE SEQUENCE up;
    CREATE SEQUENCE down INCREMENT BY -1;
    CREATE SEQUENCE small AS smallint;
    CREATE SEQUENCE down_int AS integer INCREMENT -5 CACHE 20 CYCLE;
    CREATE SEQUENCE all_opts AS int INCREMENT BY 5 MINVALUE 100 MAXVALUE 100000 START WITH 200 CACHE 10 NO CYCLE;
    CREATE SEQUENCE nos NO MINVALUE NO MAXVALUE;)");
  REQUIRE(c.AllMessages() == "");
  CHECK(schemac::ir::DebugPrint(c.db) ==
        "schema public comment=\"standard public schema\" owner=-\n"
        "sequence public.all_opts as pg_catalog.int4 increment 5 min 100 max 100000 start 200 cache 10 comment=- "
        "owner=-\n"
        "sequence public.down as pg_catalog.int8 increment -1 min -9223372036854775808 max -1 start -1 cache 1 "
        "comment=- owner=-\n"
        "sequence public.down_int as pg_catalog.int4 increment -5 min -2147483648 max -1 start -1 cache 20 cycle "
        "comment=- owner=-\n"
        "sequence public.nos as pg_catalog.int8 increment 1 min 1 max 9223372036854775807 start 1 cache 1 comment=- "
        "owner=-\n"
        "sequence public.small as pg_catalog.int2 increment 1 min 1 max 32767 start 1 cache 1 comment=- owner=-\n"
        "sequence public.up as pg_catalog.int8 increment 1 min 1 max 9223372036854775807 start 1 cache 1 comment=- "
        "owner=-\n");
}

TEST_CASE("alter sequence: options, type change and OWNED BY", "[sql][sequence][alter]") {
  auto c = Compile(R"(
    CREATE SEQUENCE s;
    ALTER SEQUENCE s AS integer;
    ALTER SEQUENCE s INCREMENT BY 3 RESTART WITH 9 CACHE 2;
    CREATE TABLE t (id int);
    ALTER SEQUENCE s OWNED BY t.id;
    ALTER SEQUENCE s OWNER TO alice;
    ALTER SEQUENCE IF EXISTS nope START 3;)");
  REQUIRE(c.AllMessages() == "");
  const auto& s = c.db.sequences.at({"public", "s"});
  CHECK(s.options.data_type.name == "int4");
  CHECK(s.options.max_value == 2147483647);  // reset with the type: it was bigint's maximum
  CHECK(s.options.increment == 3);
  CHECK(s.options.cache == 2);
  CHECK(s.options.start == 1);
  REQUIRE(s.owned_by);
  CHECK(s.owned_by->table.name == "t");
  CHECK(s.owner == "alice");

  auto none = Compile("CREATE TABLE t (id int); CREATE SEQUENCE s OWNED BY t.id; ALTER SEQUENCE s OWNED BY NONE;");
  REQUIRE(none.AllMessages() == "");
  CHECK(!none.db.sequences.at({"public", "s"}).owned_by);
}

TEST_CASE("sequence: invalid options and dangling OWNED BY", "[sql][sequence]") {
  auto c = Compile(R"(CREATE SEQUENCE a AS smallint MAXVALUE 40000;
CREATE SEQUENCE b START 0;
CREATE SEQUENCE c AS text;
CREATE SEQUENCE d INCREMENT 0;
CREATE SEQUENCE e OWNED BY nowhere.x;
CREATE TABLE t (id int);
CREATE SEQUENCE f OWNED BY t.nope;)");
  CHECK(c.AllMessages() ==
        "test.sql:1:1: error: sequence \"public.a\": MAXVALUE (40000) is out of range for sequence data type "
        "[compile.invalid]\n"
        "test.sql:2:1: error: sequence \"public.b\": START value (0) must be between MINVALUE (1) and MAXVALUE "
        "(9223372036854775807) [compile.invalid]\n"
        "test.sql:3:19: error: sequence \"public.c\": sequence type must be smallint, integer, or bigint "
        "[compile.invalid]\n"
        "test.sql:4:19: error: sequence \"public.d\": INCREMENT must not be zero [compile.invalid]\n"
        "test.sql:5:1: error: sequence \"public.e\": OWNED BY table \"nowhere\" does not exist [compile.undefined]\n"
        "test.sql:7:1: error: sequence \"public.f\": OWNED BY column \"nope\" of table \"public.t\" does not exist "
        "[compile.undefined]\n");
}
