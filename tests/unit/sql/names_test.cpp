#include <catch2/catch.hpp>

#include "compiler/sql/names.h"
#include "sql_test_util.h"

using schemac::sql::MakeObjectName;
using schemac::sql::NameAddition;
using schemac::sql::testing::Compile;

TEST_CASE("names: makeObjectName truncates the name parts, not the label", "[sql][names]") {
  CHECK(MakeObjectName("t", "a", "key") == "t_a_key");
  CHECK(MakeObjectName("t", "", "pkey") == "t_pkey");
  // Checked on PostgreSQL 15: a 63-byte table with a 47-byte column.
  std::string table(63, 't');
  std::string column = std::string(47, 'c') + "2";
  CHECK(MakeObjectName(table, column, "key") == std::string(29, 't') + "_" + std::string(29, 'c') + "_key");
  CHECK(MakeObjectName(table, "b", "check") == std::string(55, 't') + "_b_check");
  // Never split a UTF-8 character: "é" is two bytes.
  std::string wide;
  for (int i = 0; i < 40; ++i) wide += "\xc3\xa9";
  std::string name = MakeObjectName(wide, "", "idx");
  CHECK(name.size() <= 63);
  CHECK(name.substr(name.size() - 4) == "_idx");
  CHECK(name.size() == 58 + 4);  // 59 bytes available, clipped to 58 (whole characters)
  CHECK(NameAddition({"a", "b", "c"}) == "a_b_c");
}

TEST_CASE("names: numeric suffix when the name is taken in the schema", "[sql][names]") {
  auto c = Compile(R"(
    CREATE TABLE t_a_key (x int);
    CREATE TABLE t (a int UNIQUE, b int CHECK (b > 0));
    CREATE TABLE u (b int CONSTRAINT t_b_check1 CHECK (b < 0));
    ALTER TABLE t ADD CHECK (b < 10);
    CREATE TABLE v (id serial);
    CREATE SEQUENCE w_id_seq;
    CREATE TABLE w (id serial);)");
  REQUIRE(c.AllMessages() == "");
  const auto& t = c.Table("public", "t");
  CHECK(t.constraints.count("t_a_key1") == 1);       // t_a_key is a table's name
  CHECK(t.constraints.count("t_b_check") == 1);
  CHECK(t.constraints.count("t_b_check2") == 1);     // t_b_check1 is taken by a constraint of u
  CHECK(c.db.sequences.count({"public", "w_id_seq1"}) == 1);
}

TEST_CASE("names: identifiers longer than 63 bytes are truncated like PostgreSQL does", "[sql][names]") {
  std::string long_name(70, 'x');
  auto c = Compile("CREATE TABLE " + long_name + " (id int PRIMARY KEY);");
  REQUIRE(c.AllMessages() == "");
  REQUIRE(c.db.tables.size() == 1);
  CHECK(c.db.tables.begin()->first.name == std::string(63, 'x'));
  CHECK(c.db.tables.begin()->second.constraints.count(std::string(58, 'x') + "_pkey") == 1);
}
