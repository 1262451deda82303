#include <catch2/catch.hpp>

#include "sql_test_util.h"

using schemac::sql::testing::Compile;

TEST_CASE("policy: every part of CREATE POLICY is recorded", "[sql][policy]") {
  auto c = Compile(R"(
CREATE SCHEMA app;
SET search_path = app;
CREATE TABLE accounts (id bigint PRIMARY KEY, owner_name text);
CREATE TABLE docs (id bigint, account_id bigint, body text, is_public boolean);
CREATE FUNCTION current_account() RETURNS bigint LANGUAGE sql STABLE AS 'select 1::bigint';
ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
CREATE POLICY docs_read ON docs FOR SELECT TO reader, PUBLIC USING (is_public OR account_id = current_account());
CREATE POLICY docs_write ON docs AS RESTRICTIVE FOR UPDATE TO writer, "Admin", writer
  USING (account_id = current_account()) WITH CHECK (body <> '');
CREATE POLICY docs_owner ON docs
  USING (EXISTS (SELECT 1 FROM accounts a WHERE a.id = account_id AND a.owner_name = current_user));
CREATE POLICY docs_insert ON docs FOR INSERT WITH CHECK (true);
COMMENT ON POLICY docs_owner ON docs IS 'owners see everything';
)");
  REQUIRE(c.AllMessages() == "");
  const auto& t = c.Table("app", "docs");
  REQUIRE(t.policies.size() == 4);
  const auto& read = t.policies.at("docs_read");
  CHECK(read.command == 'r');
  CHECK(read.permissive);
  CHECK(read.roles.empty());  // PUBLIC wins over the other roles, as in PostgreSQL
  REQUIRE(read.using_expr);
  CHECK(read.using_expr->text == "is_public OR account_id = app.current_account()");
  CHECK_FALSE(read.check_expr);
  CHECK(read.deps.keys == std::vector<std::string>{"col:app.docs.account_id", "col:app.docs.is_public",
                                                   "func:app.current_account", "rel:app.docs"});
  const auto& write = t.policies.at("docs_write");
  CHECK(write.command == 'w');
  CHECK_FALSE(write.permissive);
  CHECK(write.roles == std::vector<std::string>{"Admin", "writer"});
  REQUIRE(write.check_expr);
  CHECK(write.check_expr->text == "body <> ''");
  const auto& owner = t.policies.at("docs_owner");
  CHECK(owner.command == '*');
  CHECK(owner.using_expr->text ==
        "EXISTS (SELECT 1 FROM app.accounts a WHERE a.id = account_id AND a.owner_name = current_user)");
  CHECK(owner.comment == std::optional<std::string>("owners see everything"));
  CHECK(owner.deps.keys == std::vector<std::string>{"col:app.docs.account_id", "col:app.docs.id", "rel:app.accounts",
                                                    "rel:app.docs"});
  CHECK(t.policies.at("docs_insert").command == 'a');
  CHECK_THAT(schemac::sql::testing::PrintTable(c.db, "app", "docs"),
             Catch::Contains("  policy docs_write for w restrictive to (Admin, writer) using "));
}

TEST_CASE("policy: in any order, ALTER POLICY and DROP POLICY", "[sql][policy]") {
  auto c = Compile(R"(
COMMENT ON POLICY p ON t IS 'kept';
CREATE POLICY p ON t FOR UPDATE USING (a > 0);
ALTER POLICY p ON t TO bob WITH CHECK (a < 10);
CREATE POLICY q ON t USING (a IN (SELECT x FROM other));
DROP POLICY q ON t;
DROP POLICY IF EXISTS nope ON t;
CREATE TABLE t (a int);
CREATE TABLE other (x int);
)");
  REQUIRE(c.AllMessages() == "");
  const auto& t = c.Table("public", "t");
  REQUIRE(t.policies.size() == 1);
  const auto& p = t.policies.at("p");
  CHECK(p.roles == std::vector<std::string>{"bob"});
  CHECK(p.using_expr->text == "a > 0");
  CHECK(p.check_expr->text == "a < 10");
  CHECK(p.comment == std::optional<std::string>("kept"));
}

TEST_CASE("policy: what PostgreSQL rejects is an error with its position", "[sql][policy]") {
  auto c = Compile(R"(CREATE TABLE t (a int);
CREATE VIEW v AS SELECT a FROM t;
CREATE POLICY p1 ON t FOR SELECT USING (true) WITH CHECK (true);
CREATE POLICY p2 ON t FOR INSERT USING (true);
CREATE POLICY p3 ON v USING (true);
CREATE POLICY p4 ON t TO CURRENT_USER USING (true);
CREATE POLICY p5 ON t USING (true);
CREATE POLICY p5 ON t USING (false);
CREATE POLICY p6 ON nope USING (true);
ALTER POLICY p7 ON t USING (true);
CREATE POLICY p8 ON t USING (a IN (SELECT x FROM missing));)");
  CHECK(c.AllMessages() ==
        "test.sql:3:1: error: policy \"p1\" on table \"public.t\": WITH CHECK cannot be applied to SELECT or DELETE "
        "[compile.invalid]\n"
        "test.sql:4:1: error: policy \"p2\" on table \"public.t\": only WITH CHECK expression allowed for INSERT "
        "[compile.invalid]\n"
        "test.sql:5:1: error: policy \"p3\": \"v\" is not a table [compile.invalid]\n"
        "test.sql:6:1: error: not yet supported: policy \"p4\" on table \"public.t\": CURRENT_USER, CURRENT_ROLE or "
        "SESSION_USER as a policy role (name the role) [compile.unsupported]\n"
        "test.sql:8:1: error: policy \"p5\" on table \"public.t\": policy \"p5\" for table \"t\" already exists "
        "[compile.duplicate]\n"
        "test.sql:7:1: note: first defined here\n"
        "test.sql:9:1: error: table \"nope\" does not exist [compile.undefined]\n"
        "test.sql:10:1: error: policy \"p7\" for table \"t\" does not exist [compile.undefined]\n"
        "test.sql:11:1: error: policy \"p8\" on table \"public.t\": relation \"missing\" does not exist "
        "[compile.undefined]\n");
}
