// SQL of extension changes: CREATE EXTENSION with the schema and version when the state records
// them, ALTER EXTENSION ... SET SCHEMA / UPDATE TO, COMMENT ON EXTENSION, DROP EXTENSION.
#include <optional>
#include <string>
#include <vector>

#include "emit/quote.h"
#include "emit/render_kinds.h"

namespace schemac::emit {

namespace {

std::string Target(const diff::ElementRef& ref) { return "EXTENSION " + QuoteIdentifier(ref.extension->name); }

std::string CommentSql(const diff::ElementRef& ref, const std::optional<std::string>& text) {
  return "COMMENT ON " + Target(ref) + " IS " + (text && !text->empty() ? QuoteLiteral(*text) : "NULL") + ";";
}

std::vector<std::string> Create(const diff::ElementRef& ref) {
  const ir::Extension& e = *ref.extension;
  std::string sql = "CREATE EXTENSION " + QuoteIdentifier(e.name);
  if (!e.schema.empty()) sql += " WITH SCHEMA " + QuoteIdentifier(e.schema);
  if (e.version) sql += " VERSION " + QuoteLiteral(*e.version);
  std::vector<std::string> out{sql + ";"};
  if (e.comment) out.push_back(CommentSql(ref, e.comment));
  return out;
}

std::vector<std::string> Drop(const diff::ElementRef& ref) { return {"DROP " + Target(ref) + ";"}; }

std::vector<std::string> Replace(const diff::ElementRef&, const diff::ElementRef& after) { return Create(after); }

std::vector<std::string> Alter(const diff::ElementRef& before, const diff::ElementRef& after) {
  const ir::Extension& b = *before.extension;
  const ir::Extension& a = *after.extension;
  std::vector<std::string> out;
  // A version only when both sides record one: an unwritten version accepts what is installed.
  if (a.schema != b.schema) {
    out.push_back("ALTER " + Target(after) + " SET SCHEMA " + QuoteIdentifier(a.schema) + ";");
  }
  if (a.version && b.version && *a.version != *b.version) {
    out.push_back("ALTER " + Target(after) + " UPDATE TO " + QuoteLiteral(*a.version) + ";");
  }
  if (ir::ExtensionCommentChanges(b, a)) out.push_back(CommentSql(after, ir::StoredComment(a)));
  return out;
}

}  // namespace

const ObjectRenderer& ExtensionRenderer() {
  static const ObjectRenderer renderer{ir::ObjectKind::Extension, Create, Drop, Replace, Alter, Target};
  return renderer;
}

}  // namespace schemac::emit
