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
  auto unknown = ParseDirective(" schemac:renamed-from old_name");
  CHECK_FALSE(unknown.ok);
  CHECK(unknown.error == "a directive: ignore or ignore-file");
  CHECK(unknown.error_offset == 9);
  auto open = ParseDirective(" schemac:ignore MG402 reason=\"never closed");
  CHECK_FALSE(open.ok);
  auto trailing = ParseDirective(" schemac:ignore MG402 reason=\"r\" extra");
  CHECK_FALSE(trailing.ok);
  CHECK(trailing.error == "the end of the directive");
  CHECK(trailing.error_offset == 33);
}
