#include <catch2/catch.hpp>

#include "sql_test_util.h"

using schemac::sql::testing::Compile;
using schemac::sql::testing::PrintTable;

TEST_CASE("create table: columns, types and column constraints", "[sql][create_table]") {
  auto c = Compile(R"(
    CREATE TABLE users (
      id serial PRIMARY KEY,
      email varchar(200) NOT NULL UNIQUE,
      name text DEFAULT 'x',
      n numeric(10), c char, ts timestamp(3) with time zone DEFAULT NOW(),
      score int CHECK (score > 0),
      big bigint GENERATED ALWAYS AS IDENTITY,
      CHECK (score < 100 AND id > 0)
    );)");
  REQUIRE(c.AllMessages() == "");
  // Names and types as PostgreSQL 15 stored them for the same statement.
  CHECK(PrintTable(c.db, "public", "users") ==
        "table public.users comment=- owner=-\n"
        "  column id pg_catalog.int4 not null default nextval('public.users_id_seq'::regclass) comment=-\n"
        "  column email pg_catalog.varchar(200) not null comment=-\n"
        "  column name pg_catalog.text default 'x' comment=-\n"
        "  column n pg_catalog.numeric(10,0) comment=-\n"
        "  column c pg_catalog.bpchar(1) comment=-\n"
        "  column ts pg_catalog.timestamptz(3) default now() comment=-\n"
        "  column score pg_catalog.int4 comment=-\n"
        "  column big pg_catalog.int8 not null identity always seq users_big_seq as pg_catalog.int8 increment 1 min 1 "
        "max 9223372036854775807 start 1 cache 1 comment=-\n"
        "  constraint users_check check (score < 100 AND id > 0) comment=-\n"
        "  constraint users_email_key unique (email) comment=-\n"
        "  constraint users_pkey primary key (id) comment=-\n"
        "  constraint users_score_check check (score > 0) comment=-\n");
  const auto& seq = c.db.sequences.at({"public", "users_id_seq"});
  CHECK(seq.options.data_type.name == "int4");
  CHECK(seq.options.max_value == 2147483647);
  REQUIRE(seq.owned_by);
  CHECK(seq.owned_by->column == "id");
}

TEST_CASE("create table: built-in type aliases resolve to pg_catalog typnames", "[sql][types]") {
  auto c = Compile(R"(CREATE TABLE t (
      a integer, b int, c int4, d smallint, e bigint, f real, g double precision, h float, i float(10),
      j decimal(5,2), k boolean, l character varying(20), m character(3), n timestamp, o timestamp without time zone,
      p timestamptz, q time, r time with time zone, s bit varying(4), t bit, u interval(2), v text[][],
      w "char", x pg_catalog.int8, y jsonb, z uuid);)");
  REQUIRE(c.AllMessages() == "");
  const auto& t = c.Table("public", "t");
  std::vector<std::string> got;
  for (const auto& col : t.columns) {
    std::string s = col.type.schema + "." + col.type.name;
    if (!col.type.modifiers.empty()) s += "(" + col.type.modifiers + ")";
    if (col.type.array) s += "[]";
    got.push_back(s);
  }
  std::vector<std::string> want = {
      "pg_catalog.int4",         "pg_catalog.int4",        "pg_catalog.int4",        "pg_catalog.int2",
      "pg_catalog.int8",         "pg_catalog.float4",      "pg_catalog.float8",      "pg_catalog.float8",
      "pg_catalog.float4",       "pg_catalog.numeric(5,2)", "pg_catalog.bool",       "pg_catalog.varchar(20)",
      "pg_catalog.bpchar(3)",    "pg_catalog.timestamp",   "pg_catalog.timestamp",   "pg_catalog.timestamptz",
      "pg_catalog.time",         "pg_catalog.timetz",      "pg_catalog.varbit(4)",   "pg_catalog.bit(1)",
      "pg_catalog.interval(2)",  "pg_catalog.text[]",      "pg_catalog.char",        "pg_catalog.int8",
      "pg_catalog.jsonb",        "pg_catalog.uuid"};
  CHECK(got == want);
}

TEST_CASE("create table: unsupported and invalid types are errors", "[sql][types]") {
  auto c = Compile("CREATE TABLE orders (total pg_catalog.xid[], d interval day, e text(3), f nosuch);");
  CHECK(c.AllMessages() ==
        "test.sql:1:28: error: table \"public.orders\": column \"total\" has unsupported type \"pg_catalog.xid[]\" "
        "[compile.unsupported-type]\n"
        "test.sql:1:48: error: not yet supported: table \"public.orders\": column \"d\": interval with field "
        "restriction [compile.unsupported]\n"
        "test.sql:1:64: error: table \"public.orders\": column \"e\": type modifier is not allowed for type \"text\" "
        "[compile.invalid]\n"
        "test.sql:1:75: error: table \"public.orders\": column \"f\": type \"nosuch\" does not exist "
        "[compile.undefined]\n");
}

TEST_CASE("create table: generated columns, collation, options, unlogged", "[sql][create_table]") {
  auto c = Compile(R"(
    CREATE UNLOGGED TABLE t (
      b numeric GENERATED ALWAYS AS ((a * 2)) STORED, a numeric,
      name text COLLATE "C", other text COLLATE "default"
    ) WITH (fillfactor = 70, autovacuum_enabled = FALSE, toast_tuple_target);)");
  REQUIRE(c.AllMessages() == "");
  CHECK(PrintTable(c.db, "public", "t") ==
        "table public.t unlogged comment=- owner=-\n"
        "  with fillfactor=70\n"  // in the order written, as PostgreSQL stores them
        "  with autovacuum_enabled=false\n"
        "  with toast_tuple_target=true\n"
        "  column b pg_catalog.numeric generated (a * 2) stored comment=-\n"
        "  column a pg_catalog.numeric comment=-\n"
        "  column name pg_catalog.text collate pg_catalog.\"C\" comment=-\n"
        "  column other pg_catalog.text comment=-\n");
}

TEST_CASE("create table: table constraints, foreign keys and deferrability", "[sql][create_table]") {
  auto c = Compile(R"(
    CREATE TABLE parent (a int, b int, PRIMARY KEY (a, b), UNIQUE NULLS NOT DISTINCT (b) INCLUDE (a));
    CREATE TABLE child (
      id int PRIMARY KEY,
      pa int, pb int,
      solo int REFERENCES parent (b) ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED,
      FOREIGN KEY (pa, pb) REFERENCES parent MATCH FULL ON DELETE SET NULL (pa),
      CONSTRAINT named CHECK (pa > 0) NO INHERIT NOT VALID
    );)");
  REQUIRE(c.AllMessages() == "");
  CHECK(PrintTable(c.db, "public", "parent") ==
        "table public.parent comment=- owner=-\n"
        "  column a pg_catalog.int4 not null comment=-\n"
        "  column b pg_catalog.int4 not null comment=-\n"
        "  constraint parent_b_a_key unique (b) include (a) nulls not distinct comment=-\n"
        "  constraint parent_pkey primary key (a, b) comment=-\n");
  CHECK(PrintTable(c.db, "public", "child") ==
        "table public.child comment=- owner=-\n"
        "  column id pg_catalog.int4 not null comment=-\n"
        "  column pa pg_catalog.int4 comment=-\n"
        "  column pb pg_catalog.int4 comment=-\n"
        "  column solo pg_catalog.int4 comment=-\n"
        "  constraint child_pa_pb_fkey foreign key (pa, pb) references public.parent (a, b) on update no action on "
        "delete set null (pa) match full comment=-\n"
        "  constraint child_pkey primary key (id) comment=-\n"
        "  constraint child_solo_fkey foreign key (solo) references public.parent (b) on update cascade on delete no "
        "action deferrable initially deferred comment=-\n"
        // NOT VALID is ignored by CREATE TABLE: the new table is empty, so PostgreSQL marks it valid.
        "  constraint named check (pa > 0) no inherit comment=-\n");
}

TEST_CASE("create table: identical keys in one statement are created once", "[sql][create_table]") {
  auto c = Compile("CREATE TABLE t2 (a int, b int, UNIQUE (a, b), UNIQUE (a, b));");
  REQUIRE(c.AllMessages() == "");
  CHECK(c.Table("public", "t2").constraints.size() == 1);
  CHECK(c.Table("public", "t2").constraints.count("t2_a_b_key") == 1);
}

TEST_CASE("create table: identity options and serial kinds", "[sql][create_table][sequence]") {
  auto c = Compile(R"(
    CREATE TABLE t (
      a smallint GENERATED BY DEFAULT AS IDENTITY (INCREMENT BY -2 CACHE 5),
      b smallserial, c bigserial, d serial8
    );)");
  REQUIRE(c.AllMessages() == "");
  const auto& t = c.Table("public", "t");
  REQUIRE(t.columns[0].identity);
  const auto& o = t.columns[0].identity->options;
  CHECK(o.data_type.name == "int2");
  CHECK(o.increment == -2);
  CHECK(o.min_value == -32768);
  CHECK(o.max_value == -1);
  CHECK(o.start == -1);
  CHECK(o.cache == 5);
  CHECK(t.columns[0].not_null);
  CHECK(c.db.sequences.at({"public", "t_b_seq"}).options.data_type.name == "int2");
  CHECK(c.db.sequences.at({"public", "t_c_seq"}).options.data_type.name == "int8");
  CHECK(t.columns[3].type.name == "int8");
  CHECK(t.columns[3].default_expr->text == "nextval('public.t_d_seq'::regclass)");
}

TEST_CASE("create table: IF NOT EXISTS skips an existing table", "[sql][create_table]") {
  auto c = Compile("CREATE TABLE t (a int); CREATE TABLE IF NOT EXISTS t (b int);");
  REQUIRE(c.AllMessages() == "");
  CHECK(c.Table("public", "t").columns.size() == 1);
}

TEST_CASE("create table: unsupported table features are reported", "[sql][create_table]") {
  auto c = Compile(R"(CREATE TABLE p (a timestamptz) PARTITION BY RANGE (a);
CREATE TABLE c () INHERITS (p);
CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (now()) TO ('2025-01-01');
CREATE TABLE s (a int) TABLESPACE fast;
CREATE TABLE x (a int, EXCLUDE USING gist (a WITH =));
CREATE TEMP TABLE tmp (a int);)");
  CHECK(c.AllMessages() ==
        "test.sql:2:1: error: not yet supported: table \"public.c\": table inheritance (INHERITS) "
        "[compile.unsupported]\n"
        "test.sql:3:1: error: not yet supported: table \"public.p1\": a bound that is not a constant "
        "[compile.unsupported]\n"
        "test.sql:4:1: error: not yet supported: table \"public.s\": TABLESPACE other than pg_default [compile.unsupported]\n"
        "test.sql:5:24: error: not yet supported: table \"public.x\": EXCLUDE constraint [compile.unsupported]\n"
        "test.sql:6:1: error: not yet supported: table \"public.tmp\": temporary table [compile.unsupported]\n");
}

TEST_CASE("create table: a bound only PostgreSQL can print keeps its values as written", "[sql][create_table]") {
  auto c = Compile(R"(CREATE TABLE p (a timestamptz, b text) PARTITION BY RANGE (a);
CREATE TABLE p1 PARTITION OF p FOR VALUES FROM ('2024-01-01') TO ('2025-01-01 00:00+02'::timestamptz);
CREATE TABLE l (a int, b text) PARTITION BY LIST (lower(b));
CREATE TABLE l1 PARTITION OF l FOR VALUES IN ('x', 'y');
CREATE TABLE i (a int) PARTITION BY RANGE (a);
CREATE TABLE i1 PARTITION OF i FOR VALUES FROM (MINVALUE) TO (10);)");
  REQUIRE(c.AllMessages() == "");
  const schemac::ir::PartitionOf& p1 = *c.Table("public", "p1").partition_of;
  CHECK(p1.written);
  CHECK(p1.bound == "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01 00:00+02'::timestamp with time zone)");
  CHECK(c.Table("public", "l1").partition_of->written);
  CHECK(c.Table("public", "l1").partition_of->bound == "FOR VALUES IN ('x', 'y')");
  // What the front end prints as PostgreSQL does is not marked.
  CHECK_FALSE(c.Table("public", "i1").partition_of->written);
  CHECK(c.Table("public", "i1").partition_of->bound == "FOR VALUES FROM (MINVALUE) TO (10)");
}

TEST_CASE("create table: generation expressions must name existing, non-generated columns", "[sql][create_table]") {
  auto c = Compile("CREATE TABLE g (a int GENERATED ALWAYS AS (b + 1) STORED, b int GENERATED ALWAYS AS (zz) STORED);");
  CHECK(c.AllMessages() ==
        "test.sql:1:17: error: table \"public.g\": column \"a\": cannot use generated column \"b\" in column "
        "generation expression [compile.invalid]\n"
        "test.sql:1:59: error: table \"public.g\": column \"zz\" named in a generation expression does not exist "
        "[compile.undefined]\n");
}
