#include <catch2/catch.hpp>

#include "compiler/ir/fingerprint.h"
#include "compiler/ir/schema.h"
#include "compiler/ir/source.h"

using namespace schemac::ir;

TEST_CASE("sha256 matches the published test vectors", "[ir]") {
  CHECK(Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(Sha256Hex(std::string(1000, 'a')) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
}

TEST_CASE("spans do not take part in equality, fields do", "[ir]") {
  Column a{.name = "id", .type = {"pg_catalog", "int4", "", false}};
  Column b = a;
  b.span = SourceSpan{3, 10, 20};
  CHECK(a == b);
  b.not_null = true;
  CHECK_FALSE(a == b);
}

TEST_CASE("fingerprint changes with the schema", "[ir]") {
  Database db;
  db.schemas["public"] = Schema{.name = "public"};
  std::string f1 = Fingerprint(db);
  CHECK(f1.rfind("sha256:", 0) == 0);
  CHECK(Fingerprint(db) == f1);
  Table t{.name = {"public", "t"}};
  t.columns.push_back(Column{.name = "id", .type = {"pg_catalog", "int4", "", false}});
  db.tables[t.name] = t;
  CHECK(Fingerprint(db) != f1);
}

TEST_CASE("source manager resolves byte offsets to line and column", "[ir]") {
  SourceManager sm;
  int32_t f = sm.Add("a.sql", "ab\ncd\n\nxyz");
  CHECK(sm.Resolve(f, 0).line == 1);
  CHECK(sm.Resolve(f, 4).line == 2);
  CHECK(sm.Resolve(f, 4).column == 2);
  CHECK(sm.Resolve(f, 7).line == 4);
  CHECK(sm.Resolve(f, 7).column == 1);
  Diagnostic d{Severity::Error, "compile.syntax", "syntax error at or near \"x\"", SourceSpan{f, 7, 8}, "", {}};
  CHECK(FormatDiagnostic(d, &sm) == "a.sql:4:1: error: syntax error at or near \"x\" [compile.syntax]");
  Diagnostic o{Severity::Warning, "canon.undecided-expression", "may differ", {}, "public.t", {}};
  CHECK(FormatDiagnostic(o, &sm) == "public.t: warning: may differ [canon.undecided-expression]");
}

TEST_CASE("identifiers are truncated to 63 bytes on a character boundary", "[ir]") {
  CHECK(TruncateIdentifier(std::string(70, 'a')).size() == 63);
  std::string s(62, 'a');
  s += "\xc3\xa9";  // é straddles byte 63
  CHECK(TruncateIdentifier(s) == std::string(62, 'a'));
  CHECK(DisplayName(QualifiedName{"public", "Odd \"Name\""}) == "public.\"Odd \"\"Name\"\"\"");
}
