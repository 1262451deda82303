#include "grammar/directive.h"

#include <boost/fusion/include/adapt_struct.hpp>
#include <boost/spirit/home/x3.hpp>

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

BOOST_SPIRIT_DEFINE(rule_id, quoted, rule_list, reason, ignore)

}  // namespace

DirectiveParse ParseDirective(const std::string& comment) {
  DirectiveParse out;
  std::size_t i = comment.find_first_not_of(" \t");
  const std::string prefix = "schemac:";
  if (i == std::string::npos || comment.compare(i, prefix.size(), prefix) != 0) return out;
  out.is_directive = true;
  auto first = comment.begin() + static_cast<std::ptrdiff_t>(i + prefix.size());
  const auto last = comment.end();
  ast::Ignore parsed;
  try {
    bool ok = x3::phrase_parse(first, last, ignore > x3::eoi, x3::blank, parsed);
    if (!ok) {
      out.error_offset = static_cast<std::size_t>(first - comment.begin());
      out.error = "a directive: ignore or ignore-file";
      return out;
    }
  } catch (const x3::expectation_failure<std::string::const_iterator>& e) {
    out.error_offset = static_cast<std::size_t>(e.where() - comment.begin());
    out.error = e.which() == "eoi" ? "the end of the directive" : e.which();
    return out;
  }
  out.ok = true;
  out.directive.kind = parsed.word == "ignore-file" ? DirectiveKind::IgnoreFile : DirectiveKind::Ignore;
  out.directive.rules = std::move(parsed.rules);
  out.directive.reason = std::move(parsed.reason);
  return out;
}

}  // namespace schemac::grammar
