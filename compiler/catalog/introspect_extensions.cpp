// Extensions (pg_extension): name, schema, installed version and comment. Their member objects
// are never read (NotExtensionMember), and plpgsql, installed everywhere, is not listed.
#include "compiler/catalog/introspect_context.h"

#include <string>

#include <fmt/format.h>

namespace schemac::catalog::internal {

void ReadExtensions(Context& ctx) {
  pqxx::result rows = ctx.Query(fmt::format(
      "SELECT e.extname, n.nspname, e.extversion, d.description, v.comment AS control_comment "
      "FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace "
      "LEFT JOIN pg_catalog.pg_available_extension_versions v ON v.name = e.extname AND v.version = e.extversion "
      "LEFT JOIN pg_catalog.pg_description d ON d.objoid = e.oid "
      "  AND d.classoid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND d.objsubid = 0 "
      "WHERE e.extname <> 'plpgsql' AND ({} OR n.nspname = 'pg_catalog') "
      "ORDER BY e.extname",
      kUserSchema));
  for (const auto& row : rows) {
    std::string schema = Text(row["nspname"]);
    // An extension in a schema outside the managed scope is not managed (pg_catalog: the
    // extension's own choice, managed with the database).
    if (schema != "pg_catalog" && !ctx.InScope(schema)) continue;
    ir::Extension e;
    e.name = Text(row["extname"]);
    e.schema = schema;
    e.version = Text(row["extversion"]);
    // The control file's comment is the extension's default: held as such (unset), so that files
    // that write none, and files that write it (pg_dump does), both plan to nothing.
    std::optional<std::string> description = OptText(row["description"]);
    e.control_comment.text = OptText(row["control_comment"]);
    if (description != e.control_comment.text) e.comment = description.value_or("");
    ctx.db.extensions.emplace(e.name, std::move(e));
  }
}

}  // namespace schemac::catalog::internal
