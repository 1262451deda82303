// Extensions. The schema is always compared (unwritten, it is the creation schema, where
// PostgreSQL installs a relocatable extension); the version only when the desired state writes
// it (an unwritten version accepts whatever is installed). Everything else in a plan is
// ordered after the extensions it may use (types, operator classes, functions of the extension
// are not modelled, so every table element and object requires the "ext:*" key).
#include <string>
#include <vector>

#include "diff/objects_kinds.h"

namespace schemac::diff {

namespace {

void List(const ir::Database& db, std::vector<ObjectEntry>& out) {
  for (const auto& [name, e] : db.extensions) {
    ObjectEntry entry;
    entry.id = ir::ObjectId{ir::ObjectKind::Extension, "", name, ""};
    entry.ref.extension = &e;
    out.push_back(entry);
  }
}

Comparison Compare(const ElementRef& before, const ElementRef& after, bool) {
  const ir::Extension& b = *before.extension;
  const ir::Extension& a = *after.extension;
  bool schema = a.schema != b.schema;
  bool version = a.version && b.version && *a.version != *b.version;
  // PostgreSQL gives an extension its control file's comment; an unwritten comment accepts it.
  bool comment = ir::ExtensionCommentChanges(b, a);
  if (schema || version || comment) {
    return {Verdict::Alter, schema    ? "its schema changes"
                            : version ? "its version changes (a rollback can go back only where the extension "
                                        "ships a downgrade script)"
                                      : ""};
  }
  return {Verdict::Same, ""};
}

const std::vector<std::string>& Deps(const ElementRef& ref) {
  // The schema it lives in (built per call: extensions are few).
  static thread_local std::vector<std::string> keys;
  keys.clear();
  const std::string& schema = ref.extension->schema;
  if (!schema.empty() && schema != "pg_catalog") keys.push_back(ir::SchemaKey(schema));
  return keys;
}

std::vector<std::string> Provides(const ElementRef& ref) {
  return {kAnyExtensionKey, "ext:" + ref.extension->name};
}

}  // namespace

const ObjectKindHandler& ExtensionHandler() {
  static const ObjectKindHandler handler{ir::ObjectKind::Extension, List, Compare, Deps, Provides};
  return handler;
}

}  // namespace schemac::diff
