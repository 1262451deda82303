#include "tests/property/generators.h"

#include <algorithm>
#include <set>
#include <stdexcept>

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

std::string Q(const std::string& name) { return emit::QuoteIdentifier(name); }

const QualifiedName kCollationC{"pg_catalog", "C"};

// --- types ----------------------------------------------------------------------------------

enum class Kind { Int2, Int4, Int8, Numeric, Text, Varchar, Bool, Timestamptz, Date, Uuid, Jsonb, Bytea,
                  Int4Array, TextArray, Enum, Bpchar, Timestamp, Time, Inet };

const std::vector<Kind> kBuiltinKinds = {Kind::Int2, Kind::Int4, Kind::Int8, Kind::Numeric, Kind::Text,
                                         Kind::Varchar, Kind::Bool, Kind::Timestamptz, Kind::Date, Kind::Uuid,
                                         Kind::Jsonb, Kind::Bytea, Kind::Int4Array, Kind::TextArray};
const std::vector<Kind> kMoreKinds = {Kind::Bpchar, Kind::Timestamp, Kind::Time, Kind::Inet};

Kind KindOf(const TypeRef& t) {
  if (t.array) return t.name == "int4" ? Kind::Int4Array : Kind::TextArray;
  if (t.schema != "pg_catalog") return Kind::Enum;
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
  return IsInteger(k) || k == Kind::Numeric || k == Kind::Text || k == Kind::Varchar || k == Kind::Date ||
         k == Kind::Uuid || k == Kind::Bpchar || k == Kind::Timestamp || k == Kind::Time || k == Kind::Inet;
}

// Kinds with a collation (COLLATE "C" applies).
bool IsTextual(Kind k) { return k == Kind::Text || k == Kind::Varchar || k == Kind::Bpchar; }

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
  }
  throw std::logic_error("unknown kind");
}

Kind GenKind(const ir::Database& db, const Features& f) {
  if (!db.enums.empty() && Between(0, 8) == 0) return Kind::Enum;
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

ir::Expr CheckFor(const ir::Column& c, const Features& f) {
  std::string col = Q(c.name);
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
  k.check = CheckFor(*c, f);
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
  if (f.column_collations && IsTextual(k) && Between(0, 5) == 0) c.collation = kCollationC;
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

template <typename Map>
auto PickKey(const Map& m) {
  std::vector<typename Map::key_type> keys;
  for (const auto& [k, v] : m) keys.push_back(k);
  return Pick(keys);
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
    return !c.generated && !used_by_generated &&
           (k == Kind::Int4 || k == Kind::Varchar || (k == Kind::Numeric && !c.type.modifiers.empty()));
  });
  if (cols.empty()) return;
  ir::Column& c = MutableColumn(t, (Pick(cols))->name);
  switch (KindOf(c.type)) {
    case Kind::Int4: c.type.name = "int8"; break;
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
    if (!cols.empty()) c.check = CheckFor(*Pick(cols), f);
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
  // Rows use the first value; defaults may use any, which then stays.
  std::vector<std::size_t> removable;
  for (std::size_t i = 1; i < e.values.size(); ++i) {
    std::string literal = emit::QuoteLiteral(e.values[i]) + "::";
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
    if (!referenced) droppable.push_back(qn);
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
  c.collation = c.collation ? std::nullopt : std::optional<QualifiedName>(kCollationC);
}

// Each mutation changes `db` (b, a copy of `a` being mutated) or leaves it alone when it finds
// nothing to change.
using Mutation = void (*)(ir::Database&, const ir::Database&, const Features&);
const std::vector<Mutation> kMutations = {
    MutateAddColumn,      MutateDropColumn, MutateWidenType, MutateDefault,  MutateNotNull,
    MutateAddConstraint,  MutateDropConstraint, MutateChangeConstraint, MutateIndex, MutateEnum,
    MutateSequence,       MutateIdentityKind, MutateComment, MutateAddTable, MutateDropTable,
    MutateTableStorage,   MutateConstraintFlags, MutateColumnCollation, MutateIndexDefinition};

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
    p.b = p.a;
    int n = Between(1, 4);
    for (int i = 0; i < n; ++i) {
      // A mutation may find nothing to change (no enum, no droppable column): try another.
      ir::Database before = p.b;
      for (int attempt = 0; attempt < 8 && p.b == before; ++attempt) {
        kMutations[Uniform<std::size_t>(0, kMutations.size())](p.b, p.a, f);
      }
    }
    DropKeysOverNewColumns(p);
    DropChecksOverNewDefaults(p);
    DropForeignKeysToUnlogged(p.b);
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
  if (HasForeignKey(table)) return {};
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
