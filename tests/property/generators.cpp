#include "tests/property/generators.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "compiler/ir/partition.h"
#include "compiler/sql/compile.h"
#include "emit/plan.h"
#include "emit/quote.h"

namespace schemac::property {
namespace {

using ir::ConstraintKind;
using ir::QualifiedName;
using ir::TypeRef;
using rc::gen::arbitrary;
using rc::gen::inRange;


// Picks that stay valid when RapidCheck shrinks: gen::exec replays recorded values by position,
// so after a shrink changes the control flow a pick may receive a value recorded for another
// call. Hence picks are indices (wrapped into range), never pointers or stored strings.
template <typename T>
T Between(T lo, T hi) {
  T v = *inRange<T>(lo, hi);
  if (v < lo || v >= hi) v = lo + static_cast<T>((v < lo ? lo - v : v - lo) % (hi - lo));
  return v;
}

// Between at RapidCheck's full size: gen::inRange scales the range with the size (at size 0 it
// always gives lo), which suits "how much" picks, not "which one" picks that must reach the end
// of a list in every case (the mutation kinds).
template <typename T>
T Uniform(T lo, T hi) {
  T v = *rc::gen::resize(rc::kNominalSize, inRange<T>(lo, hi));
  if (v < lo || v >= hi) v = lo + static_cast<T>((v < lo ? lo - v : v - lo) % (hi - lo));
  return v;
}

template <typename T>
T Pick(const std::vector<T>& v) {
  return v[Between<std::size_t>(0, v.size())];
}

template <typename T, typename... Ts>
T Pick(Ts&&... values) {
  return Pick(std::vector<T>{T(std::forward<Ts>(values))...});
}

template <typename Map>
auto PickKey(const Map& m) {
  std::vector<typename Map::key_type> keys;
  for (const auto& [k, v] : m) keys.push_back(k);
  return Pick(keys);
}

// --- names ----------------------------------------------------------------------------------

// Names that need quoting: reserved words, upper case, spaces, a double quote, non-ASCII
// letters, and PostgreSQL's maximum of 63 bytes.
const std::vector<std::string> kSchemaNames = {"app", "My Schema", "order"};
const std::vector<std::string> kTableNames = {
    "items", "select", "User Data", "Order\"s", "ünïcödé", "orders", "user",
    "t_" + std::string(61, 'x')};  // 63 bytes
const std::vector<std::string> kColumnNames = {
    "id", "amount", "user", "select", "Mixed Case", "a \"q\"", "größe", "note", "created_at", "flag",
    "c_" + std::string(61, 'y')};  // 63 bytes
const std::vector<std::string> kEnumNames = {"mood", "Status Kind"};
const std::vector<std::string> kEnumValues = {"a", "b", "c", "d", "with space", "Ünï", "it's"};
const std::vector<std::string> kComments = {"a comment", "it's quoted", "ünïcode ✓", "two\nlines"};
// Type names (domains and composite types) are disjoint from each other, from the enum names and
// from the table names (a table's row type takes its name in the type namespace).
const std::vector<std::string> kDomainNames = {"posint", "Label Dom"};
const std::vector<std::string> kCompositeNames = {"pair_t", "Addr Type"};
const std::vector<std::string> kRangeNames = {"int_span", "Num Span"};  // multirange: name + "_multirange"
const std::vector<std::string> kCollationNames = {"c_coll", "My Coll"};
const std::vector<std::string> kRuleNames = {"r_keep", "No Touch"};
const std::vector<std::string> kPolicyNames = {"p_rows", "Tenant Only"};
const std::vector<std::string> kEventTriggerNames = {"evt_ddl", "Evt Drop"};
const std::vector<std::string> kAggregateNames = {"total_agg", "Sum Up"};
// Relocatable contrib extensions (ALTER EXTENSION ... SET SCHEMA works) whose objects clash with
// no generated name.
const std::vector<std::string> kExtensionNames = {"pgcrypto", "citext"};
// Their default versions in PostgreSQL 15's contrib (pg_available_extensions.default_version).
const std::map<std::string, std::string> kExtensionVersions = {{"pgcrypto", "1.3"}, {"citext", "1.6"}};
const std::string kEventFunction = "evt_fn";     // RETURNS event_trigger
const std::string kAggStepFunction = "agg_step";  // agg_step(int4, int4) RETURNS int4: aggregates
const std::vector<std::string> kViewNames = {"v_items", "Report View", "select_v", "v_" + std::string(61, 'v')};
const std::vector<std::string> kMatviewNames = {"mv_totals", "Mat View"};
// Functions: general ones (mutated freely), procedures, trigger functions, and the helpers that
// column defaults and CHECK constraints call (never dropped nor given another signature).
const std::vector<std::string> kFunctionNames = {"calc", "Fmt Name", "select"};
const std::vector<std::string> kProcedureNames = {"do_work", "Run It"};
const std::vector<std::string> kTriggerFunctionNames = {"trg_fn", "Audit Fn"};
const std::vector<std::string> kTriggerNames = {"trg_a", "Trg B", "before"};
const std::string kSevenFunction = "seven";   // seven() RETURNS int4: column defaults
const std::string kIsPosFunction = "is_pos";  // is_pos(int4), is_pos(int8) RETURNS bool: CHECKs

std::string Q(const std::string& name) { return emit::QuoteIdentifier(name); }

const QualifiedName kCollationC{"pg_catalog", "C"};

// --- types ----------------------------------------------------------------------------------

enum class Kind { Int2, Int4, Int8, Numeric, Text, Varchar, Bool, Timestamptz, Date, Uuid, Jsonb, Bytea,
                  Int4Array, TextArray, Enum, Bpchar, Timestamp, Time, Inet, Domain, Range };

const std::vector<Kind> kBuiltinKinds = {Kind::Int2, Kind::Int4, Kind::Int8, Kind::Numeric, Kind::Text,
                                         Kind::Varchar, Kind::Bool, Kind::Timestamptz, Kind::Date, Kind::Uuid,
                                         Kind::Jsonb, Kind::Bytea, Kind::Int4Array, Kind::TextArray};
const std::vector<Kind> kMoreKinds = {Kind::Bpchar, Kind::Timestamp, Kind::Time, Kind::Inet};

Kind KindOf(const TypeRef& t) {
  if (t.array) return t.name == "int4" ? Kind::Int4Array : Kind::TextArray;
  if (t.schema != "pg_catalog") {
    if (std::count(kRangeNames.begin(), kRangeNames.end(), t.name)) return Kind::Range;
    return std::count(kDomainNames.begin(), kDomainNames.end(), t.name) ? Kind::Domain : Kind::Enum;
  }
  static const std::map<std::string, Kind> kinds = {
      {"int2", Kind::Int2}, {"int4", Kind::Int4}, {"int8", Kind::Int8}, {"numeric", Kind::Numeric},
      {"text", Kind::Text}, {"varchar", Kind::Varchar}, {"bool", Kind::Bool}, {"timestamptz", Kind::Timestamptz},
      {"date", Kind::Date}, {"uuid", Kind::Uuid}, {"jsonb", Kind::Jsonb}, {"bytea", Kind::Bytea},
      {"bpchar", Kind::Bpchar}, {"timestamp", Kind::Timestamp}, {"time", Kind::Time}, {"inet", Kind::Inet}};
  return kinds.at(t.name);
}

bool IsInteger(Kind k) { return k == Kind::Int2 || k == Kind::Int4 || k == Kind::Int8; }

// Kinds whose row values (RowValue) differ between rows, so UNIQUE and PRIMARY KEY hold.
bool IsKeyKind(Kind k) {
  return IsInteger(k) || k == Kind::Domain || k == Kind::Numeric || k == Kind::Text || k == Kind::Varchar || k == Kind::Date ||
         k == Kind::Uuid || k == Kind::Bpchar || k == Kind::Timestamp || k == Kind::Time || k == Kind::Inet;
}

// Kinds with a collation (COLLATE "C" applies).
bool IsTextual(Kind k) { return k == Kind::Text || k == Kind::Varchar || k == Kind::Bpchar; }

// The collation of a textual column: "C", or now and then one of the state's collations.
QualifiedName PickCollation(const ir::Database& db) {
  if (!db.collations.empty() && Between(0, 2) == 0) return PickKey(db.collations);
  return kCollationC;
}

TypeRef GenType(Kind k, const ir::Database& db, const Features& f) {
  switch (k) {
    case Kind::Int2: return {"pg_catalog", "int2", "", false};
    case Kind::Int4: return {"pg_catalog", "int4", "", false};
    case Kind::Int8: return {"pg_catalog", "int8", "", false};
    case Kind::Numeric: {
      // Without a typmod now and then (more_types); else precision - scale >= 2 so that the row
      // values 1.5 and 2.5 fit.
      if (Between(0, 4) == 0 && f.more_types) return {"pg_catalog", "numeric", "", false};
      int scale = Between(0, 3);
      int precision = scale + Between(2, 8);
      return {"pg_catalog", "numeric", std::to_string(precision) + "," + std::to_string(scale), false};
    }
    case Kind::Text: return {"pg_catalog", "text", "", false};
    case Kind::Varchar: return {"pg_catalog", "varchar", std::to_string(Between(4, 40)), false};
    case Kind::Bool: return {"pg_catalog", "bool", "", false};
    case Kind::Timestamptz: return {"pg_catalog", "timestamptz", "", false};
    case Kind::Date: return {"pg_catalog", "date", "", false};
    case Kind::Uuid: return {"pg_catalog", "uuid", "", false};
    case Kind::Jsonb: return {"pg_catalog", "jsonb", "", false};
    case Kind::Bytea: return {"pg_catalog", "bytea", "", false};
    case Kind::Int4Array: return {"pg_catalog", "int4", "", true};
    case Kind::TextArray: return {"pg_catalog", "text", "", true};
    // char(n) with n >= 2 so that the row values 'r1' and 'r2' fit.
    case Kind::Bpchar: return {"pg_catalog", "bpchar", std::to_string(Between(2, 12)), false};
    case Kind::Timestamp: return {"pg_catalog", "timestamp", "", false};
    case Kind::Time: return {"pg_catalog", "time", "", false};
    case Kind::Inet: return {"pg_catalog", "inet", "", false};
    case Kind::Enum: {
      std::vector<QualifiedName> names;
      for (const auto& [name, e] : db.enums) names.push_back(name);
      QualifiedName n = Pick(names);
      return {n.schema, n.name, "", false};
    }
    case Kind::Domain: {
      std::vector<QualifiedName> names;
      for (const auto& [name, d] : db.domains) names.push_back(name);
      QualifiedName n = Pick(names);
      return {n.schema, n.name, "", false};
    }
    case Kind::Range: {
      QualifiedName n = PickKey(db.range_types);
      return {n.schema, n.name, "", false};
    }
  }
  throw std::logic_error("unknown kind");
}

// The base type of a domain column's type (the type itself for other kinds).
const TypeRef& BaseType(const ir::Database& db, const TypeRef& t) {
  if (KindOf(t) != Kind::Domain) return t;
  return db.domains.at(QualifiedName{t.schema, t.name}).base_type;
}

Kind GenKind(const ir::Database& db, const Features& f) {
  if (!db.enums.empty() && Between(0, 8) == 0) return Kind::Enum;
  if (!db.domains.empty() && Between(0, 5) == 0) return Kind::Domain;
  if (!db.range_types.empty() && Between(0, 6) == 0) return Kind::Range;
  if (f.more_types && Between(0, 5) == 0) return Pick(kMoreKinds);
  return Pick(kBuiltinKinds);
}

// A default in the form PostgreSQL stores it (pg_get_expr with search_path = '').
ir::Expr GenDefault(const TypeRef& type, const ir::Database& db, const Features& f) {
  if (f.written_forms && *arbitrary<bool>()) {
    // As a user writes it; PostgreSQL adds casts when it stores these.
    switch (KindOf(type)) {
      case Kind::Int2:
      case Kind::Int4:
      case Kind::Int8: return {Pick<std::string>("-5", "(7)", "1 + 2")};
      case Kind::Numeric: return {Pick<std::string>("0", "-1.5", "2")};
      case Kind::Text: return {Pick<std::string>("'hello'", "'a' || 'b'")};
      case Kind::Varchar: return {Pick<std::string>("'hi'", "'x'::text")};
      case Kind::Bool: return {Pick<std::string>("TRUE", "'f'")};
      case Kind::Timestamptz: return {Pick<std::string>("NOW()", "'now'::text::timestamptz")};
      case Kind::Date: return {"'2024-01-02'"};
      case Kind::Jsonb: return {"'{\"a\":1}'"};
      case Kind::Int4Array: return {Pick<std::string>("'{}'", "ARRAY[1, 2]")};
      case Kind::TextArray: return {Pick<std::string>("'{}'", "ARRAY['a']")};
      case Kind::Bpchar: return {Pick<std::string>("'ab'", "'x'::text")};
      case Kind::Timestamp: return {Pick<std::string>("'2024-01-02 03:04:05'", "now()")};
      case Kind::Time: return {"'12:30'"};
      case Kind::Inet: return {"'10.1.2.3'"};
      case Kind::Enum: {
        const ir::EnumType& e = db.enums.at(QualifiedName{type.schema, type.name});
        return {emit::QuoteLiteral(Pick(e.values))};
      }
      default: break;
    }
  }
  if (KindOf(type) == Kind::Int4 && Between(0, 3) == 0) {
    // A default calling a user function (the helper seven()), when the state has it.
    for (const auto& [key, fn] : db.functions) {
      if (fn.name.name == kSevenFunction) return {emit::QuoteQualified(fn.name) + "()"};
    }
  }
  switch (KindOf(type)) {
    case Kind::Int2:
    case Kind::Int4:
    case Kind::Int8: return {std::to_string(Between(0, 100))};
    case Kind::Numeric: return {Pick<std::string>("1.5", "2.25", "0.5")};
    case Kind::Text: return {Pick<std::string>("'hello'::text", "''::text", "'it''s'::text")};
    case Kind::Varchar: return {Pick<std::string>("'hi'::character varying", "'x y'::character varying")};
    case Kind::Bool: return {Pick<std::string>("true", "false")};
    case Kind::Timestamptz: return {Pick<std::string>("now()", "CURRENT_TIMESTAMP")};
    case Kind::Date: return {"CURRENT_DATE"};
    case Kind::Uuid: return {"gen_random_uuid()"};
    case Kind::Jsonb: return {Pick<std::string>("'{}'::jsonb", "'[1, 2]'::jsonb")};
    case Kind::Bytea: return {"'\\x00'::bytea"};
    case Kind::Int4Array: return {Pick<std::string>("'{}'::integer[]", "'{1,2}'::integer[]")};
    case Kind::TextArray: return {"'{}'::text[]"};
    case Kind::Enum: {
      const ir::EnumType& e = db.enums.at(QualifiedName{type.schema, type.name});
      return {emit::QuoteLiteral(Pick(e.values)) + "::" + emit::QuoteQualified(e.name)};
    }
    case Kind::Bpchar: return {"'ab'::bpchar"};
    case Kind::Timestamp:
      return {Pick<std::string>("LOCALTIMESTAMP", "'2024-01-02 03:04:05'::timestamp without time zone")};
    case Kind::Time: return {Pick<std::string>("LOCALTIME", "'12:30:00'::time without time zone")};
    case Kind::Inet: return {"'10.1.2.3'::inet"};
    case Kind::Domain:
      // A value every domain CHECK accepts (DomainCheck), in stored form.
      return {KindOf(BaseType(db, type)) == Kind::Text ? "'d'::text" : "5"};
    case Kind::Range: return {"'[1,2)'::" + emit::QuoteQualified({type.schema, type.name})};
  }
  throw std::logic_error("unknown kind");
}

// --- helpers over a state -------------------------------------------------------------------

std::optional<std::string> GenComment(const Features& f, int one_in) {
  if (!f.comments || Between(0, one_in) != 0) return std::nullopt;
  return Pick(kComments);
}

bool NameTaken(const ir::Database& db, const std::string& schema, const std::string& name) {
  for (const auto& [qn, t] : db.tables) {
    if (qn.schema != schema) continue;
    if (qn.name == name) return true;
    for (const auto& [cn, c] : t.constraints) if (cn == name) return true;
    for (const auto& [in, i] : t.indexes) if (in == name) return true;
    for (const ir::Column& c : t.columns) {
      if (c.identity && c.identity->sequence_name == name) return true;
    }
  }
  for (const auto& [qn, s] : db.sequences) if (qn.schema == schema && qn.name == name) return true;
  for (const auto& [qn, e] : db.enums) if (qn.schema == schema && (qn.name == name || "_" + qn.name == name)) return true;
  for (const auto& [qn, v] : db.views) {
    if (qn.schema != schema) continue;
    if (qn.name == name) return true;
    for (const auto& [in, i] : v.indexes) if (in == name) return true;
  }
  return false;
}

// A constraint, index or sequence name free in the whole state (so also in each schema). Names
// are short and lower case or quoted with a space, never near 63 bytes.
std::string FreshName(const ir::Database& db, const std::string& prefix) {
  for (int i = 1;; ++i) {
    std::string name = prefix + std::to_string(i);
    bool taken = false;
    for (const auto& [sn, s] : db.schemas) taken = taken || NameTaken(db, sn, name);
    if (!taken) return name;
  }
}

std::string FreshColumnName(const ir::Table& t) {
  std::vector<std::string> free;
  for (const std::string& n : kColumnNames) if (!t.FindColumn(n)) free.push_back(n);
  if (!free.empty()) return Pick(free);
  for (int i = 1;; ++i) {
    std::string n = "col" + std::to_string(i);
    if (!t.FindColumn(n)) return n;
  }
}

bool ExprMentions(const std::optional<ir::Expr>& e, const std::string& column) {
  return e && e->text.find(Q(column)) != std::string::npos;
}

// True when anything but the column itself uses it: a constraint, an index, a generated column,
// or a foreign key of any table pointing at it.
bool ColumnUsed(const ir::Database& db, const ir::Table& t, const std::string& column) {
  for (const auto& [n, c] : t.constraints) {
    if (std::count(c.columns.begin(), c.columns.end(), column) ||
        std::count(c.include.begin(), c.include.end(), column) || ExprMentions(c.check, column)) {
      return true;
    }
  }
  for (const auto& [n, i] : t.indexes) {
    if (std::count(i.include.begin(), i.include.end(), column) || ExprMentions(i.predicate, column)) return true;
    for (const ir::IndexElement& e : i.elements) {
      if (e.column == column || ExprMentions(e.expression, column)) return true;
    }
  }
  for (const ir::Column& c : t.columns) if (ExprMentions(c.generated, column)) return true;
  // Views and triggers record the columns they use in their dependencies (GenView, AddTrigger).
  std::string key = ir::ColumnKey(t.name, column);
  for (const auto& [qn, v] : db.views) {
    if (std::count(v.deps.keys.begin(), v.deps.keys.end(), key)) return true;
  }
  for (const auto& [n, g] : t.triggers) {
    if (std::count(g.deps.keys.begin(), g.deps.keys.end(), key)) return true;
  }
  for (const auto& [n, p] : t.policies) {
    if (std::count(p.deps.keys.begin(), p.deps.keys.end(), key)) return true;
  }
  for (const auto& [qn, other] : db.tables) {
    for (const auto& [n, c] : other.constraints) {
      if (c.kind == ConstraintKind::ForeignKey && c.ref_table == t.name &&
          std::count(c.ref_columns.begin(), c.ref_columns.end(), column)) {
        return true;
      }
    }
  }
  return false;
}

bool ConstraintReferenced(const ir::Database& db, const ir::Table& t, const ir::Constraint& k) {
  if (k.kind != ConstraintKind::PrimaryKey && k.kind != ConstraintKind::Unique) return false;
  for (const auto& [qn, other] : db.tables) {
    for (const auto& [n, c] : other.constraints) {
      if (c.kind == ConstraintKind::ForeignKey && c.ref_table == t.name && c.ref_columns == k.columns) return true;
    }
  }
  return false;
}

bool HasForeignKey(const ir::Table& t) {
  for (const auto& [n, c] : t.constraints) if (c.kind == ConstraintKind::ForeignKey) return true;
  return false;
}

bool IsPlain(const ir::Column& c) { return !c.identity && !c.generated; }

bool InPrimaryKey(const ir::Table& t, const std::string& column) {
  for (const auto& [n, c] : t.constraints) {
    if (c.kind == ConstraintKind::PrimaryKey && std::count(c.columns.begin(), c.columns.end(), column)) return true;
  }
  return false;
}

template <typename Pred>
std::vector<const ir::Column*> ColumnsWhere(const ir::Table& t, Pred pred) {
  std::vector<const ir::Column*> out;
  for (const ir::Column& c : t.columns) if (pred(c)) out.push_back(&c);
  return out;
}

ir::Column& MutableColumn(ir::Table& t, const std::string& name) {
  for (ir::Column& c : t.columns) if (c.name == name) return c;
  throw std::logic_error("no column " + name);
}

// --- objects --------------------------------------------------------------------------------

ir::SequenceOptions GenSequenceOptions(const TypeRef& data_type) {
  ir::SequenceOptions o;
  o.data_type = data_type;
  int64_t type_max = data_type.name == "int2" ? 32767 : data_type.name == "int4" ? INT32_MAX : INT64_MAX;
  int64_t type_min = data_type.name == "int2" ? -32768 : data_type.name == "int4" ? INT32_MIN : INT64_MIN;
  o.increment = Pick<int64_t>(1, 1, 2, 10, -1);
  if (o.increment > 0) {
    o.min_value = Pick<int64_t>(1, 1, 10, 100);
    o.max_value = Pick(std::vector<int64_t>{type_max, type_max, 30000});
    o.start = o.min_value + Pick<int64_t>(0, 0, 5);
  } else {
    o.max_value = Pick<int64_t>(-1, -1, -10);
    o.min_value = Pick(std::vector<int64_t>{type_min, type_min, -30000});
    o.start = o.max_value - Pick<int64_t>(0, 0, 5);
  }
  o.cache = Pick<int64_t>(1, 1, 1, 20);
  o.cycle = Between(0, 4) == 0;
  return o;
}

// Whether the state has the helper is_pos(int4) and is_pos(int8) (created together).
std::optional<QualifiedName> IsPosFunction(const ir::Database& db) {
  for (const auto& [key, fn] : db.functions) if (fn.name.name == kIsPosFunction) return fn.name;
  return std::nullopt;
}

ir::Expr CheckFor(const ir::Column& c, const Features& f, const ir::Database* db = nullptr) {
  std::string col = Q(c.name);
  Kind kind = KindOf(c.type);
  if (db && (kind == Kind::Int4 || kind == Kind::Int8) && Between(0, 3) == 0) {
    // A CHECK calling a user function: the overload for the column's type.
    if (auto fn = IsPosFunction(*db)) return {emit::QuoteQualified(*fn) + "(" + col + ")"};
  }
  if (f.written_forms && *arbitrary<bool>()) {
    switch (KindOf(c.type)) {
      case Kind::Int2:
      case Kind::Int4:
      case Kind::Int8: return {Pick<std::string>(col + " BETWEEN 0 AND 30000", "(" + col + " > 0)", col + " IN (1, 2, 3)", col + " <> -1")};
      case Kind::Numeric: return {Pick<std::string>(col + " > 0", col + " >= 0.5")};
      case Kind::Text: return {Pick<std::string>("length(" + col + ") > 0", col + " <> ''")};
      case Kind::Varchar: return {Pick<std::string>(col + " <> ''", col + " LIKE 'r%'")};
      default: break;
    }
  }
  switch (KindOf(c.type)) {
    case Kind::Int2:
    case Kind::Int4:
    case Kind::Int8: return {col + Pick<std::string>(" > 0", " >= 0", " < 30000")};
    case Kind::Numeric: return {col + Pick<std::string>(" > (0)::numeric", " < (100)::numeric")};
    case Kind::Text: return {col + " <> ''::text"};
    case Kind::Varchar: return {"(" + col + ")::text <> ''::text"};
    default: throw std::logic_error("no check for this kind");
  }
}

bool CheckableKind(Kind k) { return IsInteger(k) || k == Kind::Numeric || k == Kind::Text || k == Kind::Varchar; }

void AddCheck(ir::Database& db, ir::Table& t, const Features& f) {
  auto cols = ColumnsWhere(t, [](const ir::Column& c) { return IsPlain(c) && CheckableKind(KindOf(c.type)); });
  if (cols.empty()) return;
  const ir::Column* c = Pick(cols);
  ir::Constraint k;
  k.name = FreshName(db, "ck");
  k.kind = ConstraintKind::Check;
  k.check = CheckFor(*c, f, &db);
  k.validated = !(f.not_valid && Between(0, 5) == 0);
  k.no_inherit = f.no_inherit && Between(0, 6) == 0;
  t.constraints[k.name] = k;
}

void AddKey(ir::Database& db, ir::Table& t, ConstraintKind kind, const Features& f) {
  if (kind == ConstraintKind::PrimaryKey) {
    for (const auto& [n, c] : t.constraints) if (c.kind == ConstraintKind::PrimaryKey) return;
  }
  auto cols = ColumnsWhere(t, [](const ir::Column& c) { return !c.generated && IsKeyKind(KindOf(c.type)); });
  if (cols.empty()) return;
  ir::Constraint k;
  k.kind = kind;
  k.name = FreshName(db, kind == ConstraintKind::PrimaryKey ? "pk" : "uq");
  k.columns.push_back((Pick(cols))->name);
  if (cols.size() > 1 && Between(0, 3) == 0) {
    const ir::Column* second = Pick(cols);
    if (second->name != k.columns[0]) k.columns.push_back(second->name);
  }
  for (const auto& [n, c] : t.constraints) {
    if ((c.kind == ConstraintKind::PrimaryKey || c.kind == ConstraintKind::Unique) && c.columns == k.columns) return;
  }
  if (kind == ConstraintKind::PrimaryKey) {
    // PostgreSQL marks primary key columns NOT NULL.
    for (const std::string& c : k.columns) MutableColumn(t, c).not_null = true;
  }
  if (kind == ConstraintKind::Unique) k.nulls_not_distinct = Between(0, 4) == 0;
  if (kind == ConstraintKind::Unique || f.deferrable_keys) {
    auto extra = ColumnsWhere(t, [&](const ir::Column& c) {
      return !c.generated && !std::count(k.columns.begin(), k.columns.end(), c.name);
    });
    if (!extra.empty() && Between(0, 4) == 0) k.include.push_back((Pick(extra))->name);
  }
  // A deferrable key cannot be referenced by a foreign key (AddForeignKey skips it).
  if (f.deferrable_keys && Between(0, 6) == 0) {
    k.deferrable = true;
    k.initially_deferred = *arbitrary<bool>();
  }
  k.comment = GenComment(f, 5);
  t.constraints[k.name] = k;
}

// The operator class of a btree key on a textual column that is not the default (LIKE 'x%'
// without the C collation), or nothing for other kinds.
std::optional<QualifiedName> PatternOpclass(Kind k) {
  switch (k) {
    case Kind::Text: return QualifiedName{"pg_catalog", "text_pattern_ops"};
    case Kind::Varchar: return QualifiedName{"pg_catalog", "varchar_pattern_ops"};
    case Kind::Bpchar: return QualifiedName{"pg_catalog", "bpchar_pattern_ops"};
    default: return std::nullopt;
  }
}

// Which index methods suit which column kinds (built-in operator classes only, no extension).
bool HashKind(Kind k) { return IsKeyKind(k) || k == Kind::Bool || k == Kind::Timestamptz || k == Kind::Enum; }
bool GinKind(Kind k) { return k == Kind::Jsonb || k == Kind::Int4Array || k == Kind::TextArray; }
bool BrinKind(Kind k) {
  return IsInteger(k) || k == Kind::Date || k == Kind::Timestamptz || k == Kind::Timestamp || k == Kind::Numeric;
}
bool GistKind(Kind k) { return k == Kind::Inet; }  // gist inet_ops (not the default: named)

ir::StorageParam Param(const std::string& name, const std::string& value) { return {name, value}; }

// Storage parameters an index of this method accepts, or none.
std::vector<ir::StorageParam> GenIndexOptions(const std::string& method, const Features& f, bool surely = false) {
  if (!f.storage_params || (!surely && Between(0, 4) != 0)) return {};
  if (method == "btree" || method == "hash" || method == "gist") {
    return {Param("fillfactor", std::to_string(Pick<int>(50, 70, 90, 100)))};
  }
  if (method == "gin") {
    return {Pick(std::vector<ir::StorageParam>{Param("fastupdate", "off"), Param("gin_pending_list_limit", "128")})};
  }
  if (method == "brin") {
    std::vector<ir::StorageParam> o = {Param("pages_per_range", std::to_string(Pick<int>(16, 32, 128)))};
    if (*arbitrary<bool>()) o.push_back(Param("autosummarize", "on"));
    return o;
  }
  return {};
}

// One index on `t`, or nothing when no column suits the chosen method. btree indexes get
// DESC / NULLS orderings, expressions, INCLUDE, UNIQUE [NULLS NOT DISTINCT], pattern operator
// classes and COLLATE "C"; the other methods get only what they accept.
void AddIndex(ir::Database& db, ir::Table& t, const Features& f, std::optional<std::string> name = std::nullopt) {
  auto where = [&](auto pred) {
    return ColumnsWhere(t, [&](const ir::Column& c) { return pred(KindOf(c.type)); });
  };
  auto cols = where([](Kind k) { return IsKeyKind(k) || k == Kind::Bool || k == Kind::Timestamptz; });
  // Not over a column with COLLATE "C": schemac bug "expression key collation parity" (the
  // catalog reports COLLATE "C" on the key lower(c), the SQL front end none, so offline and server
  // plans differ; see MutateColumnCollation).
  auto texts = ColumnsWhere(t, [&](const ir::Column& c) {
    return !c.collation && (KindOf(c.type) == Kind::Text || (f.written_forms && KindOf(c.type) == Kind::Varchar));
  });
  std::string method = "btree";
  if (f.index_methods && Between(0, 2) == 0) {
    method = Pick<std::string>("hash", "gin", "brin", "gist");
    if (method == "hash") cols = where(HashKind);
    if (method == "gin") cols = where(GinKind);
    if (method == "brin") cols = where(BrinKind);
    if (method == "gist") cols = where(GistKind);
    if (cols.empty()) return;
  }
  if (cols.empty()) return;
  bool btree = method == "btree";
  ir::Index ix;
  ix.name = name ? *name : FreshName(db, Pick<std::string>("ix", "ix", "Ix "));
  ix.method = method;
  bool all_keys = true;
  int n = method == "hash" ? 1 : Between(1, 3);
  for (int i = 0; i < n; ++i) {
    ir::IndexElement e;
    if (btree && f.expression_indexes && !texts.empty() && Between(0, 4) == 0) {
      e.expression = ir::Expr{"lower(" + Q((Pick(texts))->name) + ")"};
    } else {
      const ir::Column* c = Pick(cols);
      bool dup = false;
      for (const ir::IndexElement& x : ix.elements) dup = dup || x.column == c->name;
      if (dup) continue;
      e.column = c->name;
      Kind k = KindOf(c->type);
      all_keys = all_keys && IsKeyKind(k);
      if (f.index_opclasses) {
        if (btree && PatternOpclass(k) && Between(0, 4) == 0) e.opclass = PatternOpclass(k);
        if (btree && IsTextual(k) && !c->collation && Between(0, 5) == 0) e.collation = kCollationC;
        if (method == "gin" && k == Kind::Jsonb && *arbitrary<bool>()) {
          e.opclass = QualifiedName{"pg_catalog", "jsonb_path_ops"};
        }
        // The default operator class written out: the front ends leave it out.
        if (f.written_forms && btree && (IsInteger(k) || k == Kind::Text || k == Kind::Date) && Between(0, 6) == 0) {
          e.opclass = QualifiedName{"pg_catalog", c->type.name + "_ops"};
        }
      }
      if (method == "gist") e.opclass = QualifiedName{"pg_catalog", "inet_ops"};
    }
    if (btree) {
      e.descending = Between(0, 3) == 0;
      e.nulls_first = Between(0, 3) == 0 ? !e.descending : e.descending;
    }
    ix.elements.push_back(e);
  }
  if (ix.elements.empty()) return;
  if ((btree || method == "gist") && Between(0, 4) == 0) {
    // INCLUDE takes any column (no operator class needed).
    auto any = ColumnsWhere(t, [](const ir::Column&) { return true; });
    const ir::Column* c = Pick(any);
    bool used = false;
    for (const ir::IndexElement& x : ix.elements) used = used || x.column == c->name;
    if (!used) ix.include.push_back(c->name);
  }
  if (f.partial_indexes && Between(0, 4) == 0) {
    auto ints = ColumnsWhere(t, [](const ir::Column& c) { return IsInteger(KindOf(c.type)) && IsPlain(c); });
    if (!ints.empty() && *arbitrary<bool>()) {
      ix.predicate = ir::Expr{Q((Pick(ints))->name) + " > 0"};
    } else {
      ix.predicate = ir::Expr{Q((Pick(cols))->name) + " IS NOT NULL"};
    }
  }
  ix.unique = btree && all_keys && Between(0, 3) == 0;
  ix.nulls_not_distinct = ix.unique && Between(0, 3) == 0;
  ix.options = GenIndexOptions(method, f);
  ix.comment = GenComment(f, 5);
  t.indexes[ix.name] = ix;
}

ir::Column GenColumn(ir::Database& db, const ir::Table& t, const Features& f, bool allow_identity) {
  ir::Column c;
  c.name = FreshColumnName(t);
  Kind kind = GenKind(db, f);
  c.type = GenType(kind, db, f);
  c.not_null = *arbitrary<bool>();
  Kind k = KindOf(c.type);
  if (f.column_collations && IsTextual(k) && Between(0, 5) == 0) c.collation = PickCollation(db);
  if (allow_identity && f.identity && IsInteger(k) && Between(0, 5) == 0) {
    ir::Identity id;
    id.kind = *arbitrary<bool>() ? ir::IdentityKind::Always : ir::IdentityKind::ByDefault;
    id.sequence_name = FreshName(db, "idseq");
    id.options = GenSequenceOptions(c.type);
    c.identity = id;
    c.not_null = true;  // identity columns are NOT NULL
  } else if (f.defaults && Between(0, 3) == 0) {
    c.default_expr = GenDefault(c.type, db, f);
  }
  c.comment = GenComment(f, 6);
  return c;
}

// A stored generated column computed from a plain int4, int8 or text column of `t`.
void AddGenerated(ir::Database&, ir::Table& t, const Features& f) {
  auto sources = ColumnsWhere(t, [](const ir::Column& c) {
    Kind k = KindOf(c.type);
    return IsPlain(c) && (k == Kind::Int4 || k == Kind::Int8 || k == Kind::Text);
  });
  if (sources.empty()) return;
  const ir::Column* src = Pick(sources);
  ir::Column g;
  g.name = FreshColumnName(t);
  g.type = src->type;
  Kind k = KindOf(src->type);
  g.generated = ir::Expr{k == Kind::Int4 ? Q(src->name) + " * 2"
                         : k == Kind::Int8 ? Q(src->name) + " + 1" : "lower(" + Q(src->name) + ")"};
  if (f.written_forms && *arbitrary<bool>()) {
    g.generated = ir::Expr{k == Kind::Text ? Q(src->name) + " || '-'" : "abs(" + Q(src->name) + ") + 0"};
  }
  g.comment = GenComment(f, 6);
  t.columns.push_back(g);
}

// Table storage parameters, in the order PostgreSQL keeps them (the order written).
std::vector<ir::StorageParam> GenTableOptions(const Features& f) {
  std::vector<ir::StorageParam> o;
  if (!f.storage_params) return o;
  if (Between(0, 5) == 0) o.push_back(Param("fillfactor", std::to_string(Pick<int>(10, 50, 70, 100))));
  if (Between(0, 6) == 0) o.push_back(Param("autovacuum_enabled", Pick<std::string>("false", "off", "true")));
  if (o.size() == 2 && *arbitrary<bool>()) std::swap(o[0], o[1]);
  return o;
}

ir::Table GenTable(ir::Database& db, const QualifiedName& name, const Features& f) {
  ir::Table t;
  t.name = name;
  int ncols = Between(1, 6);
  bool identity_used = false;
  for (int i = 0; i < ncols; ++i) {
    ir::Column c = GenColumn(db, t, f, !identity_used);
    identity_used = identity_used || c.identity.has_value();
    t.columns.push_back(c);
    // Register the identity sequence name at once so the next FreshName sees it.
    db.tables[name] = t;
  }
  if (f.generated && Between(0, 4) == 0) AddGenerated(db, t, f);
  db.tables[name] = t;
  if (*arbitrary<bool>()) AddKey(db, t, ConstraintKind::PrimaryKey, f);
  db.tables[name] = t;
  if (Between(0, 3) == 0) AddKey(db, t, ConstraintKind::Unique, f);
  db.tables[name] = t;
  if (f.checks) {
    int n = Between(0, 3);
    for (int i = 0; i < n; ++i) {
      AddCheck(db, t, f);
      db.tables[name] = t;
    }
  }
  if (f.indexes) {
    int n = Between(0, 3);
    for (int i = 0; i < n; ++i) {
      AddIndex(db, t, f);
      db.tables[name] = t;
    }
  }
  t.unlogged = f.unlogged && Between(0, 6) == 0;
  t.options = GenTableOptions(f);
  t.comment = GenComment(f, 4);
  db.tables[name] = t;
  return t;
}

// MATCH FULL, and ON DELETE SET NULL / SET DEFAULT limited to some of the key's columns.
void GenFkOptions(ir::Constraint& fk) {
  fk.match = Between(0, 4) == 0 ? ir::FkMatch::Full : ir::FkMatch::Simple;
  fk.on_delete_columns.clear();
  if ((fk.on_delete == ir::FkAction::SetNull || fk.on_delete == ir::FkAction::SetDefault) && Between(0, 2) == 0) {
    fk.on_delete_columns.push_back(Pick(fk.columns));
  }
}

// Adds new nullable columns to `from` and a foreign key from them to a PRIMARY KEY or UNIQUE
// constraint of any table (`from` itself included).
void AddForeignKey(ir::Database& db, const QualifiedName& from, const Features& f) {
  // PostgreSQL refuses a deferrable key as the referenced one, and a permanent table referencing
  // an unlogged one (DropForeignKeysToUnlogged repairs states that mutations made so).
  std::vector<std::pair<QualifiedName, std::string>> targets;
  bool from_unlogged = db.tables.at(from).unlogged;
  for (const auto& [qn, t] : db.tables) {
    if (t.unlogged && !from_unlogged && qn != from) continue;
    for (const auto& [n, c] : t.constraints) {
      if ((c.kind == ConstraintKind::PrimaryKey || c.kind == ConstraintKind::Unique) && !c.deferrable) {
        targets.emplace_back(qn, n);
      }
    }
  }
  if (targets.empty()) return;
  auto [ref_name, key_name] = Pick(targets);
  const ir::Constraint key = db.tables.at(ref_name).constraints.at(key_name);
  ir::Table& t = db.tables.at(from);
  ir::Constraint fk;
  fk.kind = ConstraintKind::ForeignKey;
  fk.name = FreshName(db, "fk");
  fk.ref_table = ref_name;
  fk.ref_columns = key.columns;
  for (const std::string& rc : key.columns) {
    ir::Column c;
    c.name = FreshColumnName(t);
    c.type = db.tables.at(ref_name).FindColumn(rc)->type;
    t.columns.push_back(c);
    fk.columns.push_back(c.name);
  }
  const std::vector<ir::FkAction> actions = {ir::FkAction::NoAction, ir::FkAction::Restrict, ir::FkAction::Cascade,
                                             ir::FkAction::SetNull, ir::FkAction::SetDefault};
  fk.on_delete = Pick(actions);
  fk.on_update = Pick(actions);
  if (f.fk_options) GenFkOptions(fk);
  fk.validated = !(f.not_valid && Between(0, 5) == 0);
  fk.deferrable = Between(0, 4) == 0;
  fk.initially_deferred = fk.deferrable && *arbitrary<bool>();
  fk.comment = GenComment(f, 5);
  t.constraints[fk.name] = fk;
}

QualifiedName GenNewTableName(const ir::Database& db) {
  std::vector<std::string> schemas;
  for (const auto& [n, s] : db.schemas) schemas.push_back(n);
  std::string schema = Pick(schemas);
  std::vector<std::string> free;
  for (const std::string& n : kTableNames) if (!NameTaken(db, schema, n)) free.push_back(n);
  if (free.empty()) return {schema, FreshName(db, "tab")};
  return {schema, Pick(free)};
}

std::string SchemaOf(const ir::Database& db) {
  std::vector<std::string> schemas;
  for (const auto& [n, s] : db.schemas) schemas.push_back(n);
  return Pick(schemas);
}

// --- mutations ------------------------------------------------------------------------------


// --- object kinds beyond tables ---------------------------------------------------------------
//
// Expressions of these kinds are written as PostgreSQL stores them, with no literal PostgreSQL
// would add a cast to: domain CHECK and DEFAULT, trigger WHEN and function argument defaults are
// compared after parse and deparse only (docs/canonicalization.md "Known gaps": `VALUE >= 0` on
// a numeric domain is stored as `VALUE >= 0::numeric` and would differ in every plan). Hence
// domains only over int4, int8 and text, WHEN only comparing with int literals or IS [NOT] NULL,
// argument defaults only on int4 (`0`) and text (`'x'::text`).

TypeRef Builtin(const std::string& name) { return {"pg_catalog", name, "", false}; }

// The domain CHECKs: every one accepts the row values (1, 2 / 'r1', 'r2'), the domain default
// (5 / 'd') and NULL, so adding one never fails on data.
ir::Expr DomainCheck(const TypeRef& base) {
  if (base.name == "text") return {Pick<std::string>("VALUE <> ''::text", "length(VALUE) < 50")};
  return {Pick<std::string>("VALUE > 0", "VALUE < 30000", "VALUE <> 13")};
}

void AddDomainCheck(ir::Domain& d, const Features& f) {
  for (int i = 1;; ++i) {
    std::string name = "dck" + std::to_string(i);
    if (d.checks.count(name)) continue;
    ir::Constraint k;
    k.name = name;
    k.kind = ConstraintKind::Check;
    k.check = DomainCheck(d.base_type);
    k.validated = !(f.not_valid && Between(0, 5) == 0);
    k.comment = GenComment(f, 4);
    d.checks[name] = k;
    return;
  }
}

// A domain is NOT NULL only with a DEFAULT, so that a column of it added to a table with rows
// (or re-added by a rollback) gets a value.
void GenDomain(ir::Database& db, const Features& f) {
  std::vector<std::string> free;
  std::string schema = SchemaOf(db);
  for (const std::string& n : kDomainNames) if (!db.domains.count({schema, n})) free.push_back(n);
  if (free.empty()) return;
  ir::Domain d;
  d.name = {schema, Pick(free)};
  d.base_type = Builtin(Pick<std::string>("int4", "int4", "int8", "text"));
  if (Between(0, 2) == 0) d.default_expr = ir::Expr{d.base_type.name == "text" ? "'d'::text" : "5"};
  d.not_null = d.default_expr && *arbitrary<bool>();
  int n = Between(0, 3);
  for (int i = 0; i < n; ++i) AddDomainCheck(d, f);
  d.comment = GenComment(f, 3);
  db.domains[d.name] = d;
}

ir::CompositeAttribute GenAttribute(const ir::CompositeType& t, const Features& f) {
  static const std::vector<std::string> names = {"x", "y", "Label", "note", "select"};
  std::vector<std::string> free;
  for (const std::string& n : names) {
    bool used = false;
    for (const ir::CompositeAttribute& a : t.attributes) used = used || a.name == n;
    if (!used) free.push_back(n);
  }
  ir::CompositeAttribute a;
  a.name = free.empty() ? "a" + std::to_string(t.attributes.size()) : Pick(free);
  a.type = Pick(std::vector<TypeRef>{Builtin("int4"), Builtin("text"), {"pg_catalog", "numeric", "10,2", false},
                                     Builtin("bool"), Builtin("date")});
  a.comment = GenComment(f, 5);
  return a;
}

void GenComposite(ir::Database& db, const Features& f) {
  std::vector<std::string> free;
  std::string schema = SchemaOf(db);
  for (const std::string& n : kCompositeNames) if (!db.composite_types.count({schema, n})) free.push_back(n);
  if (free.empty()) return;
  ir::CompositeType t;
  t.name = {schema, Pick(free)};
  int n = Between(1, 4);
  for (int i = 0; i < n; ++i) t.attributes.push_back(GenAttribute(t, f));
  t.comment = GenComment(f, 3);
  db.composite_types[t.name] = t;
}

bool IsUserType(const TypeRef& t) { return t.schema != "pg_catalog"; }

// Dependencies of a function: the user types of its arguments and result, and the table a
// SQL-standard body reads (SetSqlBody).
void FunctionDeps(ir::Function& fn) {
  std::set<std::string> keys;
  for (const std::string& k : fn.deps.keys) if (fn.sql_body && k.rfind("rel:", 0) == 0) keys.insert(k);
  for (const ir::FunctionArg& a : fn.args) if (IsUserType(a.type)) keys.insert(ir::TypeKey({a.type.schema, a.type.name}));
  if (fn.return_type && IsUserType(*fn.return_type)) {
    keys.insert(ir::TypeKey({fn.return_type->schema, fn.return_type->name}));
  }
  fn.deps.keys.assign(keys.begin(), keys.end());
}

QualifiedName FunctionKey(const ir::Function& fn) { return {fn.name.schema, ir::Signature(fn)}; }

// Whether another routine of the state has the same name and input types (or is a procedure of
// the same signature: functions and procedures share the namespace).
bool SignatureTaken(const ir::Database& db, const ir::Function& fn) { return db.functions.count(FunctionKey(fn)) > 0; }

std::string DefaultBody(const ir::Function& fn) {
  bool plpgsql = fn.language == "plpgsql";
  if (fn.kind == ir::FunctionKind::Procedure) return plpgsql ? "\nBEGIN\n  NULL;\nEND;\n" : "SELECT 1";
  if (fn.return_type && fn.return_type->name == "trigger") return "\nBEGIN\n  RETURN NEW;\nEND;\n";
  if (fn.return_type && fn.return_type->name == "void") return plpgsql ? "BEGIN NULL; END;" : "SELECT NULL";
  if (fn.returns_set) return plpgsql ? "BEGIN RETURN; END;" : "SELECT NULL WHERE false";
  return plpgsql ? "BEGIN RETURN NULL; END;" : "SELECT NULL";
}

// The types a general routine's arguments and result take: built-ins, and the state's domains
// and composite types.
TypeRef GenRoutineType(const ir::Database& db, bool result) {
  std::vector<TypeRef> types = {Builtin("int4"), Builtin("int8"), Builtin("text"), Builtin("bool"),
                                {"pg_catalog", "int4", "", true}};
  if (result) types.push_back(Builtin("void"));
  for (const auto& [n, d] : db.domains) types.push_back({n.schema, n.name, "", false});
  for (const auto& [n, t] : db.composite_types) types.push_back({n.schema, n.name, "", false});
  for (const auto& [n, t] : db.range_types) types.push_back({n.schema, n.name, "", false});
  return Pick(types);
}

void GenRoutineAttributes(ir::Function& fn, const Features& f) {
  if (fn.kind == ir::FunctionKind::Function) {
    fn.volatility = Pick<char>('v', 'v', 's', 'i');
    fn.strict = Between(0, 4) == 0;
    fn.parallel = Pick<char>('u', 'u', 's', 'r');
    fn.cost = Pick<double>(100, 100, 1, 250);
  }
  fn.security_definer = Between(0, 6) == 0;
  if (Between(0, 6) == 0) fn.config.push_back(Param("work_mem", Pick<std::string>("64MB", "1MB")));
  fn.comment = GenComment(f, 4);
}

// A SQL-standard body where the routine allows a simple one: a procedure's BEGIN ATOMIC, RETURN
// of a literal of the result type (int4, text, bool: PostgreSQL stores these literals as
// written), or for an int8 function the count of a table's rows (the function then depends on
// the table). Else the routine keeps its string body.
void SetSqlBody(const ir::Database& db, ir::Function& fn) {
  if (fn.language != "sql" || fn.returns_set) return;
  if (std::any_of(fn.args.begin(), fn.args.end(), [](const ir::FunctionArg& x) { return x.mode == ir::ArgMode::Out; })) {
    return;
  }
  std::optional<std::string> body;
  std::optional<QualifiedName> reads;
  if (fn.kind == ir::FunctionKind::Procedure) {
    body = "BEGIN ATOMIC\n    SELECT 1;\nEND";
  } else if (fn.return_type == Builtin("int4")) {
    body = Pick<std::string>("RETURN 1", "RETURN 42");
  } else if (fn.return_type == Builtin("text")) {
    body = "RETURN 'x'::text";
  } else if (fn.return_type == Builtin("bool")) {
    body = "RETURN true";
  } else if (fn.return_type == Builtin("int8") && !db.tables.empty()) {
    reads = PickKey(db.tables);
    body = "BEGIN ATOMIC\n    SELECT count(*) AS count FROM " + emit::QuoteQualified(*reads) + ";\nEND";
  }
  if (!body) return;
  fn.sql_body = body;
  fn.body.clear();
  if (reads) {
    fn.deps.keys.push_back(ir::RelKey(*reads));
    std::sort(fn.deps.keys.begin(), fn.deps.keys.end());
  }
}

// A general function or procedure named from the lists, with 0-3 arguments (named, sometimes
// with a default on the last IN argument), SQL or PL/pgSQL. An overload when the name is taken.
void GenRoutine(ir::Database& db, const Features& f) {
  ir::Function fn;
  fn.kind = Between(0, 4) == 0 ? ir::FunctionKind::Procedure : ir::FunctionKind::Function;
  fn.name = {SchemaOf(db), Pick(fn.kind == ir::FunctionKind::Procedure ? kProcedureNames : kFunctionNames)};
  fn.language = Pick<std::string>("sql", "plpgsql");
  static const std::vector<std::string> arg_names = {"a", "b", "Val", "from"};
  int n = Between(0, 4);
  for (int i = 0; i < n; ++i) {
    ir::FunctionArg a;
    a.name = arg_names[i];
    a.type = GenRoutineType(db, false);
    if (fn.kind == ir::FunctionKind::Function && Between(0, 8) == 0) a.mode = ir::ArgMode::Out;
    fn.args.push_back(a);
  }
  if (fn.kind == ir::FunctionKind::Function) {
    bool has_out = false;
    for (const ir::FunctionArg& a : fn.args) has_out = has_out || a.mode == ir::ArgMode::Out;
    if (has_out) {
      // OUT arguments define the result: one OUT is its type, several make a record.
      int outs = 0;
      const ir::FunctionArg* out = nullptr;
      for (const ir::FunctionArg& a : fn.args) if (a.mode == ir::ArgMode::Out) { ++outs; out = &a; }
      fn.return_type = outs == 1 ? out->type : Builtin("record");
    } else {
      fn.return_type = GenRoutineType(db, true);
      fn.returns_set = fn.return_type->name != "void" && Between(0, 5) == 0;
      if (fn.returns_set) fn.rows = 1000;
    }
  }
  // A default on the last argument when it is an IN argument of a type with a cast-free default.
  if (!fn.args.empty() && fn.args.back().mode == ir::ArgMode::In && Between(0, 3) == 0) {
    ir::FunctionArg& last = fn.args.back();
    if (last.type == Builtin("int4")) last.default_expr = ir::Expr{"0"};
    if (last.type == Builtin("text")) last.default_expr = ir::Expr{"'x'::text"};
  }
  fn.body = DefaultBody(fn);
  GenRoutineAttributes(fn, f);
  FunctionDeps(fn);
  if (f.sql_bodies && Between(0, 3) == 0) SetSqlBody(db, fn);
  if (SignatureTaken(db, fn)) return;
  db.functions[FunctionKey(fn)] = fn;
}

ir::Function TriggerFunction(const QualifiedName& name, const Features& f) {
  ir::Function fn;
  fn.name = name;
  fn.return_type = Builtin("trigger");
  fn.language = "plpgsql";
  fn.body = DefaultBody(fn);
  fn.comment = GenComment(f, 4);
  return fn;
}

// A trigger function of the state, created when there is none (or now and then another one).
QualifiedName EnsureTriggerFunction(ir::Database& db, const Features& f, bool another = false) {
  std::vector<QualifiedName> existing;
  for (const auto& [k, fn] : db.functions) if (fn.return_type && fn.return_type->name == "trigger") existing.push_back(fn.name);
  if (!existing.empty() && !another) return Pick(existing);
  std::vector<QualifiedName> free;
  for (const auto& [sn, s] : db.schemas) {
    for (const std::string& n : kTriggerFunctionNames) {
      QualifiedName qn{sn, n};
      if (!db.functions.count({sn, n + "()"})) free.push_back(qn);
    }
  }
  if (free.empty()) return Pick(existing);
  ir::Function fn = TriggerFunction(Pick(free), f);
  db.functions[FunctionKey(fn)] = fn;
  return fn.name;
}

// The helpers column defaults and CHECKs call: seven() and the overloads is_pos(int4) and
// is_pos(int8), in one schema.
void GenHelperFunctions(ir::Database& db, const Features& f) {
  std::string schema = SchemaOf(db);
  ir::Function seven;
  seven.name = {schema, kSevenFunction};
  seven.return_type = Builtin("int4");
  seven.language = "sql";
  seven.volatility = 'i';
  seven.body = "SELECT 7";
  seven.comment = GenComment(f, 4);
  db.functions[FunctionKey(seven)] = seven;
  for (const char* type : {"int4", "int8"}) {
    ir::Function p;
    p.name = {schema, kIsPosFunction};
    p.args.push_back(ir::FunctionArg{ir::ArgMode::In, "v", Builtin(type), std::nullopt});
    p.return_type = Builtin("bool");
    p.language = Pick<std::string>("sql", "plpgsql");
    p.volatility = 'i';
    p.body = p.language == "sql" ? "SELECT v > 0" : "BEGIN RETURN v > 0; END;";
    p.comment = GenComment(f, 4);
    db.functions[FunctionKey(p)] = p;
  }
}

bool IsHelper(const ir::Function& fn) {
  return fn.name.name == kSevenFunction || fn.name.name == kIsPosFunction || fn.name.name == kAggStepFunction;
}
// Trigger and event trigger functions (never mutated as general routines).
bool IsTriggerFunction(const ir::Function& fn) {
  return fn.return_type && (fn.return_type->name == "trigger" || fn.return_type->name == "event_trigger");
}

// Dependencies of a trigger: its table, its function, and the columns of WHEN and UPDATE OF.
void TriggerDeps(const QualifiedName& table, ir::Trigger& g, const std::vector<std::string>& columns) {
  std::set<std::string> keys{ir::RelKey(table), ir::FuncKey(g.function)};
  for (const std::string& c : columns) keys.insert(ir::ColumnKey(table, c));
  for (const std::string& c : g.update_columns) keys.insert(ir::ColumnKey(table, c));
  g.deps.keys.assign(keys.begin(), keys.end());
}

// A row or statement trigger on `table` calling a trigger function: BEFORE or AFTER, 1-3
// events, UPDATE OF columns, WHEN over NEW / OLD (row triggers), string arguments, sometimes a
// constraint trigger, any enabled state. The function returns NEW: rows stay as inserted.
void AddTrigger(ir::Database& db, const QualifiedName& table, const Features& f,
                std::optional<std::string> name = std::nullopt) {
  ir::Table& t = db.tables.at(table);
  std::vector<std::string> free;
  for (const std::string& n : kTriggerNames) if (!t.triggers.count(n)) free.push_back(n);
  if (free.empty() && !name) return;
  ir::Trigger g;
  g.name = name ? *name : Pick(free);
  g.function = EnsureTriggerFunction(db, f);
  ir::Table& tt = db.tables.at(table);  // EnsureTriggerFunction does not touch tables
  g.constraint = Between(0, 6) == 0;
  g.for_each_row = g.constraint || *arbitrary<bool>();
  g.timing = g.constraint ? 'a' : Pick<char>('b', 'a');
  g.on_insert = *arbitrary<bool>();
  g.on_update = *arbitrary<bool>();
  g.on_delete = *arbitrary<bool>();
  g.on_truncate = !g.for_each_row && Between(0, 3) == 0;
  if (!g.on_insert && !g.on_update && !g.on_delete && !g.on_truncate) g.on_insert = true;
  // Not over generated columns (a BEFORE trigger's WHEN cannot read NEW generated columns).
  auto cols = ColumnsWhere(tt, [](const ir::Column& c) { return !c.generated; });
  if (cols.empty()) return;
  if (g.on_update && Between(0, 3) == 0) g.update_columns.push_back(Pick(cols)->name);
  std::vector<std::string> when_columns;
  if (g.for_each_row && Between(0, 2) == 0) {
    // NEW exists for INSERT and UPDATE, OLD for UPDATE and DELETE.
    const ir::Column& c = *Pick(cols);
    bool new_ok = !g.on_delete, old_ok = !g.on_insert;
    std::string col = Q(c.name);
    if (new_ok && old_ok) {
      // In stored form: PostgreSQL compares a domain as its base type and varchar as text, and
      // keeps those casts (`(old.c)::text IS DISTINCT FROM (new.c)::text`).
      std::string cast;
      if (KindOf(c.type) == Kind::Varchar) cast = "::text";
      if (KindOf(c.type) == Kind::Domain) cast = "::" + BaseType(db, c.type).name;
      g.when = ir::Expr{"old." + col + cast + " IS DISTINCT FROM new." + col + cast};
    } else if (new_ok || old_ok) {
      std::string rec = new_ok ? "new." : "old.";
      bool integer = IsInteger(KindOf(c.type));
      g.when = ir::Expr{integer && *arbitrary<bool>() ? rec + col + " > 0" : rec + col + " IS NOT NULL"};
    }
    if (g.when) when_columns.push_back(c.name);
  }
  if (Between(0, 4) == 0) g.function_args = {Pick<std::string>("x", "it's", "a b")};
  if (g.constraint) {
    g.deferrable = *arbitrary<bool>();
    g.initially_deferred = g.deferrable && *arbitrary<bool>();
  }
  g.enabled = Between(0, 3) == 0 ? Pick<char>('D', 'R', 'A') : 'O';
  g.comment = GenComment(f, 4);
  TriggerDeps(table, g, when_columns);
  tt.triggers[g.name] = g;
}

// The output columns a view can select from a relation: a table's columns, a view's output.
std::vector<ir::ViewColumn> RelationColumns(const ir::Database& db, const QualifiedName& rel) {
  std::vector<ir::ViewColumn> out;
  if (auto t = db.tables.find(rel); t != db.tables.end()) {
    for (const ir::Column& c : t->second.columns) out.push_back({c.name, c.type});
  } else {
    out = db.views.at(rel).output.columns;
  }
  return out;
}

// The query of a view selecting `columns` of `rel`, with an optional WHERE, and its dependencies.
void SetViewQuery(ir::View& v, const QualifiedName& rel, const std::vector<ir::ViewColumn>& columns,
                  const std::optional<std::string>& where_column) {
  // As PostgreSQL stores it (pg_get_viewdef under search_path = '', parsed and deparsed):
  // columns qualified by the relation's name, so that P3's server side writes the same text.
  std::string list;
  for (const ir::ViewColumn& c : columns) list += (list.empty() ? "" : ", ") + Q(rel.name) + "." + Q(c.name);
  v.query = "SELECT " + list + " FROM " + emit::QuoteQualified(rel);
  if (where_column) v.query += " WHERE " + Q(rel.name) + "." + Q(*where_column) + " IS NOT NULL";
  v.output.columns = columns;
  std::set<std::string> keys{ir::RelKey(rel)};
  for (const ir::ViewColumn& c : columns) keys.insert(ir::ColumnKey(rel, c.name));
  if (where_column) keys.insert(ir::ColumnKey(rel, *where_column));
  v.deps.keys.assign(keys.begin(), keys.end());
  // Comments only on columns the view has.
  std::erase_if(v.column_comments, [&](const auto& kv) {
    return std::none_of(columns.begin(), columns.end(), [&](const ir::ViewColumn& c) { return c.name == kv.first; });
  });
  // Matview indexes only over columns the view has.
  std::erase_if(v.indexes, [&](const auto& kv) {
    const std::string& col = *kv.second.elements[0].column;
    return std::none_of(columns.begin(), columns.end(), [&](const ir::ViewColumn& c) { return c.name == col; });
  });
}

// What a view reads: the relation of its "rel:" key, the WHERE column (or none).
std::pair<QualifiedName, std::optional<std::string>> ViewSource(const ir::Database& db, const ir::View& v) {
  for (const std::string& k : v.deps.keys) {
    if (k.rfind("rel:", 0) != 0) continue;
    for (const auto& [qn, t] : db.tables) {
      if (ir::RelKey(qn) == k) {
        std::size_t where = v.query.find(" WHERE ");
        std::optional<std::string> col;
        if (where != std::string::npos) {
          for (const ir::ViewColumn& c : RelationColumns(db, qn)) {
            if (v.query.substr(where) == " WHERE " + Q(qn.name) + "." + Q(c.name) + " IS NOT NULL") col = c.name;
          }
        }
        return {qn, col};
      }
    }
    for (const auto& [qn, w] : db.views) {
      if (ir::RelKey(qn) == k) {
        std::size_t where = v.query.find(" WHERE ");
        std::optional<std::string> col;
        if (where != std::string::npos) {
          for (const ir::ViewColumn& c : RelationColumns(db, qn)) {
            if (v.query.substr(where) == " WHERE " + Q(qn.name) + "." + Q(c.name) + " IS NOT NULL") col = c.name;
          }
        }
        return {qn, col};
      }
    }
  }
  throw std::logic_error("view without a relation: " + v.query);
}

// Views (directly or not) reading `rel`.
bool HasDependentViews(const ir::Database& db, const QualifiedName& rel) {
  std::string key = ir::RelKey(rel);
  for (const auto& [qn, v] : db.views) {
    if (std::count(v.deps.keys.begin(), v.deps.keys.end(), key)) return true;
  }
  return false;
}

// Whether reading `rel` reads an unpopulated materialized view (directly or through views).
bool ReadsUnpopulated(const ir::Database& db, const QualifiedName& rel) {
  auto it = db.views.find(rel);
  if (it == db.views.end()) return false;
  if (it->second.materialized && !it->second.with_data) return true;
  for (const auto& [qn, w] : db.views) {
    if (qn != rel && std::count(it->second.deps.keys.begin(), it->second.deps.keys.end(), ir::RelKey(qn)) &&
        ReadsUnpopulated(db, qn)) {
      return true;
    }
  }
  return false;
}

// A materialized view created WITH DATA runs its query, which fails on an unpopulated one
// ("has not been populated"): such matviews are left WITH NO DATA too.
void KeepPopulationValid(ir::Database& db) {
  for (auto& [qn, v] : db.views) {
    if (!v.materialized || !v.with_data) continue;
    for (const auto& [src, w] : db.views) {
      if (src != qn && std::count(v.deps.keys.begin(), v.deps.keys.end(), ir::RelKey(src)) &&
          ReadsUnpopulated(db, src)) {
        v.with_data = false;
      }
    }
  }
}

void AddMatviewIndex(ir::Database& db, ir::View& v) {
  ir::Index ix;
  ix.name = FreshName(db, "mvix");
  ix.method = "btree";
  ir::IndexElement e;
  e.column = Pick(v.output.columns).name;
  ix.elements.push_back(e);
  v.indexes[ix.name] = ix;
}

std::vector<ir::ViewColumn> PickViewColumns(const std::vector<ir::ViewColumn>& from) {
  std::vector<ir::ViewColumn> out;
  int n = Between(1, 4);
  for (int i = 0; i < n; ++i) {
    const ir::ViewColumn& c = Pick(from);
    if (std::none_of(out.begin(), out.end(), [&](const ir::ViewColumn& x) { return x.name == c.name; })) out.push_back(c);
  }
  return out;
}

// A view or materialized view over a table or another view (chains of views).
void GenView(ir::Database& db, const Features& f) {
  std::vector<QualifiedName> sources;
  for (const auto& [qn, t] : db.tables) sources.push_back(qn);
  for (const auto& [qn, v] : db.views) sources.push_back(qn);
  // Prefer a view as the source now and then, for chains.
  QualifiedName rel = Pick(sources);
  if (!db.views.empty() && Between(0, 2) == 0) rel = PickKey(db.views);
  std::vector<ir::ViewColumn> cols = RelationColumns(db, rel);
  if (cols.empty()) return;
  ir::View v;
  v.materialized = Between(0, 3) == 0;
  std::string schema = SchemaOf(db);
  std::vector<std::string> free;
  for (const std::string& n : v.materialized ? kMatviewNames : kViewNames) {
    if (!NameTaken(db, schema, n)) free.push_back(n);
  }
  if (free.empty()) return;
  v.name = {schema, Pick(free)};
  std::optional<std::string> where;
  if (Between(0, 3) == 0) where = Pick(cols).name;
  SetViewQuery(v, rel, PickViewColumns(cols), where);
  if (v.materialized) {
    v.with_data = Between(0, 4) != 0;
    if (Between(0, 3) == 0) AddMatviewIndex(db, v);
  } else if (Between(0, 5) == 0) {
    v.options.push_back(Param("security_barrier", "true"));
  }
  v.comment = GenComment(f, 3);
  if (f.comments && Between(0, 4) == 0) v.column_comments[Pick(v.output.columns).name] = Pick(kComments);
  db.views[v.name] = v;
}

// A range type over int4, int8 or numeric, named with PostgreSQL's default multirange name.
void GenRange(ir::Database& db, const Features& f) {
  ir::RangeType r;
  r.name = {SchemaOf(db), Pick(kRangeNames)};
  if (db.range_types.count(r.name)) return;
  r.subtype = Builtin(Pick<std::string>("int4", "int8", "numeric"));
  r.multirange = {r.name.schema, r.name.name + "_multirange"};
  r.comment = GenComment(f, 4);
  db.range_types[r.name] = r;
}

// A collation: a libc copy of C or POSIX, or an ICU one (deterministic: LIKE and the pattern
// operator classes work over it).
void GenCollation(ir::Database& db, const Features& f) {
  ir::Collation c;
  c.name = {SchemaOf(db), Pick(kCollationNames)};
  if (db.collations.count(c.name)) return;
  switch (Between(0, 3)) {
    case 0: c.provider = 'c'; c.lc_collate = c.lc_ctype = "C"; break;
    case 1: c.provider = 'c'; c.lc_collate = c.lc_ctype = "POSIX"; break;
    default: c.provider = 'i'; c.lc_collate = c.lc_ctype = Pick<std::string>("und-u-kn-true", "de-DE"); break;
  }
  c.comment = GenComment(f, 4);
  db.collations[c.name] = c;
}

// Whether a table column or an index key of `db` uses the collation.
bool CollationUsed(const ir::Database& db, const QualifiedName& name) {
  for (const auto& [qn, t] : db.tables) {
    for (const ir::Column& c : t.columns) if (c.collation == name) return true;
    for (const auto& [n, ix] : t.indexes) {
      for (const ir::IndexElement& e : ix.elements) if (e.collation == name) return true;
    }
  }
  return false;
}

// The helper agg_step(int4, int4) RETURNS int4 that user aggregates take as state function.
QualifiedName EnsureAggStep(ir::Database& db, const Features& f) {
  for (const auto& [k, fn] : db.functions) if (fn.name.name == kAggStepFunction) return fn.name;
  ir::Function step;
  step.name = {SchemaOf(db), kAggStepFunction};
  step.args = {ir::FunctionArg{ir::ArgMode::In, "s", Builtin("int4"), std::nullopt},
               ir::FunctionArg{ir::ArgMode::In, "v", Builtin("int4"), std::nullopt}};
  step.return_type = Builtin("int4");
  step.language = "sql";
  step.volatility = 'i';
  step.body = "SELECT s + v";
  step.comment = GenComment(f, 4);
  db.functions[FunctionKey(step)] = step;
  return step.name;
}

// An aggregate over int4: sum-like with the built-in int4pl or the user agg_step, an optional
// INITCOND, PARALLEL SAFE now and then.
void GenAggregate(ir::Database& db, const Features& f) {
  ir::Function fn;
  fn.kind = ir::FunctionKind::Aggregate;
  fn.name = {SchemaOf(db), Pick(kAggregateNames)};
  fn.args = {ir::FunctionArg{ir::ArgMode::In, "", Builtin("int4"), std::nullopt}};
  fn.language = "internal";
  fn.body = "aggregate_dummy";
  fn.volatility = 'i';
  fn.cost = 1;
  if (SignatureTaken(db, fn)) return;
  ir::Aggregate agg;
  agg.sfunc = *arbitrary<bool>() ? EnsureAggStep(db, f) : QualifiedName{"pg_catalog", "int4pl"};
  agg.stype = Builtin("int4");
  if (*arbitrary<bool>()) agg.initcond = Pick<std::string>("0", "10");
  fn.aggregate = agg;
  if (Between(0, 3) == 0) fn.parallel = 's';
  fn.comment = GenComment(f, 4);
  if (agg.sfunc.schema != "pg_catalog") fn.deps.keys = {ir::FuncKey(agg.sfunc)};
  db.functions[FunctionKey(fn)] = fn;
}

// The event trigger function evt_fn() (does nothing), created when missing.
QualifiedName EnsureEventFunction(ir::Database& db, const Features& f) {
  for (const auto& [k, fn] : db.functions) if (fn.name.name == kEventFunction) return fn.name;
  ir::Function fn;
  fn.name = {SchemaOf(db), kEventFunction};
  fn.return_type = Builtin("event_trigger");
  fn.language = "plpgsql";
  fn.body = "BEGIN NULL; END;";
  fn.comment = GenComment(f, 4);
  db.functions[FunctionKey(fn)] = fn;
  return fn.name;
}

// An event trigger on one of the four events, with tags for the command events, in any enabled
// state. Its function does nothing, so it fires harmlessly on the plans' own DDL.
void GenEventTrigger(ir::Database& db, const Features& f, std::optional<std::string> name = std::nullopt) {
  ir::EventTrigger e;
  e.name = name ? *name : Pick(kEventTriggerNames);
  if (!name && db.event_triggers.count(e.name)) return;
  e.function = EnsureEventFunction(db, f);
  e.event = Pick<std::string>("ddl_command_end", "ddl_command_start", "sql_drop", "table_rewrite");
  if (e.event.rfind("ddl_", 0) == 0 && *arbitrary<bool>()) {
    e.tags = Pick<std::vector<std::string>>(std::vector<std::string>{"CREATE TABLE"},
                                            std::vector<std::string>{"ALTER TABLE", "CREATE INDEX"});
  } else if (e.event == "sql_drop" && *arbitrary<bool>()) {
    e.tags = {"DROP TABLE"};
  }
  e.enabled = Between(0, 3) == 0 ? Pick<char>('D', 'R', 'A') : 'O';
  e.comment = GenComment(f, 4);
  e.deps.keys = {ir::FuncKey(e.function)};
  db.event_triggers[e.name] = e;
}

// A trigger on a (plain) view: INSTEAD OF INSERT / UPDATE / DELETE for each row, or a BEFORE /
// AFTER statement trigger.
void AddViewTrigger(ir::Database& db, const QualifiedName& view, const Features& f,
                    std::optional<std::string> name = std::nullopt) {
  std::vector<std::string> free;
  for (const std::string& n : kTriggerNames) if (!db.views.at(view).triggers.count(n)) free.push_back(n);
  if (free.empty() && !name) return;
  ir::Trigger g;
  g.name = name ? *name : Pick(free);
  g.function = EnsureTriggerFunction(db, f);
  g.for_each_row = *arbitrary<bool>();
  g.timing = g.for_each_row ? 'i' : Pick<char>('b', 'a');
  g.on_insert = *arbitrary<bool>();
  g.on_update = *arbitrary<bool>();
  g.on_delete = *arbitrary<bool>();
  if (!g.on_insert && !g.on_update && !g.on_delete) g.on_delete = true;
  if (Between(0, 4) == 0) g.function_args = {Pick<std::string>("x", "it's")};
  // Always enabled: PostgreSQL has no ALTER for a view's trigger or rule state ("ALTER action
  // DISABLE TRIGGER cannot be performed on relation"), and the front ends refuse it.
  g.comment = GenComment(f, 4);
  TriggerDeps(view, g, {});
  db.views.at(view).triggers[g.name] = g;
}

// A rule ON UPDATE or DELETE DO INSTEAD NOTHING on a table or a plain view (the properties never
// update nor delete rows, so the rows stay).
void AddRule(ir::Database& db, const QualifiedName& rel, const Features& f) {
  auto& rules = db.tables.count(rel) ? db.tables.at(rel).rules : db.views.at(rel).rules;
  ir::Rule r;
  r.name = Pick(kRuleNames);
  if (rules.count(r.name)) return;
  r.event = Pick<char>('2', '4');
  r.instead = true;
  if (db.tables.count(rel) && Between(0, 4) == 0) r.enabled = Pick<char>('D', 'R', 'A');
  r.comment = GenComment(f, 4);
  r.deps.keys = {ir::RelKey(rel)};
  rules[r.name] = r;
}

// A row-level security policy on table `table` (named `name`, else a free name): any command,
// PERMISSIVE or RESTRICTIVE, PUBLIC or the test roles (kPolicyRoles, which the property tests
// create), USING and WITH CHECK as the command allows, each a CHECK-like condition on a column
// (in stored form unless written forms are on; it may call is_pos()), `c IS NOT NULL` or true.
// The superuser running the properties bypasses row-level security, so the rows stay visible.
void AddPolicy(ir::Database& db, const QualifiedName& table, const Features& f,
               std::optional<std::string> name = std::nullopt) {
  ir::Table& t = db.tables.at(table);
  std::vector<std::string> free;
  for (const std::string& n : kPolicyNames) if (!t.policies.count(n)) free.push_back(n);
  if (free.empty() && !name) return;
  ir::Policy p;
  p.name = name ? *name : Pick(free);
  p.command = Pick<char>('*', 'r', 'a', 'w', 'd');
  p.permissive = Between(0, 3) != 0;
  if (Between(0, 2) == 0) {
    p.roles = {Pick(kPolicyRoles)};
    if (*arbitrary<bool>()) p.roles = kPolicyRoles;
    std::sort(p.roles.begin(), p.roles.end());
  }
  std::vector<std::string> keys{ir::RelKey(table)};
  auto condition = [&]() -> ir::Expr {
    auto checkable = ColumnsWhere(t, [](const ir::Column& c) { return IsPlain(c) && CheckableKind(KindOf(c.type)); });
    if (!checkable.empty() && Between(0, 2) != 0) {
      const ir::Column* c = Pick(checkable);
      keys.push_back(ir::ColumnKey(table, c->name));
      ir::Expr e = CheckFor(*c, f, &db);
      if (auto fn = IsPosFunction(db); fn && e.text.find(kIsPosFunction + "(") != std::string::npos) {
        keys.push_back(ir::FuncKey(*fn));
      }
      return e;
    }
    auto any = ColumnsWhere(t, [](const ir::Column& c) { return !c.generated; });
    if (!any.empty() && *arbitrary<bool>()) {
      const ir::Column* c = Pick(any);
      keys.push_back(ir::ColumnKey(table, c->name));
      return {Q(c->name) + " IS NOT NULL"};
    }
    return {"true"};
  };
  if (p.command != 'a') p.using_expr = condition();
  if (p.command == 'a' || ((p.command == '*' || p.command == 'w') && *arbitrary<bool>())) p.check_expr = condition();
  p.comment = GenComment(f, 4);
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  p.deps.keys = std::move(keys);
  t.policies[p.name] = std::move(p);
}

// Tables and plain views (where rules go).
std::vector<QualifiedName> RuleTargets(const ir::Database& db) {
  std::vector<QualifiedName> out;
  for (const auto& [qn, t] : db.tables) out.push_back(qn);
  for (const auto& [qn, v] : db.views) if (!v.materialized) out.push_back(qn);
  return out;
}

std::vector<QualifiedName> PlainViews(const ir::Database& db) {
  std::vector<QualifiedName> out;
  for (const auto& [qn, v] : db.views) if (!v.materialized) out.push_back(qn);
  return out;
}

// An extension in one of the state's schemas, with or without the version it installs.
void GenExtension(ir::Database& db, const Features& f) {
  ir::Extension e;
  e.name = Pick(kExtensionNames);
  if (db.extensions.count(e.name)) return;
  e.schema = SchemaOf(db);
  // The stored form names the installed version (a database knows it, the files need not: a
  // recreated extension then gets the default version, as in the rollback of a dropped one).
  if (!f.written_forms || *arbitrary<bool>()) e.version = kExtensionVersions.at(e.name);
  e.comment = GenComment(f, 4);
  db.extensions[e.name] = e;
}

// The objects beyond tables, in an order where each finds what it uses.
void GenObjectsBeforeTables(ir::Database& db, const Features& f) {
  if (f.extensions && Between(0, 6) == 0) GenExtension(db, f);
  if (f.range_types && Between(0, 4) == 0) GenRange(db, f);
  if (f.collations && Between(0, 4) == 0) GenCollation(db, f);
  if (f.domains && Between(0, 3) == 0) {
    int n = Between(1, 3);
    for (int i = 0; i < n; ++i) GenDomain(db, f);
  }
  if (f.composite_types && Between(0, 4) == 0) GenComposite(db, f);
  if (f.functions && Between(0, 4) == 0) GenHelperFunctions(db, f);
}

void GenPrivileges(ir::Database& db, const Features& f);
void MutatePrivileges(ir::Database& db, const ir::Database& a, const Features& f);

void GenObjectsAfterTables(ir::Database& db, const Features& f) {
  if (f.functions && Between(0, 3) == 0) {
    int n = Between(1, 4);
    for (int i = 0; i < n; ++i) GenRoutine(db, f);
  }
  if (f.triggers && Between(0, 3) == 0) {
    int n = Between(1, 3);
    for (int i = 0; i < n; ++i) AddTrigger(db, PickKey(db.tables), f);
  }
  if (f.views && Between(0, 3) == 0) {
    int n = Between(1, 4);
    for (int i = 0; i < n; ++i) GenView(db, f);
  }
  if (f.aggregates && Between(0, 5) == 0) GenAggregate(db, f);
  if (f.event_triggers && Between(0, 6) == 0) GenEventTrigger(db, f);
  std::vector<QualifiedName> views = PlainViews(db);
  if (f.view_triggers && !views.empty() && Between(0, 2) == 0) AddViewTrigger(db, Pick(views), f);
  if (f.rules && Between(0, 5) == 0) AddRule(db, Pick(RuleTargets(db)), f);
  if (f.policies && Between(0, 3) == 0) {
    int n = Between(1, 2);
    for (int i = 0; i < n; ++i) AddPolicy(db, PickKey(db.tables), f);
  }
  GenPrivileges(db, f);
}

// --- mutations of objects beyond tables ---------------------------------------------------------

// Whether a table column of `db` has the type `type`.
bool TypeUsedByColumns(const ir::Database& db, const QualifiedName& type) {
  for (const auto& [qn, t] : db.tables) {
    for (const ir::Column& c : t.columns) if (c.type.schema == type.schema && c.type.name == type.name) return true;
  }
  return false;
}

bool TypeUsedByFunctions(const ir::Database& db, const QualifiedName& type) {
  std::string key = ir::TypeKey(type);
  for (const auto& [k, fn] : db.functions) if (std::count(fn.deps.keys.begin(), fn.deps.keys.end(), key)) return true;
  return false;
}

// A domain: add, drop or change a CHECK, validate one, set or drop the default, NOT NULL (only
// with a default), another base type (only for a domain no table column uses, in a or b: the
// planner rebuilds the domain, and "recreating domain ... while column ... uses it" is an honest
// not-yet-supported error, diff/objects_domain.cpp CheckTypeChangesUnderTables), add or drop
// a domain, the comment of the domain or of a CHECK.
void MutateDomain(ir::Database& db, const ir::Database& a, const Features& f) {
  if (!f.domains) return;
  int what = Uniform(0, 8);
  if (what == 0 || db.domains.empty()) {
    GenDomain(db, f);
    return;
  }
  QualifiedName name = PickKey(db.domains);
  ir::Domain& d = db.domains.at(name);
  switch (what) {
    case 1: AddDomainCheck(d, f); break;
    case 2:
      if (!d.checks.empty()) d.checks.erase(PickKey(d.checks));
      break;
    case 3:
      if (!d.checks.empty()) {
        ir::Constraint& k = d.checks.at(PickKey(d.checks));
        if (!k.validated && Between(0, 3) != 0) k.validated = true;
        else k.check = DomainCheck(d.base_type);
      }
      break;
    case 4:
      if (d.default_expr && !d.not_null) d.default_expr.reset();
      else d.default_expr = ir::Expr{d.base_type.name == "text" ? "'d'::text" : Pick<std::string>("5", "7")};
      break;
    case 5:
      if (d.default_expr) d.not_null = !d.not_null;
      break;
    case 6:
      if (TypeUsedByColumns(db, name) || TypeUsedByColumns(a, name) || d.base_type.name == "text") break;
      d.base_type = Builtin(d.base_type.name == "int4" ? "int8" : "int4");
      break;
    case 7:
      if (!TypeUsedByColumns(db, name) && !TypeUsedByFunctions(db, name)) {
        db.domains.erase(name);
        return;
      }
      if (f.comments) {
        if (!d.checks.empty() && *arbitrary<bool>()) {
          auto& c = d.checks.at(PickKey(d.checks)).comment;
          c = c ? std::nullopt : std::optional<std::string>(Pick(kComments));
        } else {
          d.comment = d.comment ? std::nullopt : std::optional<std::string>(Pick(kComments));
        }
      }
      break;
  }
}

// A composite type: add an attribute (at the end), drop one, retype one, reorder (a rebuild,
// which rebuilds the functions using it), comments, add or drop the type. No table column uses
// a composite type (so no "changing an attribute's type ... while column ... uses it").
void MutateComposite(ir::Database& db, [[maybe_unused]] const ir::Database& a, const Features& f) {
  if (!f.composite_types) return;
  int what = Uniform(0, 6);
  if (what == 0 || db.composite_types.empty()) {
    GenComposite(db, f);
    return;
  }
  QualifiedName name = PickKey(db.composite_types);
  ir::CompositeType& t = db.composite_types.at(name);
  switch (what) {
    case 1: t.attributes.push_back(GenAttribute(t, f)); break;
    case 2:
      if (t.attributes.size() > 1) t.attributes.erase(t.attributes.begin() + Between<std::size_t>(0, t.attributes.size()));
      break;
    case 3: {
      ir::CompositeAttribute& x = t.attributes[Between<std::size_t>(0, t.attributes.size())];
      x.type = x.type == Builtin("int4") ? Builtin("int8") : Builtin("int4");
      break;
    }
    case 4:
      if (t.attributes.size() > 1) std::swap(t.attributes.front(), t.attributes.back());
      break;
    case 5:
      if (!TypeUsedByFunctions(db, name) && Between(0, 3) == 0) {
        db.composite_types.erase(name);
        return;
      }
      if (f.comments) {
        if (*arbitrary<bool>()) {
          auto& c = t.attributes[Between<std::size_t>(0, t.attributes.size())].comment;
          c = c ? std::nullopt : std::optional<std::string>(Pick(kComments));
        } else {
          t.comment = t.comment ? std::nullopt : std::optional<std::string>(Pick(kComments));
        }
      }
      break;
  }
}

// Whether a trigger of any table or view calls `name`.
bool FunctionUsedByTriggers(const ir::Database& db, const QualifiedName& name) {
  for (const auto& [qn, t] : db.tables) {
    for (const auto& [n, g] : t.triggers) if (g.function == name) return true;
  }
  for (const auto& [qn, v] : db.views) {
    for (const auto& [n, g] : v.triggers) if (g.function == name) return true;
  }
  return false;
}

// Whether a routine's SQL-standard body reads the table.
bool ReadByFunctions(const ir::Database& db, const QualifiedName& table) {
  std::string key = ir::RelKey(table);
  for (const auto& [k, fn] : db.functions) if (std::count(fn.deps.keys.begin(), fn.deps.keys.end(), key)) return true;
  return false;
}

// A general function or procedure (never a helper that table expressions call: changing its
// signature or result is an honest "not yet supported: changing the signature or result of
// function ... used by ..." error, diff/objects_function.cpp CheckFunctionDropsUnderTables; nor
// a trigger function, see MutateTrigger): add one or an overload, drop one, another signature
// (an argument's type, an argument more or less), another result type, renamed arguments, the
// body, the language, attributes, an argument default added or removed, the comment. The
// helpers get a new body or comment only.
void MutateFunction(ir::Database& db, [[maybe_unused]] const ir::Database& a, const Features& f) {
  if (!f.functions) return;
  int what = Uniform(0, 10);
  std::vector<QualifiedName> general, helpers;
  for (const auto& [k, fn] : db.functions) {
    if (IsHelper(fn)) helpers.push_back(k);
    else if (!IsTriggerFunction(fn) && fn.kind != ir::FunctionKind::Aggregate) general.push_back(k);
  }
  if (what == 0 || (general.empty() && helpers.empty())) {
    GenRoutine(db, f);
    return;
  }
  if (what == 9 || general.empty()) {
    if (helpers.empty()) return;
    ir::Function& h = db.functions.at(Pick(helpers));
    if (*arbitrary<bool>()) h.body += " -- v2";
    else h.comment = h.comment ? std::nullopt : std::optional<std::string>(Pick(kComments));
    return;
  }
  QualifiedName key = Pick(general);
  ir::Function fn = db.functions.at(key);
  db.functions.erase(key);
  bool is_function = fn.kind == ir::FunctionKind::Function;
  switch (what) {
    case 1: return;  // dropped
    case 2: {
      // Another signature: retype an argument, add one, or drop the last one.
      int how = Between(0, 3);
      if (how == 0 && !fn.args.empty() && fn.args.back().mode == ir::ArgMode::In) {
        ir::FunctionArg& x = fn.args.back();
        x.type = x.type == Builtin("int4") ? Builtin("int8") : Builtin("int4");
        x.default_expr.reset();
      } else if (how == 1 && fn.args.size() < 4) {
        ir::FunctionArg x;
        for (const char* n : {"a", "b", "Val", "from", "e"}) {
          if (std::none_of(fn.args.begin(), fn.args.end(), [&](const ir::FunctionArg& y) { return y.name == n; })) {
            x.name = n;
            break;
          }
        }
        x.type = GenRoutineType(db, false);
        if (!fn.args.empty() && fn.args.back().default_expr) x.default_expr = ir::Expr{x.type == Builtin("text") ? "'x'::text" : "0"};
        if (x.default_expr && !(x.type == Builtin("text") || x.type == Builtin("int4"))) break;
        fn.args.push_back(x);
      } else if (!fn.args.empty() && fn.args.back().mode != ir::ArgMode::Out) {
        fn.args.pop_back();
      }
      break;
    }
    case 3:
      if (is_function && !fn.returns_set && fn.return_type && fn.return_type->name != "record") {
        bool has_out = std::any_of(fn.args.begin(), fn.args.end(), [](const ir::FunctionArg& x) { return x.mode == ir::ArgMode::Out; });
        if (!has_out) {
          fn.return_type = GenRoutineType(db, true);
          fn.body = DefaultBody(fn);
          fn.sql_body.reset();
        }
      }
      break;
    case 4:
      if (!fn.args.empty()) {
        ir::FunctionArg& x = fn.args[Between<std::size_t>(0, fn.args.size())];
        x.name = x.name == "renamed" ? "again" : "renamed";
        for (const ir::FunctionArg& y : fn.args) if (&y != &x && y.name == x.name) x.name += "2";
      }
      break;
    case 5:
      if (fn.sql_body) {
        if (*fn.sql_body == "RETURN 1" || *fn.sql_body == "RETURN 42") {
          fn.sql_body = *fn.sql_body == "RETURN 1" ? "RETURN 42" : "RETURN 1";
        } else {
          fn.sql_body.reset();
          fn.body = DefaultBody(fn);
        }
      } else if (f.sql_bodies && fn.language == "sql" && *arbitrary<bool>()) {
        SetSqlBody(db, fn);
      } else {
        fn.body += Pick<std::string>("\n-- changed", " ");
      }
      break;
    case 6:
      fn.language = fn.language == "sql" ? "plpgsql" : "sql";
      fn.body = DefaultBody(fn);
      fn.sql_body.reset();
      break;
    case 7: {
      ir::Function fresh = fn;
      GenRoutineAttributes(fresh, f);
      fresh.comment = fn.comment;
      fn = fresh;
      break;
    }
    case 8:
      if (!fn.args.empty() && fn.args.back().mode == ir::ArgMode::In) {
        ir::FunctionArg& last = fn.args.back();
        if (last.default_expr) last.default_expr.reset();
        else if (last.type == Builtin("int4")) last.default_expr = ir::Expr{Pick<std::string>("0", "42")};
        else if (last.type == Builtin("text")) last.default_expr = ir::Expr{"'x'::text"};
      }
      if (f.comments && Between(0, 2) == 0) fn.comment = fn.comment ? std::nullopt : std::optional<std::string>(Pick(kComments));
      break;
  }
  // An argument default needs defaults on every later IN argument.
  bool seen_default = false;
  for (ir::FunctionArg& x : fn.args) {
    if (x.mode == ir::ArgMode::Out) continue;
    if (x.default_expr) seen_default = true;
    else if (seen_default) {
      for (ir::FunctionArg& y : fn.args) y.default_expr.reset();
      break;
    }
  }
  FunctionDeps(fn);
  if (!SignatureTaken(db, fn)) db.functions[FunctionKey(fn)] = fn;
}

// Triggers: add one, drop one, another function (the old one goes when nothing calls it: the
// trigger's function is replaced by another routine), a new definition (events, timing, WHEN),
// the enabled state, the comment; and a trigger function's body or comment.
void MutateTrigger(ir::Database& db, [[maybe_unused]] const ir::Database& a, const Features& f) {
  if (!f.triggers) return;
  int what = Uniform(0, 7);
  std::vector<std::pair<QualifiedName, std::string>> all;
  for (const auto& [qn, t] : db.tables) for (const auto& [n, g] : t.triggers) all.emplace_back(qn, n);
  if (what == 0 || all.empty()) {
    AddTrigger(db, PickKey(db.tables), f);
    return;
  }
  auto [table, name] = Pick(all);
  ir::Trigger& g = db.tables.at(table).triggers.at(name);
  switch (what) {
    case 1: db.tables.at(table).triggers.erase(name); break;
    case 2: {
      QualifiedName old = g.function;
      QualifiedName next = EnsureTriggerFunction(db, f, true);
      ir::Trigger& h = db.tables.at(table).triggers.at(name);
      h.function = next;
      std::vector<std::string> when_cols;
      for (const std::string& k : h.deps.keys) {
        std::string prefix = "col:" + table.schema + "." + table.name + ".";
        if (k.rfind(prefix, 0) == 0) when_cols.push_back(k.substr(prefix.size()));
      }
      TriggerDeps(table, h, when_cols);
      if (!(old == next) && !FunctionUsedByTriggers(db, old)) db.functions.erase({old.schema, old.name + "()"});
      break;
    }
    case 3: {
      // A new definition under the same name (a constraint trigger's is rebuilt).
      ir::Table& t = db.tables.at(table);
      t.triggers.erase(name);
      AddTrigger(db, table, f, name);
      break;
    }
    case 4: g.enabled = Pick<char>('O', 'D', 'R', 'A'); break;
    case 5: g.comment = g.comment ? std::nullopt : std::optional<std::string>(Pick(kComments)); break;
    case 6: {
      ir::Function& fn = db.functions.at({g.function.schema, g.function.name + "()"});
      if (*arbitrary<bool>()) fn.body = fn.body.find("-- v2") == std::string::npos ? fn.body + "-- v2\n" : DefaultBody(fn);
      else fn.comment = fn.comment ? std::nullopt : std::optional<std::string>(Pick(kComments));
      break;
    }
  }
}

// Views: add one (also over another view), drop one nothing reads, append a column to the query
// (CREATE OR REPLACE VIEW), a new query for a view nothing reads, WHERE on or off, view <->
// materialized view, WITH [NO] DATA, a matview index, security_barrier, comments.
void MutateView(ir::Database& db, [[maybe_unused]] const ir::Database& a, const Features& f) {
  if (!f.views) return;
  int what = Uniform(0, 9);
  if (what == 0 || db.views.empty()) {
    GenView(db, f);
    return;
  }
  QualifiedName name = PickKey(db.views);
  bool leaf = !HasDependentViews(db, name);
  ir::View& v = db.views.at(name);
  auto [rel, where] = ViewSource(db, v);
  std::vector<ir::ViewColumn> source_cols = RelationColumns(db, rel);
  switch (what) {
    case 1:
      if (leaf) db.views.erase(name);
      break;
    case 2: {
      if (!f.view_query_changes) break;
      std::vector<ir::ViewColumn> cols = v.output.columns;
      std::vector<ir::ViewColumn> more;
      for (const ir::ViewColumn& c : source_cols) {
        if (std::none_of(cols.begin(), cols.end(), [&](const ir::ViewColumn& x) { return x.name == c.name; })) more.push_back(c);
      }
      if (more.empty()) break;
      cols.push_back(Pick(more));
      SetViewQuery(v, rel, cols, where);
      break;
    }
    case 3: {
      if (!f.view_query_changes || !leaf) break;
      // Another source now and then (a table or another view, not this one nor what reads it).
      std::vector<QualifiedName> sources;
      for (const auto& [qn, t] : db.tables) sources.push_back(qn);
      for (const auto& [qn, w] : db.views) if (qn != name) sources.push_back(qn);
      if (Between(0, 2) == 0) rel = Pick(sources);
      std::vector<ir::ViewColumn> cols = RelationColumns(db, rel);
      std::optional<std::string> w;
      if (Between(0, 3) == 0) w = Pick(cols).name;
      SetViewQuery(v, rel, PickViewColumns(cols), w);
      break;
    }
    case 4:
      if (!f.view_query_changes) break;
      SetViewQuery(v, rel, v.output.columns, where ? std::nullopt : std::optional<std::string>(Pick(source_cols).name));
      break;
    case 5:
      // Materialized views have no triggers nor rules.
      v.materialized = !v.materialized;
      v.options.clear();
      v.indexes.clear();
      v.triggers.clear();
      v.rules.clear();
      v.with_data = true;
      break;
    case 6:
      if (v.materialized) v.with_data = !v.with_data;
      else if (v.options.empty()) v.options.push_back(Param("security_barrier", "true"));
      else v.options.clear();
      break;
    case 7:
      if (!v.materialized) break;
      if (v.indexes.empty() || *arbitrary<bool>()) AddMatviewIndex(db, v);
      else v.indexes.erase(PickKey(v.indexes));
      break;
    case 8:
      if (!f.comments) break;
      if (*arbitrary<bool>()) {
        v.comment = v.comment ? std::nullopt : std::optional<std::string>(Pick(kComments));
      } else {
        std::string c = Pick(v.output.columns).name;
        if (v.column_comments.count(c)) v.column_comments.erase(c);
        else v.column_comments[c] = Pick(kComments);
      }
      break;
  }
}

// A range type: add one, drop one nothing uses, another subtype (a rebuild; only when no table
// column uses it in a or b: "recreating ... while column ... uses it" is not yet supported), the
// comment.
void MutateRange(ir::Database& db, const ir::Database& a, const Features& f) {
  if (!f.range_types) return;
  int what = Uniform(0, 4);
  if (what == 0 || db.range_types.empty()) {
    GenRange(db, f);
    return;
  }
  QualifiedName name = PickKey(db.range_types);
  ir::RangeType& r = db.range_types.at(name);
  bool used = TypeUsedByColumns(db, name) || TypeUsedByFunctions(db, name);
  switch (what) {
    case 1:
      if (!used) db.range_types.erase(name);
      break;
    case 2:
      if (!TypeUsedByColumns(db, name) && !TypeUsedByColumns(a, name)) {
        r.subtype = r.subtype == Builtin("int4") ? Builtin("int8") : Builtin("int4");
      }
      break;
    case 3:
      if (f.comments) r.comment = r.comment ? std::nullopt : std::optional<std::string>(Pick(kComments));
      break;
  }
}

// A collation: add one, drop one nothing uses, another locale (a rebuild; only when nothing
// uses it in a or b, as for range types), the comment.
void MutateCollation(ir::Database& db, const ir::Database& a, const Features& f) {
  if (!f.collations) return;
  int what = Uniform(0, 4);
  if (what == 0 || db.collations.empty()) {
    GenCollation(db, f);
    return;
  }
  QualifiedName name = PickKey(db.collations);
  ir::Collation& c = db.collations.at(name);
  switch (what) {
    case 1:
      if (!CollationUsed(db, name)) db.collations.erase(name);
      break;
    case 2:
      if (!CollationUsed(db, name) && !CollationUsed(a, name)) {
        if (c.provider == 'i') c.lc_collate = c.lc_ctype = c.lc_collate == "de-DE" ? "und-u-kn-true" : "de-DE";
        else c.lc_collate = c.lc_ctype = c.lc_collate == "C" ? "POSIX" : "C";
      }
      break;
    case 3:
      if (f.comments) c.comment = c.comment ? std::nullopt : std::optional<std::string>(Pick(kComments));
      break;
  }
}

// An aggregate: add one, drop one, another INITCOND or state function, PARALLEL, the comment.
void MutateAggregate(ir::Database& db, [[maybe_unused]] const ir::Database& a, const Features& f) {
  if (!f.aggregates) return;
  std::vector<QualifiedName> aggs;
  for (const auto& [k, fn] : db.functions) if (fn.kind == ir::FunctionKind::Aggregate) aggs.push_back(k);
  int what = Uniform(0, 5);
  if (what == 0 || aggs.empty()) {
    GenAggregate(db, f);
    return;
  }
  QualifiedName key = Pick(aggs);
  ir::Function& fn = db.functions.at(key);
  ir::Aggregate& agg = *fn.aggregate;
  switch (what) {
    case 1: db.functions.erase(key); break;
    case 2: agg.initcond = agg.initcond ? std::nullopt : std::optional<std::string>(Pick<std::string>("0", "10")); break;
    case 3:
      if (agg.sfunc.schema == "pg_catalog") {
        agg.sfunc = EnsureAggStep(db, f);
        db.functions.at(key).deps.keys = {ir::FuncKey(db.functions.at(key).aggregate->sfunc)};
      } else {
        agg.sfunc = {"pg_catalog", "int4pl"};
        fn.deps.keys.clear();
      }
      break;
    case 4:
      fn.parallel = fn.parallel == 's' ? 'u' : 's';
      if (f.comments && *arbitrary<bool>()) fn.comment = fn.comment ? std::nullopt : std::optional<std::string>(Pick(kComments));
      break;
  }
}

// Event triggers: add one, drop one, a new definition under the same name (event, tags), the
// enabled state, the comment.
void MutateEventTrigger(ir::Database& db, [[maybe_unused]] const ir::Database& a, const Features& f) {
  if (!f.event_triggers) return;
  int what = Uniform(0, 5);
  if (what == 0 || db.event_triggers.empty()) {
    GenEventTrigger(db, f);
    return;
  }
  std::string name = PickKey(db.event_triggers);
  ir::EventTrigger& e = db.event_triggers.at(name);
  switch (what) {
    case 1: db.event_triggers.erase(name); break;
    case 2: GenEventTrigger(db, f, name); break;
    case 3: e.enabled = e.enabled == 'O' ? Pick<char>('D', 'R', 'A') : 'O'; break;
    case 4:
      if (f.comments) e.comment = e.comment ? std::nullopt : std::optional<std::string>(Pick(kComments));
      break;
  }
}

// Triggers on views and rules: add, drop, a new definition of a view trigger, the enabled state,
// the comment.
void MutateViewTriggerOrRule(ir::Database& db, [[maybe_unused]] const ir::Database& a, const Features& f) {
  std::vector<QualifiedName> views = PlainViews(db);
  bool triggers = f.view_triggers && !views.empty() && (!f.rules || *arbitrary<bool>());
  if (triggers) {
    QualifiedName view = Pick(views);
    ir::View& v = db.views.at(view);
    int what = Uniform(0, 5);
    if (what == 0 || v.triggers.empty()) {
      AddViewTrigger(db, view, f);
      return;
    }
    std::string name = PickKey(v.triggers);
    ir::Trigger& g = v.triggers.at(name);
    switch (what) {
      case 1: v.triggers.erase(name); break;
      case 2:
        v.triggers.erase(name);
        AddViewTrigger(db, view, f, name);
        break;
      default:
        if (f.comments) g.comment = g.comment ? std::nullopt : std::optional<std::string>(Pick(kComments));
        break;
    }
    return;
  }
  if (!f.rules) return;
  // A view half of the time when there is one (tables outnumber views).
  QualifiedName rel = !views.empty() && *arbitrary<bool>() ? Pick(views) : Pick(RuleTargets(db));
  auto& rules = db.tables.count(rel) ? db.tables.at(rel).rules : db.views.at(rel).rules;
  int what = Uniform(0, 4);
  if (what == 0 || rules.empty()) {
    AddRule(db, rel, f);
    return;
  }
  std::string name = PickKey(rules);
  ir::Rule& r = rules.at(name);
  switch (what) {
    case 1: rules.erase(name); break;
    case 2:
      if (db.tables.count(rel)) r.enabled = r.enabled == 'O' ? Pick<char>('D', 'R', 'A') : 'O';
      break;
    case 3:
      if (f.comments) r.comment = r.comment ? std::nullopt : std::optional<std::string>(Pick(kComments));
      else r.event = r.event == '2' ? '4' : '2';
      break;
  }
}

// Policies: add one, drop one, a new definition under the same name (command, PERMISSIVE /
// RESTRICTIVE, expressions: ALTER POLICY or drop and create), other roles, the comment.
void MutatePolicy(ir::Database& db, [[maybe_unused]] const ir::Database& a, const Features& f) {
  if (!f.policies) return;
  QualifiedName table = PickKey(db.tables);
  auto& policies = db.tables.at(table).policies;
  int what = Uniform(0, 5);
  if (what == 0 || policies.empty()) {
    AddPolicy(db, table, f);
    return;
  }
  std::string name = PickKey(policies);
  ir::Policy& p = policies.at(name);
  switch (what) {
    case 1: policies.erase(name); break;
    case 2: {
      std::optional<std::string> comment = p.comment;
      policies.erase(name);
      AddPolicy(db, table, f, name);
      if (db.tables.at(table).policies.count(name)) db.tables.at(table).policies.at(name).comment = comment;
      break;
    }
    case 3:
      p.roles = p.roles.empty() ? std::vector<std::string>{Pick(kPolicyRoles)} : std::vector<std::string>{};
      break;
    default:
      if (f.comments) p.comment = p.comment ? std::nullopt : std::optional<std::string>(Pick(kComments));
      break;
  }
}

// Extensions: add one, drop one, move one to another schema, the comment.
void MutateExtension(ir::Database& db, [[maybe_unused]] const ir::Database& a, const Features& f) {
  if (!f.extensions) return;
  int what = Uniform(0, 4);
  if (what == 0 || db.extensions.empty()) {
    GenExtension(db, f);
    return;
  }
  std::string name = PickKey(db.extensions);
  ir::Extension& e = db.extensions.at(name);
  switch (what) {
    case 1: db.extensions.erase(name); break;
    case 2: {
      // To another schema (a new one when the state has a single one).
      std::vector<std::string> others;
      for (const auto& [n, sc] : db.schemas) if (n != e.schema) others.push_back(n);
      if (others.empty() && f.extra_schema) {
        std::string fresh = Pick(kSchemaNames);
        db.schemas[fresh] = ir::Schema{.name = fresh};
        others.push_back(fresh);
      }
      if (!others.empty()) db.extensions.at(name).schema = Pick(others);
      break;
    }
    case 3:
      // A comment, or explicitly none (IS NULL: "") instead of the control file's.
      if (f.comments && f.extension_comment_changes) e.comment = e.comment && !e.comment->empty() ? "" : Pick(kComments);
      break;
  }
}

void MutateAddColumn(ir::Database& db, [[maybe_unused]] const ir::Database& a, const Features& f) {
  ir::Table& t = db.tables.at(PickKey(db.tables));
  ir::Column c = GenColumn(db, t, f, false);
  // Existing rows need a value: NOT NULL only with a default.
  if (c.not_null && !c.default_expr) {
    if (f.defaults) c.default_expr = GenDefault(c.type, db, f);
    else c.not_null = false;
  }
  t.columns.push_back(c);
}

void MutateDropColumn(ir::Database& db, [[maybe_unused]] const ir::Database& a, const Features&) {
  ir::Table& t = db.tables.at(PickKey(db.tables));
  if (t.columns.size() < 2) return;
  // The rollback re-adds the column to rows that have no value for it (NULL or its default):
  // it must not be NOT NULL without a default, nor part of a key or check of state a (a
  // UNIQUE over the re-added, equal values would fail).
  auto used_in_a = [&](const std::string& column) {
    auto it = a.tables.find(t.name);
    return it != a.tables.end() && it->second.FindColumn(column) && ColumnUsed(a, it->second, column);
  };
  auto as_in_a = [&](const ir::Column& c) -> const ir::Column& {
    auto it = a.tables.find(t.name);
    const ir::Column* in_a = it == a.tables.end() ? nullptr : it->second.FindColumn(c.name);
    return in_a ? *in_a : c;
  };
  auto cols = ColumnsWhere(t, [&](const ir::Column& c) {
    const ir::Column& old = as_in_a(c);  // the rollback re-creates the column as it was in a
    return !ColumnUsed(db, t, c.name) && !used_in_a(c.name) &&
           (!old.not_null || old.default_expr || old.identity || old.generated);
  });
  if (cols.empty()) return;
  std::string name = (Pick(cols))->name;
  std::erase_if(t.columns, [&](const ir::Column& c) { return c.name == name; });
}

void MutateWidenType(ir::Database& db, [[maybe_unused]] const ir::Database& a, const Features&) {
  ir::Table& t = db.tables.at(PickKey(db.tables));
  // Excluded: columns a stored generated column reads. PostgreSQL refuses ALTER TYPE on them,
  // so the plan drops and re-adds the generated column, which moves it to a new attnum (found
  // by P2; a PostgreSQL limit, not a planner bug, but it breaks "columns keep their identity").
  // Identity columns and either side of a foreign key are widened too (one side at a time).
  auto cols = ColumnsWhere(t, [&](const ir::Column& c) {
    Kind k = KindOf(c.type);
    bool used_by_generated = false;
    for (const ir::Column& g : t.columns) used_by_generated = used_by_generated || ExprMentions(g.generated, c.name);
    // Nor columns a CHECK passes to is_pos(): the retyped CHECK calls another overload, a
    // change of the constraint's meaning the generators keep out.
    for (const auto& [n, k] : t.constraints) {
      used_by_generated = used_by_generated ||
                          (ExprMentions(k.check, c.name) && k.check->text.find(kIsPosFunction + "(") != std::string::npos);
    }
    return !c.generated && !used_by_generated &&
           (k == Kind::Int4 || k == Kind::Varchar || (k == Kind::Numeric && !c.type.modifiers.empty()));
  });
  if (cols.empty()) return;
  ir::Column& c = MutableColumn(t, (Pick(cols))->name);
  switch (KindOf(c.type)) {
    case Kind::Int4:
      c.type.name = "int8";
      // A default operator class written out follows the type (int4_ops refuses bigint).
      for (auto& [n, ix] : t.indexes) {
        for (ir::IndexElement& e : ix.elements) {
          if (e.column == c.name && e.opclass && e.opclass->name == "int4_ops") e.opclass->name = "int8_ops";
        }
      }
      break;
    case Kind::Varchar: c.type.modifiers = std::to_string(std::stoi(c.type.modifiers) + Between(1, 20)); break;
    case Kind::Numeric: {
      auto comma = c.type.modifiers.find(',');
      int p = std::stoi(c.type.modifiers.substr(0, comma));
      c.type.modifiers = std::to_string(p + Between(1, 5)) + c.type.modifiers.substr(comma);
      break;
    }
    default: break;
  }
}

void MutateDefault(ir::Database& db, [[maybe_unused]] const ir::Database& a, const Features& f) {
  if (!f.defaults) return;
  ir::Table& t = db.tables.at(PickKey(db.tables));
  auto cols = ColumnsWhere(t, [](const ir::Column& c) { return IsPlain(c); });
  if (cols.empty()) return;
  ir::Column& c = MutableColumn(t, (Pick(cols))->name);
  if (c.default_expr && Between(0, 3) == 0) c.default_expr.reset();
  else c.default_expr = GenDefault(c.type, db, f);
}

void MutateNotNull(ir::Database& db, [[maybe_unused]] const ir::Database& a, const Features&) {
  ir::Table& t = db.tables.at(PickKey(db.tables));
  // Every plain column of `a` holds a value in every row (RowsFor), so SET NOT NULL is safe
  // both ways; a column added since holds NULLs unless it has a default.
  auto in_a = [&](const std::string& column) {
    auto it = a.tables.find(t.name);
    return it != a.tables.end() && it->second.FindColumn(column);
  };
  auto cols = ColumnsWhere(t, [&](const ir::Column& c) {
    return IsPlain(c) && !InPrimaryKey(t, c.name) && (in_a(c.name) || c.default_expr || c.not_null);
  });
  if (cols.empty()) return;
  ir::Column& c = MutableColumn(t, (Pick(cols))->name);
  c.not_null = !c.not_null;
}

void MutateAddConstraint(ir::Database& db, [[maybe_unused]] const ir::Database& a, const Features& f) {
  QualifiedName name = PickKey(db.tables);
  ir::Table& t = db.tables.at(name);
  switch (Between(0, 4)) {
    case 0: if (f.checks) AddCheck(db, t, f); break;
    case 1: AddKey(db, t, ConstraintKind::Unique, f); break;
    case 2: AddKey(db, t, ConstraintKind::PrimaryKey, f); break;
    case 3: if (f.foreign_keys) AddForeignKey(db, name, f); break;
  }
}

void MutateDropConstraint(ir::Database& db, [[maybe_unused]] const ir::Database& a, const Features&) {
  ir::Table& t = db.tables.at(PickKey(db.tables));
  std::vector<std::string> names;
  for (const auto& [n, c] : t.constraints) if (!ConstraintReferenced(db, t, c)) names.push_back(n);
  if (names.empty()) return;
  t.constraints.erase(Pick(names));
}

void MutateChangeConstraint(ir::Database& db, [[maybe_unused]] const ir::Database& a, const Features& f) {
  ir::Table& t = db.tables.at(PickKey(db.tables));
  std::vector<std::string> names;
  for (const auto& [n, c] : t.constraints) {
    if (c.kind == ConstraintKind::Check || c.kind == ConstraintKind::ForeignKey) names.push_back(n);
  }
  if (names.empty()) return;
  ir::Constraint& c = t.constraints.at(Pick(names));
  if (c.kind == ConstraintKind::Check) {
    auto cols = ColumnsWhere(t, [](const ir::Column& x) { return IsPlain(x) && CheckableKind(KindOf(x.type)); });
    if (!cols.empty()) c.check = CheckFor(*Pick(cols), f, &db);
  } else {
    const std::vector<ir::FkAction> actions = {ir::FkAction::NoAction, ir::FkAction::Restrict,
                                               ir::FkAction::Cascade, ir::FkAction::SetNull,
                                               ir::FkAction::SetDefault};
    c.on_delete = Pick(actions);
    c.on_update = Pick(actions);
    if (f.fk_options) GenFkOptions(c);
    else c.on_delete_columns.clear();
  }
}

void MutateIndex(ir::Database& db, [[maybe_unused]] const ir::Database& a, const Features& f) {
  if (!f.indexes) return;
  ir::Table& t = db.tables.at(PickKey(db.tables));
  int what = Between(0, 3);
  if (what == 0 || t.indexes.empty()) {
    AddIndex(db, t, f);
  } else if (what == 1) {
    t.indexes.erase(PickKey(t.indexes));
  } else {
    ir::Index& ix = t.indexes.at(PickKey(t.indexes));
    if (ix.method != "btree") return;
    ix.elements[0].descending = !ix.elements[0].descending;
    ix.elements[0].nulls_first = ix.elements[0].descending;
  }
}

// The definition of an existing index of any table: another method (a new definition under the
// same name), the operator class or collation of a key, storage parameters, NULLS NOT DISTINCT.
void MutateIndexDefinition(ir::Database& db, [[maybe_unused]] const ir::Database& a, const Features& f) {
  if (!f.indexes) return;
  int what = Uniform(0, 4);
  std::vector<std::pair<QualifiedName, std::string>> candidates;
  for (const auto& [qn, t] : db.tables) {
    for (const auto& [n, ix] : t.indexes) {
      bool textual_key = false;
      for (const ir::IndexElement& e : ix.elements) {
        Kind k = e.column ? KindOf(t.FindColumn(*e.column)->type) : Kind::Bool;
        textual_key = textual_key || (ix.method == "btree" && IsTextual(k)) || (ix.method == "gin" && k == Kind::Jsonb);
      }
      bool fits = what == 0   ? f.index_methods
                  : what == 1 ? f.index_opclasses && textual_key
                  : what == 2 ? f.storage_params
                              : ix.unique;
      if (fits) candidates.emplace_back(qn, n);
    }
  }
  if (candidates.empty()) return;
  auto [qn, name] = Pick(candidates);
  ir::Table& t = db.tables.at(qn);
  ir::Index& ix = t.indexes.at(name);
  switch (what) {
    case 0:
      // Often another method; AddIndex may find no column for it, and then the index goes.
      t.indexes.erase(name);
      AddIndex(db, t, f, name);
      break;
    case 1: {
      std::vector<std::size_t> keys;
      for (std::size_t i = 0; i < ix.elements.size(); ++i) {
        const ir::IndexElement& e = ix.elements[i];
        Kind k = e.column ? KindOf(t.FindColumn(*e.column)->type) : Kind::Bool;
        if ((ix.method == "btree" && IsTextual(k)) || (ix.method == "gin" && k == Kind::Jsonb)) keys.push_back(i);
      }
      ir::IndexElement& e = ix.elements[Pick(keys)];
      const ir::Column* c = t.FindColumn(*e.column);
      Kind k = KindOf(c->type);
      if (ix.method == "gin") {
        e.opclass = e.opclass ? std::nullopt : std::optional<QualifiedName>(QualifiedName{"pg_catalog", "jsonb_path_ops"});
      } else if (*arbitrary<bool>() || c->collation) {
        e.opclass = e.opclass ? std::nullopt : PatternOpclass(k);
      } else {
        e.collation = e.collation ? std::nullopt : std::optional<QualifiedName>(kCollationC);
      }
      break;
    }
    case 2:
      ix.options = ix.options.empty() || *arbitrary<bool>() ? GenIndexOptions(ix.method, f, true)
                                                            : std::vector<ir::StorageParam>{};
      break;
    case 3: ix.nulls_not_distinct = !ix.nulls_not_distinct; break;
  }
}

void MutateEnum(ir::Database& db, [[maybe_unused]] const ir::Database& a, const Features&) {
  if (db.enums.empty()) return;
  ir::EnumType& e = db.enums.at(PickKey(db.enums));
  if (*arbitrary<bool>() || e.values.size() < 2) {
    std::vector<std::string> free;
    for (const std::string& v : kEnumValues) if (!std::count(e.values.begin(), e.values.end(), v)) free.push_back(v);
    if (free.empty()) return;
    auto pos = Between<std::size_t>(0, e.values.size() + 1);
    e.values.insert(e.values.begin() + pos, Pick(free));
    return;
  }
  // Rows use the first value; defaults may use any, which then stays (stored `'v'::type` or
  // written `'v'`).
  std::vector<std::size_t> removable;
  for (std::size_t i = 1; i < e.values.size(); ++i) {
    std::string literal = emit::QuoteLiteral(e.values[i]);
    bool used = false;
    for (const auto& [qn, t] : db.tables) {
      for (const ir::Column& c : t.columns) used = used || (c.default_expr && c.default_expr->text.find(literal) != std::string::npos);
    }
    if (!used) removable.push_back(i);
  }
  if (removable.empty()) return;
  e.values.erase(e.values.begin() + Pick(removable));
}

void MutateSequence(ir::Database& db, [[maybe_unused]] const ir::Database& a, const Features&) {
  std::vector<ir::SequenceOptions*> options;
  for (auto& [qn, s] : db.sequences) options.push_back(&s.options);
  for (auto& [qn, t] : db.tables) {
    for (ir::Column& c : t.columns) if (c.identity) options.push_back(&c.identity->options);
  }
  if (options.empty()) return;
  ir::SequenceOptions& o = *Pick(options);
  switch (Between(0, 4)) {
    case 0: o.cache = o.cache == 1 ? 10 : 1; break;
    case 1: o.cycle = !o.cycle; break;
    case 2: o.increment = o.increment > 0 ? o.increment + 1 : o.increment - 1; break;
    case 3:
      if (o.increment > 0) o.max_value = o.max_value == 30000 ? 20000 : 30000;
      else o.min_value = o.min_value == -30000 ? -20000 : -30000;
      break;
  }
}

void MutateIdentityKind(ir::Database& db, [[maybe_unused]] const ir::Database& a, const Features&) {
  for (auto& [qn, t] : db.tables) {
    for (ir::Column& c : t.columns) {
      if (c.identity && *arbitrary<bool>()) {
        c.identity->kind = c.identity->kind == ir::IdentityKind::Always ? ir::IdentityKind::ByDefault
                                                                        : ir::IdentityKind::Always;
        return;
      }
    }
  }
}

void MutateComment(ir::Database& db, [[maybe_unused]] const ir::Database& a, const Features& f) {
  if (!f.comments) return;
  auto flip = [&](std::optional<std::string>& c) {
    if (c && *arbitrary<bool>()) c.reset();
    else c = Pick(kComments);
  };
  ir::Table& t = db.tables.at(PickKey(db.tables));
  switch (Between(0, 6)) {
    case 0: flip(t.comment); break;
    case 1: flip(MutableColumn(t, (Pick(ColumnsWhere(t, [](const ir::Column&) { return true; })))->name).comment); break;
    case 2: if (!t.constraints.empty()) flip(t.constraints.at(PickKey(t.constraints)).comment); break;
    case 3: if (!t.indexes.empty()) flip(t.indexes.at(PickKey(t.indexes)).comment); break;
    case 4: if (!db.enums.empty()) flip(db.enums.at(PickKey(db.enums)).comment); break;
    case 5: if (!db.sequences.empty()) flip(db.sequences.at(PickKey(db.sequences)).comment); break;
  }
}

void MutateAddTable(ir::Database& db, [[maybe_unused]] const ir::Database& a, const Features& f) {
  if (db.tables.size() >= 5) return;
  QualifiedName name = GenNewTableName(db);
  GenTable(db, name, f);
}

void MutateDropTable(ir::Database& db, [[maybe_unused]] const ir::Database& a, const Features&) {
  if (db.tables.size() < 2) return;
  std::vector<QualifiedName> droppable;
  for (const auto& [qn, t] : db.tables) {
    bool referenced = false;
    for (const auto& [on, other] : db.tables) {
      if (on == qn) continue;
      for (const auto& [n, c] : other.constraints) {
        referenced = referenced || (c.kind == ConstraintKind::ForeignKey && c.ref_table == qn);
      }
    }
    // Nor a table a view reads (PostgreSQL refuses; b's view would read nothing).
    if (!referenced && !HasDependentViews(db, qn) && !ReadByFunctions(db, qn)) droppable.push_back(qn);
  }
  if (droppable.empty()) return;
  db.tables.erase(Pick(droppable));
}

void MutateTableStorage(ir::Database& db, [[maybe_unused]] const ir::Database& a, const Features& f) {
  ir::Table& t = db.tables.at(PickKey(db.tables));
  switch (Uniform(0, 3)) {
    case 0:
      // Foreign keys the change makes invalid (permanent -> unlogged) go: DropForeignKeysToUnlogged.
      if (f.unlogged) t.unlogged = !t.unlogged;
      break;
    case 1: {
      if (!f.storage_params) break;
      auto it = std::find_if(t.options.begin(), t.options.end(), [](const ir::StorageParam& p) { return p.name == "fillfactor"; });
      if (it == t.options.end()) t.options.push_back(Param("fillfactor", std::to_string(Pick<int>(10, 50, 70, 100))));
      else if (*arbitrary<bool>()) t.options.erase(it);
      else it->value = it->value == "70" ? "80" : "70";
      break;
    }
    case 2: {
      if (!f.storage_params) break;
      auto it = std::find_if(t.options.begin(), t.options.end(), [](const ir::StorageParam& p) { return p.name == "autovacuum_enabled"; });
      if (it == t.options.end()) t.options.push_back(Param("autovacuum_enabled", "false"));
      else if (*arbitrary<bool>()) t.options.erase(it);
      else it->value = it->value == "true" ? "false" : "true";
      break;
    }
  }
}

// Flags of a constraint: validate (or un-validate) a CHECK or FOREIGN KEY, NULLS NOT DISTINCT,
// DEFERRABLE on a key no foreign key references, NO INHERIT, MATCH FULL. The kind of change is
// chosen first, then a constraint of any table it applies to, so that each is frequent enough.
void MutateConstraintFlags(ir::Database& db, [[maybe_unused]] const ir::Database& a, const Features& f) {
  int what = Uniform(0, 5);
  std::vector<std::pair<QualifiedName, std::string>> candidates;
  for (const auto& [qn, t] : db.tables) {
    for (const auto& [n, c] : t.constraints) {
      bool checkish = c.kind == ConstraintKind::Check || c.kind == ConstraintKind::ForeignKey;
      bool key = c.kind == ConstraintKind::PrimaryKey || c.kind == ConstraintKind::Unique;
      bool fits = what == 0   ? f.not_valid && checkish
                  : what == 1 ? c.kind == ConstraintKind::Unique
                  : what == 2 ? f.deferrable_keys && key && !ConstraintReferenced(db, t, c)
                  : what == 3 ? f.no_inherit && c.kind == ConstraintKind::Check
                              : f.fk_options && c.kind == ConstraintKind::ForeignKey;
      if (fits) candidates.emplace_back(qn, n);
    }
  }
  if (candidates.empty()) return;
  if (what == 0) {
    // Validating is the interesting direction: prefer a constraint that is NOT VALID.
    std::vector<std::pair<QualifiedName, std::string>> not_valid;
    for (const auto& [qn, n] : candidates) {
      if (!db.tables.at(qn).constraints.at(n).validated) not_valid.emplace_back(qn, n);
    }
    if (!not_valid.empty() && Between(0, 4) != 0) candidates = not_valid;
  }
  auto [qn, n] = Pick(candidates);
  ir::Constraint& c = db.tables.at(qn).constraints.at(n);
  switch (what) {
    case 0: c.validated = !c.validated; break;
    case 1: c.nulls_not_distinct = !c.nulls_not_distinct; break;
    case 2:
      // not deferrable -> deferrable -> initially deferred -> not deferrable
      if (!c.deferrable) c.deferrable = true;
      else if (!c.initially_deferred) c.initially_deferred = true;
      else c.deferrable = c.initially_deferred = false;
      break;
    case 3: c.no_inherit = !c.no_inherit; break;
    case 4: c.match = c.match == ir::FkMatch::Full ? ir::FkMatch::Simple : ir::FkMatch::Full; break;
  }
}

// COLLATE "C" on, or off, a textual column that no generated column reads (PostgreSQL refuses
// to change the type of those), nor an index expression (schemac bug "expression key collation
// parity": for CREATE TABLE t (c text COLLATE "C"); CREATE INDEX ON t (lower(c)); the catalog
// front end gives the key COLLATE "C" and the SQL front end none, so the server plan re-creates
// the index WITH the collation and the offline plan without; P3 fails).
void MutateColumnCollation(ir::Database& db, [[maybe_unused]] const ir::Database& a, const Features& f) {
  if (!f.column_collations) return;
  ir::Table& t = db.tables.at(PickKey(db.tables));
  auto cols = ColumnsWhere(t, [&](const ir::Column& c) {
    bool used_by_expression = false;
    for (const ir::Column& g : t.columns) used_by_expression = used_by_expression || ExprMentions(g.generated, c.name);
    for (const auto& [n, ix] : t.indexes) {
      for (const ir::IndexElement& e : ix.elements) {
        used_by_expression = used_by_expression || ExprMentions(e.expression, c.name);
      }
    }
    return !c.generated && !used_by_expression && IsTextual(KindOf(c.type));
  });
  if (cols.empty()) return;
  ir::Column& c = MutableColumn(t, (Pick(cols))->name);
  c.collation = c.collation ? std::nullopt : std::optional<QualifiedName>(PickCollation(db));
}

// Each mutation changes `db` (b, a copy of `a` being mutated) or leaves it alone when it finds
// nothing to change.
using Mutation = void (*)(ir::Database&, const ir::Database&, const Features&);
const std::vector<Mutation> kMutations = {
    MutateAddColumn,      MutateDropColumn, MutateWidenType, MutateDefault,  MutateNotNull,
    MutateAddConstraint,  MutateDropConstraint, MutateChangeConstraint, MutateIndex, MutateEnum,
    MutateSequence,       MutateIdentityKind, MutateComment, MutateAddTable, MutateDropTable,
    MutateTableStorage,   MutateConstraintFlags, MutateColumnCollation, MutateIndexDefinition,
    MutateDomain,         MutateComposite,  MutateFunction,  MutateTrigger,  MutateView,
    MutateRange,          MutateCollation,  MutateAggregate, MutateEventTrigger, MutateViewTriggerOrRule,
    MutateExtension,      MutatePolicy,     MutatePrivileges};

// Literal of row `i` (0 or 1) for a column of this type.
std::string RowValue(const ir::Database& db, const TypeRef& type, int i) {
  std::string n = std::to_string(i + 1);
  switch (KindOf(type)) {
    case Kind::Int2:
    case Kind::Int4:
    case Kind::Int8: return n;
    case Kind::Numeric: return n + ".5";
    case Kind::Text:
    case Kind::Varchar: return "'r" + n + "'";
    case Kind::Bool: return i == 0 ? "true" : "false";
    case Kind::Timestamptz: return "'2024-01-0" + n + " 00:00:00+00'";
    case Kind::Date: return "'2024-01-0" + n + "'";
    case Kind::Uuid: return "'00000000-0000-0000-0000-00000000000" + n + "'";
    case Kind::Jsonb: return "'{\"k\": " + n + "}'";
    case Kind::Bytea: return "'\\x0" + n + "'";
    case Kind::Int4Array: return "'{" + n + "}'";
    case Kind::TextArray: return "'{r" + n + "}'";
    case Kind::Bpchar: return "'r" + n + "'";
    case Kind::Timestamp: return "'2024-01-0" + n + " 00:00:00'";
    case Kind::Time: return "'0" + n + ":00:00'";
    case Kind::Inet: return "'10.0.0." + n + "'";
    case Kind::Enum: return emit::QuoteLiteral(db.enums.at(QualifiedName{type.schema, type.name}).values.front());
    case Kind::Domain: return RowValue(db, BaseType(db, type), i);
    case Kind::Range: return "'[" + n + ",9)'";
  }
  throw std::logic_error("unknown kind");
}

// PostgreSQL refuses a foreign key from a permanent table to an unlogged one; a mutation that
// toggles UNLOGGED may create one, which goes.
void DropForeignKeysToUnlogged(ir::Database& db) {
  for (auto& [name, t] : db.tables) {
    std::erase_if(t.constraints, [&](const auto& kv) {
      const ir::Constraint& c = kv.second;
      if (c.kind != ConstraintKind::ForeignKey || t.unlogged || c.ref_table == name) return false;
      auto ref = db.tables.find(c.ref_table);
      return ref != db.tables.end() && ref->second.unlogged;
    });
  }
}

// --- privileges ---------------------------------------------------------------------------------

const std::vector<std::string>& PrivilegesOf(char kind) {
  static const std::vector<std::string> table = {"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES",
                                                 "TRIGGER"};
  static const std::vector<std::string> column = {"SELECT", "INSERT", "UPDATE", "REFERENCES"};
  static const std::vector<std::string> sequence = {"USAGE", "SELECT", "UPDATE"};
  static const std::vector<std::string> schema = {"USAGE", "CREATE"};
  static const std::vector<std::string> routine = {"EXECUTE"};
  static const std::vector<std::string> type = {"USAGE"};
  switch (kind) {
    case 'c': return column;
    case 's': return sequence;
    case 'n': return schema;
    case 'f': return routine;
    case 'T': return type;
    default: return table;
  }
}

// A random object of the state that privileges may be granted on (none when there is none).
std::optional<ir::PrivilegeTarget> PickPrivilegeTarget(const ir::Database& db) {
  std::vector<ir::PrivilegeTarget> all;
  for (const auto& [q, t] : db.tables) {
    if (InPartitionGroup(t)) continue;
    all.push_back({'r', q.schema, q.name, ""});
    if (!t.columns.empty()) all.push_back({'c', q.schema, q.name, t.columns[Between<std::size_t>(0, t.columns.size())].name});
  }
  for (const auto& [q, v] : db.views) all.push_back({'r', q.schema, q.name, ""});
  for (const auto& [q, s] : db.sequences) all.push_back({'s', q.schema, q.name, ""});
  for (const auto& [k, fn] : db.functions) all.push_back({'f', k.schema, k.name, ""});
  for (const auto& [q, e] : db.enums) all.push_back({'T', q.schema, q.name, ""});
  for (const auto& [q, d] : db.domains) all.push_back({'T', q.schema, q.name, ""});
  for (const auto& [name, s] : db.schemas) all.push_back({'n', name, "", ""});
  if (all.empty()) return std::nullopt;
  return Pick(all);
}

// Grants, revokes, or flips the grant option of, one privilege of kind `kind` to PUBLIC or a test
// role in `list` (PUBLIC never gets a grant option: PostgreSQL refuses); sorted after.
void ToggleGrant(std::vector<ir::Grant>& list, char kind) {
  std::string grantee = Pick<std::string>("", kPolicyRoles[0], kPolicyRoles[1]);
  std::string privilege = Pick(PrivilegesOf(kind));
  auto held = std::find_if(list.begin(), list.end(),
                           [&](const ir::Grant& g) { return g.grantee == grantee && g.privilege == privilege; });
  if (held == list.end()) {
    list.push_back(ir::Grant{grantee, privilege, !grantee.empty() && Between(0, 3) == 0});
  } else if (!grantee.empty() && Between(0, 2) == 0) {
    held->grant_option = !held->grant_option;
  } else {
    list.erase(held);
  }
  std::sort(list.begin(), list.end());
}

// Grants or revokes one privilege of `target`.
void ChangePrivilege(ir::Database& db, const ir::PrivilegeTarget& target) {
  auto it = db.privileges.find(target);
  std::vector<ir::Grant> list = it != db.privileges.end() ? it->second : ir::DefaultPrivileges(target);
  ToggleGrant(list, target.kind);
  if (list == ir::DefaultPrivileges(target)) {
    db.privileges.erase(target);
  } else {
    db.privileges[target] = list;
  }
}

// Grants or revokes one privilege in an ALTER DEFAULT PRIVILEGES entry of the role that runs the
// plan, global or of a schema, on tables, routines, types or schemas. (Not on sequences: identity
// sequences would get them, whose privileges are not modelled.)
void ChangeDefaultPrivilege(ir::Database& db) {
  char kind = Pick<char>('r', 'f', 'T', 'n');
  std::string schema;
  if (kind != 'n' && Between(0, 2) == 0) schema = PickKey(db.schemas);
  ir::DefaultPrivilegeKey key{"", schema, kind};
  auto it = db.default_privileges.find(key);
  std::vector<ir::Grant> list = it != db.default_privileges.end() ? it->second : ir::BuiltinDefaultPrivileges(key);
  ToggleGrant(list, kind);
  if (list == ir::BuiltinDefaultPrivileges(key)) {
    db.default_privileges.erase(key);
  } else {
    db.default_privileges[key] = list;
  }
}

void GenPrivileges(ir::Database& db, const Features& f) {
  if (!f.privileges || Between(0, 3) != 0) return;
  int n = Between(1, 5);
  for (int i = 0; i < n; ++i) {
    if (Between(0, 3) == 0) {
      ChangeDefaultPrivilege(db);
    } else if (auto target = PickPrivilegeTarget(db)) {
      ChangePrivilege(db, *target);
    }
  }
}

void MutatePrivileges(ir::Database& db, [[maybe_unused]] const ir::Database& a, const Features& f) {
  if (!f.privileges) return;
  if (Between(0, 3) == 0) {
    ChangeDefaultPrivilege(db);
  } else if (!db.privileges.empty() && Between(0, 2) == 0) {
    ChangePrivilege(db, PickKey(db.privileges));
  } else if (auto target = PickPrivilegeTarget(db)) {
    ChangePrivilege(db, *target);
  }
}

// --- partitioned tables -----------------------------------------------------------------------
//
// A group: a parent `parted_<n>` (id bigint NOT NULL, k (int for RANGE and HASH, text for LIST)
// NOT NULL, v text) partitioned by k, with partitions `parted_<n>_<m>`. RANGE partitions cover
// [10 s, 10 e) for slots s < e in 0..7; LIST partitions hold letters; RANGE and LIST groups always
// have a DEFAULT partition `parted_<n>_d`, which mutations never touch and where every row goes
// (k = -1 / 'zz': no other partition ever covers it); HASH groups have modulus 2, remainders 0
// and 1, which stay. The IR is the canonical one: partitions list the parent's columns and their
// attached copies of its keys and indexes.

}  // namespace

bool InPartitionGroup(const ir::Table& table) { return table.partition_key || table.partition_of || table.foreign; }

namespace {

// The partitions of `parent` in `db`, by name.
std::vector<QualifiedName> PartitionsOf(const ir::Database& db, const QualifiedName& parent) {
  std::vector<QualifiedName> out;
  for (const auto& [qn, t] : db.tables) {
    if (t.partition_of && t.partition_of->parent == parent) out.push_back(qn);
  }
  return out;
}

// Whether the partition key of `parent` is a timestamptz column (slot i is month i + 1 of 2024,
// a bound PostgreSQL prints with the time zone of the session: introspection reads it in UTC,
// and the SQL front end leaves it to the scratch database).
bool TimeKey(const ir::Database& db, const QualifiedName& parent) {
  const ir::Column* k = db.tables.at(parent).FindColumn("k");
  return k != nullptr && k->type.name == "timestamptz";
}

std::string RangeBound(int from, int to, bool time) {
  if (time) {
    return fmt::format("FOR VALUES FROM ('2024-{:02}-01 00:00:00+00') TO ('2024-{:02}-01 00:00:00+00')", from + 1,
                       to + 1);
  }
  return "FOR VALUES FROM (" + std::to_string(10 * from) + ") TO (" + std::to_string(10 * to) + ")";
}

// The slots [s, e) a RANGE bound covers; {0, 0} for other bounds.
std::pair<int, int> RangeSlots(const std::string& bound) {
  int from = 0, to = 0;
  if (std::sscanf(bound.c_str(), "FOR VALUES FROM ('2024-%d-01 00:00:00+00') TO ('2024-%d-01 00:00:00+00')", &from,
                  &to) == 2) {
    return {from - 1, to - 1};
  }
  if (std::sscanf(bound.c_str(), "FOR VALUES FROM (%d) TO (%d)", &from, &to) != 2) return {0, 0};
  return {from / 10, to / 10};
}

const std::vector<std::string> kListValues = {"a", "b", "c", "d", "e", "f"};

// The letters of a LIST bound.
std::vector<std::string> ListValues(const std::string& bound) {
  std::vector<std::string> out;
  for (const std::string& v : kListValues) {
    if (bound.find("'" + v + "'") != std::string::npos) out.push_back(v);
  }
  return out;
}

std::string ListBound(const std::vector<std::string>& values) {
  std::string out = "FOR VALUES IN (";
  for (std::size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + emit::QuoteLiteral(values[i]);
  return out + ")";
}

// Slots (RANGE) or letters (LIST) no partition of `parent` covers.
std::vector<int> FreeSlots(const ir::Database& db, const QualifiedName& parent) {
  std::vector<bool> used(8, false);
  for (const QualifiedName& qn : PartitionsOf(db, parent)) {
    auto [s, e] = RangeSlots(db.tables.at(qn).partition_of->bound);
    for (int i = s; i < e && i < 8; ++i) used[i] = true;
  }
  std::vector<int> out;
  for (int i = 0; i < 8; ++i) if (!used[i]) out.push_back(i);
  return out;
}

std::vector<std::string> FreeLetters(const ir::Database& db, const QualifiedName& parent) {
  std::set<std::string> used;
  for (const QualifiedName& qn : PartitionsOf(db, parent)) {
    for (const std::string& v : ListValues(db.tables.at(qn).partition_of->bound)) used.insert(v);
  }
  std::vector<std::string> out;
  for (const std::string& v : kListValues) if (!used.count(v)) out.push_back(v);
  return out;
}

// A partition of `parent` named `name` with `bound`: the parent's columns and attached copies of
// its keys and indexes (named as a user would, free in the state).
void AddPartition(ir::Database& db, const QualifiedName& parent_name, const std::string& name,
                  const std::string& bound, const Features& f) {
  const ir::Table& parent = db.tables.at(parent_name);
  ir::Table t;
  t.name = {parent.name.schema, name};
  for (const ir::Column& c : parent.columns) t.columns.push_back(ir::InheritedColumn(c));
  t.partition_of = ir::PartitionOf{parent.name, bound};
  t.comment = GenComment(f, 4);
  // The copy of a NOT VALID CHECK is valid on a partition created after it, or validated there.
  for (const auto& [kname, k] : parent.constraints) {
    if (k.kind == ConstraintKind::Check && !k.validated && Between(0, 2) == 0) t.valid_check_copies.insert(kname);
  }
  ir::Table parent_copy = parent;
  db.tables[t.name] = t;
  ir::Table& stored = db.tables.at(t.name);
  for (const auto& [kname, k] : parent_copy.constraints) {
    if (k.kind != ConstraintKind::PrimaryKey && k.kind != ConstraintKind::Unique) continue;
    ir::Constraint c = k;
    c.comment.reset();
    c.name = FreshName(db, name + "_key");
    c.parent_index = kname;
    stored.constraints[c.name] = c;
  }
  for (const auto& [iname, ix] : parent_copy.indexes) {
    ir::Index c = ix;
    c.comment.reset();
    c.name = FreshName(db, name + "_ix");
    c.parent_index = iname;
    stored.indexes[c.name] = c;
  }
}

// An index of the parent over (v) or (v, id), or lower(v), with its attached copies.
void AddParentIndex(ir::Database& db, const QualifiedName& parent_name, const Features& f) {
  ir::Table& parent = db.tables.at(parent_name);
  ir::Index ix;
  ix.name = FreshName(db, parent_name.name + "_ix");
  ix.method = "btree";
  int shape = Between(0, 3);
  if (shape == 2 && f.expression_indexes) {
    ix.elements.push_back(ir::IndexElement{.expression = ir::Expr{"lower(v)"}});
  } else {
    ix.elements.push_back(ir::IndexElement{.column = std::string("v")});
    if (shape == 1) ix.elements.push_back(ir::IndexElement{.column = std::string("id"), .descending = true,
                                                           .nulls_first = true});
  }
  ix.comment = GenComment(f, 4);
  std::string parent_index = ix.name;
  parent.indexes[ix.name] = ix;
  for (const QualifiedName& qn : PartitionsOf(db, parent_name)) {
    ir::Index c = ix;
    c.comment.reset();
    c.name = FreshName(db, qn.name + "_ix");
    c.parent_index = parent_index;
    db.tables.at(qn).indexes[c.name] = c;
  }
}

void GenPartitionGroup(ir::Database& db, const Features& f) {
  std::string schema = SchemaOf(db);
  QualifiedName name{schema, FreshName(db, "parted_")};
  ir::Table parent;
  parent.name = name;
  char strategy = Pick<char>('r', 'l', 'h');
  parent.columns.push_back(ir::Column{.name = "id", .type = {"pg_catalog", "int8", "", false}, .not_null = true});
  const char* key_type = strategy == 'l' ? "text" : strategy == 'r' && Between(0, 2) == 0 ? "timestamptz" : "int4";
  parent.columns.push_back(ir::Column{.name = "k", .type = {"pg_catalog", key_type, "", false}, .not_null = true});
  parent.columns.push_back(ir::Column{.name = "v", .type = {"pg_catalog", "text", "", false}});
  if (f.defaults && Between(0, 2) == 0) parent.columns.back().default_expr = ir::Expr{"'none'::text"};
  parent.partition_key = ir::PartitionKey{strategy, {ir::IndexElement{.column = std::string("k")}}};
  if (Between(0, 2) == 0) {
    ir::Constraint pk;
    pk.kind = ConstraintKind::PrimaryKey;
    pk.name = name.name + "_pkey";
    pk.columns = {"k", "id"};
    parent.constraints[pk.name] = pk;
  }
  if (f.checks && Between(0, 2) == 0) {
    ir::Constraint c;
    c.kind = ConstraintKind::Check;
    c.name = name.name + "_id_check";
    c.check = ir::Expr{"id > 0"};
    c.validated = Between(0, 2) == 0;
    parent.constraints[c.name] = c;
  }
  parent.comment = GenComment(f, 4);
  db.tables[name] = parent;
  if (f.indexes && Between(0, 2) == 0) AddParentIndex(db, name, f);
  if (strategy == 'h') {
    AddPartition(db, name, name.name + "_h0", "FOR VALUES WITH (modulus 2, remainder 0)", f);
    AddPartition(db, name, name.name + "_h1", "FOR VALUES WITH (modulus 2, remainder 1)", f);
    return;
  }
  AddPartition(db, name, name.name + "_d", "DEFAULT", f);
  int n = Between(1, 4);
  for (int i = 0; i < n; ++i) {
    std::string pname = FreshName(db, name.name + "_p");
    if (strategy == 'r') {
      std::vector<int> free = FreeSlots(db, name);
      if (free.empty()) break;
      int s = Pick(free);
      AddPartition(db, name, pname, RangeBound(s, s + 1, TimeKey(db, name)), f);
    } else {
      std::vector<std::string> free = FreeLetters(db, name);
      if (free.empty()) break;
      AddPartition(db, name, pname, ListBound({Pick(free)}), f);
    }
  }
}

// Partitions of `parent` that mutations may move, drop or detach (not the DEFAULT one, not HASH).
std::vector<QualifiedName> MovablePartitions(const ir::Database& db, const QualifiedName& parent) {
  std::vector<QualifiedName> out;
  for (const QualifiedName& qn : PartitionsOf(db, parent)) {
    const std::string& bound = db.tables.at(qn).partition_of->bound;
    if (bound != "DEFAULT" && bound.rfind("FOR VALUES WITH", 0) != 0) out.push_back(qn);
  }
  return out;
}

// ---- foreign data: wrappers without a handler, servers, user mappings for PUBLIC, foreign tables ----

const std::vector<std::string> kFdwOptionNames = {"host", "dbname", "port", "fetch_size", "updatable"};

ir::FdwOptions GenFdwOptions(int max) {
  ir::FdwOptions out;
  int n = Between(0, max + 1);
  for (int i = 0; i < n; ++i) out[Pick(kFdwOptionNames)] = Pick<std::string>("a", "b b", "x'y", "10");
  return out;
}

void AddForeignTable(ir::Database& db, const std::string& server, const Features& f) {
  ir::Table t;
  t.name = {SchemaOf(db), FreshName(db, "remote_")};
  t.columns.push_back(ir::Column{.name = "id", .type = {"pg_catalog", "int8", "", false}, .not_null = Between(0, 2) == 0});
  ir::Column v{.name = "v", .type = {"pg_catalog", "text", "", false}};
  if (Between(0, 2) == 0) v.fdw_options["column_name"] = "remote_v";
  t.columns.push_back(v);
  t.foreign = ir::ForeignTableOf{server, {}};
  if (Between(0, 2) == 0) t.foreign->options["table_name"] = t.name.name + "_src";
  t.comment = GenComment(f, 4);
  db.tables[t.name] = t;
}

void GenForeign(ir::Database& db, const Features& f) {
  ir::ForeignDataWrapper w;
  w.name = FreshName(db, "gen_fdw");
  if (db.foreign_data_wrappers.count(w.name)) return;
  w.options = GenFdwOptions(1);
  w.comment = GenComment(f, 4);
  db.foreign_data_wrappers[w.name] = w;
  int servers = Between(1, 3);
  for (int i = 0; i < servers; ++i) {
    ir::ForeignServer s;
    s.name = FreshName(db, "gen_srv");
    if (db.foreign_servers.count(s.name)) s.name += std::to_string(i);
    s.wrapper = w.name;
    if (Between(0, 2) == 0) s.type = "remote";
    if (Between(0, 2) == 0) s.version = "1.0";
    s.options = GenFdwOptions(2);
    s.comment = GenComment(f, 4);
    s.deps.keys = {ir::WrapperKey(w.name)};
    db.foreign_servers[s.name] = s;
    if (Between(0, 2) == 0) {
      ir::UserMapping m{.server = s.name, .user = "", .options = {{"user", "reader"}}};
      m.deps.keys = {ir::ServerKey(s.name)};
      db.user_mappings[{s.name, ""}] = m;
    }
    if (Between(0, 2) == 0) AddForeignTable(db, s.name, f);
  }
}

void MutateForeign(ir::Database& db, const Features& f) {
  if (db.foreign_servers.empty()) {
    GenForeign(db, f);
    return;
  }
  std::string server = PickKey(db.foreign_servers);
  std::vector<QualifiedName> tables;
  for (const auto& [qn, t] : db.tables) if (t.foreign) tables.push_back(qn);
  switch (Uniform(0, 7)) {
    case 0: db.foreign_servers.at(server).options = GenFdwOptions(2); break;
    case 1: {  // the wrapper's options
      ir::ForeignDataWrapper& w = db.foreign_data_wrappers.at(db.foreign_servers.at(server).wrapper);
      w.options = GenFdwOptions(1);
      break;
    }
    case 2: {  // a user mapping added, changed or dropped
      auto key = std::make_pair(server, std::string());
      auto it = db.user_mappings.find(key);
      if (it == db.user_mappings.end()) {
        ir::UserMapping m{.server = server, .user = "", .options = {{"user", "reader"}}};
        m.deps.keys = {ir::ServerKey(server)};
        db.user_mappings[key] = m;
      } else if (Between(0, 2) == 0) {
        it->second.options["user"] = it->second.options["user"] == "reader" ? "writer" : "reader";
      } else {
        db.user_mappings.erase(it);
      }
      break;
    }
    case 3: AddForeignTable(db, server, f); break;
    case 4:
      if (!tables.empty()) db.tables.erase(Pick(tables));
      break;
    case 5: {  // a foreign table's options, or a column's
      if (tables.empty()) break;
      ir::Table& t = db.tables.at(Pick(tables));
      if (Between(0, 2) == 0) {
        auto& o = t.foreign->options;
        if (o.count("table_name")) o.erase("table_name"); else o["table_name"] = "moved";
      } else {
        auto& o = t.columns.back().fdw_options;
        if (o.count("column_name")) o.erase("column_name"); else o["column_name"] = "renamed_v";
      }
      break;
    }
    case 6: {  // a column added to a foreign table
      if (tables.empty()) break;
      ir::Table& t = db.tables.at(Pick(tables));
      ir::Column c{.name = FreshColumnName(t), .type = {"pg_catalog", "int4", "", false}};
      t.columns.push_back(c);
      break;
    }
    case 7: {  // a server dropped with its mappings and foreign tables, or a comment changed
      if (Between(0, 2) == 0) {
        db.foreign_servers.at(server).comment = GenComment(f, 2);
        break;
      }
      for (const QualifiedName& qn : tables) {
        if (db.tables.at(qn).foreign->server == server) db.tables.erase(qn);
      }
      db.user_mappings.erase({server, ""});
      db.foreign_servers.erase(server);
      break;
    }
  }
}

void MutatePartitions(ir::Database& db, const Features& f) {
  std::vector<QualifiedName> parents;
  for (const auto& [qn, t] : db.tables) if (t.partition_key) parents.push_back(qn);
  if (parents.empty()) {
    GenPartitionGroup(db, f);
    return;
  }
  QualifiedName parent = Pick(parents);
  char strategy = db.tables.at(parent).partition_key->strategy;
  std::vector<QualifiedName> movable = MovablePartitions(db, parent);
  switch (Uniform(0, 10)) {
    case 0: {  // a new partition
      if (strategy == 'h') break;
      std::string pname = FreshName(db, parent.name + "_p");
      if (strategy == 'r') {
        std::vector<int> free = FreeSlots(db, parent);
        if (!free.empty()) {
          AddPartition(db, parent, pname, RangeBound(free.front(), free.front() + 1, TimeKey(db, parent)), f);
        }
      } else {
        std::vector<std::string> free = FreeLetters(db, parent);
        if (!free.empty()) AddPartition(db, parent, pname, ListBound({Pick(free)}), f);
      }
      break;
    }
    case 1:  // a partition dropped
      if (!movable.empty()) db.tables.erase(Pick(movable));
      break;
    case 2: {  // a bound moves: a RANGE partition grows over the next free slot, a LIST one gains a letter
      if (movable.empty()) break;
      ir::Table& t = db.tables.at(Pick(movable));
      if (strategy == 'r') {
        auto [s, e] = RangeSlots(t.partition_of->bound);
        std::vector<int> free = FreeSlots(db, parent);
        if (std::count(free.begin(), free.end(), e)) {
          t.partition_of->bound = RangeBound(s, e + 1, TimeKey(db, parent));
        } else if (s > 0 && std::count(free.begin(), free.end(), s - 1)) {
          t.partition_of->bound = RangeBound(s - 1, e, TimeKey(db, parent));
        } else if (e - s > 1) {
          t.partition_of->bound = RangeBound(s, e - 1, TimeKey(db, parent));
        }
      } else {
        std::vector<std::string> values = ListValues(t.partition_of->bound);
        std::vector<std::string> free = FreeLetters(db, parent);
        if (!free.empty()) {
          values.push_back(Pick(free));
          std::sort(values.begin(), values.end());
          // PostgreSQL keeps the values in the order written; the rendering writes these.
          t.partition_of->bound = ListBound(values);
        }
      }
      break;
    }
    case 3: {  // a partition detached: it keeps the parent's CHECKs as its own
      if (movable.empty()) break;
      ir::Table& t = db.tables.at(Pick(movable));
      for (const auto& [kname, k] : db.tables.at(parent).constraints) {
        if (k.kind != ConstraintKind::Check) continue;
        ir::Constraint c = k;
        c.comment.reset();
        c.validated = k.validated || t.valid_check_copies.count(kname) > 0;
        t.constraints[kname] = c;
      }
      for (auto& [kname, k] : t.constraints) k.parent_index.clear();
      for (auto& [iname, ix] : t.indexes) ix.parent_index.clear();
      t.valid_check_copies.clear();
      t.partition_of.reset();
      break;
    }
    case 4:  // an index of the parent
      if (f.indexes) AddParentIndex(db, parent, f);
      break;
    case 5: {  // an index of the parent dropped, with the partitions' indexes attached to it
      ir::Table& p = db.tables.at(parent);
      if (p.indexes.empty()) break;
      std::string iname = PickKey(p.indexes);
      p.indexes.erase(iname);
      for (const QualifiedName& qn : PartitionsOf(db, parent)) {
        std::erase_if(db.tables.at(qn).indexes, [&](const auto& kv) { return kv.second.parent_index == iname; });
      }
      break;
    }
    case 6: {  // a column of the parent (PostgreSQL adds it to every partition)
      ir::Table& p = db.tables.at(parent);
      std::string col = FreshColumnName(p);
      ir::Column c{.name = col, .type = {"pg_catalog", "int4", "", false}};
      if (f.defaults && Between(0, 2) == 0) c.default_expr = ir::Expr{"0"};
      p.columns.push_back(c);
      for (const QualifiedName& qn : PartitionsOf(db, parent)) db.tables.at(qn).columns.push_back(c);
      break;
    }
    case 7: {  // a partition's own index, over (id, v): never equal to one of the parent's
      std::vector<QualifiedName> all = PartitionsOf(db, parent);
      if (all.empty()) break;
      QualifiedName qn = Pick(all);
      ir::Index ix;
      ix.name = FreshName(db, qn.name + "_own");
      ix.elements = {ir::IndexElement{.column = std::string("id")}, ir::IndexElement{.column = std::string("v")}};
      db.tables.at(qn).indexes[ix.name] = ix;
      break;
    }
    case 8: {  // the partitioned table made a plain one, its partitions dropped (their rows copied into it)
      std::vector<QualifiedName> tree{parent};
      for (std::size_t i = 0; i < tree.size(); ++i) {
        for (const QualifiedName& qn : PartitionsOf(db, tree[i])) tree.push_back(qn);
      }
      for (std::size_t i = 1; i < tree.size(); ++i) db.tables.erase(tree[i]);
      db.tables.at(parent).partition_key.reset();
      break;
    }
    case 9: {  // a partition's copy of a NOT VALID CHECK validated, or made NOT VALID again
      std::vector<QualifiedName> all = PartitionsOf(db, parent);
      std::vector<std::string> checks;
      for (const auto& [kname, k] : db.tables.at(parent).constraints) {
        if (k.kind == ConstraintKind::Check && !k.validated) checks.push_back(kname);
      }
      if (all.empty() || checks.empty()) break;
      std::set<std::string>& copies = db.tables.at(Pick(all)).valid_check_copies;
      std::string check = Pick(checks);
      if (!copies.erase(check)) copies.insert(check);
      break;
    }
  }
}

}  // namespace

Features DefaultFeatures() {
  // Every feature is on. A known schemac bug is avoided inside the generators rather than by
  // turning a whole feature off:
  // - "expression key collation parity" (P3): no lower(c) key over a column with COLLATE "C"
  //   (AddIndex, MutateColumnCollation).
  Features f;
  return f;
}

ir::Database EmptyDatabase() {
  ir::Database db;
  db.schemas["public"] = ir::Schema{.name = "public", .comment = sql::kPublicSchemaComment};
  return db;
}

rc::Gen<ir::Database> GenDatabase(const Features& f) {
  return rc::gen::exec([f] {
    ir::Database db = EmptyDatabase();
    if (f.extra_schema && Between(0, 3) == 0) {
      std::string name = Pick(kSchemaNames);
      db.schemas[name] = ir::Schema{.name = name, .comment = GenComment(f, 3)};
    }
    if (f.enums && Between(0, 3) == 0) {
      ir::EnumType e;
      e.name = {SchemaOf(db), Pick(kEnumNames)};
      int n = Between(1, 5);
      for (int i = 0; i < n; ++i) {
        std::string v = Pick(kEnumValues);
        if (!std::count(e.values.begin(), e.values.end(), v)) e.values.push_back(v);
      }
      e.comment = GenComment(f, 4);
      db.enums[e.name] = e;
    }
    if (f.sequences && Between(0, 4) == 0) {
      ir::Sequence s;
      s.name = {SchemaOf(db), Pick<std::string>("seq_a", "Seq B")};
      s.options = GenSequenceOptions(
          TypeRef{"pg_catalog", Pick<std::string>("int2", "int4", "int8"), "", false});
      s.comment = GenComment(f, 4);
      db.sequences[s.name] = s;
    }
    GenObjectsBeforeTables(db, f);
    int ntables = Between(1, 5);
    for (int i = 0; i < ntables; ++i) GenTable(db, GenNewTableName(db), f);
    if (f.foreign_keys) {
      std::vector<QualifiedName> names;
      for (const auto& [qn, t] : db.tables) names.push_back(qn);
      for (const QualifiedName& qn : names) {
        if (Between(0, 3) == 0) AddForeignKey(db, qn, f);
      }
    }
    DropForeignKeysToUnlogged(db);
    GenObjectsAfterTables(db, f);
    KeepPopulationValid(db);
    if (f.partitions && Between(0, 2) == 0) GenPartitionGroup(db, f);
    if (f.foreign_data && Between(0, 4) == 0) GenForeign(db, f);
    ir::NormalizeCheckCopies(db);
    return db;
  });
}

// The rows inserted into a table of `a` are distinct in every column of `a`, but a column that is
// new in `b` holds its default (or NULL) in every row, so a UNIQUE or PRIMARY KEY (constraint or
// unique index) of `b` over such a column would fail on duplicates: a change whose data migration
// is undefined, which the pair generator must not produce.
void DropKeysOverNewColumns(StatePair& p) {
  for (auto& [name, t] : p.b.tables) {
    auto old = p.a.tables.find(name);
    if (old == p.a.tables.end()) continue;
    auto is_new = [&](const std::string& column) { return old->second.FindColumn(column) == nullptr; };
    std::vector<std::vector<std::string>> dropped;
    std::erase_if(t.constraints, [&](const auto& kv) {
      const ir::Constraint& c = kv.second;
      if (c.kind != ConstraintKind::PrimaryKey && c.kind != ConstraintKind::Unique) return false;
      bool drop = std::any_of(c.columns.begin(), c.columns.end(), is_new);
      if (drop) dropped.push_back(c.columns);
      return drop;
    });
    // Foreign keys that referenced a dropped key go with it.
    for (auto& [other_name, other] : p.b.tables) {
      std::erase_if(other.constraints, [&](const auto& kv) {
        const ir::Constraint& c = kv.second;
        return c.kind == ConstraintKind::ForeignKey && c.ref_table == name &&
               std::find(dropped.begin(), dropped.end(), c.ref_columns) != dropped.end();
      });
    }
    std::erase_if(t.indexes, [&](const auto& kv) {
      const ir::Index& ix = kv.second;
      if (!ix.unique) return false;
      return std::any_of(ix.elements.begin(), ix.elements.end(),
                         [&](const ir::IndexElement& e) { return !e.column || is_new(*e.column); });
    });
  }
}

// A column new in b holds its default in every existing row: a CHECK of b over it could fail
// on them (DEFAULT 0 with CHECK (n > 0)), a change whose data migration is undefined.
void DropChecksOverNewDefaults(StatePair& p) {
  for (auto& [name, t] : p.b.tables) {
    auto old = p.a.tables.find(name);
    if (old == p.a.tables.end()) continue;
    std::erase_if(t.constraints, [&](const auto& kv) {
      const ir::Constraint& c = kv.second;
      if (c.kind != ConstraintKind::Check) return false;
      for (const ir::Column& col : t.columns) {
        if (!old->second.FindColumn(col.name) && col.default_expr && ExprMentions(c.check, col.name)) return true;
      }
      return false;
    });
  }
}

rc::Gen<StatePair> GenStatePair(const Features& f) {
  return rc::gen::exec([f] {
    StatePair p;
    p.a = *GenDatabase(f);
    // The partition groups are mutated on their own: set apart while the other mutations run.
    ir::Database group;
    ir::Database a_rest = p.a;
    for (auto it = a_rest.tables.begin(); it != a_rest.tables.end();) {
      if (InPartitionGroup(it->second)) {
        group.tables.insert(*it);
        it = a_rest.tables.erase(it);
      } else {
        ++it;
      }
    }
    p.b = a_rest;
    int n = Between(1, 4);
    for (int i = 0; i < n; ++i) {
      // A mutation may find nothing to change (no enum, no droppable column): try another.
      ir::Database before = p.b;
      for (int attempt = 0; attempt < 8 && p.b == before; ++attempt) {
        kMutations[Uniform<std::size_t>(0, kMutations.size())](p.b, a_rest, f);
      }
    }
    if (f.partitions && Between(0, 2) == 0) {
      // Only the groups change (names are chosen free in the whole state).
      p.b.tables.insert(group.tables.begin(), group.tables.end());
      int m = Between(1, 3);
      for (int i = 0; i < m; ++i) MutatePartitions(p.b, f);
    } else {
      p.b.tables.insert(group.tables.begin(), group.tables.end());
    }
    if (f.foreign_data && Between(0, 3) == 0) MutateForeign(p.b, f);
    DropKeysOverNewColumns(p);
    DropChecksOverNewDefaults(p);
    DropForeignKeysToUnlogged(p.b);
    KeepPopulationValid(p.b);
    ir::NormalizeCheckCopies(p.b);
    return p;
  });
}

std::string RenderDatabase(const ir::Database& db) {
  ir::Diagnostics diags;
  emit::PlanPair plans = emit::BuildPlans(EmptyDatabase(), db, emit::PlanOptions{}, diags);
  if (diags.HasErrors()) {
    std::string message = "planning the generated state failed:";
    for (const ir::Diagnostic& d : diags.items()) message += "\n" + ir::FormatDiagnostic(d, nullptr);
    throw std::runtime_error(message);
  }
  return emit::RenderSql(plans.forward);
}

std::vector<std::string> RowsFor(const ir::Database& db, const ir::Table& table) {
  if (HasForeignKey(table) || table.foreign) return {};  // a foreign table has nowhere to put rows
  // A partition group gets its rows through the parent, with a key no bound but DEFAULT covers
  // (any key for HASH).
  if (table.partition_of) return {};
  if (table.partition_key) {
    std::vector<std::string> out;
    bool list = table.partition_key->strategy == 'l';
    bool time = TimeKey(db, table.name);
    std::string key = list ? "'zz'" : time ? "'2000-01-01 00:00:00+00'" : "-1";
    for (int i = 0; i < 2; ++i) {
      out.push_back("INSERT INTO " + emit::QuoteQualified(table.name) + " (id, k, v) VALUES (" + std::to_string(i + 1) +
                    ", " + key + ", 'r" + std::to_string(i + 1) + "');");
    }
    return out;
  }
  std::vector<const ir::Column*> cols = ColumnsWhere(table, [](const ir::Column& c) { return IsPlain(c); });
  std::vector<std::string> out;
  for (int i = 0; i < 2; ++i) {
    std::string sql = "INSERT INTO " + emit::QuoteQualified(table.name);
    if (cols.empty()) {
      sql += " DEFAULT VALUES;";
    } else {
      std::string names, values;
      for (const ir::Column* c : cols) {
        names += (names.empty() ? "" : ", ") + Q(c->name);
        values += (values.empty() ? "" : ", ") + RowValue(db, c->type, i);
      }
      sql += " (" + names + ") VALUES (" + values + ");";
    }
    out.push_back(sql);
  }
  return out;
}

void showValue(const StatePair& pair, std::ostream& os) {
  os << "\n-- state a:\n";
  ir::showValue(pair.a, os);
  os << "\n-- state b:\n";
  ir::showValue(pair.b, os);
}

}  // namespace schemac::property

namespace schemac::ir {
void showValue(const Database& db, std::ostream& os) {
  try {
    os << property::RenderDatabase(db);
  } catch (const std::exception& e) {
    os << e.what() << "\n" << DebugPrint(db);
  }
}
}  // namespace schemac::ir
