// The directive grammar: well-formed directives, comments that are not directives, and malformed
// ones with the offset where they go wrong.
#include "grammar/directive.h"

#include <catch2/catch.hpp>

using schemac::grammar::DirectiveKind;
using schemac::grammar::ParseDirective;

TEST_CASE("directives: ignore and ignore-file with rules and a reason", "[grammar]") {
  auto d = ParseDirective(" schemac:ignore MG402 reason=\"column unused since v41\"");
  REQUIRE(d.is_directive);
  REQUIRE(d.ok);
  CHECK(d.directive.kind == DirectiveKind::Ignore);
  CHECK(d.directive.rules == std::vector<std::string>{"MG402"});
  CHECK(d.directive.reason == "column unused since v41");
  auto f = ParseDirective("schemac:ignore-file MG701, MG702 reason = \"timeouts set by the runner \\\"migrate\\\"\"  ");
  REQUIRE(f.ok);
  CHECK(f.directive.kind == DirectiveKind::IgnoreFile);
  CHECK(f.directive.rules == std::vector<std::string>{"MG701", "MG702"});
  CHECK(f.directive.reason == "timeouts set by the runner \"migrate\"");
}

TEST_CASE("directives: plain comments are not directives", "[grammar]") {
  CHECK_FALSE(ParseDirective(" add the index").is_directive);
  CHECK_FALSE(ParseDirective(" see schemac:ignore below").is_directive);
  CHECK_FALSE(ParseDirective("").is_directive);
}

TEST_CASE("directives: malformed ones say what was expected, and where", "[grammar]") {
  auto no_reason = ParseDirective(" schemac:ignore MG402");
  CHECK(no_reason.is_directive);
  CHECK_FALSE(no_reason.ok);
  CHECK(no_reason.error == "reason=\"...\"");
  CHECK(no_reason.error_offset == 21);
  auto bad_id = ParseDirective(" schemac:ignore MG4x2 reason=\"r\"");
  CHECK_FALSE(bad_id.ok);
  CHECK(bad_id.error_offset == 18);
  auto unknown = ParseDirective(" schemac:rename-to new_name");
  CHECK_FALSE(unknown.ok);
  CHECK(unknown.error == "a directive: ignore, ignore-file, renamed-from or using");
  CHECK(unknown.error_offset == 9);
  auto open = ParseDirective(" schemac:ignore MG402 reason=\"never closed");
  CHECK_FALSE(open.ok);
  auto trailing = ParseDirective(" schemac:ignore MG402 reason=\"r\" extra");
  CHECK_FALSE(trailing.ok);
  CHECK(trailing.error == "the end of the directive");
  CHECK(trailing.error_offset == 33);
}

TEST_CASE("directives: renamed-from folds a bare name and keeps quoted ones", "[grammar]") {
  auto bare = ParseDirective(" schemac:renamed-from Old_Name$2");
  REQUIRE(bare.ok);
  CHECK(bare.directive.kind == DirectiveKind::RenamedFrom);
  CHECK(bare.directive.name == "old_name$2");
  auto quoted = ParseDirective(" schemac:renamed-from \"Old \"\"Name\"\"\"  ");
  REQUIRE(quoted.ok);
  CHECK(quoted.directive.name == "Old \"Name\"");
  auto value = ParseDirective("schemac:renamed-from 'it''s Pending'");
  REQUIRE(value.ok);
  CHECK(value.directive.name == "it's Pending");
  CHECK(schemac::grammar::IsDesiredStateDirective(value.directive.kind));
  CHECK_FALSE(schemac::grammar::IsDesiredStateDirective(DirectiveKind::Ignore));
}

TEST_CASE("directives: renamed-from needs exactly one name", "[grammar]") {
  auto none = ParseDirective(" schemac:renamed-from");
  CHECK_FALSE(none.ok);
  CHECK(none.error == "an old name: name, \"Name\" or 'value'");
  CHECK(none.error_offset == 21);
  auto two = ParseDirective(" schemac:renamed-from a b");
  CHECK_FALSE(two.ok);
  CHECK(two.error == "the end of the directive");
  CHECK(two.error_offset == 24);
  auto qualified = ParseDirective(" schemac:renamed-from app.a");
  CHECK_FALSE(qualified.ok);
  CHECK(qualified.error_offset == 25);
  auto digit = ParseDirective(" schemac:renamed-from 1a");
  CHECK_FALSE(digit.ok);
  CHECK(digit.error_offset == 22);
}

TEST_CASE("directives: using takes one double-quoted expression", "[grammar]") {
  auto u = ParseDirective(" schemac:using \"amount_cents::numeric / 100\"");
  REQUIRE(u.ok);
  CHECK(u.directive.kind == DirectiveKind::Using);
  CHECK(u.directive.expression == "amount_cents::numeric / 100");
  auto escaped = ParseDirective(" schemac:using \"lower(\\\"Name\\\")\"");
  REQUIRE(escaped.ok);
  CHECK(escaped.directive.expression == "lower(\"Name\")");
  auto bare = ParseDirective(" schemac:using amount / 100");
  CHECK_FALSE(bare.ok);
  CHECK(bare.error == "a double-quoted string");
  CHECK(bare.error_offset == 15);
  auto empty = ParseDirective(" schemac:using \"  \"");
  CHECK_FALSE(empty.ok);
  CHECK(empty.error == "a non-empty expression");
}
