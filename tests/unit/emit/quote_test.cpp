#include <catch2/catch.hpp>

#include "emit/quote.h"

using schemac::emit::KeywordCategory;
using schemac::emit::LookupKeyword;
using schemac::emit::QuoteIdentifier;
using schemac::emit::QuoteLiteral;
using schemac::emit::QuoteQualified;
using schemac::emit::RenderType;

TEST_CASE("identifiers are quoted exactly when PostgreSQL needs it", "[quote]") {
  CHECK(QuoteIdentifier("orders") == "orders");
  CHECK(QuoteIdentifier("_x$1") == "_x$1");
  CHECK(QuoteIdentifier("Orders") == "\"Orders\"");
  CHECK(QuoteIdentifier("1st") == "\"1st\"");
  CHECK(QuoteIdentifier("$x") == "\"$x\"");
  CHECK(QuoteIdentifier("two words") == "\"two words\"");
  CHECK(QuoteIdentifier("a\"b") == "\"a\"\"b\"");
  CHECK(QuoteIdentifier("") == "\"\"");
  CHECK(QuoteIdentifier("über") == "\"über\"");
  // Keywords: only unreserved ones may stay bare.
  CHECK(QuoteIdentifier("name") == "name");      // unreserved
  CHECK(QuoteIdentifier("comment") == "comment");  // unreserved
  CHECK(QuoteIdentifier("user") == "\"user\"");    // reserved
  CHECK(QuoteIdentifier("select") == "\"select\"");
  CHECK(QuoteIdentifier("between") == "\"between\"");  // column-name keyword
  CHECK(QuoteIdentifier("left") == "\"left\"");        // type/function-name keyword
  CHECK(QuoteIdentifier("authorization") == "\"authorization\"");
}

TEST_CASE("the keyword table is PostgreSQL 15's", "[quote]") {
  CHECK(LookupKeyword("abort") == KeywordCategory::Unreserved);
  CHECK(LookupKeyword("zone") == KeywordCategory::Unreserved);
  CHECK(LookupKeyword("xmltable") == KeywordCategory::ColumnName);
  CHECK(LookupKeyword("verbose") == KeywordCategory::TypeFuncName);
  CHECK(LookupKeyword("where") == KeywordCategory::Reserved);
  CHECK(LookupKeyword("merge") == KeywordCategory::Unreserved);  // new in 15
  CHECK(LookupKeyword("orders") == KeywordCategory::NotKeyword);
  CHECK(LookupKeyword("system_user") == KeywordCategory::NotKeyword);  // only from 16
}

TEST_CASE("qualified names quote each part", "[quote]") {
  CHECK(QuoteQualified({"public", "t"}) == "public.t");
  CHECK(QuoteQualified({"My Schema", "order"}) == "\"My Schema\".\"order\"");
  CHECK(QuoteQualified({"", "t"}) == "t");
}

TEST_CASE("literals double single quotes and keep backslashes (standard_conforming_strings)", "[quote]") {
  CHECK(QuoteLiteral("plain") == "'plain'");
  CHECK(QuoteLiteral("it's") == "'it''s'");
  CHECK(QuoteLiteral("a\\b") == "'a\\b'");
  CHECK(QuoteLiteral("") == "''");
}

TEST_CASE("types render with their SQL names", "[quote][types]") {
  using schemac::ir::TypeRef;
  auto pg = [](const char* n, const char* m = "", bool arr = false) { return TypeRef{"pg_catalog", n, m, arr}; };
  CHECK(RenderType(pg("int2")) == "smallint");
  CHECK(RenderType(pg("int4")) == "integer");
  CHECK(RenderType(pg("int8")) == "bigint");
  CHECK(RenderType(pg("varchar", "20")) == "character varying(20)");
  CHECK(RenderType(pg("varchar")) == "character varying");
  CHECK(RenderType(pg("bpchar", "1")) == "character(1)");
  CHECK(RenderType(pg("bool")) == "boolean");
  CHECK(RenderType(pg("float4")) == "real");
  CHECK(RenderType(pg("float8")) == "double precision");
  CHECK(RenderType(pg("timestamptz", "3")) == "timestamp(3) with time zone");
  CHECK(RenderType(pg("timestamp")) == "timestamp without time zone");
  CHECK(RenderType(pg("timetz")) == "time with time zone");
  CHECK(RenderType(pg("time", "2")) == "time(2) without time zone");
  CHECK(RenderType(pg("varbit", "8")) == "bit varying(8)");
  CHECK(RenderType(pg("bit", "3")) == "bit(3)");
  CHECK(RenderType(pg("numeric", "10,2")) == "numeric(10,2)");
  CHECK(RenderType(pg("numeric")) == "numeric");
  CHECK(RenderType(pg("interval")) == "interval");
  CHECK(RenderType(pg("text")) == "text");
  CHECK(RenderType(pg("jsonb", "", true)) == "jsonb[]");
  CHECK(RenderType(pg("int4", "", true)) == "integer[]");
  CHECK(RenderType(pg("char")) == "\"char\"");
  CHECK(RenderType(TypeRef{"shop", "mood", "", false}) == "shop.mood");
  CHECK(RenderType(TypeRef{"Shop", "user", "", true}) == "\"Shop\".\"user\"[]");
}
