// Desired-state directives bound to the objects they stand before (compiler/sql/directives.h).
#include <catch2/catch.hpp>

#include "sql_test_util.h"

using schemac::sql::testing::Compile;
namespace ir = schemac::ir;

TEST_CASE("directives: renamed-from binds to the table, column, constraint, index, view, function or value after it",
          "[sql][directives]") {
  auto c = Compile(R"sql(-- schemac:renamed-from mood_old
CREATE TYPE mood AS ENUM ('a', -- schemac:renamed-from 'B'
  'b');
-- schemac:renamed-from Users
CREATE TABLE people (
  id int,
  -- schemac:renamed-from "Name"
  full_name text,
  -- schemac:renamed-from k_old
  CONSTRAINT k CHECK (id > 0),
  -- schemac:using "lower(full_name)"
  email text NOT NULL
);
-- schemac:renamed-from i_old
CREATE INDEX i ON people (id);
-- schemac:renamed-from v_old
CREATE MATERIALIZED VIEW v AS SELECT 1 AS x;
-- schemac:renamed-from f_old
CREATE FUNCTION f(a int, b text) RETURNS int LANGUAGE sql AS 'SELECT a';
)sql");
  // An enum type itself is not renamed (only its values): that directive stands before nothing it applies to.
  CHECK(c.AllMessages() ==
        "test.sql:1:1: error: schemac:renamed-from must stand right before what it renames: CREATE TABLE, a column or "
        "a constraint in it, CREATE INDEX, CREATE [MATERIALIZED] VIEW, CREATE FUNCTION or PROCEDURE, or a value of "
        "CREATE TYPE ... AS ENUM [compile.directive]\n");
  const auto& r = c.db.directives.renames;
  REQUIRE(r.size() == 7);
  auto has = [&](ir::ObjectKind kind, std::string object, std::string sub, std::string from) {
    for (const ir::RenameHint& h : r) {
      if (h.kind == kind && h.object.name == object && h.sub == sub && h.from == from) return true;
    }
    return false;
  };
  CHECK(has(ir::ObjectKind::Enum, "mood", "b", "B"));
  CHECK(has(ir::ObjectKind::Table, "people", "", "users"));
  CHECK(has(ir::ObjectKind::Column, "people", "full_name", "Name"));
  CHECK(has(ir::ObjectKind::Constraint, "people", "k", "k_old"));
  CHECK(has(ir::ObjectKind::Index, "people", "i", "i_old"));
  CHECK(has(ir::ObjectKind::MaterializedView, "v", "", "v_old"));
  CHECK(has(ir::ObjectKind::Function, "f(int4, text)", "", "f_old"));
  REQUIRE(c.db.directives.usings.size() == 1);
  CHECK(c.db.directives.usings[0].column == "email");
  CHECK(c.db.directives.usings[0].expression == "lower(full_name)");
  // Directives are hints, not state: a state without them is equal.
  ir::Database plain = c.db;
  plain.directives = {};
  CHECK(plain == c.db);
}

TEST_CASE("directives: ignore in a desired-state file is a warning, a malformed directive an error",
          "[sql][directives]") {
  auto c = Compile("-- schemac:ignore MG402 reason=\"x\"\nCREATE TABLE t (id int);\n-- schemac:renamed-from a b\n"
                   "CREATE TABLE u (id int);\n");
  // Malformed directives are reported as the file is read, the others once every statement is.
  CHECK(c.AllMessages() ==
        "test.sql:3:27: error: malformed schemac directive: expected the end of the directive [compile.directive]\n"
        "test.sql:1:1: warning: schemac:ignore belongs in migration files (schemac lint reads it); in a "
        "desired-state file it has no effect [compile.directive-no-effect]\n");
  CHECK(c.db.directives.renames.empty());
}

TEST_CASE("directives: two renames from one name, or two of one object, are errors", "[sql][directives]") {
  auto c = Compile("CREATE TABLE t (\n  -- schemac:renamed-from old\n  a int,\n  -- schemac:renamed-from old\n  b int\n);\n");
  CHECK(c.AllMessages() ==
        "test.sql:4:3: error: \"old\" is named as the old name of two objects by schemac:renamed-from "
        "[compile.directive]\n");
}
