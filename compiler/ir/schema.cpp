#include "compiler/ir/schema.h"

#include <algorithm>

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
    case ObjectKind::View: return "view";
    case ObjectKind::MaterializedView: return "materialized view";
    case ObjectKind::Function: return "function";
    case ObjectKind::Trigger: return "trigger";
    case ObjectKind::Domain: return "domain";
    case ObjectKind::CompositeType: return "type";
    case ObjectKind::RangeType: return "type";
    case ObjectKind::Extension: return "extension";
    case ObjectKind::Collation: return "collation";
    case ObjectKind::EventTrigger: return "event trigger";
    case ObjectKind::Rule: return "rule";
    case ObjectKind::Policy: return "policy";
    case ObjectKind::DefaultPrivileges: return "default privileges";
    case ObjectKind::ForeignDataWrapper: return "foreign-data wrapper";
    case ObjectKind::ForeignServer: return "server";
    case ObjectKind::UserMapping: return "user mapping";
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
  if (id.kind == ObjectKind::DefaultPrivileges) {
    std::string out = "default privileges on " + id.name;
    if (!id.schema.empty()) out += " in schema " + MessageName(id.schema);
    if (!id.sub.empty()) out += " for role " + MessageName(id.sub);
    return out;
  }
  if (id.kind == ObjectKind::UserMapping) {
    return "for " + (id.sub.empty() ? std::string("PUBLIC") : MessageName(id.sub)) + " server " + MessageName(id.name);
  }
  std::string out;
  if (!id.schema.empty()) out = MessageName(id.schema) + ".";
  // A function's name is its signature "name(type, ...)": the name part is quoted alone (types
  // never contain parentheses, so the last '(' starts the argument list).
  std::size_t paren = id.kind == ObjectKind::Function ? id.name.rfind('(') : std::string::npos;
  if (paren != std::string::npos) {
    out += MessageName(id.name.substr(0, paren)) + id.name.substr(paren);
  } else {
    out += MessageName(id.name);
  }
  if (!id.sub.empty()) out += "." + MessageName(id.sub);
  return out;
}

std::string RelKey(const QualifiedName& name) { return "rel:" + name.schema + "." + name.name; }
std::string ColumnKey(const QualifiedName& table, const std::string& column) {
  return "col:" + table.schema + "." + table.name + "." + column;
}
std::string TypeKey(const QualifiedName& name) { return "type:" + name.schema + "." + name.name; }
std::string FuncKey(const QualifiedName& name) { return "func:" + name.schema + "." + name.name; }
std::string SequenceKey(const QualifiedName& name) { return "seq:" + name.schema + "." + name.name; }
std::string SchemaKey(const std::string& name) { return "schema:" + name; }
std::string CollationKey(const QualifiedName& name) { return "coll:" + name.schema + "." + name.name; }
std::string WrapperKey(const std::string& name) { return "fdw:" + name; }
std::string ServerKey(const std::string& name) { return "server:" + name; }

const std::vector<std::string> kSecretOptionWords = {"password", "passwd",     "secret", "token",
                                                     "passphrase", "credential", "key"};

bool IsSecretOption(const std::string& name) {
  std::string lower;
  for (char c : name) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  for (const std::string& w : kSecretOptionWords) {
    if (lower.find(w) != std::string::npos) return true;
  }
  return false;
}

std::string QualifiedTypeName(const TypeRef& type) {
  std::string out = type.schema == "pg_catalog" ? type.name : type.schema + "." + type.name;
  return type.array ? out + "[]" : out;
}

std::string Signature(const Function& f) {
  std::string out = f.name.name + "(";
  bool first = true;
  for (const FunctionArg& a : f.args) {
    if (a.mode == ArgMode::Out || a.mode == ArgMode::Table) continue;
    out += (first ? "" : ", ") + QualifiedTypeName(a.type);
    first = false;
  }
  return out + ")";
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

std::string Options(const FdwOptions& o) {
  std::string out;
  for (const auto& [k, v] : o) out += fmt::format(" {}={:?}", k, v);
  return out.empty() ? out : " options" + out;
}

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

// "  trigger ..." of a table or view.
std::string TriggerLine(const Trigger& g) {
  std::string out = fmt::format("  trigger {} {}{}{}{}{} {}", g.name,
                                g.timing == 'b' ? "before" : g.timing == 'i' ? "instead of" : "after",
                                g.on_insert ? " insert" : "", g.on_update ? " update" : "", g.on_delete ? " delete" : "",
                                g.on_truncate ? " truncate" : "", g.for_each_row ? "row" : "statement");
  if (!g.update_columns.empty()) out += " of " + List(g.update_columns);
  if (g.when) out += " when (" + g.when->text + ")";
  out += " execute " + DisplayName(g.function) + List(g.function_args);
  if (!g.old_table.empty()) out += " old table " + g.old_table;
  if (!g.new_table.empty()) out += " new table " + g.new_table;
  if (g.constraint) out += " constraint";
  if (g.from_table) out += " from " + DisplayName(*g.from_table);
  if (g.deferrable) out += g.initially_deferred ? " deferrable initially deferred" : " deferrable";
  return out + fmt::format(" enabled={} comment={}\n", g.enabled, Opt(g.comment));
}

// "  rule ..." of a table or view.
std::string RuleLine(const Rule& r) {
  static const char* kEvents[] = {"select", "update", "insert", "delete"};
  int ev = r.event - '1';
  std::string out = fmt::format("  rule {} on {} do {}", r.name, ev >= 0 && ev < 4 ? kEvents[ev] : "?",
                                r.instead ? "instead" : "also");
  if (r.where) out += " where (" + r.where->text + ")";
  if (r.actions.empty()) out += " nothing";
  for (const std::string& a : r.actions) out += " [" + a + "]";
  return out + fmt::format(" enabled={} comment={}\n", r.enabled, Opt(r.comment));
}

// "  policy ..." of a table.
std::string PolicyLine(const Policy& p) {
  std::string out = fmt::format("  policy {} for {} {} to {}", p.name, p.command,
                                p.permissive ? "permissive" : "restrictive",
                                p.roles.empty() ? std::string("public") : List(p.roles));
  if (p.using_expr) out += " using (" + p.using_expr->text + ")";
  if (p.check_expr) out += " with check (" + p.check_expr->text + ")";
  return out + fmt::format(" comment={}\n", Opt(p.comment));
}

}  // namespace

std::vector<Grant> DefaultPrivileges(const PrivilegeTarget& target) {
  switch (target.kind) {
    case 'f': return {Grant{"", "EXECUTE", false}};
    case 'T': return {Grant{"", "USAGE", false}};
    case 'n': return target.schema == "public" ? std::vector<Grant>{Grant{"", "USAGE", false}} : std::vector<Grant>{};
    default: return {};
  }
}

std::vector<Grant> BuiltinDefaultPrivileges(const DefaultPrivilegeKey& key) {
  if (!key.schema.empty()) return {};
  // acldefault of the kind: the same as an object's own default, the schema public aside.
  return DefaultPrivileges(PrivilegeTarget{key.kind, "", "", ""});
}

const char* DefaultPrivilegeKindName(char kind) {
  switch (kind) {
    case 's': return "sequences";
    case 'f': return "functions";
    case 'T': return "types";
    case 'n': return "schemas";
    default: return "tables";
  }
}

std::string DefaultPrivilegesName(const DefaultPrivilegeKey& key) {
  std::string out = std::string("default privileges on ") + DefaultPrivilegeKindName(key.kind);
  if (!key.schema.empty()) out += " in schema " + MessageName(key.schema);
  if (!key.role.empty()) out += " for role " + MessageName(key.role);
  return out;
}

std::vector<Grant> CreatedPrivileges(const Database& db, const PrivilegeTarget& target) {
  if (target.kind == 'c') return DefaultPrivileges(target);
  DefaultPrivilegeKey global{"", "", target.kind};
  auto g = db.default_privileges.find(global);
  std::vector<Grant> out = g != db.default_privileges.end() ? g->second : BuiltinDefaultPrivileges(global);
  if (target.kind != 'n') {
    // aclmerge: a grant held by either entry; with grant option when either gives it.
    auto s = db.default_privileges.find(DefaultPrivilegeKey{"", target.schema, target.kind});
    if (s != db.default_privileges.end()) {
      for (const Grant& add : s->second) {
        auto held = std::find_if(out.begin(), out.end(), [&](const Grant& x) {
          return x.grantee == add.grantee && x.privilege == add.privilege;
        });
        if (held == out.end()) {
          out.push_back(add);
        } else {
          held->grant_option = held->grant_option || add.grant_option;
        }
      }
      std::sort(out.begin(), out.end());
    }
  }
  if (g == db.default_privileges.end() && out == BuiltinDefaultPrivileges(global)) return DefaultPrivileges(target);
  return out;
}

std::set<PrivilegeTarget> PrivilegeTargets(const Database& db) {
  std::set<PrivilegeTarget> out;
  for (const auto& [name, s] : db.schemas) out.insert({'n', name, "", ""});
  for (const auto& [q, t] : db.tables) out.insert({'r', q.schema, q.name, ""});
  for (const auto& [q, v] : db.views) out.insert({'r', q.schema, q.name, ""});
  for (const auto& [q, s] : db.sequences) out.insert({'s', q.schema, q.name, ""});
  for (const auto& [q, f] : db.functions) out.insert({'f', q.schema, q.name, ""});
  for (const auto& [q, e] : db.enums) out.insert({'T', q.schema, q.name, ""});
  for (const auto& [q, d] : db.domains) out.insert({'T', q.schema, q.name, ""});
  for (const auto& [q, c] : db.composite_types) out.insert({'T', q.schema, q.name, ""});
  for (const auto& [q, r] : db.range_types) out.insert({'T', q.schema, q.name, ""});
  return out;
}

bool HasOwnDefaultPrivileges(const Database& db) {
  for (const auto& [key, grants] : db.default_privileges) {
    if (key.role.empty()) return true;
  }
  return false;
}

std::string DisplayName(const PrivilegeTarget& target) {
  switch (target.kind) {
    case 'n': return "schema " + DisplayName(QualifiedName{"", target.schema});
    case 's': return "sequence " + DisplayName(QualifiedName{target.schema, target.name});
    case 'c': return "column " + DisplayName(QualifiedName{target.schema, target.name}) + "." + target.column;
    case 'f': return "function " + target.schema + "." + target.name;
    case 'T': return "type " + DisplayName(QualifiedName{target.schema, target.name});
    case 'S': return "server " + DisplayName(QualifiedName{"", target.name});
    case 'W': return "foreign-data wrapper " + DisplayName(QualifiedName{"", target.name});
    default: return "table " + DisplayName(QualifiedName{target.schema, target.name});
  }
}

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
    if (t.partition_key) {
      const char* strategy = t.partition_key->strategy == 'l' ? "list" : t.partition_key->strategy == 'h' ? "hash" : "range";
      out += fmt::format("  partition by {} (", strategy);
      for (std::size_t i = 0; i < t.partition_key->elements.size(); ++i) {
        const IndexElement& e = t.partition_key->elements[i];
        out += i ? ", " : "";
        out += e.column ? *e.column : "(" + e.expression->text + ")";
        if (e.collation) out += " collate " + DisplayName(*e.collation);
        if (e.opclass) out += " " + DisplayName(*e.opclass);
      }
      out += ")\n";
    }
    if (t.partition_of) {
      out += fmt::format("  partition of {} {}\n", DisplayName(t.partition_of->parent), t.partition_of->bound);
    }
    if (t.foreign) out += fmt::format("  foreign server {}{}\n", t.foreign->server, Options(t.foreign->options));
    for (const StorageParam& p : t.options) out += fmt::format("  with {}={}\n", p.name, p.value);
    switch (t.replica_identity) {
      case ReplicaIdentity::Default: break;
      case ReplicaIdentity::Full: out += "  replica identity full\n"; break;
      case ReplicaIdentity::Nothing: out += "  replica identity nothing\n"; break;
      case ReplicaIdentity::Index: out += "  replica identity using index " + t.replica_identity_index + "\n"; break;
    }
    if (t.row_security) out += "  row level security\n";
    if (t.force_row_security) out += "  force row level security\n";
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
      out += Options(c.fdw_options);
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
      if (!k.parent_index.empty()) out += " attached to " + k.parent_index;
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
      if (!ix.parent_index.empty()) out += " attached to " + ix.parent_index;
      if (!ix.valid) out += " invalid";
      out += fmt::format(" comment={}\n", Opt(ix.comment));
    }
    for (const auto& [gname, g] : t.triggers) out += TriggerLine(g);
    for (const auto& [rname, r] : t.rules) out += RuleLine(r);
    for (const auto& [pname, p] : t.policies) out += PolicyLine(p);
  }
  for (const auto& [name, v] : db.views) {
    out += fmt::format("{} {} comment={} owner={}\n", v.materialized ? "materialized view" : "view", DisplayName(name),
                       Opt(v.comment), Opt(v.owner));
    if (!v.column_names.empty()) out += "  columns " + List(v.column_names) + "\n";
    for (const StorageParam& p : v.options) out += fmt::format("  with {}={}\n", p.name, p.value);
    if (v.materialized && !v.with_data) out += "  with no data\n";
    out += "  as " + v.query + "\n";
    for (const auto& [c, text] : v.column_comments) out += fmt::format("  column {} comment={:?}\n", c, text);
    for (const auto& [iname, ix] : v.indexes) out += fmt::format("  index {} using {}\n", iname, ix.method);
    for (const auto& [gname, g] : v.triggers) out += TriggerLine(g);
    for (const auto& [rname, r] : v.rules) out += RuleLine(r);
  }
  for (const auto& [key, f] : db.functions) {
    static const char* kKinds[] = {"function", "procedure", "aggregate", "window function"};
    out += fmt::format("{} {}.{}", kKinds[static_cast<int>(f.kind)], key.schema, key.name);
    static const char* kModes[] = {"in", "out", "inout", "variadic", "table"};
    for (const FunctionArg& a : f.args) {
      out += fmt::format(" [{} {} {}{}]", kModes[static_cast<int>(a.mode)], a.name.empty() ? "-" : a.name, Type(a.type),
                         a.default_expr ? " default " + a.default_expr->text : "");
    }
    if (f.return_type) out += fmt::format(" returns {}{}", f.returns_set ? "setof " : "", Type(*f.return_type));
    out += fmt::format(" language {} volatility {} parallel {}{}{}{} cost {} rows {}", f.language, f.volatility,
                       f.parallel, f.strict ? " strict" : "", f.security_definer ? " security definer" : "",
                       f.leakproof ? " leakproof" : "", f.cost, f.rows);
    for (const StorageParam& p : f.config) out += fmt::format(" set {}={}", p.name, p.value);
    out += fmt::format(" comment={} owner={}\n", Opt(f.comment), Opt(f.owner));
    out += f.sql_body ? "  sql body " + *f.sql_body + "\n" : fmt::format("  body {:?}\n", f.body);
    if (f.aggregate) {
      const Aggregate& g = *f.aggregate;
      auto fn = [](const char* what, const std::optional<QualifiedName>& q) {
        return q ? fmt::format(" {} {}", what, DisplayName(*q)) : std::string();
      };
      out += fmt::format("  aggregate kind {} direct {} sfunc {} stype {} sspace {}{} extra {} modify {}", g.kind,
                         g.num_direct_args, DisplayName(g.sfunc), Type(g.stype), g.sspace, fn("finalfunc", g.finalfunc),
                         g.finalfunc_extra, g.finalfunc_modify);
      out += fn("combinefunc", g.combinefunc) + fn("serialfunc", g.serialfunc) + fn("deserialfunc", g.deserialfunc);
      if (g.initcond) out += fmt::format(" initcond {:?}", *g.initcond);
      out += fn("msfunc", g.msfunc) + fn("minvfunc", g.minvfunc);
      if (g.mstype) out += " mstype " + Type(*g.mstype);
      out += fmt::format(" msspace {}{} mextra {} mmodify {}", g.msspace, fn("mfinalfunc", g.mfinalfunc),
                         g.mfinalfunc_extra, g.mfinalfunc_modify);
      if (g.minitcond) out += fmt::format(" minitcond {:?}", *g.minitcond);
      out += fn("sortop", g.sortop) + "\n";
    }
  }
  for (const auto& [name, d] : db.domains) {
    out += fmt::format("domain {} {}", DisplayName(name), Type(d.base_type));
    if (d.collation) out += " collate " + DisplayName(*d.collation);
    if (d.not_null) out += " not null";
    if (d.default_expr) out += " default " + d.default_expr->text;
    out += fmt::format(" comment={} owner={}\n", Opt(d.comment), Opt(d.owner));
    for (const auto& [cname, k] : d.checks) {
      out += fmt::format("  check {} ({}){} comment={}\n", cname, k.check ? k.check->text : "", k.validated ? "" : " not valid",
                         Opt(k.comment));
    }
  }
  for (const auto& [name, c] : db.composite_types) {
    out += fmt::format("composite type {} comment={} owner={}\n", DisplayName(name), Opt(c.comment), Opt(c.owner));
    for (const CompositeAttribute& a : c.attributes) {
      out += fmt::format("  attribute {} {}{} comment={}\n", a.name, Type(a.type),
                         a.collation ? " collate " + DisplayName(*a.collation) : "", Opt(a.comment));
    }
  }
  for (const auto& [name, r] : db.range_types) {
    out += fmt::format("range type {} subtype {}", DisplayName(name), Type(r.subtype));
    if (r.subtype_opclass) out += " opclass " + DisplayName(*r.subtype_opclass);
    if (r.collation) out += " collate " + DisplayName(*r.collation);
    if (r.canonical) out += " canonical " + DisplayName(*r.canonical);
    if (r.subtype_diff) out += " subtype_diff " + DisplayName(*r.subtype_diff);
    out += fmt::format(" multirange {} comment={} owner={}\n", DisplayName(r.multirange), Opt(r.comment), Opt(r.owner));
  }
  for (const auto& [name, e] : db.extensions) {
    out += fmt::format("extension {} schema {} version {} comment={}\n", name, e.schema, Opt(e.version), Opt(e.comment));
  }
  for (const auto& [name, c] : db.collations) {
    out += fmt::format("collation {} provider {} collate {:?} ctype {:?}{} comment={} owner={}\n", DisplayName(name),
                       c.provider, c.lc_collate, c.lc_ctype, c.deterministic ? "" : " nondeterministic", Opt(c.comment),
                       Opt(c.owner));
  }
  for (const auto& [name, e] : db.event_triggers) {
    out += fmt::format("event trigger {} on {}", name, e.event);
    if (!e.tags.empty()) out += " tags " + List(e.tags);
    out += fmt::format(" execute {} enabled={} comment={} owner={}\n", DisplayName(e.function), e.enabled,
                       Opt(e.comment), Opt(e.owner));
  }
  for (const auto& [name, w] : db.foreign_data_wrappers) {
    out += fmt::format("foreign-data wrapper {} handler {} validator {}{} comment={} owner={}\n", name,
                       w.handler ? DisplayName(*w.handler) : "-", w.validator ? DisplayName(*w.validator) : "-",
                       Options(w.options), Opt(w.comment), Opt(w.owner));
  }
  for (const auto& [name, s] : db.foreign_servers) {
    out += fmt::format("server {} wrapper {} type {} version {}{} comment={} owner={}\n", name, s.wrapper, Opt(s.type),
                       Opt(s.version), Options(s.options), Opt(s.comment), Opt(s.owner));
  }
  for (const auto& [key, m] : db.user_mappings) {
    out += fmt::format("user mapping for {} server {}{}\n", m.user.empty() ? "PUBLIC" : m.user, m.server,
                       Options(m.options));
  }
  for (const auto& [target, grants] : db.privileges) {
    out += "privileges on " + DisplayName(target) + ":";
    for (const Grant& g : grants) {
      out += fmt::format(" {} to {}{}", g.privilege, g.grantee.empty() ? "PUBLIC" : g.grantee,
                         g.grant_option ? " with grant option" : "");
    }
    out += "\n";
  }
  for (const auto& [key, grants] : db.default_privileges) {
    out += DefaultPrivilegesName(key) + ":";
    for (const Grant& g : grants) {
      out += fmt::format(" {} to {}{}", g.privilege, g.grantee.empty() ? "PUBLIC" : g.grantee,
                         g.grant_option ? " with grant option" : "");
    }
    out += "\n";
  }
  return out;
}

void ClearOwners(Database& db) {
  auto clear = [](auto& objects) {
    for (auto& [name, object] : objects) object.owner.reset();
  };
  clear(db.schemas);
  clear(db.enums);
  clear(db.sequences);
  clear(db.tables);
  clear(db.views);
  clear(db.functions);
  clear(db.domains);
  clear(db.composite_types);
  clear(db.range_types);
  clear(db.collations);
  clear(db.event_triggers);
  clear(db.foreign_data_wrappers);
  clear(db.foreign_servers);
}

std::string StoredComment(const Extension& e) {
  if (e.comment) return *e.comment;
  return e.control_comment.text.value_or("");
}

bool ExtensionCommentChanges(const Extension& before, const Extension& after) {
  if (!after.comment) {
    // Unwritten in the files: accepts any. Read from a database: its control file's comment,
    // restored only over a comment `before` writes.
    if (!after.control_comment.text || !before.comment) return false;
    return *before.comment != *after.control_comment.text;
  }
  // `before` unwritten in files: its comment is not known here, so the written one is set.
  if (!before.comment && !before.control_comment.text) return true;
  return *after.comment != StoredComment(before);
}

}  // namespace schemac::ir
