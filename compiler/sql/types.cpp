#include "compiler/sql/types.h"

#include <algorithm>
#include <array>
#include <string_view>
#include <map>
#include <set>

#include <fmt/format.h>

namespace schemac::sql {

namespace {

// pg_type.typname of the pg_catalog base, range and multirange types schemac models (read from
// a PostgreSQL 15 catalog; internal-only types such as xid, tid, pg_lsn and the reg* types
// except regclass are left out and reported as unsupported).
const std::set<std::string>& BuiltinTypes() {
  static const std::set<std::string> kTypes = {
      "bit",       "bool",          "box",      "bpchar",     "bytea",        "char",      "cidr",
      "circle",    "date",          "datemultirange",         "daterange",    "float4",    "float8",
      "inet",      "int2",          "int4",     "int4multirange",             "int4range", "int8",
      "int8multirange",             "int8range", "interval",  "json",         "jsonb",     "jsonpath",
      "line",      "lseg",          "macaddr",  "macaddr8",   "money",        "name",      "numeric",
      "nummultirange",              "numrange", "oid",        "path",         "point",     "polygon",
      "regclass",  "text",          "time",     "timestamp",  "timestamptz",  "timetz",    "tsmultirange",
      "tsquery",   "tsrange",       "tstzmultirange",         "tstzrange",    "tsvector",  "uuid",
      "varbit",    "varchar",       "xml"};
  return kTypes;
}

// Types whose typmod format_type prints (all others reject modifiers).
const std::set<std::string> kTypmodTypes = {"bpchar", "varchar", "numeric", "bit", "varbit",
                                            "timestamp", "timestamptz", "time", "timetz", "interval"};

// gram.y: INTERVAL_FULL_RANGE, the typmod range of a plain `interval` or `interval(p)`.
constexpr int kIntervalFullRange = 0x7FFF;

const std::map<std::string, std::string> kFormatNames = {
    {"int2", "smallint"}, {"int4", "integer"}, {"int8", "bigint"}, {"float4", "real"},
    {"float8", "double precision"}, {"bool", "boolean"}, {"varchar", "character varying"},
    {"bpchar", "character"}, {"varbit", "bit varying"}, {"timestamp", "timestamp without time zone"},
    {"timestamptz", "timestamp with time zone"}, {"time", "time without time zone"},
    {"timetz", "time with time zone"}};

}  // namespace

bool IsBuiltinTypeName(const std::string& name) { return BuiltinTypes().count(name) > 0; }

std::string TypeDisplay(const ir::TypeRef& type) {
  std::string out;
  if (type.schema == "pg_catalog") {
    auto it = kFormatNames.find(type.name);
    out = it != kFormatNames.end() ? it->second : type.name;
  } else {
    out = type.schema + "." + type.name;
  }
  if (!type.modifiers.empty()) {
    // format_type puts the precision of the time types before "with(out) time zone".
    std::size_t pos = out.find(" with");
    if (pos != std::string::npos && type.name.rfind("time", 0) == 0) {
      out.insert(pos, "(" + type.modifiers + ")");
    } else {
      out += "(" + type.modifiers + ")";
    }
  }
  if (type.array) out += "[]";
  return out;
}

ResolvedType ResolveType(State& state, const PgQuery__TypeName* tn, const std::string& subject) {
  ResolvedType r;
  ir::SourceSpan span = state.Span(tn->location);
  std::vector<std::string> names = StrList(tn->names, tn->n_names);
  std::string written;
  for (const std::string& n : names) written += (written.empty() ? "" : ".") + n;
  if (tn->pct_type) {
    state.Unsupported(fmt::format("{}: %TYPE type reference", subject), span);
    return r;
  }
  if (tn->setof) {
    state.Error(ir::diag::kInvalid, fmt::format("{}: SETOF type is not allowed here", subject), span);
    return r;
  }
  bool array = tn->n_array_bounds > 0;

  std::string schema;
  std::string name;
  if (names.size() == 1) {
    name = names[0];
  } else if (names.size() == 2) {
    schema = names[0];
    name = names[1];
  } else {
    state.Unsupported(fmt::format("{}: type name \"{}\"", subject, written), span);
    return r;
  }

  // Because transformColumnDefinition only expands an unqualified serial type name, "serial"
  // is special only without a schema.
  if (schema.empty()) {
    static const std::map<std::string, int> kSerial = {{"smallserial", 2}, {"serial2", 2}, {"serial", 4},
                                                       {"serial4", 4},      {"bigserial", 8}, {"serial8", 8}};
    if (auto it = kSerial.find(name); it != kSerial.end()) {
      if (array) {
        state.Error(ir::diag::kInvalid, fmt::format("{}: array of serial is not implemented", subject), span);
        return r;
      }
      r.serial_bytes = it->second;
      r.type = {"pg_catalog", it->second == 2 ? "int2" : it->second == 4 ? "int4" : "int8", "", false};
      r.ok = true;
      return r;
    }
  }

  // pg_catalog is searched before every search_path entry, so an unqualified built-in name
  // always means the built-in type.
  bool builtin = (schema.empty() || schema == "pg_catalog") && IsBuiltinTypeName(name);
  if (!builtin) {
    if (schema == "pg_catalog") {
      state.Error(ir::diag::kUnsupportedType,
                  fmt::format("{} has unsupported type \"{}{}\"", subject, written, array ? "[]" : ""), span);
      return r;
    }
    PendingType p;
    p.candidates = state.Candidates(schema);
    p.name = name;
    p.written = written;
    p.has_typmods = tn->n_typmods > 0;
    p.span = span;
    r.pending = p;
    r.type = {p.candidates.front(), name, "", array};
    r.ok = true;
    return r;
  }

  r.type = {"pg_catalog", name, "", array};
  std::vector<std::string> mods;
  for (std::size_t i = 0; i < tn->n_typmods; ++i) {
    const PgQuery__Node* m = tn->typmods[i];
    if (m->node_case == PG_QUERY__NODE__NODE_A_CONST && m->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
      mods.push_back(std::to_string(m->a_const->ival->ival));
    } else {
      state.Error(ir::diag::kInvalid,
                  fmt::format("{}: type modifiers of \"{}\" must be simple integer constants", subject, written), span);
      return r;
    }
  }
  if (!mods.empty() && !kTypmodTypes.count(name)) {
    state.Error(ir::diag::kInvalid, fmt::format("{}: type modifier is not allowed for type \"{}\"", subject, name),
                span);
    return r;
  }
  if (name == "interval" && !mods.empty()) {
    if (mods[0] != std::to_string(kIntervalFullRange)) {
      state.Unsupported(fmt::format("{}: interval with field restriction", subject), span);
      return r;
    }
    mods.erase(mods.begin());
  }
  if (name == "numeric" && mods.size() == 1) mods.push_back("0");  // numeric(p) is numeric(p,0)
  std::size_t max_mods = name == "numeric" ? 2 : 1;
  if (mods.size() > max_mods) {
    state.Error(ir::diag::kInvalid, fmt::format("{}: invalid type modifier for type \"{}\"", subject, name), span);
    return r;
  }
  for (std::size_t i = 0; i < mods.size(); ++i) r.type.modifiers += (i ? "," : "") + mods[i];
  r.ok = true;
  return r;
}

namespace {

constexpr std::string_view kBuiltinOpclasses[] = {
#define SCHEMAC_BUILTIN_OPCLASS(name) name,
#include "compiler/sql/builtin_opclasses.def"
#undef SCHEMAC_BUILTIN_OPCLASS
};

}  // namespace

ir::QualifiedName OpclassName(const State& state, const std::vector<std::string>& written) {
  if (written.size() == 2) return ir::QualifiedName{written[0], written[1]};
  const std::string& name = written.back();
  if (std::binary_search(std::begin(kBuiltinOpclasses), std::end(kBuiltinOpclasses), std::string_view(name))) {
    return ir::QualifiedName{"pg_catalog", name};
  }
  for (const std::string& schema : state.ctx.search_path) {
    for (const auto& [ename, ext] : state.db.extensions) {
      if (ext.schema == schema) return ir::QualifiedName{schema, name};
    }
  }
  return ir::QualifiedName{state.CreationSchema(), name};
}

std::string DefaultOpclass(const std::string& method, const ir::TypeRef& type, bool is_enum) {
  // From pg_opclass WHERE opcdefault (PostgreSQL 15). varchar has no opclass of its own: text_ops
  // is its default through binary coercion, and cidr uses inet_ops the same way.
  if (type.array) {
    if (method == "btree" || method == "hash" || method == "gin") return "array_ops";
    return "";
  }
  if (is_enum) return (method == "btree" || method == "hash") ? "enum_ops" : "";
  if (type.schema != "pg_catalog") return "";
  std::string t = type.name;
  if (t == "varchar") t = "text";
  if (t == "cidr") t = "inet";
  static const std::set<std::string> kBtree = {"bit", "bool", "bytea", "bpchar", "date", "float8", "inet",
                                               "int2", "int4", "int8", "interval", "jsonb", "macaddr",
                                               "macaddr8", "money", "name", "numeric", "oid", "float4", "text",
                                               "timetz", "time", "timestamptz", "timestamp", "tsquery",
                                               "tsvector", "uuid", "varbit", "char"};
  static const std::set<std::string> kHash = {"bool", "bytea", "bpchar", "date", "float8", "inet", "int2",
                                              "int4", "int8", "interval", "jsonb", "macaddr", "macaddr8",
                                              "name", "numeric", "oid", "float4", "text", "timetz", "time",
                                              "timestamptz", "timestamp", "uuid", "char"};
  static const std::set<std::string> kRange = {"int4range", "int8range", "numrange", "tsrange", "tstzrange",
                                               "daterange"};
  if (method == "btree") {
    if (kRange.count(t)) return "range_ops";
    return kBtree.count(t) ? t + "_ops" : "";
  }
  if (method == "hash") {
    if (kRange.count(t)) return "range_ops";
    return kHash.count(t) ? t + "_ops" : "";
  }
  if (method == "gin") {
    if (t == "jsonb") return "jsonb_ops";
    if (t == "tsvector") return "tsvector_ops";
    return "";
  }
  if (method == "gist") {
    if (kRange.count(t)) return "range_ops";
    static const std::map<std::string, std::string> kGist = {{"box", "box_ops"},       {"circle", "circle_ops"},
                                                             {"point", "point_ops"},   {"polygon", "poly_ops"},
                                                             {"tsquery", "tsquery_ops"}, {"tsvector", "tsvector_ops"}};
    auto it = kGist.find(t);
    return it == kGist.end() ? "" : it->second;
  }
  if (method == "spgist") {
    if (kRange.count(t)) return "range_ops";
    static const std::map<std::string, std::string> kSp = {{"box", "box_ops"},         {"inet", "inet_ops"},
                                                           {"point", "quad_point_ops"}, {"polygon", "poly_ops"},
                                                           {"text", "text_ops"}};
    auto it = kSp.find(t);
    return it == kSp.end() ? "" : it->second;
  }
  if (method == "brin") {
    static const std::set<std::string> kMinmax = {"bit", "bytea", "bpchar", "date", "float8", "int2", "int4",
                                                  "int8", "interval", "macaddr", "macaddr8", "name",
                                                  "numeric", "oid", "float4", "text", "timetz", "time",
                                                  "timestamptz", "timestamp", "uuid", "varbit", "char"};
    if (t == "inet") return "inet_inclusion_ops";
    if (t == "box") return "box_inclusion_ops";
    if (kRange.count(t)) return "range_inclusion_ops";
    return kMinmax.count(t) ? t + "_minmax_ops" : "";
  }
  return "";
}

}  // namespace schemac::sql
