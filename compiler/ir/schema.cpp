#include "compiler/ir/schema.h"

#include <fmt/format.h>

namespace schemac::ir {

const Column* Table::FindColumn(const std::string& column) const {
  for (const Column& c : columns) {
    if (c.name == column) return &c;
  }
  return nullptr;
}

const char* ObjectKindName(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::Schema: return "schema";
    case ObjectKind::Enum: return "type";
    case ObjectKind::Sequence: return "sequence";
    case ObjectKind::Table: return "table";
    case ObjectKind::Column: return "column";
    case ObjectKind::Constraint: return "constraint";
    case ObjectKind::Index: return "index";
  }
  return "object";
}

namespace {

// Messages only: a name is shown bare when it is a plain lower-case identifier, else quoted.
// The authoritative quoting for SQL output (with the keyword list) is emit/quote.h.
std::string MessageName(const std::string& name) {
  bool plain = !name.empty() && !(name[0] >= '0' && name[0] <= '9') && name[0] != '$';
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$')) plain = false;
  }
  if (plain) return name;
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string DisplayName(const QualifiedName& name) {
  if (name.schema.empty()) return MessageName(name.name);
  return MessageName(name.schema) + "." + MessageName(name.name);
}

std::string DisplayName(const ObjectId& id) {
  std::string out;
  if (!id.schema.empty()) out = MessageName(id.schema) + ".";
  out += MessageName(id.name);
  if (!id.sub.empty()) out += "." + MessageName(id.sub);
  return out;
}

std::string TruncateIdentifier(std::string name) {
  if (name.size() <= kMaxIdentifierBytes) return name;
  std::size_t n = kMaxIdentifierBytes;
  // Back up to the start of a UTF-8 character (continuation bytes are 10xxxxxx).
  while (n > 0 && (static_cast<unsigned char>(name[n]) & 0xC0) == 0x80) --n;
  name.resize(n);
  return name;
}

namespace {

std::string Type(const TypeRef& t) {
  std::string out = t.schema + "." + t.name;
  if (!t.modifiers.empty()) out += "(" + t.modifiers + ")";
  if (t.array) out += "[]";
  return out;
}

std::string Opt(const std::optional<std::string>& s) { return s ? fmt::format("{:?}", *s) : "-"; }

std::string SeqOptions(const SequenceOptions& o) {
  return fmt::format("as {} increment {} min {} max {} start {} cache {}{}", Type(o.data_type), o.increment,
                     o.min_value, o.max_value, o.start, o.cache, o.cycle ? " cycle" : "");
}

std::string List(const std::vector<std::string>& v) {
  std::string out = "(";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
  return out + ")";
}

const char* ActionName(FkAction a) {
  switch (a) {
    case FkAction::NoAction: return "no action";
    case FkAction::Restrict: return "restrict";
    case FkAction::Cascade: return "cascade";
    case FkAction::SetNull: return "set null";
    case FkAction::SetDefault: return "set default";
  }
  return "?";
}

const char* ConstraintKindName(ConstraintKind k) {
  switch (k) {
    case ConstraintKind::PrimaryKey: return "primary key";
    case ConstraintKind::Unique: return "unique";
    case ConstraintKind::Check: return "check";
    case ConstraintKind::ForeignKey: return "foreign key";
    case ConstraintKind::Exclusion: return "exclusion";
  }
  return "?";
}

}  // namespace

std::string DebugPrint(const Database& db) {
  std::string out;
  for (const auto& [name, s] : db.schemas) {
    out += fmt::format("schema {} comment={} owner={}\n", name, Opt(s.comment), Opt(s.owner));
  }
  for (const auto& [name, e] : db.enums) {
    out += fmt::format("enum {} {} comment={} owner={}\n", DisplayName(name), List(e.values), Opt(e.comment),
                       Opt(e.owner));
  }
  for (const auto& [name, s] : db.sequences) {
    out += fmt::format("sequence {} {}", DisplayName(name), SeqOptions(s.options));
    if (s.owned_by) out += fmt::format(" owned by {}.{}", DisplayName(s.owned_by->table), s.owned_by->column);
    out += fmt::format(" comment={} owner={}\n", Opt(s.comment), Opt(s.owner));
  }
  for (const auto& [name, t] : db.tables) {
    out += fmt::format("table {}{} comment={} owner={}\n", DisplayName(name), t.unlogged ? " unlogged" : "",
                       Opt(t.comment), Opt(t.owner));
    for (const StorageParam& p : t.options) out += fmt::format("  with {}={}\n", p.name, p.value);
    for (const Column& c : t.columns) {
      out += fmt::format("  column {} {}", c.name, Type(c.type));
      if (c.collation) out += " collate " + DisplayName(*c.collation);
      if (c.not_null) out += " not null";
      if (c.default_expr) out += " default " + c.default_expr->text;
      if (c.generated) out += " generated (" + c.generated->text + ") stored";
      if (c.identity) {
        out += fmt::format(" identity {} seq {} {}", c.identity->kind == IdentityKind::Always ? "always" : "by default",
                           c.identity->sequence_name, SeqOptions(c.identity->options));
      }
      out += fmt::format(" comment={}\n", Opt(c.comment));
    }
    for (const auto& [cname, k] : t.constraints) {
      out += fmt::format("  constraint {} {}", cname, ConstraintKindName(k.kind));
      if (!k.columns.empty()) out += " " + List(k.columns);
      if (!k.include.empty()) out += " include " + List(k.include);
      if (k.nulls_not_distinct) out += " nulls not distinct";
      if (k.check) out += " (" + k.check->text + ")";
      if (k.no_inherit) out += " no inherit";
      if (k.kind == ConstraintKind::ForeignKey) {
        out += fmt::format(" references {} {} on update {} on delete {}", DisplayName(k.ref_table), List(k.ref_columns),
                           ActionName(k.on_update), ActionName(k.on_delete));
        if (!k.on_delete_columns.empty()) out += " " + List(k.on_delete_columns);
        out += k.match == FkMatch::Full ? " match full" : k.match == FkMatch::Partial ? " match partial" : "";
      }
      if (!k.validated) out += " not valid";
      if (k.deferrable) out += k.initially_deferred ? " deferrable initially deferred" : " deferrable";
      out += fmt::format(" comment={}\n", Opt(k.comment));
    }
    for (const auto& [iname, ix] : t.indexes) {
      out += fmt::format("  index {}{}{} using {} (", iname, ix.unique ? " unique" : "",
                         ix.nulls_not_distinct ? " nulls not distinct" : "", ix.method);
      for (std::size_t i = 0; i < ix.elements.size(); ++i) {
        const IndexElement& e = ix.elements[i];
        out += i ? ", " : "";
        out += e.column ? *e.column : "(" + e.expression->text + ")";
        if (e.collation) out += " collate " + DisplayName(*e.collation);
        if (e.opclass) out += " " + DisplayName(*e.opclass);
        out += e.descending ? " desc" : " asc";
        out += e.nulls_first ? " nulls first" : " nulls last";
      }
      out += ")";
      if (!ix.include.empty()) out += " include " + List(ix.include);
      for (const StorageParam& p : ix.options) out += fmt::format(" with {}={}", p.name, p.value);
      if (ix.predicate) out += " where " + ix.predicate->text;
      out += fmt::format(" comment={}\n", Opt(ix.comment));
    }
  }
  return out;
}

}  // namespace schemac::ir
