#include "grammar/directive.h"

#include <boost/fusion/include/adapt_struct.hpp>
#include <boost/fusion/include/std_pair.hpp>
#include <boost/spirit/home/x3.hpp>

#include <cctype>
#include <utility>

namespace schemac::grammar::ast {

// X3 in Boost 1.74 takes neither std::optional nor enums as attributes easily: plain structs.
struct Ignore {
  std::string word;  // "ignore" or "ignore-file"
  std::vector<std::string> rules;
  std::string reason;
};

}  // namespace schemac::grammar::ast

BOOST_FUSION_ADAPT_STRUCT(schemac::grammar::ast::Ignore, word, rules, reason)



namespace schemac::grammar {

namespace {

namespace x3 = boost::spirit::x3;

// Expectation points (>) make a malformed directive fail where it goes wrong, with what was
// expected; the rule names are what the messages say.
const x3::rule<struct rule_id_tag, std::string> rule_id = "a rule id such as MG402";
const x3::rule<struct quoted_tag, std::string> quoted = "a double-quoted string";
const x3::rule<struct rules_tag, std::vector<std::string>> rule_list = "a rule id such as MG402";
const x3::rule<struct reason_tag, std::string> reason = "reason=\"...\"";
const x3::rule<struct ignore_tag, ast::Ignore> ignore = "a directive";

const auto rule_id_def = x3::lexeme[x3::string("MG") > x3::repeat(3)[x3::digit]];
const auto quoted_def = x3::lexeme['"' > *(('\\' > x3::char_) | (x3::char_ - '"')) > '"'];
const auto rule_list_def = rule_id % ',';
const auto reason_def = x3::lit("reason") > '=' > quoted;
// The whole word: `ignore` must not match the start of `ignored` (no blank skipped before the check).
const auto word = x3::lexeme[(x3::string("ignore-file") | x3::string("ignore")) >> !x3::char_("a-zA-Z0-9_-")];
const auto ignore_def = word > rule_list > reason;

// Names as SQL spells them: a bare identifier (letters, digits, _ and $, not starting with a
// digit or $; bytes >= 0x80 count as letters, as in PostgreSQL's scanner), a "quoted"
// identifier with "" for a quote, or a 'quoted' literal with '' for a quote.
const x3::rule<struct bare_tag, std::string> bare = "a name";
const x3::rule<struct dquoted_tag, std::string> dquoted = "a quoted name";
const x3::rule<struct squoted_tag, std::string> squoted = "a quoted value";
const auto high = x3::char_('\x80', '\xff');
const auto bare_def = x3::lexeme[(x3::alpha | x3::char_('_') | high) >> *(x3::alnum | x3::char_("_$") | high)];
const auto dquoted_def = x3::lexeme['"' > *((x3::lit("\"\"") >> x3::attr('"')) | (x3::char_ - '"')) > '"'];
const auto squoted_def = x3::lexeme['\'' > *((x3::lit("''") >> x3::attr('\'')) | (x3::char_ - '\'')) > '\''];

BOOST_SPIRIT_DEFINE(rule_id, quoted, rule_list, reason, ignore, bare, dquoted, squoted)

// PostgreSQL folds unquoted identifiers by lowering ASCII letters only (downcase_identifier in
// a multibyte encoding).
std::string Fold(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// Runs `parser` over [first, last) (blanks skipped) up to the end of the comment; on failure
// fills `out` with where and what.
template <typename Parser, typename Attr>
bool Run(const Parser& parser, std::string::const_iterator begin, std::string::const_iterator first,
         std::string::const_iterator last, Attr& attr, DirectiveParse& out, const char* expected) {
  try {
    if (x3::phrase_parse(first, last, parser > x3::eoi, x3::blank, attr)) return true;
    out.error_offset = static_cast<std::size_t>(first - begin);
    out.error = expected;
  } catch (const x3::expectation_failure<std::string::const_iterator>& e) {
    // X3 fails before skipping the blanks in front of what it expected: point past them.
    auto where = e.where();
    while (where != last && (*where == ' ' || *where == '\t')) ++where;
    out.error_offset = static_cast<std::size_t>(where - begin);
    out.error = e.which() == "eoi" ? "the end of the directive" : e.which();
  }
  return false;
}

}  // namespace

bool IsDesiredStateDirective(DirectiveKind kind) {
  return kind == DirectiveKind::RenamedFrom || kind == DirectiveKind::Using;
}

DirectiveParse ParseDirective(const std::string& comment) {
  DirectiveParse out;
  std::size_t i = comment.find_first_not_of(" \t");
  const std::string prefix = "schemac:";
  if (i == std::string::npos || comment.compare(i, prefix.size(), prefix) != 0) return out;
  out.is_directive = true;
  const auto begin = comment.begin();
  const auto last = comment.end();
  auto first = begin + static_cast<std::ptrdiff_t>(i + prefix.size());
  // The directive's word picks its grammar.
  auto word_end = first;
  while (word_end != last && (std::isalpha(static_cast<unsigned char>(*word_end)) || *word_end == '-')) ++word_end;
  const std::string word(first, word_end);
  if (word == "ignore" || word == "ignore-file") {
    ast::Ignore parsed;
    if (!Run(ignore, begin, first, last, parsed, out, "a directive")) return out;
    out.directive.kind = parsed.word == "ignore-file" ? DirectiveKind::IgnoreFile : DirectiveKind::Ignore;
    out.directive.rules = std::move(parsed.rules);
    out.directive.reason = std::move(parsed.reason);
  } else if (word == "renamed-from") {
    auto spelled = (dquoted >> x3::attr('"')) | (squoted >> x3::attr('\'')) | (bare >> x3::attr(char(0)));
    const auto name_parser = x3::rule<struct name_tag, std::pair<std::string, char>>{
                                 "an old name: name, \"Name\" or 'value'"} = spelled;
    std::pair<std::string, char> parsed;
    if (!Run(x3::lit("renamed-from") > name_parser, begin, first, last, parsed, out, "renamed-from")) return out;
    out.directive.kind = DirectiveKind::RenamedFrom;
    out.directive.name = parsed.second == 0 ? Fold(parsed.first) : parsed.first;
  } else if (word == "using") {
    std::string expression;
    if (!Run(x3::lit("using") > quoted, begin, first, last, expression, out, "using")) return out;
    if (expression.find_first_not_of(" \t") == std::string::npos) {
      out.error_offset = static_cast<std::size_t>(first - begin) + 5;
      out.error = "a non-empty expression";
      return out;
    }
    out.directive.kind = DirectiveKind::Using;
    out.directive.expression = std::move(expression);
  } else {
    out.error_offset = static_cast<std::size_t>(first - begin);
    out.error = "a directive: ignore, ignore-file, renamed-from or using";
    return out;
  }
  out.ok = true;
  return out;
}

}  // namespace schemac::grammar
