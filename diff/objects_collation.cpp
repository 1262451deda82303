// Collations. PostgreSQL has no ALTER COLLATION for the provider, locale or determinism, so any
// such difference drops and creates the collation again, rebuilding the domains, composite and
// range types that use it; table columns and indexes that keep using it make the plan refuse
// (CheckTypeChangesUnderTables). Comment and owner change in place.
#include <string>
#include <vector>

#include "diff/objects_kinds.h"

namespace schemac::diff {

namespace {

void ListCollations(const ir::Database& db, std::vector<ObjectEntry>& out) {
  for (const auto& [name, c] : db.collations) {
    ObjectEntry e;
    e.id = ir::ObjectId{ir::ObjectKind::Collation, name.schema, name.name, ""};
    e.ref.collation = &c;
    out.push_back(e);
  }
}

Comparison CompareCollations(const ElementRef& before, const ElementRef& after, bool owners) {
  const ir::Collation& b = *before.collation;
  const ir::Collation& a = *after.collation;
  if (b.provider != a.provider) return {Verdict::Rebuild, "the collation's provider changes"};
  if (b.lc_collate != a.lc_collate || b.lc_ctype != a.lc_ctype) {
    return {Verdict::Rebuild, "the collation's locale changes"};
  }
  if (b.deterministic != a.deterministic) return {Verdict::Rebuild, "the collation's determinism changes"};
  if (b.comment != a.comment || (owners && a.owner && b.owner != a.owner)) return {Verdict::Alter, ""};
  return {Verdict::Same, ""};
}

// A collation uses nothing schemac models (FROM copies the values).
const std::vector<std::string>& CollationDeps(const ElementRef&) {
  static const std::vector<std::string> none;
  return none;
}

std::vector<std::string> CollationProvides(const ElementRef& ref) { return {ir::CollationKey(ref.collation->name)}; }

}  // namespace

const ObjectKindHandler& CollationHandler() {
  static const ObjectKindHandler handler{ir::ObjectKind::Collation, ListCollations, CompareCollations, CollationDeps,
                                         CollationProvides};
  return handler;
}

}  // namespace schemac::diff
