// CREATE COLLATION (with options, or FROM an existing collation), and the COMMENT ON, DROP and
// ALTER ... OWNER TO forms.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "compiler/sql/transform.h"
#include "compiler/sql/transform_types.h"

namespace schemac::sql {

namespace {

std::string CollationSubject(const ir::QualifiedName& name) {
  return fmt::format("collation \"{}\"", ir::DisplayName(name));
}

// The text of an option value written as a string, a name or a number.
std::optional<std::string> OptionText(const PgQuery__DefElem& d) {
  const PgQuery__Node* a = d.arg;
  if (!a) return std::nullopt;
  switch (a->node_case) {
    case PG_QUERY__NODE__NODE_STRING: return std::string(a->string->sval);
    case PG_QUERY__NODE__NODE_TYPE_NAME:
      if (a->type_name->n_names == 1) return StrVal(a->type_name->names[0]);
      return std::nullopt;
    case PG_QUERY__NODE__NODE_INTEGER: return std::to_string(a->integer->ival);
    case PG_QUERY__NODE__NODE_FLOAT: return std::string(a->float_->fval);
    case PG_QUERY__NODE__NODE_BOOLEAN: return std::string(a->boolean->boolval ? "true" : "false");
    default: return std::nullopt;
  }
}

// defGetBoolean: true/false/on/off/1/0, and no value meaning true.
std::optional<bool> OptionBool(const PgQuery__DefElem& d) {
  if (!d.arg) return true;
  std::optional<std::string> t = OptionText(d);
  if (!t) return std::nullopt;
  std::string v = *t;
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  if (v == "true" || v == "on" || v == "1") return true;
  if (v == "false" || v == "off" || v == "0") return false;
  return std::nullopt;
}

// A built-in collation copied by CREATE COLLATION ... FROM: the ones every PostgreSQL 15 has
// ("C", "POSIX", "ucs_basic"), the ICU ones ("<locale>-x-icu") and the libc ones named after an
// operating-system locale ("en_US.utf8"). Others depend on the server: reported by the caller.
std::optional<ir::Collation> BuiltinCollation(const std::string& name) {
  ir::Collation c;
  c.provider = 'c';
  if (name == "C" || name == "ucs_basic") {
    c.lc_collate = c.lc_ctype = "C";
    return c;
  }
  if (name == "POSIX") {
    c.lc_collate = c.lc_ctype = "POSIX";
    return c;
  }
  const std::string icu_suffix = "-x-icu";
  if (name.size() > icu_suffix.size() && name.compare(name.size() - icu_suffix.size(), icu_suffix.size(), icu_suffix) == 0) {
    c.provider = 'i';
    c.lc_collate = c.lc_ctype = name.substr(0, name.size() - icu_suffix.size());
    return c;
  }
  if (name.find('.') != std::string::npos) {
    c.lc_collate = c.lc_ctype = name;
    return c;
  }
  return std::nullopt;
}

// CREATE COLLATION name FROM existing.
StmtResult CopyCollation(State& state, ir::Collation& c, const PgQuery__DefElem& from, const std::string& subject) {
  ir::SourceSpan span = state.Span(from.location);
  std::string schema;
  std::string name;
  if (!state.SplitName(DefElemNames(from), &schema, &name, span)) return StmtResult::Done;
  if (schema != "pg_catalog") {
    for (const std::string& s : state.Candidates(schema)) {
      auto it = state.db.collations.find({s, name});
      if (it == state.db.collations.end()) continue;
      c.provider = it->second.provider;
      c.lc_collate = it->second.lc_collate;
      c.lc_ctype = it->second.lc_ctype;
      c.deterministic = it->second.deterministic;
      return StmtResult::Done;
    }
    if (!schema.empty()) {
      return state.Missing(fmt::format("{}: collation \"{}\"", subject, ir::DisplayName(ir::QualifiedName{schema, name})),
                           span);
    }
    // An unqualified name may be a user collation defined by a later statement.
    if (!state.ctx.final_pass) return StmtResult::Defer;
  }
  if (name == "default") {
    state.Error(ir::diag::kInvalid, subject + ": collation \"default\" cannot be copied", span);
    return StmtResult::Done;
  }
  std::optional<ir::Collation> b = BuiltinCollation(name);
  if (!b) {
    state.Unsupported(fmt::format("{}: copying the server's collation \"{}\" (write its provider and locale instead)",
                                  subject, name),
                      span);
    return StmtResult::Done;
  }
  c.provider = b->provider;
  c.lc_collate = b->lc_collate;
  c.lc_ctype = b->lc_ctype;
  c.deterministic = true;
  return StmtResult::Done;
}

StmtResult FindCollationTarget(State& state, const std::vector<std::string>& names, ir::SourceSpan span,
                               ir::Collation** out) {
  *out = nullptr;
  std::string schema;
  std::string name;
  if (!state.SplitName(names, &schema, &name, span)) return StmtResult::Done;
  for (const std::string& s : state.Candidates(schema)) {
    auto it = state.db.collations.find({s, name});
    if (it != state.db.collations.end()) {
      *out = &it->second;
      return StmtResult::Done;
    }
  }
  return state.Missing(fmt::format("collation \"{}\"", schema.empty() ? name : schema + "." + name), span);
}

}  // namespace

StmtResult TransformCreateCollation(State& state, PgQuery__DefineStmt& stmt) {
  ir::SourceSpan span = state.Span();
  std::string schema;
  std::string name;
  if (!state.SplitName(StrList(stmt.defnames, stmt.n_defnames), &schema, &name, span)) return StmtResult::Done;
  if (schema.empty()) schema = state.CreationSchema();
  if (!state.EnsureSchema(schema)) return state.Missing(fmt::format("schema \"{}\"", schema), span);
  ir::Collation c;
  c.name = {schema, name};
  c.span = span;
  std::string subject = CollationSubject(c.name);

  std::map<std::string, PgQuery__DefElem*> options;
  for (std::size_t i = 0; i < stmt.n_definition; ++i) {
    if (stmt.definition[i]->node_case != PG_QUERY__NODE__NODE_DEF_ELEM) continue;
    PgQuery__DefElem* d = stmt.definition[i]->def_elem;
    std::string key = d->defname ? d->defname : "";
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char ch) { return std::tolower(ch); });
    static const std::set<std::string> kKnown = {"from",     "locale",        "lc_collate", "lc_ctype",
                                                 "provider", "deterministic", "version"};
    if (!kKnown.count(key)) {
      state.Error(ir::diag::kInvalid, fmt::format("{}: collation attribute \"{}\" not recognized", subject, key),
                  state.Span(d->location));
      return StmtResult::Done;
    }
    if (!options.emplace(key, d).second) {
      state.Error(ir::diag::kInvalid, fmt::format("{}: conflicting or redundant options (\"{}\")", subject, key),
                  state.Span(d->location));
      return StmtResult::Done;
    }
  }
  auto option = [&](const char* key) -> PgQuery__DefElem* {
    auto it = options.find(key);
    return it == options.end() ? nullptr : it->second;
  };
  // The collation version is the server's library version, recorded at creation; it is not
  // part of the desired state.
  if (PgQuery__DefElem* d = option("version")) {
    state.Unsupported(subject + ": the VERSION option", state.Span(d->location));
    return StmtResult::Done;
  }

  if (PgQuery__DefElem* from = option("from")) {
    if (options.size() > 1) {
      state.Error(ir::diag::kInvalid, subject + ": conflicting or redundant options (FROM with other options)",
                  state.Span(from->location));
      return StmtResult::Done;
    }
    StmtResult r = CopyCollation(state, c, *from, subject);
    if (r == StmtResult::Defer || c.lc_collate.empty()) return r;
  } else {
    PgQuery__DefElem* locale = option("locale");
    PgQuery__DefElem* lc_collate = option("lc_collate");
    PgQuery__DefElem* lc_ctype = option("lc_ctype");
    if (locale && (lc_collate || lc_ctype)) {
      state.Error(ir::diag::kInvalid, subject + ": LOCALE cannot be specified together with LC_COLLATE or LC_CTYPE",
                  state.Span(locale->location));
      return StmtResult::Done;
    }
    if (PgQuery__DefElem* p = option("provider")) {
      std::optional<std::string> v = OptionText(*p);
      std::string lower = v.value_or("");
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
      if (lower == "icu") {
        c.provider = 'i';
      } else if (lower == "libc") {
        c.provider = 'c';
      } else {
        state.Error(ir::diag::kInvalid, fmt::format("{}: unrecognized collation provider: {}", subject, v.value_or("")),
                    state.Span(p->location));
        return StmtResult::Done;
      }
    }
    auto text = [&](PgQuery__DefElem* d, std::string* out) {
      std::optional<std::string> v = OptionText(*d);
      if (!v) {
        state.Error(ir::diag::kInvalid, fmt::format("{}: \"{}\" requires a string value", subject, d->defname),
                    state.Span(d->location));
        return false;
      }
      *out = *v;
      return true;
    };
    if (locale) {
      if (!text(locale, &c.lc_collate)) return StmtResult::Done;
      c.lc_ctype = c.lc_collate;
    }
    if (c.provider == 'i') {
      // PostgreSQL 15 takes an ICU collation's locale from LOCALE only (colliculocale).
      if (!locale) {
        state.Error(ir::diag::kInvalid, subject + ": parameter \"locale\" must be specified", span);
        return StmtResult::Done;
      }
    } else {
      if (lc_collate && !text(lc_collate, &c.lc_collate)) return StmtResult::Done;
      if (lc_ctype && !text(lc_ctype, &c.lc_ctype)) return StmtResult::Done;
      if (c.lc_collate.empty()) {
        state.Error(ir::diag::kInvalid, subject + ": parameter \"lc_collate\" must be specified", span);
        return StmtResult::Done;
      }
      if (c.lc_ctype.empty()) {
        state.Error(ir::diag::kInvalid, subject + ": parameter \"lc_ctype\" must be specified", span);
        return StmtResult::Done;
      }
    }
    if (PgQuery__DefElem* d = option("deterministic")) {
      std::optional<bool> v = OptionBool(*d);
      if (!v) {
        state.Error(ir::diag::kInvalid, subject + ": deterministic requires a Boolean value", state.Span(d->location));
        return StmtResult::Done;
      }
      c.deterministic = *v;
    }
    if (!c.deterministic && c.provider != 'i') {
      state.Error(ir::diag::kInvalid, subject + ": nondeterministic collations not supported with this provider",
                  span);
      return StmtResult::Done;
    }
  }

  if (auto it = state.db.collations.find(c.name); it != state.db.collations.end()) {
    if (stmt.if_not_exists) return StmtResult::Done;
    state.Error(ir::diag::kDuplicate, fmt::format("{} is defined more than once", subject), span,
                {{"previous definition is here", it->second.span}});
    return StmtResult::Done;
  }
  state.db.collations[c.name] = std::move(c);
  return StmtResult::Done;
}

StmtResult CommentOnCollation(State& state, PgQuery__CommentStmt& stmt, const std::vector<std::string>& names) {
  ir::Collation* c = nullptr;
  if (StmtResult r = FindCollationTarget(state, names, state.Span(), &c); !c) return r;
  if (stmt.comment && *stmt.comment) c->comment = std::string(stmt.comment);
  else c->comment.reset();
  return StmtResult::Done;
}

StmtResult AlterCollationOwner(State& state, const std::vector<std::string>& names, const std::string& owner) {
  ir::Collation* c = nullptr;
  if (StmtResult r = FindCollationTarget(state, names, state.Span(), &c); !c) return r;
  c->owner = owner;
  return StmtResult::Done;
}

bool DropCollation(State& state, const std::string& schema, const std::string& name) {
  return state.db.collations.erase({schema, name}) > 0;
}

}  // namespace schemac::sql
