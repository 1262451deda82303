#include "emit/quote.h"

#include <algorithm>
#include <array>
#include <map>
#include <utility>

namespace schemac::emit {

namespace {

struct Keyword {
  std::string_view word;
  char category;  // U, C, T, R as in kwlist.h's *_KEYWORD
};

constexpr Keyword kKeywords[] = {
#define SCHEMAC_KEYWORD(word, category) {word, #category[0]},
#include "emit/keywords.def"
#undef SCHEMAC_KEYWORD
};

}  // namespace

KeywordCategory LookupKeyword(std::string_view word) {
  auto it = std::lower_bound(std::begin(kKeywords), std::end(kKeywords), word,
                             [](const Keyword& k, std::string_view w) { return k.word < w; });
  if (it == std::end(kKeywords) || it->word != word) return KeywordCategory::NotKeyword;
  switch (it->category) {
    case 'U': return KeywordCategory::Unreserved;
    case 'C': return KeywordCategory::ColumnName;
    case 'T': return KeywordCategory::TypeFuncName;
    default: return KeywordCategory::Reserved;
  }
}

std::string QuoteIdentifier(std::string_view name) {
  bool safe = !name.empty() && ((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_');
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$')) safe = false;
  }
  if (safe) {
    KeywordCategory k = LookupKeyword(name);
    if (k != KeywordCategory::NotKeyword && k != KeywordCategory::Unreserved) safe = false;
  }
  if (safe) return std::string(name);
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string QuoteQualified(const ir::QualifiedName& name) {
  if (name.schema.empty()) return QuoteIdentifier(name.name);
  return QuoteIdentifier(name.schema) + "." + QuoteIdentifier(name.name);
}

std::string QuoteLiteral(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
  return out;
}

std::string RenderType(const ir::TypeRef& type) {
  std::string mods = type.modifiers.empty() ? "" : "(" + type.modifiers + ")";
  std::string out;
  if (type.schema == "pg_catalog") {
    // The SQL-standard spellings PostgreSQL's format_type uses for these catalog types.
    static const std::map<std::string, std::pair<std::string, std::string>> kSqlNames = {
        {"int2", {"smallint", ""}},
        {"int4", {"integer", ""}},
        {"int8", {"bigint", ""}},
        {"float4", {"real", ""}},
        {"float8", {"double precision", ""}},
        {"bool", {"boolean", ""}},
        {"varchar", {"character varying", ""}},
        {"bpchar", {"character", ""}},
        {"varbit", {"bit varying", ""}},
        {"bit", {"bit", ""}},            // keywords, yet written bare as type names
        {"numeric", {"numeric", ""}},
        {"interval", {"interval", ""}},
        {"timestamp", {"timestamp", " without time zone"}},
        {"timestamptz", {"timestamp", " with time zone"}},
        {"time", {"time", " without time zone"}},
        {"timetz", {"time", " with time zone"}},
    };
    auto it = kSqlNames.find(type.name);
    if (it != kSqlNames.end()) {
      out = it->second.first + mods + it->second.second;
    } else {
      out = QuoteIdentifier(type.name) + mods;
    }
  } else {
    out = QuoteQualified(ir::QualifiedName{type.schema, type.name}) + mods;
  }
  if (type.array) out += "[]";
  return out;
}

}  // namespace schemac::emit
