// Foreign-data wrappers, servers and user mappings (database-wide) for the generic object differ
// (diff/objects.h). Foreign tables are tables (diff/differ.cpp).
//
// ALTER FOREIGN DATA WRAPPER changes a wrapper's handler, validator and options in place, so a
// wrapper is never rebuilt. ALTER SERVER changes its version and options, but not its wrapper nor
// its type: those rebuild the server, and its user mappings with it (they depend on it); its
// foreign tables are recreated by the table differ (ServerRebuilt). A user mapping has only
// options (its secrets are never in the IR: see ir::UserMapping).
#include "diff/objects_kinds.h"

namespace schemac::diff {

namespace {

// ---- wrappers ----

void ListWrappers(const ir::Database& db, std::vector<ObjectEntry>& out) {
  for (const auto& [name, w] : db.foreign_data_wrappers) {
    ObjectEntry e;
    e.id = ir::ObjectId{ir::ObjectKind::ForeignDataWrapper, "", name, ""};
    e.ref.foreign_data_wrapper = &w;
    out.push_back(e);
  }
}

Comparison CompareWrappers(const ElementRef& before, const ElementRef& after, bool owners) {
  const ir::ForeignDataWrapper& b = *before.foreign_data_wrapper;
  const ir::ForeignDataWrapper& a = *after.foreign_data_wrapper;
  bool owner_changes = owners && a.owner && b.owner != a.owner;
  if (b.handler != a.handler || b.validator != a.validator || b.options != a.options || b.comment != a.comment ||
      owner_changes) {
    return {Verdict::Alter, ""};
  }
  return {Verdict::Same, ""};
}

const std::vector<std::string>& WrapperDeps(const ElementRef& ref) { return ref.foreign_data_wrapper->deps.keys; }

std::vector<std::string> WrapperProvides(const ElementRef& ref) {
  return {ir::WrapperKey(ref.foreign_data_wrapper->name)};
}

// ---- servers ----

void ListServers(const ir::Database& db, std::vector<ObjectEntry>& out) {
  for (const auto& [name, s] : db.foreign_servers) {
    ObjectEntry e;
    e.id = ir::ObjectId{ir::ObjectKind::ForeignServer, "", name, ""};
    e.ref.foreign_server = &s;
    out.push_back(e);
  }
}

Comparison CompareServers(const ElementRef& before, const ElementRef& after, bool owners) {
  const ir::ForeignServer& b = *before.foreign_server;
  const ir::ForeignServer& a = *after.foreign_server;
  if (b.wrapper != a.wrapper) return {Verdict::Rebuild, "PostgreSQL cannot change a server's foreign-data wrapper"};
  if (b.type != a.type) return {Verdict::Rebuild, "PostgreSQL cannot change a server's type"};
  bool owner_changes = owners && a.owner && b.owner != a.owner;
  if (b.version != a.version || b.options != a.options || b.comment != a.comment || owner_changes) {
    return {Verdict::Alter, ""};
  }
  return {Verdict::Same, ""};
}

const std::vector<std::string>& ServerDeps(const ElementRef& ref) { return ref.foreign_server->deps.keys; }

std::vector<std::string> ServerProvides(const ElementRef& ref) { return {ir::ServerKey(ref.foreign_server->name)}; }

// ---- user mappings ----

void ListMappings(const ir::Database& db, std::vector<ObjectEntry>& out) {
  for (const auto& [key, m] : db.user_mappings) {
    ObjectEntry e;
    e.id = ir::ObjectId{ir::ObjectKind::UserMapping, "", key.first, key.second};
    e.ref.user_mapping = &m;
    out.push_back(e);
  }
}

Comparison CompareMappings(const ElementRef& before, const ElementRef& after, bool) {
  return before.user_mapping->options == after.user_mapping->options ? Comparison{Verdict::Same, ""}
                                                                     : Comparison{Verdict::Alter, ""};
}

const std::vector<std::string>& MappingDeps(const ElementRef& ref) { return ref.user_mapping->deps.keys; }

// Nothing refers to a user mapping.
std::vector<std::string> MappingProvides(const ElementRef&) { return {}; }

}  // namespace

const ObjectKindHandler& ForeignDataWrapperHandler() {
  static const ObjectKindHandler handler{ir::ObjectKind::ForeignDataWrapper, ListWrappers, CompareWrappers,
                                         WrapperDeps, WrapperProvides};
  return handler;
}

const ObjectKindHandler& ForeignServerHandler() {
  static const ObjectKindHandler handler{ir::ObjectKind::ForeignServer, ListServers, CompareServers, ServerDeps,
                                         ServerProvides};
  return handler;
}

const ObjectKindHandler& UserMappingHandler() {
  static const ObjectKindHandler handler{ir::ObjectKind::UserMapping, ListMappings, CompareMappings, MappingDeps,
                                         MappingProvides};
  return handler;
}

bool ServerRebuilt(const ir::Database& from, const ir::Database& to, const std::string& server) {
  auto b = from.foreign_servers.find(server);
  auto a = to.foreign_servers.find(server);
  if (b == from.foreign_servers.end() || a == to.foreign_servers.end()) return false;
  ElementRef before, after;
  before.foreign_server = &b->second;
  after.foreign_server = &a->second;
  return CompareServers(before, after, false).verdict == Verdict::Rebuild;
}

}  // namespace schemac::diff
