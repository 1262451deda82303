// SQL of view and materialized view changes (emit/render_objects.h).
#include <algorithm>
#include <cctype>
#include <set>

#include "emit/quote.h"
#include "emit/render_kinds.h"

namespace schemac::emit {

namespace {

std::string Kind(const ir::View& v) { return v.materialized ? "MATERIALIZED VIEW" : "VIEW"; }

std::string Target(const diff::ElementRef& ref) { return Kind(*ref.view) + " " + QuoteQualified(ref.view->name); }

// The query as stored in the IR, without a trailing semicolon.
std::string QueryText(const ir::View& v) {
  std::string q = v.query;
  while (!q.empty() && (q.back() == ';' || std::isspace(static_cast<unsigned char>(q.back())))) q.pop_back();
  std::size_t start = 0;
  while (start < q.size() && std::isspace(static_cast<unsigned char>(q[start]))) ++start;
  return q.substr(start);
}

std::string Params(const std::vector<ir::StorageParam>& params) {
  std::string out;
  for (const ir::StorageParam& p : params) {
    if (!out.empty()) out += ", ";
    out += p.name + "=" + p.value;
  }
  return out;
}

std::string CheckOption(const ir::View& v) {
  for (const ir::StorageParam& p : v.options) {
    if (p.name == "check_option") return p.value;
  }
  return "";
}

// CREATE [OR REPLACE] [MATERIALIZED] VIEW ... AS <query> ...;
std::string DefinitionSql(const ir::View& v, bool or_replace) {
  std::string out = std::string("CREATE ") + (or_replace ? "OR REPLACE " : "") + Kind(v) + " " + QuoteQualified(v.name);
  if (!v.column_names.empty()) {
    std::string cols;
    for (const std::string& c : v.column_names) cols += (cols.empty() ? "" : ", ") + QuoteIdentifier(c);
    out += " (" + cols + ")";
  }
  std::vector<ir::StorageParam> params;
  for (const ir::StorageParam& p : v.options) {
    if (v.materialized || p.name != "check_option") params.push_back(p);
  }
  if (!params.empty()) out += " WITH (" + Params(params) + ")";
  out += " AS\n" + QueryText(v);
  if (v.materialized) {
    out += v.with_data ? "\nWITH DATA" : "\nWITH NO DATA";
  } else if (std::string check = CheckOption(v); !check.empty()) {
    out += check == "local" ? "\nWITH LOCAL CHECK OPTION" : "\nWITH CASCADED CHECK OPTION";
  }
  return out + ";";
}

std::string IndexElementSql(const ir::IndexElement& e) {
  std::string out = e.column ? QuoteIdentifier(*e.column) : "(" + e.expression->text + ")";
  if (e.collation) out += " COLLATE " + QuoteQualified(*e.collation);
  if (e.opclass) out += " " + QuoteQualified(*e.opclass);
  if (e.descending) out += " DESC";
  if (e.descending && !e.nulls_first) out += " NULLS LAST";
  if (!e.descending && e.nulls_first) out += " NULLS FIRST";
  return out;
}

// CREATE INDEX on a materialized view (as emit/render.cpp writes table indexes).
std::string CreateIndexSql(const ir::View& v, const ir::Index& i) {
  std::string elems;
  for (const ir::IndexElement& e : i.elements) elems += (elems.empty() ? "" : ", ") + IndexElementSql(e);
  std::string out = std::string("CREATE ") + (i.unique ? "UNIQUE " : "") + "INDEX " + QuoteIdentifier(i.name) +
                    " ON " + QuoteQualified(v.name) + " USING " + QuoteIdentifier(i.method) + " (" + elems + ")";
  if (!i.include.empty()) {
    std::string inc;
    for (const std::string& c : i.include) inc += (inc.empty() ? "" : ", ") + QuoteIdentifier(c);
    out += " INCLUDE (" + inc + ")";
  }
  if (i.nulls_not_distinct) out += " NULLS NOT DISTINCT";
  if (!i.options.empty()) out += " WITH (" + Params(i.options) + ")";
  if (i.predicate) out += " WHERE " + i.predicate->text;
  return out + ";";
}

std::string IndexTarget(const ir::View& v, const std::string& index) {
  return "INDEX " + QuoteQualified(ir::QualifiedName{v.name.schema, index});
}

std::string CommentSql(const std::string& target, const std::optional<std::string>& comment) {
  return "COMMENT ON " + target + " IS " + (comment ? QuoteLiteral(*comment) : std::string("NULL")) + ";";
}

std::string ColumnTarget(const ir::View& v, const std::string& column) {
  return "COLUMN " + QuoteQualified(v.name) + "." + QuoteIdentifier(column);
}

void CommentChanges(const ir::View* before, const ir::View& after, std::vector<std::string>& out) {
  std::string target = Kind(after) + " " + QuoteQualified(after.name);
  if ((before ? before->comment : std::nullopt) != after.comment) out.push_back(CommentSql(target, after.comment));
  std::set<std::string> names;
  if (before) {
    for (const auto& [c, text] : before->column_comments) names.insert(c);
  }
  for (const auto& [c, text] : after.column_comments) names.insert(c);
  for (const std::string& c : names) {
    std::optional<std::string> b, a;
    if (before) {
      if (auto it = before->column_comments.find(c); it != before->column_comments.end()) b = it->second;
    }
    if (auto it = after.column_comments.find(c); it != after.column_comments.end()) a = it->second;
    if (a != b) out.push_back(CommentSql(ColumnTarget(after, c), a));
  }
  for (const auto& [name, ix] : after.indexes) {
    std::optional<std::string> b;
    if (before) {
      if (auto it = before->indexes.find(name); it != before->indexes.end()) b = it->second.comment;
    }
    if (ix.comment != b) out.push_back(CommentSql(IndexTarget(after, name), ix.comment));
  }
}

std::vector<std::string> Create(const diff::ElementRef& ref) {
  const ir::View& v = *ref.view;
  std::vector<std::string> out{DefinitionSql(v, false)};
  for (const auto& [name, ix] : v.indexes) out.push_back(CreateIndexSql(v, ix));
  CommentChanges(nullptr, v, out);
  return out;
}

std::vector<std::string> Drop(const diff::ElementRef& ref) {
  return {"DROP " + Kind(*ref.view) + " " + QuoteQualified(ref.view->name) + ";"};
}

std::vector<std::string> OptionChanges(const ir::View& b, const ir::View& a) {
  std::vector<std::string> out;
  std::vector<std::string> reset;
  std::vector<ir::StorageParam> set;
  for (const ir::StorageParam& p : b.options) {
    if (std::none_of(a.options.begin(), a.options.end(), [&](const ir::StorageParam& q) { return q.name == p.name; })) {
      reset.push_back(p.name);
    }
  }
  for (const ir::StorageParam& p : a.options) {
    if (std::find(b.options.begin(), b.options.end(), p) == b.options.end()) set.push_back(p);
  }
  std::string alter = "ALTER " + Kind(a) + " " + QuoteQualified(a.name);
  if (!reset.empty()) {
    std::string names;
    for (const std::string& n : reset) names += (names.empty() ? "" : ", ") + n;
    out.push_back(alter + " RESET (" + names + ");");
  }
  if (!set.empty()) out.push_back(alter + " SET (" + Params(set) + ");");
  return out;
}

std::vector<std::string> Alter(const diff::ElementRef& before, const diff::ElementRef& after) {
  const ir::View& b = *before.view;
  const ir::View& a = *after.view;
  std::vector<std::string> out;
  if (!a.materialized) out = OptionChanges(b, a);
  CommentChanges(&b, a, out);
  if (a.owner && b.owner != a.owner) {
    out.push_back("ALTER " + Kind(a) + " " + QuoteQualified(a.name) + " OWNER TO " + QuoteIdentifier(*a.owner) + ";");
  }
  return out;
}

std::vector<std::string> Replace(const diff::ElementRef& before, const diff::ElementRef& after) {
  const ir::View& b = *before.view;
  const ir::View& a = *after.view;
  // CREATE OR REPLACE VIEW replaces the whole reloptions list (AT_ReplaceRelOptions).
  std::vector<std::string> out{DefinitionSql(a, true)};
  CommentChanges(&b, a, out);
  if (a.owner && b.owner != a.owner) {
    out.push_back("ALTER VIEW " + QuoteQualified(a.name) + " OWNER TO " + QuoteIdentifier(*a.owner) + ";");
  }
  return out;
}

}  // namespace

const ObjectRenderer& ViewRenderer() {
  static const ObjectRenderer renderer{ir::ObjectKind::View, &Create, &Drop, &Replace, &Alter, &Target};
  return renderer;
}

}  // namespace schemac::emit
