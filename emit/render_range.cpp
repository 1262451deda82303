// Range types (CREATE TYPE ... AS RANGE) with COMMENT ON TYPE, OWNER TO and DROP TYPE (which
// drops the multirange type with it).
#include <stdexcept>
#include <string>
#include <vector>

#include "emit/quote.h"
#include "emit/render_kinds.h"

namespace schemac::emit {

namespace {

std::string RangeTarget(const diff::ElementRef& ref) { return "TYPE " + QuoteQualified(ref.range_type->name); }

std::string CommentOn(const ir::RangeType& r) {
  return "COMMENT ON TYPE " + QuoteQualified(r.name) + " IS " + (r.comment ? QuoteLiteral(*r.comment) : "NULL") + ";";
}

std::vector<std::string> CreateRange(const diff::ElementRef& ref) {
  const ir::RangeType& r = *ref.range_type;
  std::string sql = "CREATE TYPE " + QuoteQualified(r.name) + " AS RANGE (subtype = " + RenderType(r.subtype);
  if (r.subtype_opclass) sql += ", subtype_opclass = " + QuoteQualified(*r.subtype_opclass);
  if (r.collation) sql += ", collation = " + QuoteQualified(*r.collation);
  if (r.canonical) sql += ", canonical = " + QuoteQualified(*r.canonical);
  if (r.subtype_diff) sql += ", subtype_diff = " + QuoteQualified(*r.subtype_diff);
  sql += ", multirange_type_name = " + QuoteQualified(r.multirange) + ");";
  std::vector<std::string> out{sql};
  if (r.comment) out.push_back(CommentOn(r));
  return out;
}

std::vector<std::string> DropRange(const diff::ElementRef& ref) { return {"DROP " + RangeTarget(ref) + ";"}; }

std::vector<std::string> AlterRange(const diff::ElementRef& before, const diff::ElementRef& after) {
  const ir::RangeType& b = *before.range_type;
  const ir::RangeType& a = *after.range_type;
  std::vector<std::string> out;
  if (b.comment != a.comment) out.push_back(CommentOn(a));
  if (a.owner && b.owner != a.owner) {
    out.push_back("ALTER " + RangeTarget(after) + " OWNER TO " + QuoteIdentifier(*a.owner) + ";");
  }
  return out;
}

std::vector<std::string> NoReplace(const diff::ElementRef&, const diff::ElementRef&) {
  throw std::logic_error("range types are never replaced");
}

}  // namespace

const ObjectRenderer& RangeTypeRenderer() {
  static const ObjectRenderer renderer{ir::ObjectKind::RangeType, CreateRange, DropRange, NoReplace, AlterRange,
                                       RangeTarget};
  return renderer;
}

}  // namespace schemac::emit
