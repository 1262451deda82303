#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>

#include "sql_test_util.h"

using schemac::sql::testing::CompileFiles;

namespace {

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() / ("schemac_sql_test_" + std::to_string(rd()));
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string Write(const std::string& rel, const std::string& text) const {
    std::filesystem::path p = path / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
};

}  // namespace

TEST_CASE("directory input: recursive, sorted, *.sql only, references across files", "[sql][files]") {
  TempDir dir;
  // b/ sorts after a.sql; the FK and the index refer to a table defined in a later file.
  dir.Write("a.sql", "CREATE TABLE orders (id int PRIMARY KEY, customer int REFERENCES customers);\n");
  dir.Write("b/customers.sql", "SET search_path = public;\nCREATE TABLE customers (id int PRIMARY KEY);\n");
  dir.Write("b/z_index.sql", "CREATE INDEX ON orders (customer);\n");
  dir.Write("notes.txt", "this is not SQL");
  dir.Write("empty.sql", "");
  auto c = CompileFiles({dir.path.string()});
  REQUIRE(c.AllMessages() == "");
  CHECK(c.db.tables.size() == 2);
  CHECK(c.db.tables.at({"public", "orders"}).indexes.count("orders_customer_idx") == 1);
  REQUIRE(c.sources.size() == 4);
  CHECK(c.sources.Path(0) == (dir.path / "a.sql").string());
  CHECK(c.sources.Path(1) == (dir.path / "b/customers.sql").string());
  CHECK(c.sources.Path(3) == (dir.path / "empty.sql").string());
}

TEST_CASE("directory input: each file starts with the default search_path", "[sql][files]") {
  TempDir dir;
  std::string f1 = dir.Write("1.sql", "CREATE SCHEMA app;\nSET search_path = app;\nCREATE TABLE t1 (a int);\n");
  std::string f2 = dir.Write("2.sql", "CREATE TABLE t2 (a int);\n");
  auto c = CompileFiles({f1, f2});
  REQUIRE(c.AllMessages() == "");
  CHECK(c.db.tables.count({"app", "t1"}));
  CHECK(c.db.tables.count({"public", "t2"}));
}

TEST_CASE("directory input: errors carry the file name, duplicates across files show both", "[sql][files]") {
  TempDir dir;
  std::string f1 = dir.Write("one.sql", "CREATE TABLE t (a int);\n");
  std::string f2 = dir.Write("two.sql", "\n\nCREATE TABLE t (a int);\n");
  auto c = CompileFiles({f1, f2, (dir.path / "missing.sql").string()});
  std::string missing = (dir.path / "missing.sql").string();
  CHECK(c.AllMessages() == missing + ": error: cannot read \"" + missing + "\": no such file or directory [input.io]\n" +
                               f2 + ":3:1: error: table \"public.t\" is defined more than once [compile.duplicate]\n" +
                               f1 + ":1:1: note: previous definition is here\n");
}
