// CREATE TYPE ... AS RANGE (the range type and its multirange type). COMMENT ON TYPE, DROP TYPE
// and ALTER TYPE ... OWNER TO reach range types through transform_comment.cpp,
// transform_drop.cpp and transform_owner.cpp.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "compiler/sql/transform.h"
#include "compiler/sql/transform_types.h"
#include "compiler/sql/types.h"

namespace schemac::sql {

namespace {

// PostgreSQL's makeMultirangeTypeName: the first "range" in the name becomes "multirange",
// else "_multirange" is appended (the name cut to leave room for it); the result is clipped
// to 63 bytes.
std::string DefaultMultirangeName(const std::string& range) {
  std::size_t at = range.find("range");
  std::string out;
  if (at != std::string::npos) {
    out = range.substr(0, at) + "multi" + range.substr(at);
  } else {
    out = ir::TruncateIdentifier(range.substr(0, std::min<std::size_t>(range.size(), 64 - 12))) + "_multirange";
  }
  return ir::TruncateIdentifier(out);
}

// Built-in types whose values take a collation (the collatable pg_catalog types schemac models).
bool Collatable(const State& state, const ir::TypeRef& type) {
  if (type.array) return false;
  if (type.schema == "pg_catalog") {
    static const std::set<std::string> kCollatable = {"text", "varchar", "bpchar", "name"};
    return kCollatable.count(type.name) > 0;
  }
  if (auto d = state.db.domains.find({type.schema, type.name}); d != state.db.domains.end()) {
    return Collatable(state, d->second.base_type);
  }
  return false;
}

// The collation a collatable type gives its values without COLLATE: a domain's own collation,
// else the default (nullopt).
std::optional<ir::QualifiedName> TypeCollation(const State& state, const ir::TypeRef& type) {
  if (auto d = state.db.domains.find({type.schema, type.name}); d != state.db.domains.end()) {
    if (d->second.collation) return d->second.collation;
    return TypeCollation(state, d->second.base_type);
  }
  return std::nullopt;
}

// A function named by canonical / subtype_diff: qualified as written; unqualified, the user
// function of that name on the search path, else (once every statement was read) a built-in.
StmtResult RangeFunction(State& state, const std::vector<std::string>& parts, const std::string& subject,
                         ir::SourceSpan span, std::optional<ir::QualifiedName>* out) {
  std::string schema;
  std::string name;
  if (!state.SplitName(parts, &schema, &name, span)) return StmtResult::Done;
  for (const std::string& s : state.Candidates(schema)) {
    for (const auto& [key, f] : state.db.functions) {
      if (key.schema == s && f.name.name == name) {
        *out = ir::QualifiedName{s, name};
        return StmtResult::Done;
      }
    }
  }
  if (!schema.empty() && schema != "pg_catalog") {
    return state.Missing(fmt::format("{}: function \"{}\"", subject, ir::DisplayName(ir::QualifiedName{schema, name})),
                         span);
  }
  if (schema.empty() && !state.ctx.final_pass) return StmtResult::Defer;  // maybe a later user function
  *out = ir::QualifiedName{"pg_catalog", name};
  return StmtResult::Done;
}

}  // namespace

StmtResult TransformCreateRange(State& state, PgQuery__CreateRangeStmt& stmt) {
  ir::SourceSpan span = state.Span();
  std::string schema;
  std::string name;
  if (!state.SplitName(StrList(stmt.type_name, stmt.n_type_name), &schema, &name, span)) return StmtResult::Done;
  if (schema.empty()) schema = state.CreationSchema();
  if (!state.EnsureSchema(schema)) return state.Missing(fmt::format("schema \"{}\"", schema), span);
  ir::RangeType r;
  r.name = {schema, name};
  r.span = span;
  std::string subject = fmt::format("type \"{}\"", ir::DisplayName(r.name));
  std::vector<std::string> deps;

  std::map<std::string, PgQuery__DefElem*> params;
  for (std::size_t i = 0; i < stmt.n_params; ++i) {
    if (stmt.params[i]->node_case != PG_QUERY__NODE__NODE_DEF_ELEM) continue;
    PgQuery__DefElem* d = stmt.params[i]->def_elem;
    std::string key = d->defname ? d->defname : "";
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
    static const std::set<std::string> kKnown = {"subtype", "subtype_opclass", "collation",
                                                  "canonical", "subtype_diff", "multirange_type_name"};
    if (!kKnown.count(key)) {
      state.Error(ir::diag::kInvalid, fmt::format("{}: type attribute \"{}\" not recognized", subject, key),
                  state.Span(d->location));
      return StmtResult::Done;
    }
    if (!params.emplace(key, d).second) {
      state.Error(ir::diag::kInvalid, fmt::format("{}: conflicting or redundant options (\"{}\")", subject, key),
                  state.Span(d->location));
      return StmtResult::Done;
    }
  }
  auto param = [&](const char* key) -> PgQuery__DefElem* {
    auto it = params.find(key);
    return it == params.end() ? nullptr : it->second;
  };

  PgQuery__DefElem* subtype = param("subtype");
  if (!subtype) {
    state.Error(ir::diag::kInvalid, subject + ": type attribute \"subtype\" is required", span);
    return StmtResult::Done;
  }
  if (!subtype->arg || subtype->arg->node_case != PG_QUERY__NODE__NODE_TYPE_NAME) {
    state.Error(ir::diag::kInvalid, subject + ": subtype must be a type name", state.Span(subtype->location));
    return StmtResult::Done;
  }
  switch (UserOrBuiltinType(state, subtype->arg->type_name, subject + ": subtype", &r.subtype, &deps)) {
    case TypeOutcome::Ok: break;
    case TypeOutcome::Defer: return StmtResult::Defer;
    case TypeOutcome::Failed: return StmtResult::Done;
  }
  // PostgreSQL keeps only the subtype's oid (typenameTypeId): modifiers are dropped.
  r.subtype.modifiers.clear();

  if (PgQuery__DefElem* d = param("subtype_opclass")) {
    std::vector<std::string> parts = DefElemNames(*d);
    std::string oschema;
    std::string oname;
    if (!state.SplitName(parts, &oschema, &oname, state.Span(d->location))) return StmtResult::Done;
    ir::QualifiedName opclass = oschema.empty() ? OpclassName(state, {oname}) : ir::QualifiedName{oschema, oname};
    bool is_enum = r.subtype.schema != "pg_catalog" && state.FindEnum(r.subtype.schema, r.subtype.name);
    // Only an opclass other than the subtype's default is kept (as pg_dump prints it).
    if (!(opclass.schema == "pg_catalog" && opclass.name == DefaultOpclass("btree", r.subtype, is_enum))) {
      r.subtype_opclass = opclass;
    }
  }

  if (PgQuery__DefElem* d = param("collation")) {
    if (!Collatable(state, r.subtype) && r.subtype.schema == "pg_catalog") {
      state.Error(ir::diag::kInvalid, subject + ": range collation specified but subtype does not support collation",
                  state.Span(d->location));
      return StmtResult::Done;
    }
    std::vector<std::string> coll_deps;
    switch (ResolveCollation(state, DefElemNames(*d), subject, state.Span(d->location), &r.collation, &coll_deps)) {
      case TypeOutcome::Ok: break;
      case TypeOutcome::Defer: return StmtResult::Defer;
      case TypeOutcome::Failed: return StmtResult::Done;
    }
    // Stored only when it differs from the subtype's own collation (as pg_dump compares it).
    if (r.collation == TypeCollation(state, r.subtype)) r.collation.reset();
    if (r.collation) deps.insert(deps.end(), coll_deps.begin(), coll_deps.end());
  }

  for (const char* key : {"canonical", "subtype_diff"}) {
    PgQuery__DefElem* d = param(key);
    if (!d) continue;
    std::optional<ir::QualifiedName>& f = std::string(key) == "canonical" ? r.canonical : r.subtype_diff;
    if (StmtResult res = RangeFunction(state, DefElemNames(*d), fmt::format("{}: {}", subject, key),
                                       state.Span(d->location), &f);
        !f) {
      return res;
    }
    if (f->schema != "pg_catalog") deps.push_back(ir::FuncKey(*f));
  }

  if (PgQuery__DefElem* d = param("multirange_type_name")) {
    std::string mschema;
    std::string mname;
    if (!state.SplitName(DefElemNames(*d), &mschema, &mname, state.Span(d->location))) return StmtResult::Done;
    r.multirange = {mschema.empty() ? state.CreationSchema() : mschema, mname};
    if (!state.EnsureSchema(r.multirange.schema)) {
      return state.Missing(fmt::format("schema \"{}\"", r.multirange.schema), state.Span(d->location));
    }
  } else {
    r.multirange = {schema, DefaultMultirangeName(name)};
  }

  if (TypeNameTaken(state, r.name, "type", span)) return StmtResult::Done;
  if (r.multirange == r.name || TypeNameTaken(state, r.multirange, "multirange type", span)) {
    if (r.multirange == r.name) {
      state.Error(ir::diag::kDuplicate,
                  fmt::format("{}: the multirange type must not have the range type's name", subject), span);
    }
    return StmtResult::Done;
  }
  std::sort(deps.begin(), deps.end());
  deps.erase(std::unique(deps.begin(), deps.end()), deps.end());
  r.deps.keys = std::move(deps);
  state.db.range_types[r.name] = std::move(r);
  return StmtResult::Done;
}

}  // namespace schemac::sql
