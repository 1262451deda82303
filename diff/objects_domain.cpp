// Domains and composite types, and the checks of type and collation changes under tables. A
// domain's default, NOT NULL, CHECK constraints, comment and owner change in place (ALTER
// DOMAIN); its base type or collation cannot, so it is rebuilt. A composite type's attributes
// added at the end, dropped, or retyped change in place (ALTER TYPE ... ADD / DROP / ALTER
// ATTRIBUTE); any other attribute change rebuilds it.
#include <optional>
#include <string>
#include <vector>

#include "diff/objects_kinds.h"

namespace schemac::diff {

namespace {

// ---- domains ----

void ListDomains(const ir::Database& db, std::vector<ObjectEntry>& out) {
  for (const auto& [name, d] : db.domains) {
    ObjectEntry e;
    e.id = ir::ObjectId{ir::ObjectKind::Domain, name.schema, name.name, ""};
    e.ref.domain = &d;
    out.push_back(e);
  }
}

Comparison CompareDomains(const ElementRef& before, const ElementRef& after, bool owners) {
  const ir::Domain& b = *before.domain;
  const ir::Domain& a = *after.domain;
  if (!(b.base_type == a.base_type)) return {Verdict::Rebuild, "the domain's base type changes"};
  if (b.collation != a.collation) return {Verdict::Rebuild, "the domain's collation changes"};
  if (b.default_expr != a.default_expr || b.not_null != a.not_null || b.checks != a.checks ||
      b.comment != a.comment || (owners && a.owner && b.owner != a.owner)) {
    return {Verdict::Alter, ""};
  }
  return {Verdict::Same, ""};
}

const std::vector<std::string>& DomainDeps(const ElementRef& ref) { return ref.domain->deps.keys; }

std::vector<std::string> DomainProvides(const ElementRef& ref) { return {ir::TypeKey(ref.domain->name)}; }

// ---- composite types ----

void ListComposites(const ir::Database& db, std::vector<ObjectEntry>& out) {
  for (const auto& [name, t] : db.composite_types) {
    ObjectEntry e;
    e.id = ir::ObjectId{ir::ObjectKind::CompositeType, name.schema, name.name, ""};
    e.ref.composite_type = &t;
    out.push_back(e);
  }
}

const ir::CompositeAttribute* FindAttribute(const ir::CompositeType& t, const std::string& name) {
  for (const ir::CompositeAttribute& a : t.attributes) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

Comparison CompareComposites(const ElementRef& before, const ElementRef& after, bool owners) {
  const ir::CompositeType& b = *before.composite_type;
  const ir::CompositeType& a = *after.composite_type;
  if (!CompositeAttributesAlterable(b, a)) return {Verdict::Rebuild, "the type's attributes are reordered"};
  if (b.attributes != a.attributes || b.comment != a.comment || (owners && a.owner && b.owner != a.owner)) {
    return {Verdict::Alter, ""};
  }
  return {Verdict::Same, ""};
}

const std::vector<std::string>& CompositeDeps(const ElementRef& ref) { return ref.composite_type->deps.keys; }

std::vector<std::string> CompositeProvides(const ElementRef& ref) {
  return {ir::TypeKey(ref.composite_type->name)};
}

// A table column whose type (or array element type) is `type`.
bool UsesType(const ir::Column& c, const ir::QualifiedName& type) {
  return c.type.schema == type.schema && c.type.name == type.name;
}

// The type names a dropped type object takes away: a range type takes its multirange type too.
std::vector<ir::QualifiedName> TypeNamesOf(const Change& c) {
  std::vector<ir::QualifiedName> out{{c.object.schema, c.object.name}};
  if (c.before.range_type) out.push_back(c.before.range_type->multirange);
  return out;
}

ir::SourceSpan SpanOf(const ElementRef& ref) {
  if (ref.domain) return ref.domain->span;
  if (ref.composite_type) return ref.composite_type->span;
  if (ref.range_type) return ref.range_type->span;
  if (ref.collation) return ref.collation->span;
  return {};
}

const char* KindText(ir::ObjectKind kind) {
  switch (kind) {
    case ir::ObjectKind::Domain: return "domain ";
    case ir::ObjectKind::CompositeType: return "composite type ";
    case ir::ObjectKind::RangeType: return "range type ";
    default: return "collation ";
  }
}

// Reports every column and index of a table that stays and keeps using collation `coll`, which
// the change drops.
void CheckCollationUsers(const ir::Database& from, const ir::Database& to, const Change& c, ir::Diagnostics& diags) {
  ir::QualifiedName coll{c.object.schema, c.object.name};
  std::string why = !c.reason.empty() ? " (" + c.reason + ")" : "";
  auto report = [&](const std::string& user) {
    diags.Report(ir::diag::kPlanUnsupported,
                 "not yet supported: recreating collation " + ir::DisplayName(coll) + why + " while " + user +
                     " uses it",
                 SpanOf(c.before), ir::DisplayName(coll));
  };
  for (const auto& [tname, t] : from.tables) {
    auto kept = to.tables.find(tname);
    if (kept == to.tables.end()) continue;
    for (const ir::Column& col : t.columns) {
      const ir::Column* after_col = kept->second.FindColumn(col.name);
      if (col.collation == coll && after_col && after_col->collation == coll) {
        report("column " + ir::DisplayName(tname) + "." + col.name);
      }
    }
    for (const auto& [iname, ix] : t.indexes) {
      auto after_ix = kept->second.indexes.find(iname);
      if (after_ix == kept->second.indexes.end() || !(after_ix->second == ix)) continue;
      for (const ir::IndexElement& e : ix.elements) {
        if (e.collation == coll) {
          report("index " + ir::DisplayName(ir::QualifiedName{tname.schema, iname}));
          break;
        }
      }
    }
  }
}

}  // namespace

bool CompositeAttributesAlterable(const ir::CompositeType& before, const ir::CompositeType& after) {
  // The attributes kept (in both) must keep their relative order, and every new attribute must
  // come after all of them: ALTER TYPE ... ADD ATTRIBUTE appends.
  std::vector<std::string> kept_before, kept_after;
  for (const ir::CompositeAttribute& x : before.attributes) {
    if (FindAttribute(after, x.name)) kept_before.push_back(x.name);
  }
  bool seen_new = false;
  for (const ir::CompositeAttribute& x : after.attributes) {
    if (FindAttribute(before, x.name)) {
      if (seen_new) return false;
      kept_after.push_back(x.name);
    } else {
      seen_new = true;
    }
  }
  return kept_before == kept_after;
}

void CheckTypeChangesUnderTables(const ir::Database& from, const ir::Database& to, const std::vector<Change>& changes,
                                 ir::Diagnostics& diags) {
  for (const Change& c : changes) {
    if (c.kind == ChangeKind::DropObject && c.object.kind == ir::ObjectKind::Collation) {
      CheckCollationUsers(from, to, c, diags);
      continue;
    }
    bool drop = c.kind == ChangeKind::DropObject &&
                (c.object.kind == ir::ObjectKind::Domain || c.object.kind == ir::ObjectKind::CompositeType ||
                 c.object.kind == ir::ObjectKind::RangeType);
    // ALTER TYPE ... ALTER ATTRIBUTE ... TYPE is refused while a table column uses the type.
    bool retype = false;
    if (c.kind == ChangeKind::AlterObject && c.object.kind == ir::ObjectKind::CompositeType) {
      for (const ir::CompositeAttribute& x : c.after.composite_type->attributes) {
        const ir::CompositeAttribute* old = FindAttribute(*c.before.composite_type, x.name);
        if (old && (!(old->type == x.type) || old->collation != x.collation)) retype = true;
      }
    }
    if (!drop && !retype) continue;
    ir::QualifiedName type{c.object.schema, c.object.name};
    ir::SourceSpan span = SpanOf(c.before);
    for (const auto& [tname, t] : from.tables) {
      auto kept = to.tables.find(tname);
      if (kept == to.tables.end()) continue;
      for (const ir::Column& col : t.columns) {
        const ir::Column* after_col = kept->second.FindColumn(col.name);
        for (const ir::QualifiedName& used : TypeNamesOf(c)) {
          if (!UsesType(col, used) || !after_col || !UsesType(*after_col, used)) continue;
          std::string what = drop ? "recreating" : "changing an attribute's type of";
          std::string why = drop && !c.reason.empty() ? " (" + c.reason + ")" : "";
          diags.Report(ir::diag::kPlanUnsupported,
                       "not yet supported: " + what + " " + KindText(c.object.kind) + ir::DisplayName(type) + why +
                           " while column " + ir::DisplayName(tname) + "." + col.name + " uses it",
                       span, ir::DisplayName(type));
        }
      }
    }
  }
}

std::optional<std::string> CompositeDataLoss(const Change& c) {
  if (c.kind != ChangeKind::AlterObject || !c.before.composite_type || !c.after.composite_type) return std::nullopt;
  std::string dropped;
  for (const ir::CompositeAttribute& x : c.before.composite_type->attributes) {
    if (!FindAttribute(*c.after.composite_type, x.name)) dropped += (dropped.empty() ? "" : ", ") + x.name;
  }
  if (dropped.empty()) return std::nullopt;
  return "drops attribute(s) " + dropped + " of type " + ir::DisplayName(c.object) +
         " and their values in every column of the type";
}

const ObjectKindHandler& DomainHandler() {
  static const ObjectKindHandler handler{ir::ObjectKind::Domain, ListDomains, CompareDomains, DomainDeps,
                                         DomainProvides};
  return handler;
}

const ObjectKindHandler& CompositeTypeHandler() {
  static const ObjectKindHandler handler{ir::ObjectKind::CompositeType, ListComposites, CompareComposites,
                                         CompositeDeps, CompositeProvides};
  return handler;
}

}  // namespace schemac::diff
