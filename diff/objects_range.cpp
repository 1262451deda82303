// Range types. PostgreSQL can change only a range type's comment and owner in place; any other
// difference (subtype, opclass, collation, functions, multirange name) rebuilds it, and with it
// whatever uses the range or its multirange type.
#include <string>
#include <vector>

#include "diff/objects_kinds.h"

namespace schemac::diff {

namespace {

void ListRanges(const ir::Database& db, std::vector<ObjectEntry>& out) {
  for (const auto& [name, r] : db.range_types) {
    ObjectEntry e;
    e.id = ir::ObjectId{ir::ObjectKind::RangeType, name.schema, name.name, ""};
    e.ref.range_type = &r;
    out.push_back(e);
  }
}

Comparison CompareRanges(const ElementRef& before, const ElementRef& after, bool owners) {
  const ir::RangeType& b = *before.range_type;
  const ir::RangeType& a = *after.range_type;
  if (!(b.subtype == a.subtype)) return {Verdict::Rebuild, "the range type's subtype changes"};
  if (b.subtype_opclass != a.subtype_opclass) return {Verdict::Rebuild, "the range type's operator class changes"};
  if (b.collation != a.collation) return {Verdict::Rebuild, "the range type's collation changes"};
  if (b.canonical != a.canonical) return {Verdict::Rebuild, "the range type's canonical function changes"};
  if (b.subtype_diff != a.subtype_diff) return {Verdict::Rebuild, "the range type's subtype_diff function changes"};
  if (b.multirange != a.multirange) return {Verdict::Rebuild, "the range type's multirange type name changes"};
  if (b.comment != a.comment || (owners && a.owner && b.owner != a.owner)) return {Verdict::Alter, ""};
  return {Verdict::Same, ""};
}

const std::vector<std::string>& RangeDeps(const ElementRef& ref) { return ref.range_type->deps.keys; }

std::vector<std::string> RangeProvides(const ElementRef& ref) {
  return {ir::TypeKey(ref.range_type->name), ir::TypeKey(ref.range_type->multirange)};
}

}  // namespace

const ObjectKindHandler& RangeTypeHandler() {
  static const ObjectKindHandler handler{ir::ObjectKind::RangeType, ListRanges, CompareRanges, RangeDeps,
                                         RangeProvides};
  return handler;
}

}  // namespace schemac::diff
