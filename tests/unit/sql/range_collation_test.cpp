// The SQL front end for range types, collations and ALTER TYPE on composite types.
#include <catch2/catch.hpp>

#include "sql_test_util.h"

using schemac::ir::QualifiedName;
using schemac::ir::TypeRef;
using schemac::sql::testing::Compile;

namespace {
using OptName = std::optional<QualifiedName>;
}

TEST_CASE("range: defaults filled in, multirange name chosen as PostgreSQL does", "[sql][range]") {
  auto c = Compile(R"(
    CREATE TYPE floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);
    CREATE TYPE ts AS RANGE (SUBTYPE = text, subtype_opclass = text_ops, collation = "default");
    CREATE TYPE pat AS RANGE (subtype = varchar(10), subtype_opclass = text_pattern_ops, collation = "C",
                              multirange_type_name = many_pats);
    COMMENT ON TYPE floatrange IS 'floats';
    ALTER TYPE floatrange OWNER TO bob;)");
  REQUIRE(c.AllMessages() == "");
  const auto& f = c.db.range_types.at({"public", "floatrange"});
  CHECK(f.subtype == TypeRef{"pg_catalog", "float8", "", false});
  CHECK(f.subtype_diff == OptName({"pg_catalog", "float8mi"}));
  CHECK(f.multirange == QualifiedName{"public", "floatmultirange"});
  CHECK(f.comment == std::optional<std::string>("floats"));
  CHECK(f.owner == std::optional<std::string>("bob"));
  CHECK(f.deps.keys.empty());
  const auto& t = c.db.range_types.at({"public", "ts"});
  CHECK_FALSE(t.subtype_opclass);  // text_ops is text's default
  CHECK_FALSE(t.collation);        // the default collation is the subtype's own
  CHECK(t.multirange == QualifiedName{"public", "ts_multirange"});
  const auto& p = c.db.range_types.at({"public", "pat"});
  CHECK(p.subtype == TypeRef{"pg_catalog", "varchar", "", false});  // modifiers are dropped
  CHECK(p.subtype_opclass == OptName({"pg_catalog", "text_pattern_ops"}));
  CHECK(p.collation == OptName({"pg_catalog", "C"}));
  CHECK(p.multirange == QualifiedName{"public", "many_pats"});
}

TEST_CASE("range: user subtype, functions and collations are resolved and become deps", "[sql][range]") {
  auto c = Compile(R"(
    CREATE TABLE uses (a timerange, b timemultirange, c timerange[]);
    CREATE TYPE timerange AS RANGE (subtype = app.clock, subtype_diff = time_diff, collation = app.ci);
    CREATE SCHEMA app;
    CREATE DOMAIN app.clock AS text;
    CREATE COLLATION app.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
    CREATE FUNCTION time_diff(x app.clock, y app.clock) RETURNS float8 LANGUAGE sql IMMUTABLE
      AS 'select 1.0::float8';)");
  REQUIRE(c.AllMessages() == "");
  const auto& r = c.db.range_types.at({"public", "timerange"});
  CHECK(r.subtype == TypeRef{"app", "clock", "", false});
  CHECK(r.subtype_diff == OptName({"public", "time_diff"}));
  CHECK(r.collation == OptName({"app", "ci"}));
  CHECK(r.multirange == QualifiedName{"public", "timemultirange"});
  CHECK(r.deps.keys == std::vector<std::string>{"coll:app.ci", "func:public.time_diff", "type:app.clock"});
  const auto& t = c.Table("public", "uses");
  CHECK(t.columns[0].type == TypeRef{"public", "timerange", "", false});
  CHECK(t.columns[1].type == TypeRef{"public", "timemultirange", "", false});
  CHECK(t.columns[2].type == TypeRef{"public", "timerange", "", true});
}

TEST_CASE("range: errors carry their location", "[sql][range]") {
  auto c = Compile("CREATE TYPE r AS RANGE (subtype_diff = float8mi);\n"
                   "CREATE TYPE r2 AS RANGE (subtype = int4, subtype = int8);\n"
                   "CREATE TYPE r3 AS RANGE (subtype = int4, collation = \"C\");\n"
                   "CREATE TYPE r4 AS RANGE (subtype = int4, frobnicate = 1);\n"
                   "CREATE TYPE r5range AS RANGE (subtype = int4);\n"
                   "CREATE TYPE r5multirange AS (a int);\n");
  CHECK(c.AllMessages() ==
        "test.sql:1:1: error: type \"public.r\": type attribute \"subtype\" is required [compile.invalid]\n"
        "test.sql:2:42: error: type \"public.r2\": conflicting or redundant options (\"subtype\") [compile.invalid]\n"
        "test.sql:3:42: error: type \"public.r3\": range collation specified but subtype does not support "
        "collation [compile.invalid]\n"
        "test.sql:4:42: error: type \"public.r4\": type attribute \"frobnicate\" not recognized [compile.invalid]\n"
        "test.sql:6:1: error: type \"public.r5multirange\" is defined more than once [compile.duplicate]\n"
        "test.sql:5:1: note: previous definition is here\n");
}

TEST_CASE("range: DROP TYPE and DROP SCHEMA remove it", "[sql][range]") {
  auto c = Compile(R"(
    CREATE SCHEMA s;
    CREATE TYPE s.r AS RANGE (subtype = int4);
    CREATE TYPE r AS RANGE (subtype = int8);
    DROP TYPE r;
    DROP SCHEMA s CASCADE;)");
  REQUIRE(c.AllMessages() == "");
  CHECK(c.db.range_types.empty());
}

TEST_CASE("collation: providers, locales, FROM, comment, owner, drop", "[sql][collation]") {
  auto c = Compile(R"(
    CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
    CREATE COLLATION plain (locale = 'C');
    CREATE COLLATION mixed (lc_collate = 'C', lc_ctype = 'POSIX');
    CREATE COLLATION copy_c FROM "C";
    CREATE COLLATION copy_ci FROM ci;
    CREATE COLLATION german FROM "de-x-icu";
    CREATE COLLATION gone (provider = libc, locale = 'POSIX');
    CREATE COLLATION IF NOT EXISTS plain (locale = 'POSIX');
    COMMENT ON COLLATION ci IS 'case-insensitive';
    ALTER COLLATION ci OWNER TO bob;
    DROP COLLATION gone;
    DROP COLLATION IF EXISTS never;)");
  REQUIRE(c.AllMessages() == "");
  REQUIRE(c.db.collations.size() == 6);
  const auto& ci = c.db.collations.at({"public", "ci"});
  CHECK(ci.provider == 'i');
  CHECK(ci.lc_collate == "und-u-ks-level2");
  CHECK(ci.lc_ctype == "und-u-ks-level2");
  CHECK_FALSE(ci.deterministic);
  CHECK(ci.comment == std::optional<std::string>("case-insensitive"));
  CHECK(ci.owner == std::optional<std::string>("bob"));
  const auto& plain = c.db.collations.at({"public", "plain"});
  CHECK(plain.provider == 'c');
  CHECK(plain.lc_collate == "C");
  CHECK(plain.lc_ctype == "C");
  const auto& mixed = c.db.collations.at({"public", "mixed"});
  CHECK(mixed.lc_collate == "C");
  CHECK(mixed.lc_ctype == "POSIX");
  CHECK(c.db.collations.at({"public", "copy_c"}).lc_ctype == "C");
  const auto& copy_ci = c.db.collations.at({"public", "copy_ci"});
  CHECK(copy_ci.provider == 'i');
  CHECK_FALSE(copy_ci.deterministic);
  const auto& german = c.db.collations.at({"public", "german"});
  CHECK(german.provider == 'i');
  CHECK(german.lc_collate == "de");
}

TEST_CASE("collation: user collations resolve through the search path and become deps", "[sql][collation]") {
  auto c = Compile(R"(
    CREATE DOMAIN d AS text COLLATE ci;
    CREATE TYPE pair AS (a text COLLATE ci, b text COLLATE "C");
    CREATE DOMAIN e AS text COLLATE app.ci;
    CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
    CREATE SCHEMA app;
    CREATE COLLATION app.ci (provider = icu, locale = 'de');)");
  REQUIRE(c.AllMessages() == "");
  const auto& d = c.db.domains.at({"public", "d"});
  CHECK(d.collation == OptName({"public", "ci"}));
  CHECK(d.deps.keys == std::vector<std::string>{"coll:public.ci"});
  const auto& p = c.db.composite_types.at({"public", "pair"});
  CHECK(p.attributes[0].collation == OptName({"public", "ci"}));
  CHECK(p.attributes[1].collation == OptName({"pg_catalog", "C"}));
  CHECK(p.deps.keys == std::vector<std::string>{"coll:public.ci"});
  CHECK(c.db.domains.at({"public", "e"}).collation == OptName({"app", "ci"}));
}

TEST_CASE("collation: unqualified COLLATE on table columns and index elements finds user collations",
          "[sql][collation]") {
  auto c = Compile(R"(
    CREATE TABLE t (a text COLLATE ci, b text COLLATE "C", c text COLLATE "en_US", d text);
    CREATE INDEX t_d ON t (d COLLATE ci);
    ALTER TABLE t ADD COLUMN e text COLLATE ci;
    CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);)");
  REQUIRE(c.AllMessages() == "");
  const auto& t = c.db.tables.at({"public", "t"});
  CHECK(t.FindColumn("a")->collation == OptName({"public", "ci"}));
  CHECK(t.FindColumn("b")->collation == OptName({"pg_catalog", "C"}));
  CHECK(t.FindColumn("c")->collation == OptName({"pg_catalog", "en_US"}));
  CHECK(t.FindColumn("e")->collation == OptName({"public", "ci"}));
  CHECK(t.indexes.at("t_d").elements[0].collation == OptName({"public", "ci"}));

  auto missing = Compile("CREATE TABLE u (a text COLLATE app.nope);");
  CHECK(missing.AllMessages().find("collation \"app.nope\"") != std::string::npos);
}

TEST_CASE("collation: errors carry their location", "[sql][collation]") {
  auto c = Compile("CREATE COLLATION a (provider = icu, lc_collate = 'de');\n"
                   "CREATE COLLATION b (locale = 'C', deterministic = false);\n"
                   "CREATE COLLATION c (locale = 'C', lc_ctype = 'C');\n"
                   "CREATE COLLATION d FROM \"default\";\n"
                   "CREATE COLLATION e (provider = other, locale = 'C');\n"
                   "CREATE COLLATION f FROM \"en_US\";\n"
                   "CREATE DOMAIN g AS text COLLATE nope.x;\n");
  CHECK(c.AllMessages() ==
        "test.sql:1:1: error: collation \"public.a\": parameter \"locale\" must be specified [compile.invalid]\n"
        "test.sql:2:1: error: collation \"public.b\": nondeterministic collations not supported with this provider "
        "[compile.invalid]\n"
        "test.sql:3:21: error: collation \"public.c\": LOCALE cannot be specified together with LC_COLLATE or "
        "LC_CTYPE [compile.invalid]\n"
        "test.sql:5:21: error: collation \"public.e\": unrecognized collation provider: other [compile.invalid]\n"
        // Names that may be user collations defined later are looked at once every statement was read.
        "test.sql:4:25: error: collation \"public.d\": collation \"default\" cannot be copied [compile.invalid]\n"
        "test.sql:6:25: error: not yet supported: collation \"public.f\": copying the server's collation \"en_US\" "
        "(write its provider and locale instead) [compile.unsupported]\n"
        "test.sql:7:25: error: domain \"public.g\": collation \"nope.x\" does not exist [compile.undefined]\n");
}

TEST_CASE("composite: ALTER TYPE ADD / DROP / ALTER / RENAME ATTRIBUTE fold into the type", "[sql][composite]") {
  auto c = Compile(R"(
    CREATE TYPE item AS (name text, qty int, old text);
    COMMENT ON COLUMN item.qty IS 'how many';
    ALTER TYPE item ADD ATTRIBUTE price numeric(8,2), DROP ATTRIBUTE old, DROP ATTRIBUTE IF EXISTS never;
    ALTER TYPE item ALTER ATTRIBUTE qty TYPE bigint, ALTER ATTRIBUTE name SET DATA TYPE text COLLATE "C";
    ALTER TYPE item RENAME ATTRIBUTE qty TO quantity;
    ALTER TYPE item ADD ATTRIBUTE tag later_enum;
    CREATE TYPE later_enum AS ENUM ('a');)");
  REQUIRE(c.AllMessages() == "");
  const auto& t = c.db.composite_types.at({"public", "item"});
  REQUIRE(t.attributes.size() == 4);
  CHECK(t.attributes[0].name == "name");
  CHECK(t.attributes[0].collation == OptName({"pg_catalog", "C"}));
  CHECK(t.attributes[1].name == "quantity");
  CHECK(t.attributes[1].type == TypeRef{"pg_catalog", "int8", "", false});
  CHECK(t.attributes[1].comment == std::optional<std::string>("how many"));
  CHECK(t.attributes[2].name == "price");
  CHECK(t.attributes[2].type == TypeRef{"pg_catalog", "numeric", "8,2", false});
  CHECK(t.attributes[3].type == TypeRef{"public", "later_enum", "", false});
  CHECK(t.deps.keys == std::vector<std::string>{"type:public.later_enum"});
}

TEST_CASE("composite: ALTER TYPE errors carry their location", "[sql][composite]") {
  auto c = Compile("CREATE TYPE item AS (a int);\n"
                   "CREATE TYPE mood AS ENUM ('x');\n"
                   "ALTER TYPE item DROP ATTRIBUTE b;\n"
                   "ALTER TYPE item ADD ATTRIBUTE a text;\n"
                   "ALTER TYPE mood ADD ATTRIBUTE a text;\n"
                   "ALTER TYPE item RENAME ATTRIBUTE z TO y;\n"
                   "ALTER TYPE nothing ADD ATTRIBUTE a text;\n");
  CHECK(c.AllMessages() ==
        "test.sql:3:1: error: type \"public.item\": attribute \"b\" does not exist [compile.undefined]\n"
        "test.sql:4:31: error: type \"public.item\": attribute \"a\" already exists [compile.duplicate]\n"
        "test.sql:5:1: error: type \"public.mood\" is not a composite type [compile.invalid]\n"
        "test.sql:6:1: error: type \"public.item\": attribute \"z\" does not exist [compile.undefined]\n"
        "test.sql:7:1: error: type \"nothing\" does not exist [compile.undefined]\n");
}
