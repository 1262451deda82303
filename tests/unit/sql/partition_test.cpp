#include <catch2/catch.hpp>

#include "sql_test_util.h"

using schemac::sql::testing::Compile;

TEST_CASE("partition: keys and bounds are stored as PostgreSQL prints them", "[sql][partition]") {
  auto c = Compile(R"(
CREATE TABLE events (id bigint NOT NULL, at timestamp NOT NULL, day date, kind text COLLATE "C", n int)
  PARTITION BY RANGE (at, id);
CREATE TABLE events_old PARTITION OF events FOR VALUES FROM (MINVALUE, MINVALUE) TO ('2024-01-01', 0);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01', 0) TO ('2025-01-01 00:00:00', +007);
CREATE TABLE nums (a int, b bigint, c numeric, d smallint) PARTITION BY RANGE (a, b, c, d);
CREATE TABLE nums_1 PARTITION OF nums FOR VALUES FROM (-5, -7, -1.50, -2) TO (5, 7, 2.50, '3');
CREATE TABLE nl (c numeric) PARTITION BY LIST (c);
CREATE TABLE nl_1 PARTITION OF nl FOR VALUES IN (1.0, '2', 010);
CREATE TABLE cur (c char(3)) PARTITION BY LIST (c);
CREATE TABLE cur_1 PARTITION OF cur FOR VALUES IN ('EUR', 'US');
CREATE TABLE by_kind (kind text, n int) PARTITION BY LIST (lower(kind));
CREATE TABLE by_n (n int, flag boolean) PARTITION BY LIST (n);
CREATE TABLE by_n_small PARTITION OF by_n FOR VALUES IN (1, '2', 1, NULL);
CREATE TABLE by_n_rest PARTITION OF by_n DEFAULT;
CREATE TABLE hashed (id uuid) PARTITION BY HASH (id);
CREATE TABLE hashed_0 PARTITION OF hashed FOR VALUES WITH (MODULUS 2, REMAINDER 0);
)");
  REQUIRE(c.AllMessages() == "");
  const auto& events = c.Table("public", "events");
  REQUIRE(events.partition_key);
  CHECK(events.partition_key->strategy == 'r');
  REQUIRE(events.partition_key->elements.size() == 2);
  CHECK(events.partition_key->elements[0].column == std::optional<std::string>("at"));
  CHECK(c.Table("public", "events_old").partition_of->bound ==
        "FOR VALUES FROM (MINVALUE, MINVALUE) TO ('2024-01-01 00:00:00', '0')");
  CHECK(c.Table("public", "events_2024").partition_of->bound ==
        "FOR VALUES FROM ('2024-01-01 00:00:00', '0') TO ('2025-01-01 00:00:00', '7')");
  // As PostgreSQL 15 prints them (checked against it): int4 bare unless negative, int2 and int8
  // quoted, numeric bare only with a decimal point.
  CHECK(c.Table("public", "nums_1").partition_of->bound ==
        "FOR VALUES FROM ('-5', '-7', '-1.50', '-2') TO (5, '7', 2.50, '3')");
  CHECK(c.Table("public", "nl_1").partition_of->bound == "FOR VALUES IN (1.0, '2', '10')");
  CHECK(c.Table("public", "cur_1").partition_of->bound == "FOR VALUES IN ('EUR', 'US ')");
  CHECK(c.Table("public", "events_2024").partition_of->parent == schemac::ir::QualifiedName{"public", "events"});
  // The partition has the parent's columns, NOT NULL included.
  const auto& p = c.Table("public", "events_2024");
  REQUIRE(p.columns.size() == 5);
  CHECK(p.columns[0].not_null);
  CHECK(p.columns[3].collation);
  const auto& by_kind = c.Table("public", "by_kind");
  REQUIRE(by_kind.partition_key->elements.size() == 1);
  CHECK(by_kind.partition_key->elements[0].expression->text == "lower(kind)");
  CHECK(c.Table("public", "by_n_small").partition_of->bound == "FOR VALUES IN (1, 2, NULL)");
  CHECK(c.Table("public", "by_n_rest").partition_of->bound == "DEFAULT");
  CHECK(c.Table("public", "hashed_0").partition_of->bound == "FOR VALUES WITH (modulus 2, remainder 0)");
}

TEST_CASE("partition: indexes and keys reach the partitions under PostgreSQL's names", "[sql][partition]") {
  auto c = Compile(R"(
CREATE TABLE t (id int NOT NULL, k text NOT NULL, v int, CHECK (v > 0)) PARTITION BY LIST (k);
CREATE TABLE t_a PARTITION OF t FOR VALUES IN ('a');
CREATE TABLE t_b (k text NOT NULL, id int NOT NULL, v int, CONSTRAINT t_v_check CHECK (v > 0));
CREATE INDEX t_b_own ON t_b (v);
CREATE INDEX ON t (lower(k));
ALTER TABLE t ADD PRIMARY KEY (k, id);
CREATE INDEX ON t (v);
ALTER TABLE t ATTACH PARTITION t_b FOR VALUES IN ('b');
CREATE TABLE t_c PARTITION OF t FOR VALUES IN ('c');
)");
  REQUIRE(c.AllMessages() == "");
  const auto& a = c.Table("public", "t_a");
  // Created while the partition existed: named from the written expression.
  REQUIRE(a.indexes.count("t_a_lower_idx"));
  CHECK(a.indexes.at("t_a_lower_idx").parent_index == "t_lower_idx");
  CHECK(a.constraints.at("t_a_pkey").parent_index == "t_pkey");
  CHECK(a.indexes.at("t_a_v_idx").parent_index == "t_v_idx");
  // The CHECK is the parent's: not listed on the partition.
  CHECK_FALSE(a.constraints.count("t_v_check"));
  // Attached: the equal index of the table is attached instead of a new one.
  const auto& b = c.Table("public", "t_b");
  CHECK(b.indexes.at("t_b_own").parent_index == "t_v_idx");
  CHECK_FALSE(b.indexes.count("t_b_v_idx"));
  CHECK_FALSE(b.constraints.count("t_v_check"));
  CHECK(b.indexes.at("t_b_expr_idx").parent_index == "t_lower_idx");  // cloned later: "expr"
  CHECK(b.constraints.at("t_b_pkey").parent_index == "t_pkey");
  CHECK(c.Table("public", "t_c").indexes.count("t_c_expr_idx"));
}

TEST_CASE("partition: column changes of the parent recurse, ONLY and DETACH do not", "[sql][partition]") {
  auto c = Compile(R"(
CREATE TABLE t (id int, k text) PARTITION BY LIST (k);
CREATE TABLE t_a PARTITION OF t FOR VALUES IN ('a');
CREATE TABLE t_b PARTITION OF t FOR VALUES IN ('b');
ALTER TABLE t ADD COLUMN n int DEFAULT 1 NOT NULL;
ALTER TABLE t ALTER COLUMN id TYPE bigint;
ALTER TABLE t ALTER COLUMN k SET DEFAULT 'x';
ALTER TABLE ONLY t ALTER COLUMN n SET DEFAULT 2;
ALTER TABLE t_a ALTER COLUMN n SET DEFAULT 5;
ALTER TABLE t ADD CONSTRAINT n_positive CHECK (n > 0);
ALTER TABLE t DETACH PARTITION t_b;
ALTER TABLE t DROP COLUMN id;
)");
  REQUIRE(c.AllMessages() == "");
  const auto& a = c.Table("public", "t_a");
  REQUIRE(a.columns.size() == 2);
  CHECK(a.columns[0].name == "k");
  CHECK(a.columns[0].default_expr->text == "'x'");
  CHECK(a.columns[1].name == "n");
  CHECK(a.columns[1].not_null);
  CHECK(a.columns[1].default_expr->text == "5");
  const auto& b = c.Table("public", "t_b");
  CHECK_FALSE(b.partition_of);
  REQUIRE(b.columns.size() == 3);
  CHECK(b.columns[0].type.name == "int8");
  CHECK(b.constraints.count("n_positive"));  // DETACH leaves the inherited CHECK with it
}

TEST_CASE("partition: ALTER INDEX ... ATTACH PARTITION and USING INDEX keep the attachment", "[sql][partition]") {
  auto c = Compile(R"(
CREATE SCHEMA s;
CREATE TABLE s.t (id int, foo text) PARTITION BY LIST (foo);
CREATE TABLE s.t_1 PARTITION OF s.t FOR VALUES IN ('a');
CREATE UNIQUE INDEX some_idx ON ONLY s.t (foo, id);
CREATE UNIQUE INDEX t_1_pkey ON s.t_1 (foo, id);
ALTER TABLE s.t_1 ADD CONSTRAINT t_1_pkey PRIMARY KEY USING INDEX t_1_pkey;
ALTER INDEX s.some_idx ATTACH PARTITION s.t_1_pkey;
)");
  REQUIRE(c.AllMessages() == "");
  CHECK(c.Table("s", "t").indexes.count("some_idx"));
  CHECK(c.Table("s", "t_1").constraints.at("t_1_pkey").parent_index == "some_idx");
}

TEST_CASE("partition: invalid partitioning is an error with its position", "[sql][partition]") {
  auto c = Compile(R"(
CREATE TABLE t (id int, k text, v int CHECK (v > 0)) PARTITION BY LIST (k);
CREATE TABLE t_a PARTITION OF t FOR VALUES FROM ('a') TO ('b');
CREATE TABLE t_b PARTITION OF t DEFAULT;
CREATE TABLE h (id int) PARTITION BY HASH (id);
CREATE TABLE h_d PARTITION OF h DEFAULT;
CREATE TABLE loose (id int, k text, v int);
ALTER TABLE t ATTACH PARTITION loose FOR VALUES IN ('z');
CREATE TABLE bad (id int) PARTITION BY LIST (nope);
)");
  CHECK_THAT(c.AllMessages(), Catch::Contains(":3:1: error: table \"public.t_a\": the bound of a partition of public.t "
                                              "must be FOR VALUES IN"));
  CHECK_THAT(c.AllMessages(), Catch::Contains(":6:1: error: table \"public.h_d\": a hash-partitioned table may not have a "
                                              "default partition"));
  CHECK_THAT(c.AllMessages(), Catch::Contains(":8:1: error: table \"public.loose\": child table is missing constraint "
                                              "\"t_v_check\""));
  CHECK_THAT(c.AllMessages(), Catch::Contains("column \"nope\" named in partition key does not exist"));
}
