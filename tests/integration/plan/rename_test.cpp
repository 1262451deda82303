// `-- schemac:renamed-from` and `-- schemac:using` against PostgreSQL: renames keep rows and
// identities both ways, a plan made after them finds nothing, a fresh database is simply built,
// and a directive whose source is nowhere is an error at the directive.
#include <catch2/catch.hpp>

#include "tests/integration/plan/plan_test_util.h"

namespace {

using namespace schemac;
using namespace schemac::plantest;

const char* const kBefore = R"(
CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE TABLE users (
  id serial PRIMARY KEY,
  name text,
  m mood DEFAULT 'sad',
  CONSTRAINT name_len CHECK (length(name) < 100)
);
CREATE INDEX users_name_idx ON users (name);
CREATE TABLE orders (id int PRIMARY KEY, user_id int REFERENCES users (id), amount int);
CREATE VIEW named AS SELECT id, name FROM users;
CREATE MATERIALIZED VIEW counts AS SELECT count(*) AS n FROM users;
CREATE FUNCTION bump(x int) RETURNS int LANGUAGE sql AS 'SELECT x + 1';
)";

const char* const kAfter = R"(
CREATE TYPE mood AS ENUM ('happy',
  -- schemac:renamed-from 'sad'
  'unhappy');
-- schemac:renamed-from users
CREATE TABLE people (
  id serial PRIMARY KEY,
  -- schemac:renamed-from name
  full_name text,
  m mood DEFAULT 'unhappy',
  -- schemac:renamed-from name_len
  CONSTRAINT full_name_len CHECK (length(full_name) < 100)
);
-- schemac:renamed-from users_name_idx
CREATE INDEX people_full_name_idx ON people (full_name);
CREATE TABLE orders (
  id int PRIMARY KEY,
  user_id int REFERENCES people (id),
  -- schemac:using "amount::numeric / 100"
  amount numeric(12,2),
  -- schemac:using "id * 10"
  fee int NOT NULL
);
-- schemac:renamed-from named
CREATE VIEW named_people AS SELECT id, full_name AS name FROM people;
-- schemac:renamed-from counts
CREATE MATERIALIZED VIEW people_count AS SELECT count(*) AS n FROM people;
-- schemac:renamed-from bump
CREATE FUNCTION increment(x int) RETURNS int LANGUAGE sql AS 'SELECT x + 1';
)";

// "relation|oid" for the renamed objects, under either name. (The materialized view is created
// again: its query text names the table, and only a database prints it after a rename.)
std::string Oids(const std::string& conninfo) {
  return Query(conninfo,
               "SELECT 'table|' || c.oid FROM pg_class c WHERE relname IN ('users', 'people') "
               "UNION ALL SELECT 'index|' || c.oid FROM pg_class c WHERE relname IN ('users_name_idx', "
               "'people_full_name_idx') "
               "UNION ALL SELECT 'sequence|' || c.oid FROM pg_class c WHERE relname IN ('users_id_seq', "
               "'people_id_seq') "
               "UNION ALL SELECT 'function|' || p.oid FROM pg_proc p WHERE proname IN ('bump', 'increment') "
               "ORDER BY 1");
}

}  // namespace

TEST_CASE("renamed-from: renames keep rows and identities there and back, and are no-ops once made",
          "[plan][rename]") {
  TempDir dir("schemac-rename");
  WriteFile(dir.File("before.sql"), kBefore);
  WriteFile(dir.File("after.sql"), kAfter);
  testing::ScratchDatabase live("rename_live"), want("rename_want"), was("rename_was");
  testing::RunSql(live.Conninfo(), kBefore);
  testing::RunSql(was.Conninfo(), kBefore);
  testing::RunSql(want.Conninfo(), kAfter);
  testing::RunSql(live.Conninfo(),
                  "INSERT INTO users (name) VALUES ('ann'), ('bob'); UPDATE users SET m = 'happy' WHERE name = 'bob';"
                  "INSERT INTO orders VALUES (1, 1, 250), (2, 2, NULL); REFRESH MATERIALIZED VIEW counts;");
  const std::string oids = Oids(live.Conninfo());

  cli::PlanOutcome forward = cli::PlanStates(PlanOptions({live.Conninfo()}, {dir.File("after.sql")}));
  INFO(DiagText(forward));
  REQUIRE(forward.exit_code == cli::kExitOk);
  const std::string sql = Forward(forward);
  INFO(sql);
  // Renamed, not dropped and created: the directives' renames, and the names PostgreSQL derived
  // from the table's old name, which the desired state derives from the new one.
  for (const char* rename :
       {"ALTER TABLE public.users RENAME TO people;", "ALTER TABLE public.people RENAME COLUMN name TO full_name;",
        "ALTER TABLE public.people RENAME CONSTRAINT name_len TO full_name_len;",
        "ALTER INDEX public.users_name_idx RENAME TO people_full_name_idx;",
        "ALTER TYPE public.mood RENAME VALUE 'sad' TO 'unhappy';", "ALTER VIEW public.named RENAME TO named_people;",
        "ALTER MATERIALIZED VIEW public.counts RENAME TO people_count;",
        "ALTER FUNCTION public.bump(integer) RENAME TO increment;",
        "ALTER TABLE public.people RENAME CONSTRAINT users_pkey TO people_pkey;",
        "ALTER SEQUENCE public.users_id_seq RENAME TO people_id_seq;",
        "ALTER TABLE public.orders ALTER COLUMN amount TYPE numeric(12,2) USING (amount::numeric / 100);",
        "UPDATE public.orders SET fee = (id * 10) WHERE fee IS NULL;"}) {
    CHECK(sql.find(rename) != std::string::npos);
  }
  CHECK(sql.find("DROP TABLE") == std::string::npos);
  CHECK(sql.find("DROP COLUMN") == std::string::npos);
  CHECK(sql.find("DROP SEQUENCE") == std::string::npos);
  const std::string rollback = emit::RenderSql(forward.plans.rollback);

  testing::RunSqlScriptWithPsql(live.Conninfo(), sql);
  CHECK(LineDiff(testing::WithoutColumnOrder(testing::DumpSchema(want.Conninfo())),
                 testing::WithoutColumnOrder(testing::DumpSchema(live.Conninfo()))) == "");
  CHECK(Query(live.Conninfo(), "SELECT id, full_name, m FROM people ORDER BY id") == "1|ann|unhappy\n2|bob|happy\n");
  CHECK(Query(live.Conninfo(), "SELECT id, user_id, amount, fee FROM orders ORDER BY id") ==
        "1|1|2.50|10\n2|2||20\n");
  CHECK(Query(live.Conninfo(), "SELECT nextval('people_id_seq')") == "3\n");  // the serial's counter went on
  CHECK(Query(live.Conninfo(), "SELECT increment(1)") == "2\n");
  CHECK(Oids(live.Conninfo()) == oids);
  {
    // The directives stay in the files; once made, the renames are no-ops.
    cli::PlanOutcome again = cli::PlanStates(PlanOptions({live.Conninfo()}, {dir.File("after.sql")}));
    INFO(DiagText(again));
    REQUIRE(again.exit_code == cli::kExitOk);
    CHECK(Forward(again) == "");
  }

  testing::RunSqlScriptWithPsql(live.Conninfo(), rollback);
  CHECK(LineDiff(testing::WithoutColumnOrder(testing::DumpSchema(was.Conninfo())),
                 testing::WithoutColumnOrder(testing::DumpSchema(live.Conninfo()))) == "");
  CHECK(Query(live.Conninfo(), "SELECT id, name, m FROM users ORDER BY id") == "1|ann|sad\n2|bob|happy\n");
  CHECK(Oids(live.Conninfo()) == oids);
  cli::PlanOutcome back = cli::PlanStates(PlanOptions({live.Conninfo()}, {dir.File("before.sql")}));
  INFO(DiagText(back));
  REQUIRE(back.exit_code == cli::kExitOk);
  CHECK(Forward(back) == "");
}

TEST_CASE("renamed-from: a fresh database is built from the desired state, directives and all", "[plan][rename]") {
  TempDir dir("schemac-rename-fresh");
  WriteFile(dir.File("after.sql"), kAfter);
  testing::ScratchDatabase fresh("rename_fresh");
  cli::PlanOutcome create = cli::PlanStates(PlanOptions({fresh.Conninfo()}, {dir.File("after.sql")}));
  INFO(DiagText(create));
  REQUIRE(create.exit_code == cli::kExitOk);
  CHECK(create.diags.items().empty());
  const std::string sql = Forward(create);
  CHECK(sql.find("RENAME") == std::string::npos);
  testing::RunSqlScriptWithPsql(fresh.Conninfo(), sql);
  cli::PlanOutcome again = cli::PlanStates(PlanOptions({fresh.Conninfo()}, {dir.File("after.sql")}));
  REQUIRE(again.exit_code == cli::kExitOk);
  CHECK(Forward(again) == "");
}

TEST_CASE("renamed-from: a source the database does not have is an error at the directive", "[plan][rename]") {
  TempDir dir("schemac-rename-missing");
  WriteFile(dir.File("after.sql"),
            "CREATE TABLE t (\n  id int,\n  -- schemac:renamed-from titel\n  title text\n);\n");
  testing::ScratchDatabase live("rename_missing");
  testing::RunSql(live.Conninfo(), "CREATE TABLE t (id int, label text)");
  cli::PlanOutcome out = cli::PlanStates(PlanOptions({live.Conninfo()}, {dir.File("after.sql")}));
  CHECK(out.exit_code == cli::kExitInvalid);
  const std::string errors = ErrorText(out);
  CHECK(errors.find("after.sql:3:3") != std::string::npos);
  CHECK(errors.find("plan.rename") != std::string::npos);
  CHECK(errors.find("column title of public.t is renamed from \"titel\", but table public.t in the database has "
                    "neither") != std::string::npos);
}

TEST_CASE("renamed-from: directives in the wrong place are compile errors at file:line:col", "[plan][rename]") {
  TempDir dir("schemac-rename-misplaced");
  WriteFile(dir.File("after.sql"),
            "CREATE TABLE a (id int);\n"
            "-- schemac:renamed-from a\n"
            "CREATE TABLE b (id int);\n"
            "CREATE TABLE c (\n"
            "  -- schemac:renamed-from c\n"
            "  c int,\n"
            "  -- schemac:using \"1\"\n"
            "  CONSTRAINT k CHECK (c > 0)\n"
            ");\n"
            "-- schemac:renamed-from s\n"
            "CREATE SEQUENCE q;\n"
            "-- schemac:renamed-from\n"
            "CREATE TABLE d (id int);\n");
  testing::ScratchDatabase live("rename_misplaced");
  cli::PlanOutcome out = cli::PlanStates(PlanOptions({live.Conninfo()}, {dir.File("after.sql")}));
  CHECK(out.exit_code == cli::kExitInvalid);
  const std::string errors = ErrorText(out);
  INFO(errors);
  CHECK(errors.find("after.sql:2:1") != std::string::npos);  // b renamed from a, which the state still defines
  CHECK(errors.find("which the desired state also defines") != std::string::npos);
  CHECK(errors.find("after.sql:5:3") != std::string::npos);  // c renamed from its own name
  CHECK(errors.find("renamed from its own name") != std::string::npos);
  CHECK(errors.find("after.sql:7:3") != std::string::npos);  // using before a constraint
  CHECK(errors.find("schemac:using must stand right before a column") != std::string::npos);
  CHECK(errors.find("after.sql:10:1") != std::string::npos);  // before a sequence
  CHECK(errors.find("must stand right before what it renames") != std::string::npos);
  CHECK(errors.find("after.sql:12:24") != std::string::npos);  // no name
}
