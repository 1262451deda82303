// Foreign-data wrappers (CREATE / ALTER / DROP FOREIGN DATA WRAPPER), servers (CREATE / ALTER /
// DROP SERVER) and user mappings (CREATE / ALTER / DROP USER MAPPING), with COMMENT ON and OWNER
// TO of wrappers and servers; and the OPTIONS clauses foreign tables share with them. A user
// mapping's secrets are never in the IR, so no statement here can print one; ALTER USER MAPPING
// names only the options that change, so a password set outside schemac survives.
#include <fmt/format.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "emit/quote.h"
#include "emit/render.h"
#include "emit/render_kinds.h"

namespace schemac::emit {

std::string FdwOptionsSql(const ir::FdwOptions& options) {
  if (options.empty()) return {};
  std::string out;
  for (const auto& [name, value] : options) out += (out.empty() ? "" : ", ") + QuoteIdentifier(name) + " " + QuoteLiteral(value);
  return " OPTIONS (" + out + ")";
}

std::string FdwOptionChangesSql(const ir::FdwOptions& before, const ir::FdwOptions& after) {
  std::vector<std::string> parts;
  for (const auto& [name, value] : before) {
    if (!after.count(name)) parts.push_back("DROP " + QuoteIdentifier(name));
  }
  for (const auto& [name, value] : after) {
    auto it = before.find(name);
    if (it == before.end()) {
      parts.push_back("ADD " + QuoteIdentifier(name) + " " + QuoteLiteral(value));
    } else if (it->second != value) {
      parts.push_back("SET " + QuoteIdentifier(name) + " " + QuoteLiteral(value));
    }
  }
  if (parts.empty()) return {};
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ", ") + p;
  return " OPTIONS (" + out + ")";
}

namespace {

std::string QuoteFunction(const ir::QualifiedName& f) { return QuoteQualified(f); }

// Comment and owner going from `before` (null comment and owner: a new object) to `after`.
void CommentAndOwner(const std::string& target, const std::optional<std::string>& old_comment,
                     const std::optional<std::string>& comment, const std::optional<std::string>* old_owner,
                     const std::optional<std::string>& owner, std::vector<std::string>& out) {
  if (comment != old_comment) {
    out.push_back("COMMENT ON " + target + " IS " + (comment ? QuoteLiteral(*comment) : "NULL") + ";");
  }
  if (old_owner && owner && *old_owner != owner) out.push_back("ALTER " + target + " OWNER TO " + QuoteIdentifier(*owner) + ";");
}

std::vector<std::string> NoReplace(const diff::ElementRef&, const diff::ElementRef&) {
  throw std::logic_error("foreign-data wrappers, servers and user mappings are never replaced");
}

// ---- wrappers ----

std::string WrapperTarget(const diff::ElementRef& ref) {
  return "FOREIGN DATA WRAPPER " + QuoteIdentifier(ref.foreign_data_wrapper->name);
}

std::vector<std::string> CreateWrapper(const diff::ElementRef& ref) {
  const ir::ForeignDataWrapper& w = *ref.foreign_data_wrapper;
  std::string sql = "CREATE " + WrapperTarget(ref);
  if (w.handler) sql += " HANDLER " + QuoteFunction(*w.handler);
  if (w.validator) sql += " VALIDATOR " + QuoteFunction(*w.validator);
  std::vector<std::string> out{sql + FdwOptionsSql(w.options) + ";"};
  CommentAndOwner(WrapperTarget(ref), std::nullopt, w.comment, nullptr, w.owner, out);
  return out;
}

std::vector<std::string> DropWrapper(const diff::ElementRef& ref) { return {"DROP " + WrapperTarget(ref) + ";"}; }

std::vector<std::string> AlterWrapper(const diff::ElementRef& before, const diff::ElementRef& after) {
  const ir::ForeignDataWrapper& b = *before.foreign_data_wrapper;
  const ir::ForeignDataWrapper& a = *after.foreign_data_wrapper;
  std::string clauses;
  if (b.handler != a.handler) clauses += a.handler ? " HANDLER " + QuoteFunction(*a.handler) : " NO HANDLER";
  if (b.validator != a.validator) clauses += a.validator ? " VALIDATOR " + QuoteFunction(*a.validator) : " NO VALIDATOR";
  clauses += FdwOptionChangesSql(b.options, a.options);
  std::vector<std::string> out;
  if (!clauses.empty()) out.push_back("ALTER " + WrapperTarget(after) + clauses + ";");
  CommentAndOwner(WrapperTarget(after), b.comment, a.comment, &b.owner, a.owner, out);
  return out;
}

// ---- servers ----

std::string ServerTarget(const diff::ElementRef& ref) { return "SERVER " + QuoteIdentifier(ref.foreign_server->name); }

std::vector<std::string> CreateServer(const diff::ElementRef& ref) {
  const ir::ForeignServer& s = *ref.foreign_server;
  std::string sql = "CREATE " + ServerTarget(ref);
  if (s.type) sql += " TYPE " + QuoteLiteral(*s.type);
  if (s.version) sql += " VERSION " + QuoteLiteral(*s.version);
  sql += " FOREIGN DATA WRAPPER " + QuoteIdentifier(s.wrapper) + FdwOptionsSql(s.options) + ";";
  std::vector<std::string> out{sql};
  CommentAndOwner(ServerTarget(ref), std::nullopt, s.comment, nullptr, s.owner, out);
  return out;
}

std::vector<std::string> DropServer(const diff::ElementRef& ref) { return {"DROP " + ServerTarget(ref) + ";"}; }

std::vector<std::string> AlterServer(const diff::ElementRef& before, const diff::ElementRef& after) {
  const ir::ForeignServer& b = *before.foreign_server;
  const ir::ForeignServer& a = *after.foreign_server;
  std::string clauses;
  if (b.version != a.version) clauses += " VERSION " + (a.version ? QuoteLiteral(*a.version) : std::string("NULL"));
  clauses += FdwOptionChangesSql(b.options, a.options);
  std::vector<std::string> out;
  if (!clauses.empty()) out.push_back("ALTER " + ServerTarget(after) + clauses + ";");
  CommentAndOwner(ServerTarget(after), b.comment, a.comment, &b.owner, a.owner, out);
  return out;
}

// ---- user mappings ----

std::string MappingTarget(const diff::ElementRef& ref) {
  const ir::UserMapping& m = *ref.user_mapping;
  return "USER MAPPING FOR " + (m.user.empty() ? std::string("PUBLIC") : QuoteIdentifier(m.user)) + " SERVER " +
         QuoteIdentifier(m.server);
}

std::vector<std::string> CreateMapping(const diff::ElementRef& ref) {
  return {"CREATE " + MappingTarget(ref) + FdwOptionsSql(ref.user_mapping->options) + ";"};
}

std::vector<std::string> DropMapping(const diff::ElementRef& ref) { return {"DROP " + MappingTarget(ref) + ";"}; }

std::vector<std::string> AlterMapping(const diff::ElementRef& before, const diff::ElementRef& after) {
  std::string clauses = FdwOptionChangesSql(before.user_mapping->options, after.user_mapping->options);
  if (clauses.empty()) return {};
  return {"ALTER " + MappingTarget(after) + clauses + ";"};
}

}  // namespace

const ObjectRenderer& ForeignDataWrapperRenderer() {
  static const ObjectRenderer renderer{ir::ObjectKind::ForeignDataWrapper, CreateWrapper, DropWrapper, NoReplace,
                                       AlterWrapper, WrapperTarget};
  return renderer;
}

const ObjectRenderer& ForeignServerRenderer() {
  static const ObjectRenderer renderer{ir::ObjectKind::ForeignServer, CreateServer, DropServer, NoReplace, AlterServer,
                                       ServerTarget};
  return renderer;
}

const ObjectRenderer& UserMappingRenderer() {
  static const ObjectRenderer renderer{ir::ObjectKind::UserMapping, CreateMapping, DropMapping, NoReplace, AlterMapping,
                                       MappingTarget};
  return renderer;
}

}  // namespace schemac::emit
