#include <catch2/catch.hpp>

#include "sql_test_util.h"

using schemac::sql::testing::Compile;
using schemac::sql::testing::PrintTable;

TEST_CASE("create index: default names as PostgreSQL chooses them", "[sql][index][names]") {
  // Names checked against PostgreSQL 15 for the same statements.
  auto c = Compile(R"(
    CREATE TABLE t2 (a int, b int);
    CREATE INDEX ON t2 (a); CREATE INDEX ON t2 (a); CREATE INDEX ON t2 ((a + b));
    CREATE INDEX ON t2 ((a::text)); CREATE INDEX ON t2 (a, a); CREATE UNIQUE INDEX ON t2 (b) INCLUDE (a);
    CREATE INDEX ON t2 (lower(b::text)); CREATE INDEX ON t2 ((b));)");
  REQUIRE(c.AllMessages() == "");
  CHECK(PrintTable(c.db, "public", "t2") ==
        "table public.t2 comment=- owner=-\n"
        "  column a pg_catalog.int4 comment=-\n"
        "  column b pg_catalog.int4 comment=-\n"
        "  index t2_a_a1_idx using btree (a asc nulls last, a asc nulls last) comment=-\n"
        "  index t2_a_idx using btree (a asc nulls last) comment=-\n"
        "  index t2_a_idx1 using btree (a asc nulls last) comment=-\n"
        "  index t2_a_idx2 using btree ((a::text) asc nulls last) comment=-\n"
        "  index t2_b_a_idx unique using btree (b asc nulls last) include (a) comment=-\n"
        "  index t2_b_idx using btree (b asc nulls last) comment=-\n"
        "  index t2_expr_idx using btree ((a + b) asc nulls last) comment=-\n"
        "  index t2_lower_idx using btree ((lower(b::text)) asc nulls last) comment=-\n");
}

TEST_CASE("create index: every element option", "[sql][index]") {
  auto c = Compile(R"(
    CREATE TABLE t (a int, v varchar(10), s text COLLATE "C", j jsonb, r int4range);
    CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i1 ON ONLY t USING btree
      (a int4_ops DESC, v text_ops NULLS FIRST, s COLLATE "C", s COLLATE "POSIX" text_pattern_ops)
      INCLUDE (j) WITH (fillfactor = 80) WHERE (a > 0) AND v IS NOT NULL;
    CREATE INDEX i2 ON t USING gin (j jsonb_path_ops);
    CREATE INDEX i3 ON t USING gist (r);
    CREATE UNIQUE INDEX i4 ON t (a) NULLS NOT DISTINCT;
    CREATE INDEX IF NOT EXISTS i1 ON t (v);)");
  REQUIRE(c.AllMessages() == "");
  CHECK(PrintTable(c.db, "public", "t") ==
        "table public.t comment=- owner=-\n"
        "  column a pg_catalog.int4 comment=-\n"
        "  column v pg_catalog.varchar(10) comment=-\n"
        "  column s pg_catalog.text collate pg_catalog.\"C\" comment=-\n"
        "  column j pg_catalog.jsonb comment=-\n"
        "  column r pg_catalog.int4range comment=-\n"
        "  index i1 unique using btree (a desc nulls first, v asc nulls first, s asc nulls last, s collate "
        "pg_catalog.\"POSIX\" pg_catalog.text_pattern_ops asc nulls last) include (j) with fillfactor=80 where a > 0 "
        "AND v IS NOT NULL comment=-\n"
        "  index i2 using gin (j pg_catalog.jsonb_path_ops asc nulls last) comment=-\n"
        "  index i3 using gist (r asc nulls last) comment=-\n"
        "  index i4 unique nulls not distinct using btree (a asc nulls last) comment=-\n");
}

TEST_CASE("create index: errors", "[sql][index]") {
  auto c = Compile(R"(CREATE TABLE t (a int);
CREATE INDEX ON t (nope);
CREATE INDEX ON t (lower(missing));
CREATE INDEX i ON t (a);
CREATE INDEX i ON t (a);
CREATE INDEX ON nowhere (a);
CREATE INDEX ON t USING bloom (a);)");
  CHECK(c.AllMessages() ==
        "test.sql:2:1: error: table \"public.t\": column \"nope\" named in an index does not exist "
        "[compile.undefined]\n"
        "test.sql:3:1: error: table \"public.t\": column \"missing\" named in an index expression does not exist "
        "[compile.undefined]\n"
        "test.sql:5:1: error: index \"public.i\" is defined more than once [compile.duplicate]\n"
        "test.sql:4:1: note: previous definition is here\n"
        "test.sql:7:1: error: not yet supported: table \"public.t\": index access method \"bloom\" "
        "[compile.unsupported]\n"
        "test.sql:6:1: error: table \"nowhere\" does not exist [compile.undefined]\n");
}

TEST_CASE("create index: an index may precede its table (resolved after all statements)", "[sql][index]") {
  auto c = Compile("CREATE INDEX ON t (a); CREATE TABLE t (a int);");
  REQUIRE(c.AllMessages() == "");
  CHECK(c.Table("public", "t").indexes.count("t_a_idx") == 1);
}

TEST_CASE("create index: opclass kept unless it is the type's default, pg_default tablespace accepted",
          "[sql][index]") {
  // pg_get_indexdef on PostgreSQL 15 prints varchar_ops but omits text_ops for a varchar column.
  auto c = Compile(R"(
    CREATE TABLE vx (v varchar(5), e mood) TABLESPACE pg_default;
    CREATE TYPE mood AS ENUM ('a');
    CREATE INDEX vx_i ON vx (v varchar_ops);
    CREATE INDEX vx_j ON vx (v text_ops) TABLESPACE pg_default;
    CREATE INDEX vx_k ON vx (e enum_ops);)");
  REQUIRE(c.AllMessages() == "");
  const auto& t = c.Table("public", "vx");
  CHECK(t.indexes.at("vx_i").elements[0].opclass == schemac::ir::QualifiedName{"pg_catalog", "varchar_ops"});
  CHECK(!t.indexes.at("vx_j").elements[0].opclass);
  CHECK(!t.indexes.at("vx_k").elements[0].opclass);
}

TEST_CASE("create index: an extension's operator class is looked up on the search path, not in pg_catalog",
          "[sql][index]") {
  auto c = Compile(R"(
    CREATE SCHEMA ext;
    CREATE EXTENSION pg_trgm SCHEMA ext;
    SET search_path = app, ext;
    CREATE SCHEMA app;
    CREATE TABLE docs (body text);
    CREATE INDEX docs_trgm ON docs USING gin (body gin_trgm_ops);
    CREATE INDEX docs_ops ON docs (body text_pattern_ops);
    CREATE INDEX docs_qualified ON docs USING gist (body ext.gist_trgm_ops);)");
  REQUIRE(c.AllMessages() == "");
  const auto& t = c.Table("app", "docs");
  CHECK(t.indexes.at("docs_trgm").elements[0].opclass == schemac::ir::QualifiedName{"ext", "gin_trgm_ops"});
  CHECK(t.indexes.at("docs_ops").elements[0].opclass == schemac::ir::QualifiedName{"pg_catalog", "text_pattern_ops"});
  CHECK(t.indexes.at("docs_qualified").elements[0].opclass == schemac::ir::QualifiedName{"ext", "gist_trgm_ops"});
  // With no extension on the path (yet), the creation schema: where CREATE EXTENSION puts one by default.
  auto d = Compile("CREATE TABLE docs (body text);\nCREATE INDEX docs_trgm ON docs USING gin (body gin_trgm_ops);");
  REQUIRE(d.AllMessages() == "");
  CHECK(d.Table("public", "docs").indexes.at("docs_trgm").elements[0].opclass ==
        schemac::ir::QualifiedName{"public", "gin_trgm_ops"});
}

TEST_CASE("create index: ordering options only for btree", "[sql][index]") {
  auto c = Compile("CREATE TABLE hx (a int);\nCREATE INDEX ON hx USING hash (a DESC);");
  CHECK(c.AllMessages() ==
        "test.sql:2:1: error: table \"public.hx\": access method \"hash\" does not support ASC/DESC/NULLS options "
        "[compile.invalid]\n");
}
