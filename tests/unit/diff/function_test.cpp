// The function handler's verdicts, and the check that refuses to drop a function a column
// default still calls.
#include <catch2/catch.hpp>

#include "diff/objects.h"
#include "diff/objects_kinds.h"

using namespace schemac;

namespace {

ir::Function Fn(const std::string& name, const std::string& ret) {
  ir::Function f;
  f.name = {"public", name};
  f.language = "sql";
  f.body = "select 1";
  f.return_type = ir::TypeRef{"pg_catalog", ret, "", false};
  return f;
}

ir::Database With(const ir::Function& f, bool table_uses_it) {
  ir::Database db;
  db.functions[{"public", ir::Signature(f)}] = f;
  if (table_uses_it) {
    ir::Table t;
    t.name = {"public", "t"};
    ir::Column c;
    c.name = "c";
    c.type = {"pg_catalog", "int4", "", false};
    c.default_expr = ir::Expr{"public." + f.name.name + "()"};
    t.columns.push_back(c);
    db.tables[t.name] = t;
  }
  return db;
}

diff::Verdict VerdictOf(const ir::Function& b, const ir::Function& a) {
  diff::ElementRef rb, ra;
  rb.function = &b;
  ra.function = &a;
  return diff::FunctionHandler().compare(rb, ra, false).verdict;
}

}  // namespace

TEST_CASE("function handler: replace, rebuild, alter", "[diff][function]") {
  ir::Function f = Fn("f", "int4");
  ir::Function body = f;
  body.body = "select 2";
  CHECK(VerdictOf(f, body) == diff::Verdict::Replace);
  ir::Function ret = Fn("f", "int8");
  CHECK(VerdictOf(f, ret) == diff::Verdict::Rebuild);
  ir::Function comment = f;
  comment.comment = "x";
  CHECK(VerdictOf(f, comment) == diff::Verdict::Alter);
  ir::Function with_default = f;
  with_default.args.push_back({ir::ArgMode::In, "a", {"pg_catalog", "int4", "", false}, ir::Expr{"1"}});
  ir::Function without_default = with_default;
  without_default.args[0].default_expr.reset();
  CHECK(VerdictOf(with_default, without_default) == diff::Verdict::Rebuild);
  CHECK(VerdictOf(without_default, with_default) == diff::Verdict::Replace);
  CHECK(VerdictOf(f, f) == diff::Verdict::Same);
}

TEST_CASE("function used by a kept column default cannot be rebuilt", "[diff][function]") {
  ir::Database from = With(Fn("f", "int4"), true);
  ir::Database to = With(Fn("f", "int8"), true);
  std::vector<diff::Change> changes;
  diff::DiffObjects(from, to, false, changes);
  ir::Diagnostics diags;
  diff::CheckFunctionDropsUnderTables(from, to, changes, diags);
  REQUIRE(diags.items().size() == 1);
  CHECK(diags.items()[0].message ==
        "not yet supported: changing the signature or result of function public.f() used by column default public.t.c");
  // Without the table, or with only the body changed, nothing is reported.
  ir::Diagnostics none;
  ir::Database from2 = With(Fn("f", "int4"), false);
  ir::Database to2 = With(Fn("f", "int8"), false);
  std::vector<diff::Change> changes2;
  diff::DiffObjects(from2, to2, false, changes2);
  diff::CheckFunctionDropsUnderTables(from2, to2, changes2, none);
  ir::Function body = Fn("f", "int4");
  body.body = "select 2";
  ir::Database to3 = With(body, true);
  std::vector<diff::Change> changes3;
  diff::DiffObjects(from, to3, false, changes3);
  diff::CheckFunctionDropsUnderTables(from, to3, changes3, none);
  CHECK(none.items().empty());
}
