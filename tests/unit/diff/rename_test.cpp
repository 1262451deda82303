// Renaming identifiers in expression texts (diff/rename.h).
#include <catch2/catch.hpp>

#include "diff/rename.h"

namespace {

// PostgreSQL's rule in short, for these cases: lower-case names bare, others and the reserved
// word "user" quoted (the planner passes emit::QuoteIdentifier).
std::string Quote(const std::string& n) {
  bool bare = n != "user" && !n.empty();
  for (char c : n) bare = bare && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  return bare ? n : "\"" + n + "\"";
}

std::string RenameIdentifier(const std::string& text, const std::string& from, const std::string& to,
                             const std::vector<std::string>& qualifiers = {}) {
  return schemac::diff::RenameIdentifier(text, from, to, Quote, qualifiers);
}

}  // namespace

TEST_CASE("rename: an identifier is renamed where it stands alone, bare or quoted", "[diff][rename]") {
  CHECK(RenameIdentifier("(name IS NOT NULL) AND (length(name) < 100)", "name", "full_name") ==
        "(full_name IS NOT NULL) AND (length(full_name) < 100)");
  CHECK(RenameIdentifier("(\"Name\" <> ''::text)", "Name", "full_name") == "(full_name <> ''::text)");
  CHECK(RenameIdentifier("(name <> ''::text)", "name", "Full Name") == "(\"Full Name\" <> ''::text)");
}

TEST_CASE("rename: literals, fields, calls and longer words are left alone", "[diff][rename]") {
  CHECK(RenameIdentifier("(name <> 'name''s name'::text)", "name", "x") == "(x <> 'name''s name'::text)");
  CHECK(RenameIdentifier("((r).name = t.name)", "name", "x") == "((r).name = t.name)");
  CHECK(RenameIdentifier("(name(a) AND names AND name_2 AND xname)", "name", "x") ==
        "(name(a) AND names AND name_2 AND xname)");
  // PostgreSQL prints a name that needs quotes quoted: a bare word is never that name.
  CHECK(RenameIdentifier("(name > 0)", "Name", "x") == "(name > 0)");
}

TEST_CASE("rename: a trigger's new.col and old.col are the column", "[diff][rename]") {
  CHECK(RenameIdentifier("((new.id IS NOT NULL) AND (old.id <> new.id) AND (x.id = 1))", "id", "key", {"new", "old"}) ==
        "((new.key IS NOT NULL) AND (old.key <> new.key) AND (x.id = 1))");
  CHECK(RenameIdentifier("(new.id IS NOT NULL)", "id", "key") == "(new.id IS NOT NULL)");
}

TEST_CASE("rename: reserved words are written quoted, and a bare one is not the column", "[diff][rename]") {
  CHECK(RenameIdentifier("(\"ünïcode0\" * 2)", "ünïcode0", "user") == "(\"user\" * 2)");
  CHECK(RenameIdentifier("(owner = user)", "user", "x") == "(owner = user)");
  CHECK(RenameIdentifier("(owner = \"user\")", "user", "x") == "(owner = x)");
}
