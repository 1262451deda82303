// Reference keys read from canonical expression text: qualified calls and casts to qualified
// types, never what a string literal or a quoted identifier only looks like.
#include <catch2/catch.hpp>

#include "compiler/ir/expression_keys.h"

using schemac::ir::ExpressionKeys;
using K = std::vector<std::string>;

TEST_CASE("expression keys: qualified calls and casts", "[ir][expression-keys]") {
  CHECK(ExpressionKeys("app.f(a) + public.g()") == K{"func:app.f", "func:public.g"});
  CHECK(ExpressionKeys("'x'::public.mood") == K{"type:public.mood"});
  CHECK(ExpressionKeys("(a)::app.\"Pos Int\" > 0") == K{"type:app.Pos Int"});
  CHECK(ExpressionKeys("'{}'::app.tags[]") == K{"type:app.tags"});
  CHECK(ExpressionKeys("app.f(b::app.d)::app.e") == K{"func:app.f", "type:app.d", "type:app.e"});
}

TEST_CASE("expression keys: built-ins, literals, columns and unqualified names give none", "[ir][expression-keys]") {
  CHECK(ExpressionKeys("lower(c) || 'app.f(x)' || '::app.t'").empty());
  CHECK(ExpressionKeys("pg_catalog.now()::pg_catalog.date").empty());
  CHECK(ExpressionKeys("t.c + 1.5 > 0").empty());
  CHECK(ExpressionKeys("'x'::mood").empty());
  CHECK(ExpressionKeys("\"a.b(\" + 1").empty());
  CHECK(ExpressionKeys("'it''s'::app.t").size() == 1);
}
