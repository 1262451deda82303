// Collations (CREATE COLLATION with provider, locale and determinism written out), with
// COMMENT ON COLLATION, OWNER TO and DROP COLLATION.
#include <stdexcept>
#include <string>
#include <vector>

#include "emit/quote.h"
#include "emit/render_kinds.h"

namespace schemac::emit {

namespace {

std::string CollationTarget(const diff::ElementRef& ref) {
  return "COLLATION " + QuoteQualified(ref.collation->name);
}

std::string CommentOn(const ir::Collation& c) {
  return "COMMENT ON COLLATION " + QuoteQualified(c.name) + " IS " + (c.comment ? QuoteLiteral(*c.comment) : "NULL") +
         ";";
}

std::vector<std::string> CreateCollation(const diff::ElementRef& ref) {
  const ir::Collation& c = *ref.collation;
  std::string sql = "CREATE COLLATION " + QuoteQualified(c.name) + " (provider = ";
  if (c.provider == 'i') {
    // PostgreSQL 15 takes an ICU collation's locale from LOCALE only.
    sql += "icu, locale = " + QuoteLiteral(c.lc_collate);
  } else if (c.lc_collate == c.lc_ctype) {
    sql += "libc, locale = " + QuoteLiteral(c.lc_collate);
  } else {
    sql += "libc, lc_collate = " + QuoteLiteral(c.lc_collate) + ", lc_ctype = " + QuoteLiteral(c.lc_ctype);
  }
  if (!c.deterministic) sql += ", deterministic = false";
  std::vector<std::string> out{sql + ");"};
  if (c.comment) out.push_back(CommentOn(c));
  return out;
}

std::vector<std::string> DropCollation(const diff::ElementRef& ref) { return {"DROP " + CollationTarget(ref) + ";"}; }

std::vector<std::string> AlterCollation(const diff::ElementRef& before, const diff::ElementRef& after) {
  const ir::Collation& b = *before.collation;
  const ir::Collation& a = *after.collation;
  std::vector<std::string> out;
  if (b.comment != a.comment) out.push_back(CommentOn(a));
  if (a.owner && b.owner != a.owner) {
    out.push_back("ALTER " + CollationTarget(after) + " OWNER TO " + QuoteIdentifier(*a.owner) + ";");
  }
  return out;
}

std::vector<std::string> NoReplace(const diff::ElementRef&, const diff::ElementRef&) {
  throw std::logic_error("collations are never replaced");
}

}  // namespace

const ObjectRenderer& CollationRenderer() {
  static const ObjectRenderer renderer{ir::ObjectKind::Collation, CreateCollation, DropCollation, NoReplace,
                                       AlterCollation, CollationTarget};
  return renderer;
}

}  // namespace schemac::emit
