// Domains (CREATE DOMAIN, ALTER DOMAIN) and composite types (CREATE TYPE ... AS (...), ALTER TYPE
// ... ADD / DROP / ALTER ATTRIBUTE), with COMMENT ON, OWNER TO and DROP.
#include <stdexcept>
#include <string>
#include <vector>

#include "emit/quote.h"
#include "emit/render_kinds.h"

namespace schemac::emit {

namespace {

std::string CommentSql(const std::optional<std::string>& comment) {
  return comment ? QuoteLiteral(*comment) : "NULL";
}

// ---- domains ----

std::string DomainTarget(const diff::ElementRef& ref) { return "DOMAIN " + QuoteQualified(ref.domain->name); }

std::string CheckSql(const ir::Constraint& k) {
  std::string out = "CONSTRAINT " + QuoteIdentifier(k.name) + " CHECK (" + (k.check ? k.check->text : "") + ")";
  if (!k.validated) out += " NOT VALID";
  return out;
}

void DomainComments(const ir::Domain* before, const ir::Domain& d, std::vector<std::string>& out) {
  std::optional<std::string> old = before ? before->comment : std::nullopt;
  if (d.comment != old) out.push_back("COMMENT ON DOMAIN " + QuoteQualified(d.name) + " IS " + CommentSql(d.comment) + ";");
  for (const auto& [name, k] : d.checks) {
    std::optional<std::string> old_k;
    if (before) {
      auto it = before->checks.find(name);
      if (it != before->checks.end() && it->second.check == k.check) old_k = it->second.comment;
    }
    if (k.comment != old_k) {
      out.push_back("COMMENT ON CONSTRAINT " + QuoteIdentifier(name) + " ON DOMAIN " + QuoteQualified(d.name) +
                    " IS " + CommentSql(k.comment) + ";");
    }
  }
}

std::vector<std::string> CreateDomain(const diff::ElementRef& ref) {
  const ir::Domain& d = *ref.domain;
  std::string sql = "CREATE DOMAIN " + QuoteQualified(d.name) + " AS " + RenderType(d.base_type);
  if (d.collation) sql += " COLLATE " + QuoteQualified(*d.collation);
  if (d.default_expr) sql += " DEFAULT " + d.default_expr->text;
  if (d.not_null) sql += " NOT NULL";
  std::vector<std::string> out;
  std::vector<std::string> not_valid;
  for (const auto& [name, k] : d.checks) {
    // NOT VALID is not accepted by CREATE DOMAIN: such checks are added afterwards.
    if (k.validated) sql += " " + CheckSql(k);
    else not_valid.push_back("ALTER DOMAIN " + QuoteQualified(d.name) + " ADD " + CheckSql(k) + ";");
  }
  out.push_back(sql + ";");
  out.insert(out.end(), not_valid.begin(), not_valid.end());
  DomainComments(nullptr, d, out);
  return out;
}

std::vector<std::string> DropDomain(const diff::ElementRef& ref) { return {"DROP " + DomainTarget(ref) + ";"}; }

std::vector<std::string> AlterDomain(const diff::ElementRef& before, const diff::ElementRef& after) {
  const ir::Domain& b = *before.domain;
  const ir::Domain& a = *after.domain;
  std::string target = "ALTER DOMAIN " + QuoteQualified(a.name);
  std::vector<std::string> out;
  // Checks that go or change first, so that a new check under an old name can be added.
  for (const auto& [name, k] : b.checks) {
    auto it = a.checks.find(name);
    if (it == a.checks.end() || it->second.check != k.check || (k.validated && !it->second.validated)) {
      out.push_back(target + " DROP CONSTRAINT " + QuoteIdentifier(name) + ";");
    }
  }
  if (b.default_expr != a.default_expr) {
    out.push_back(a.default_expr ? target + " SET DEFAULT " + a.default_expr->text + ";" : target + " DROP DEFAULT;");
  }
  if (b.not_null != a.not_null) out.push_back(target + (a.not_null ? " SET NOT NULL;" : " DROP NOT NULL;"));
  for (const auto& [name, k] : a.checks) {
    auto it = b.checks.find(name);
    bool added = it == b.checks.end() || it->second.check != k.check || (it->second.validated && !k.validated);
    if (added) {
      out.push_back(target + " ADD " + CheckSql(k) + ";");
    } else if (!it->second.validated && k.validated) {
      out.push_back(target + " VALIDATE CONSTRAINT " + QuoteIdentifier(name) + ";");
    }
  }
  DomainComments(&b, a, out);
  if (a.owner && b.owner != a.owner) out.push_back(target + " OWNER TO " + QuoteIdentifier(*a.owner) + ";");
  return out;
}

// Neither kind has CREATE OR REPLACE: the handlers never answer Verdict::Replace.
std::vector<std::string> NoReplace(const diff::ElementRef&, const diff::ElementRef&) {
  throw std::logic_error("domains and composite types are never replaced");
}

// ---- composite types ----

std::string CompositeTarget(const diff::ElementRef& ref) { return "TYPE " + QuoteQualified(ref.composite_type->name); }

std::string AttributeSql(const ir::CompositeAttribute& a) {
  std::string out = QuoteIdentifier(a.name) + " " + RenderType(a.type);
  if (a.collation) out += " COLLATE " + QuoteQualified(*a.collation);
  return out;
}

const ir::CompositeAttribute* FindAttribute(const ir::CompositeType& t, const std::string& name) {
  for (const ir::CompositeAttribute& a : t.attributes) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

void CompositeComments(const ir::CompositeType* before, const ir::CompositeType& t, std::vector<std::string>& out) {
  std::optional<std::string> old = before ? before->comment : std::nullopt;
  if (t.comment != old) out.push_back("COMMENT ON TYPE " + QuoteQualified(t.name) + " IS " + CommentSql(t.comment) + ";");
  for (const ir::CompositeAttribute& a : t.attributes) {
    const ir::CompositeAttribute* o = before ? FindAttribute(*before, a.name) : nullptr;
    std::optional<std::string> old_a = o ? o->comment : std::nullopt;
    if (a.comment != old_a) {
      out.push_back("COMMENT ON COLUMN " + QuoteQualified(t.name) + "." + QuoteIdentifier(a.name) + " IS " +
                    CommentSql(a.comment) + ";");
    }
  }
}

std::vector<std::string> CreateComposite(const diff::ElementRef& ref) {
  const ir::CompositeType& t = *ref.composite_type;
  std::string sql = "CREATE TYPE " + QuoteQualified(t.name) + " AS (";
  for (std::size_t i = 0; i < t.attributes.size(); ++i) sql += (i ? ", " : "") + AttributeSql(t.attributes[i]);
  std::vector<std::string> out{sql + ");"};
  CompositeComments(nullptr, t, out);
  return out;
}

std::vector<std::string> DropComposite(const diff::ElementRef& ref) { return {"DROP " + CompositeTarget(ref) + ";"}; }

std::vector<std::string> AlterComposite(const diff::ElementRef& before, const diff::ElementRef& after) {
  const ir::CompositeType& b = *before.composite_type;
  const ir::CompositeType& a = *after.composite_type;
  std::string target = "ALTER TYPE " + QuoteQualified(a.name);
  std::vector<std::string> actions;
  for (const ir::CompositeAttribute& x : b.attributes) {
    if (!FindAttribute(a, x.name)) actions.push_back("DROP ATTRIBUTE " + QuoteIdentifier(x.name));
  }
  for (const ir::CompositeAttribute& x : a.attributes) {
    const ir::CompositeAttribute* o = FindAttribute(b, x.name);
    if (!o) {
      actions.push_back("ADD ATTRIBUTE " + AttributeSql(x));
    } else if (!(o->type == x.type) || o->collation != x.collation) {
      std::string act = "ALTER ATTRIBUTE " + QuoteIdentifier(x.name) + " TYPE " + RenderType(x.type);
      if (x.collation) act += " COLLATE " + QuoteQualified(*x.collation);
      actions.push_back(act);
    }
  }
  std::vector<std::string> out;
  if (!actions.empty()) {
    std::string sql = target;
    for (std::size_t i = 0; i < actions.size(); ++i) sql += (i ? ", " : " ") + actions[i];
    out.push_back(sql + ";");
  }
  CompositeComments(&b, a, out);
  if (a.owner && b.owner != a.owner) out.push_back(target + " OWNER TO " + QuoteIdentifier(*a.owner) + ";");
  return out;
}

}  // namespace

const ObjectRenderer& DomainRenderer() {
  static const ObjectRenderer renderer{ir::ObjectKind::Domain, CreateDomain, DropDomain, NoReplace, AlterDomain,
                                       DomainTarget};
  return renderer;
}

const ObjectRenderer& CompositeTypeRenderer() {
  static const ObjectRenderer renderer{ir::ObjectKind::CompositeType, CreateComposite, DropComposite, NoReplace,
                                       AlterComposite, CompositeTarget};
  return renderer;
}

}  // namespace schemac::emit
