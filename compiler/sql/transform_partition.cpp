// Declarative partitioning: PARTITION BY, CREATE TABLE ... PARTITION OF, ALTER TABLE ... ATTACH /
// DETACH PARTITION, ALTER INDEX ... ATTACH PARTITION, and what PostgreSQL does to partitions when
// their parent changes (indexes and keys cloned or attached, column changes recursing).
#include "compiler/sql/transform.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "compiler/ir/partition.h"
#include "compiler/sql/expr.h"
#include "compiler/sql/names.h"
#include "compiler/sql/transform_types.h"
#include "compiler/sql/types.h"

namespace schemac::sql {

namespace {

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

bool AllDigits(const std::string& s) {
  std::size_t i = s.size() > 0 && (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// A literal, possibly under casts and a unary sign: what PostgreSQL folds to one stored value
// whatever the session (a function call such as now() would be evaluated once, when the bound
// is created).
bool IsConstant(PgQuery__Node* node) {
  while (node) {
    if (node->node_case == PG_QUERY__NODE__NODE_TYPE_CAST) {
      node = node->type_cast->arg;
    } else if (node->node_case == PG_QUERY__NODE__NODE_A_EXPR && node->a_expr->lexpr == nullptr &&
               node->a_expr->n_name == 1 &&
               (StrVal(node->a_expr->name[0]) == "+" || StrVal(node->a_expr->name[0]) == "-")) {
      node = node->a_expr->rexpr;
    } else {
      return node->node_case == PG_QUERY__NODE__NODE_A_CONST;
    }
  }
  return false;
}

// One bound value as pg_get_expr prints it for a key of type `type` (constants print without a
// cast), or nullopt with `*why` set when the output function of the type would be needed.
std::optional<std::string> BoundValue(PgQuery__Node* node, const ir::TypeRef& type, std::string* why) {
  // A cast written on the literal (the type decides anyway), and a unary plus.
  while (node) {
    if (node->node_case == PG_QUERY__NODE__NODE_TYPE_CAST) {
      node = node->type_cast->arg;
    } else if (node->node_case == PG_QUERY__NODE__NODE_A_EXPR && node->a_expr->lexpr == nullptr &&
               node->a_expr->n_name == 1 && StrVal(node->a_expr->name[0]) == "+") {
      node = node->a_expr->rexpr;
    } else {
      break;
    }
  }
  if (!node || node->node_case != PG_QUERY__NODE__NODE_A_CONST) {
    *why = "a bound that is not a constant";
    return std::nullopt;
  }
  const PgQuery__AConst& c = *node->a_const;
  if (c.isnull) return std::string("NULL");
  std::string raw;
  switch (c.val_case) {
    case PG_QUERY__A__CONST__VAL_IVAL: raw = std::to_string(c.ival->ival); break;
    case PG_QUERY__A__CONST__VAL_FVAL: raw = c.fval->fval; break;
    case PG_QUERY__A__CONST__VAL_SVAL: raw = c.sval->sval; break;
    case PG_QUERY__A__CONST__VAL_BOOLVAL: raw = c.boolval->boolval ? "true" : "false"; break;
    default: *why = "a bit-string bound"; return std::nullopt;
  }
  const std::string& t = type.name;
  if (type.array) {
    *why = "an array partition key";
    return std::nullopt;
  }
  if (type.schema != "pg_catalog") return Quote(raw);  // enums and domains over text: the label
  if (t == "int2" || t == "int4" || t == "int8") {
    std::string v = raw;
    while (!v.empty() && v.back() == ' ') v.pop_back();
    while (!v.empty() && v.front() == ' ') v.erase(v.begin());
    if (!v.empty() && v[0] == '+') v.erase(v.begin());
    if (!AllDigits(v)) {
      *why = "an integer bound PostgreSQL would have to read";
      return std::nullopt;
    }
    bool negative = v[0] == '-';
    std::string digits = negative ? v.substr(1) : v;
    while (digits.size() > 1 && digits[0] == '0') digits.erase(digits.begin());
    std::string out = (negative && digits != "0" ? "-" : "") + digits;
    // ruleutils' get_const_expr prints a non-negative int4 bare, anything else quoted.
    return t == "int4" && out[0] != '-' ? out : Quote(out);
  }
  if (t == "numeric" && type.modifiers.empty()) {
    // numeric keeps the scale it is written with: only signs and leading zeros go.
    std::string v = raw;
    bool negative = !v.empty() && v[0] == '-';
    if (!v.empty() && (v[0] == '-' || v[0] == '+')) v.erase(v.begin());
    std::size_t dot = v.find('.');
    std::string whole = v.substr(0, dot);
    std::string frac = dot == std::string::npos ? "" : v.substr(dot + 1);
    if (!AllDigits(whole) || (dot != std::string::npos && !frac.empty() && !AllDigits(frac))) {
      *why = "a numeric bound PostgreSQL would have to read";
      return std::nullopt;
    }
    while (whole.size() > 1 && whole[0] == '0') whole.erase(whole.begin());
    std::string out = whole + (dot == std::string::npos || frac.empty() ? "" : "." + frac);
    bool zero = out.find_first_not_of("0.") == std::string::npos;
    out = (negative && !zero ? "-" : "") + out;
    // Bare only when it starts with a digit and has a decimal point, as get_const_expr prints it.
    return out[0] != '-' && out.find('.') != std::string::npos ? out : Quote(out);
  }
  if (t == "text" || t == "varchar" || t == "name") return Quote(raw);
  if (t == "bpchar") {
    // Stored padded to the declared length (a trailing space is not significant).
    std::size_t length = type.modifiers.empty() ? 1 : std::stoul(type.modifiers);
    std::string v = raw;
    while (v.size() > length && v.back() == ' ') v.pop_back();
    if (v.size() > length) {
      *why = "a bound longer than its character(n) key";
      return std::nullopt;
    }
    // Lengths count characters; only ASCII is padded here.
    for (char ch : v) {
      if (static_cast<unsigned char>(ch) >= 0x80) {
        *why = "a non-ASCII bound of a character(n) key";
        return std::nullopt;
      }
    }
    v.resize(length, ' ');
    return Quote(v);
  }
  if (t == "bool") {
    std::string v;
    for (char ch : raw) v += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (v == "true" || v == "t" || v == "yes" || v == "on" || v == "1") return std::string("true");
    if (v == "false" || v == "f" || v == "no" || v == "off" || v == "0") return std::string("false");
    *why = "a boolean bound PostgreSQL would have to read";
    return std::nullopt;
  }
  // ISO dates print as written; timestamps without time zone gain a midnight time.
  auto iso_date = [](const std::string& v) {
    return v.size() == 10 && std::isdigit(static_cast<unsigned char>(v[0])) && v[4] == '-' && v[7] == '-' &&
           AllDigits(v.substr(0, 4)) && AllDigits(v.substr(5, 2)) && AllDigits(v.substr(8, 2));
  };
  if (t == "date" && iso_date(raw)) return Quote(raw);
  if (t == "timestamp" && type.modifiers.empty()) {
    if (iso_date(raw)) return Quote(raw + " 00:00:00");
    if (raw.size() == 19 && iso_date(raw.substr(0, 10)) && raw[10] == ' ' && raw[13] == ':' && raw[16] == ':') {
      return Quote(raw);
    }
  }
  if (t == "uuid" && raw.size() == 36) {
    std::string v;
    for (char ch : raw) v += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return Quote(v);
  }
  *why = fmt::format("a bound of type {} (its text as PostgreSQL prints it needs a database)", TypeDisplay(type));
  return std::nullopt;
}

// The type of partition key element `i` of `parent` (column keys only; expressions: nullopt).
std::optional<ir::TypeRef> KeyType(const ir::Table& parent, std::size_t i) {
  const ir::PartitionKey& key = *parent.partition_key;
  if (i >= key.elements.size() || !key.elements[i].column) return std::nullopt;
  const ir::Column* c = parent.FindColumn(*key.elements[i].column);
  if (!c) return std::nullopt;
  return c->type;
}

// The index a PRIMARY KEY / UNIQUE constraint implies (for matching and naming).
ir::Index KeyIndex(const ir::Constraint& k) { return ir::ConstraintIndex(k); }

// PostgreSQL's CompareIndexInfo, on the IR: same definition, names and comments aside.
bool SameDefinition(ir::Index a, ir::Index b) { return ir::SameIndexDefinition(a, b); }

// The column names PostgreSQL chooses a cloned index's name from. Indexes created on the
// parent while the partition exists keep the names figured from the written expressions; an
// index cloned when a partition is created or attached calls each expression "expr".
std::vector<std::string> CloneColumnNames(const State& state, const ir::QualifiedName& parent, const std::string& index,
                                          const ir::Index& ix, bool figured) {
  if (figured) {
    auto it = state.index_colnames.find({parent.schema, index});
    if (it != state.index_colnames.end()) return it->second;
  }
  std::vector<std::string> names;
  for (const ir::IndexElement& e : ix.elements) names.push_back(e.column ? *e.column : "expr");
  names.insert(names.end(), ix.include.begin(), ix.include.end());
  return names;
}

// ChooseIndexColumnNames: a repeated name gets a numeric suffix ("a", "a1").
std::vector<std::string> Deduplicated(const std::vector<std::string>& orig) {
  std::vector<std::string> out;
  for (const std::string& name : orig) {
    std::string cur = name;
    for (int i = 1; std::find(out.begin(), out.end(), cur) != out.end(); ++i) {
      std::string suffix = std::to_string(i);
      std::string base = name;
      while (base.size() + suffix.size() > ir::kMaxIdentifierBytes) base.pop_back();
      cur = base + suffix;
    }
    out.push_back(cur);
  }
  return out;
}

// The partitions of `parent` in the state.
std::vector<ir::Table*> PartitionsOf(State& state, const ir::QualifiedName& parent) {
  std::vector<ir::Table*> out;
  for (auto& [name, t] : state.db.tables) {
    if (t.partition_of && t.partition_of->parent == parent) out.push_back(&t);
  }
  return out;
}

}  // namespace

bool ApplyPartitionSpec(State& state, ir::Table& table, PgQuery__PartitionSpec& spec, const std::string& subject,
                        ir::SourceSpan span) {
  std::string strategy = spec.strategy ? spec.strategy : "";
  ir::PartitionKey key;
  if (strategy == "range") {
    key.strategy = 'r';
  } else if (strategy == "list") {
    key.strategy = 'l';
  } else if (strategy == "hash") {
    key.strategy = 'h';
  } else {
    state.Error(ir::diag::kInvalid, fmt::format("{}: unrecognized partitioning strategy \"{}\"", subject, strategy),
                span);
    return false;
  }
  if (key.strategy == 'l' && spec.n_part_params != 1) {
    state.Error(ir::diag::kInvalid, subject + ": cannot use \"list\" partition strategy with more than one column",
                span);
    return false;
  }
  bool ok = true;
  for (std::size_t i = 0; i < spec.n_part_params; ++i) {
    PgQuery__PartitionElem& pe = *spec.part_params[i]->partition_elem;
    ir::IndexElement e;
    PgQuery__Node* expr = pe.expr;
    // As for indexes, an expression that is a plain column reference is that column.
    if (expr && expr->node_case == PG_QUERY__NODE__NODE_COLUMN_REF && expr->column_ref->n_fields == 1 &&
        expr->column_ref->fields[0]->node_case == PG_QUERY__NODE__NODE_STRING) {
      e.column = StrVal(expr->column_ref->fields[0]);
      expr = nullptr;
    } else if (pe.name && *pe.name) {
      e.column = pe.name;
    }
    const ir::Column* col = nullptr;
    if (e.column) {
      col = table.FindColumn(*e.column);
      if (!col) {
        state.Error(ir::diag::kUndefined,
                    fmt::format("{}: column \"{}\" named in partition key does not exist", subject, *e.column), span);
        ok = false;
        continue;
      }
    } else {
      for (const std::string& r : ExprColumns(expr)) {
        if (!table.FindColumn(r)) {
          state.Error(ir::diag::kUndefined,
                      fmt::format("{}: column \"{}\" named in partition key does not exist", subject, r), span);
          ok = false;
        }
      }
      e.expression = TransformExpr(state, expr, subject);
      if (!e.expression) ok = false;
    }
    if (pe.n_collation) {
      std::optional<ir::QualifiedName> q = WrittenCollation(state, StrList(pe.collation, pe.n_collation), subject, span);
      ir::QualifiedName written = q ? *q : ir::QualifiedName{"pg_catalog", "default"};
      bool same_as_column = col && ((col->collation && *col->collation == written) || (!col->collation && !q));
      if (!same_as_column) e.collation = written;
    }
    if (pe.n_opclass) {
      std::vector<std::string> c = StrList(pe.opclass, pe.n_opclass);
      ir::QualifiedName q = OpclassName(state, c);
      bool is_enum = col && state.pending_types.count({table.name, col->name});
      std::string method = key.strategy == 'h' ? "hash" : "btree";
      bool is_default = col && q.schema == "pg_catalog" && q.name == DefaultOpclass(method, col->type, is_enum);
      if (!is_default) e.opclass = q;
    }
    key.elements.push_back(std::move(e));
  }
  if (!ok) return false;
  table.partition_key = std::move(key);
  return true;
}

std::optional<ir::PartitionOf> PartitionBoundText(State& state, const ir::Table& parent, PgQuery__PartitionBoundSpec& b,
                                                 const std::string& subject, ir::SourceSpan span) {
  if (!parent.partition_key) {
    state.Error(ir::diag::kInvalid, fmt::format("{}: table {} is not partitioned", subject, ir::DisplayName(parent.name)),
                span);
    return std::nullopt;
  }
  const ir::PartitionKey& key = *parent.partition_key;
  if (b.is_default) {
    if (key.strategy == 'h') {
      state.Error(ir::diag::kInvalid, subject + ": a hash-partitioned table may not have a default partition", span);
      return std::nullopt;
    }
    return ir::PartitionOf{parent.name, "DEFAULT"};
  }
  std::string strategy = b.strategy ? b.strategy : "";
  char s = strategy.empty() ? '?' : strategy[0];
  if (s != key.strategy) {
    const char* want = key.strategy == 'l' ? "FOR VALUES IN" : key.strategy == 'h' ? "FOR VALUES WITH" : "FOR VALUES FROM ... TO";
    state.Error(ir::diag::kInvalid, fmt::format("{}: the bound of a partition of {} must be {}", subject,
                                                ir::DisplayName(parent.name), want),
                span);
    return std::nullopt;
  }
  if (s == 'h') {
    if (b.modulus <= 0 || b.remainder < 0 || b.remainder >= b.modulus) {
      state.Error(ir::diag::kInvalid,
                  subject + ": a hash bound needs a positive modulus and a remainder below it", span);
      return std::nullopt;
    }
    return ir::PartitionOf{parent.name, fmt::format("FOR VALUES WITH (modulus {}, remainder {})", b.modulus, b.remainder)};
  }
  bool written = false;
  auto value = [&](PgQuery__Node* node, std::size_t column, bool range) -> std::optional<std::string> {
    // MINVALUE / MAXVALUE arrive as column references in the raw tree.
    if (range && node->node_case == PG_QUERY__NODE__NODE_COLUMN_REF && node->column_ref->n_fields == 1 &&
        node->column_ref->fields[0]->node_case == PG_QUERY__NODE__NODE_STRING) {
      std::string word = StrVal(node->column_ref->fields[0]);
      if (word == "minvalue") return std::string("MINVALUE");
      if (word == "maxvalue") return std::string("MAXVALUE");
    }
    std::optional<ir::TypeRef> type = KeyType(parent, column);
    std::string why;
    std::optional<std::string> v = type ? BoundValue(node, *type, &why) : std::nullopt;
    if (v) return v;
    // Only PostgreSQL can print this one (the key's type needs its output function, or the key
    // is an expression): the value as written, for a scratch database to store and print.
    if (!IsConstant(node)) {
      state.Unsupported(subject + ": a bound that is not a constant", span);
      return std::nullopt;
    }
    std::optional<ir::Expr> e = TransformExpr(state, node, subject);
    if (!e) return std::nullopt;
    written = true;
    return e->text;
  };
  if (s == 'l') {
    std::vector<std::string> values;
    for (std::size_t i = 0; i < b.n_listdatums; ++i) {
      std::optional<std::string> v = value(b.listdatums[i], 0, false);
      if (!v) return std::nullopt;
      if (std::find(values.begin(), values.end(), *v) == values.end()) values.push_back(*v);
    }
    std::string out = "FOR VALUES IN (";
    for (std::size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + values[i];
    return ir::PartitionOf{parent.name, out + ")", written};
  }
  if (b.n_lowerdatums != key.elements.size() || b.n_upperdatums != key.elements.size()) {
    state.Error(ir::diag::kInvalid,
                fmt::format("{}: FROM and TO must list as many values as the partition key has columns", subject), span);
    return std::nullopt;
  }
  std::string out = "FOR VALUES FROM (";
  for (int side = 0; side < 2; ++side) {
    PgQuery__Node** datums = side == 0 ? b.lowerdatums : b.upperdatums;
    if (side == 1) out += ") TO (";
    // After MINVALUE / MAXVALUE, PostgreSQL stores the same for every later column.
    std::string infinite;
    for (std::size_t i = 0; i < key.elements.size(); ++i) {
      std::optional<std::string> v = infinite.empty() ? value(datums[i], i, true) : std::optional<std::string>(infinite);
      if (!v) return std::nullopt;
      if (*v == "MINVALUE" || *v == "MAXVALUE") infinite = *v;
      out += (i ? ", " : "") + *v;
    }
  }
  return ir::PartitionOf{parent.name, out + ")", written};
}

void ClonePartitionIndex(State& state, ir::Table& parent, ir::Table& child, const std::string& index_name,
                         bool figured) {
  const ir::Constraint* pk = nullptr;
  const ir::Index* pix = nullptr;
  if (auto k = parent.constraints.find(index_name); k != parent.constraints.end()) pk = &k->second;
  if (auto i = parent.indexes.find(index_name); i != parent.indexes.end()) pix = &i->second;
  if (!pk && !pix) return;
  ir::Index shape = pk ? KeyIndex(*pk) : *pix;
  // An index of the partition with the same definition, not attached yet, is attached instead;
  // for a constraint, only a constraint's index qualifies.
  for (auto& [kname, k] : child.constraints) {
    if ((k.kind != ir::ConstraintKind::PrimaryKey && k.kind != ir::ConstraintKind::Unique) || !k.parent_index.empty()) {
      continue;
    }
    if (SameDefinition(KeyIndex(k), shape)) {
      k.parent_index = index_name;
      return;
    }
  }
  if (!pk) {
    for (auto& [iname, ix] : child.indexes) {
      if (ix.parent_index.empty() && SameDefinition(ix, shape)) {
        ix.parent_index = index_name;
        return;
      }
    }
  }
  std::vector<std::string> colnames = Deduplicated(CloneColumnNames(state, parent.name, index_name, shape, figured));
  if (pk) {
    ir::Constraint k = *pk;
    k.comment.reset();
    k.span = child.span;
    bool primary = k.kind == ir::ConstraintKind::PrimaryKey;
    k.name = primary ? ChooseRelationName(state, child.name.schema, child.name.name, "", "pkey", true)
                     : ChooseRelationName(state, child.name.schema, child.name.name, NameAddition(colnames), "key", true);
    k.parent_index = index_name;
    if (primary) {
      for (ir::Column& col : child.columns) {
        if (std::find(k.columns.begin(), k.columns.end(), col.name) != k.columns.end()) col.not_null = true;
      }
    }
    state.NoteConstraint(child.name, k.name);
    state.NoteRelation(child.name, k.name);
    child.constraints[k.name] = std::move(k);
    return;
  }
  ir::Index ix = *pix;
  ix.comment.reset();
  ix.span = child.span;
  ix.name = ChooseRelationName(state, child.name.schema, child.name.name, NameAddition(colnames), "idx", false);
  ix.parent_index = index_name;
  state.index_colnames[{child.name.schema, ix.name}] = colnames;
  state.NoteRelation(child.name, ix.name);
  // A partitioned child clones it further down.
  std::string cloned = ix.name;
  child.indexes[cloned] = std::move(ix);
  if (child.partition_key) {
    for (ir::Table* grandchild : PartitionsOf(state, child.name)) ClonePartitionIndex(state, child, *grandchild, cloned, figured);
  }
}

void CloneToPartitions(State& state, ir::Table& parent, const std::string& index_name) {
  for (ir::Table* child : PartitionsOf(state, parent.name)) ClonePartitionIndex(state, parent, *child, index_name, true);
}

bool AttachPartition(State& state, ir::Table& parent, ir::Table& child, ir::PartitionOf bound, ir::SourceSpan span) {
  std::string subject = TableSubject(child.name);
  if (child.partition_of) {
    state.Error(ir::diag::kInvalid,
                fmt::format("{} is already a partition of {}", subject, ir::DisplayName(child.partition_of->parent)),
                span);
    return false;
  }
  // The same columns, by name and type; NOT NULL where the parent has it.
  for (const ir::Column& pc : parent.columns) {
    const ir::Column* cc = child.FindColumn(pc.name);
    if (!cc) {
      state.Error(ir::diag::kInvalid,
                  fmt::format("{}: column \"{}\" of {} is missing", subject, pc.name, ir::DisplayName(parent.name)),
                  span);
      return false;
    }
    if (pc.not_null && !cc->not_null) {
      state.Error(ir::diag::kInvalid, fmt::format("{}: column \"{}\" must be NOT NULL as in {}", subject, pc.name,
                                                  ir::DisplayName(parent.name)),
                  span);
      return false;
    }
  }
  for (const ir::Column& cc : child.columns) {
    if (!parent.FindColumn(cc.name)) {
      state.Error(ir::diag::kInvalid,
                  fmt::format("{}: column \"{}\" is not in {}", subject, cc.name, ir::DisplayName(parent.name)), span);
      return false;
    }
  }
  // Its CHECK constraints named like the parent's become the parent's (inherited); every CHECK
  // of the parent must be there.
  for (const auto& [kname, k] : parent.constraints) {
    if (k.kind != ir::ConstraintKind::Check) continue;
    auto it = child.constraints.find(kname);
    if (it == child.constraints.end() || it->second.kind != ir::ConstraintKind::Check) {
      state.Error(ir::diag::kInvalid, fmt::format("{}: child table is missing constraint \"{}\"", subject, kname), span);
      return false;
    }
    // The copy keeps the child's validity (PostgreSQL refuses a NOT VALID one under a valid CHECK).
    if (it->second.validated && !k.validated) child.valid_check_copies.insert(kname);
    if (!it->second.validated && k.validated) {
      state.Error(ir::diag::kInvalid,
                  fmt::format("{}: constraint \"{}\" conflicts with NOT VALID constraint on child table", subject, kname),
                  span);
      return false;
    }
    child.constraints.erase(it);
  }
  // Foreign keys equal to one of the parent's become the parent's too.
  for (const auto& [kname, k] : parent.constraints) {
    if (k.kind != ir::ConstraintKind::ForeignKey) continue;
    auto it = child.constraints.find(kname);
    if (it != child.constraints.end() && ir::SameForeignKey(it->second, k)) {
      state.pending_fks.erase({child.name, kname});
      child.constraints.erase(it);
    }
  }
  child.partition_of = std::move(bound);
  // Keys first, as PostgreSQL walks the parent's indexes in creation order; then indexes.
  for (const auto& [kname, k] : parent.constraints) {
    if (k.kind == ir::ConstraintKind::PrimaryKey || k.kind == ir::ConstraintKind::Unique) {
      ClonePartitionIndex(state, parent, child, kname, false);
    }
  }
  for (const auto& [iname, ix] : parent.indexes) ClonePartitionIndex(state, parent, child, iname, false);
  return true;
}

void DetachPartition(State& state, ir::Table& parent, ir::Table& child) {
  (void)state;
  // What it inherited becomes its own: the parent's CHECKs and foreign keys, and its indexes stop
  // being attached.
  for (const auto& [kname, k] : parent.constraints) {
    if (k.kind != ir::ConstraintKind::Check && k.kind != ir::ConstraintKind::ForeignKey) continue;
    ir::Constraint copy = k;
    copy.comment.reset();
    if (child.valid_check_copies.count(kname)) copy.validated = true;
    child.constraints[kname] = std::move(copy);
    if (k.kind == ir::ConstraintKind::ForeignKey) {
      auto pending = state.pending_fks.find({parent.name, kname});
      if (pending != state.pending_fks.end()) state.pending_fks[{child.name, kname}] = pending->second;
    }
  }
  for (auto& [kname, k] : child.constraints) k.parent_index.clear();
  for (auto& [iname, ix] : child.indexes) ix.parent_index.clear();
  child.valid_check_copies.clear();
  child.partition_of.reset();
}

void RecurseColumnChanges(State& state, const ir::Table& before, const ir::Table& after) {
  if (!after.partition_key) return;
  for (ir::Table* child : PartitionsOf(state, after.name)) {
    ir::Table child_before = *child;
    ir::ApplyParentColumnChanges(*child, before, after);
    for (const ir::Column& c : child->columns) {
      auto pending = state.pending_types.find({after.name, c.name});
      if (pending != state.pending_types.end() && !child_before.FindColumn(c.name)) {
        state.pending_types[{child->name, c.name}] = pending->second;
      }
    }
    RecurseColumnChanges(state, child_before, *child);
  }
}

StmtResult TransformCreatePartition(State& state, PgQuery__CreateStmt& stmt, ir::Table& table) {
  std::string subject = TableSubject(table.name);
  ir::SourceSpan span = table.span;
  if (stmt.n_inh_relations != 1 || stmt.inh_relations[0]->node_case != PG_QUERY__NODE__NODE_RANGE_VAR) {
    state.Error(ir::diag::kInvalid, subject + ": PARTITION OF needs exactly one parent table", span);
    return StmtResult::Done;
  }
  PgQuery__RangeVar* prv = stmt.inh_relations[0]->range_var;
  ir::Table* parent = state.FindTable(prv);
  if (!parent) {
    std::string shown = prv->schemaname && *prv->schemaname ? std::string(prv->schemaname) + "." : "";
    return state.Missing(fmt::format("table \"{}{}\"", shown, prv->relname), span);
  }
  std::optional<ir::PartitionOf> bound = PartitionBoundText(state, *parent, *stmt.partbound, subject, span);
  if (!bound) return StmtResult::Done;
  // The columns are the parent's, with their defaults, NOT NULL and generation expressions.
  for (const ir::Column& pc : parent->columns) {
    ir::Column c = ir::InheritedColumn(pc);
    c.span = span;
    auto pending = state.pending_types.find({parent->name, pc.name});
    if (pending != state.pending_types.end()) state.pending_types[{table.name, pc.name}] = pending->second;
    table.columns.push_back(std::move(c));
  }
  // Written column options (WITH OPTIONS): a default, NOT NULL, and column constraints.
  std::vector<ConstraintWork> work;
  for (std::size_t i = 0; i < stmt.n_table_elts; ++i) {
    PgQuery__Node* e = stmt.table_elts[i];
    if (e->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
      if (e->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION) {
        state.Unsupported(subject + ": EXCLUDE constraint", state.Span(e->constraint->location));
      } else {
        work.push_back({e->constraint, ""});
      }
      continue;
    }
    if (e->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF) {
      state.Unsupported(subject + ": table element " + NodeKindName(e) + " of a partition", span);
      continue;
    }
    PgQuery__ColumnDef& def = *e->column_def;
    ir::Column* col = nullptr;
    for (ir::Column& c : table.columns) {
      if (c.name == def.colname) col = &c;
    }
    if (!col) {
      state.Error(ir::diag::kUndefined, fmt::format("{}: column \"{}\" does not exist in {}", subject, def.colname,
                                                    ir::DisplayName(parent->name)),
                  state.Span(def.location));
      continue;
    }
    for (std::size_t k = 0; k < def.n_constraints; ++k) {
      PgQuery__Constraint* c = def.constraints[k]->constraint;
      switch (c->contype) {
        case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL: col->not_null = true; break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_NULL: break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT: col->default_expr = TransformExpr(state, c->raw_expr, subject); break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
        case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
        case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
        case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN: work.push_back({c, col->name}); break;
        default: state.Unsupported(subject + ": this column option of a partition", state.Span(c->location)); break;
      }
    }
  }
  for (ConstraintWork& w : work) w.always_valid = true;
  ir::QualifiedName name = table.name;
  ir::Table& stored = state.db.tables[name] = std::move(table);
  // The parent's CHECKs are inherited, under the parent's names: AttachPartition takes them.
  // A new table's CHECKs are valid (it has no rows), NOT VALID ones of the parent included.
  for (const auto& [kname, k] : parent->constraints) {
    if (k.kind != ir::ConstraintKind::Check || stored.constraints.count(kname)) continue;
    stored.constraints[kname] = k;
    stored.constraints[kname].validated = true;
  }
  // PostgreSQL clones the parent's indexes and keys first, then creates the written ones.
  ir::Table& parent_again = *state.FindTable(prv);
  if (!AttachPartition(state, parent_again, stored, *bound, span)) return StmtResult::Done;
  AddConstraints(state, stored, work);
  return StmtResult::Done;
}

StmtResult TransformAttachPartition(State& state, ir::Table& parent, PgQuery__PartitionCmd& cmd, bool detach,
                                    ir::SourceSpan span) {
  ir::Table* child = state.FindTable(cmd.name);
  if (!child) {
    std::string shown = cmd.name->schemaname && *cmd.name->schemaname ? std::string(cmd.name->schemaname) + "." : "";
    return state.Missing(fmt::format("table \"{}{}\"", shown, cmd.name->relname), span);
  }
  std::string subject = TableSubject(child->name);
  if (detach) {
    if (!child->partition_of || child->partition_of->parent != parent.name) {
      state.Error(ir::diag::kInvalid,
                  fmt::format("{} is not a partition of {}", subject, ir::DisplayName(parent.name)), span);
      return StmtResult::Done;
    }
    if (cmd.concurrent) {
      state.Unsupported(subject + ": DETACH PARTITION CONCURRENTLY in a schema file", span);
      return StmtResult::Done;
    }
    DetachPartition(state, parent, *child);
    return StmtResult::Done;
  }
  if (!cmd.bound) {
    state.Error(ir::diag::kInvalid, subject + ": ATTACH PARTITION needs a bound", span);
    return StmtResult::Done;
  }
  std::optional<ir::PartitionOf> bound = PartitionBoundText(state, parent, *cmd.bound, subject, span);
  if (!bound) return StmtResult::Done;
  AttachPartition(state, parent, *child, *bound, span);
  return StmtResult::Done;
}

StmtResult TransformAttachIndex(State& state, PgQuery__AlterTableStmt& stmt) {
  ir::SourceSpan span = state.Span();
  std::string schema = stmt.relation->schemaname ? stmt.relation->schemaname : "";
  ir::Table* parent = nullptr;
  std::string parent_index;
  for (const std::string& s : state.Candidates(schema)) {
    auto [t, ix] = state.FindIndex(s, stmt.relation->relname);
    if (t) {
      parent = t;
      parent_index = stmt.relation->relname;
      break;
    }
    for (auto& [name, table] : state.db.tables) {
      if (name.schema == s && table.constraints.count(stmt.relation->relname) &&
          (table.constraints.at(stmt.relation->relname).kind == ir::ConstraintKind::PrimaryKey ||
           table.constraints.at(stmt.relation->relname).kind == ir::ConstraintKind::Unique)) {
        parent = &table;
        parent_index = stmt.relation->relname;
      }
    }
    if (parent) break;
  }
  if (!parent) return state.Missing(fmt::format("index \"{}{}\"", schema.empty() ? "" : schema + ".", stmt.relation->relname), span);
  for (std::size_t i = 0; i < stmt.n_cmds; ++i) {
    PgQuery__AlterTableCmd& cmd = *stmt.cmds[i]->alter_table_cmd;
    if (cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition) {
      state.Unsupported("ALTER INDEX other than ATTACH PARTITION and OWNER TO", span);
      return StmtResult::Done;
    }
    PgQuery__RangeVar* rv = cmd.def->partition_cmd->name;
    std::string cschema = rv->schemaname ? rv->schemaname : "";
    ir::Table* child = nullptr;
    ir::Index* cix = nullptr;
    ir::Constraint* ck = nullptr;
    for (const std::string& s : state.Candidates(cschema)) {
      for (auto& [name, table] : state.db.tables) {
        if (name.schema != s) continue;
        if (auto it = table.indexes.find(rv->relname); it != table.indexes.end()) {
          child = &table;
          cix = &it->second;
        } else if (auto k = table.constraints.find(rv->relname);
                   k != table.constraints.end() &&
                   (k->second.kind == ir::ConstraintKind::PrimaryKey || k->second.kind == ir::ConstraintKind::Unique)) {
          child = &table;
          ck = &k->second;
        }
      }
      if (child) break;
    }
    if (!child) {
      return state.Missing(fmt::format("index \"{}{}\"", cschema.empty() ? "" : cschema + ".", rv->relname), span);
    }
    std::string subject = fmt::format("index {}", ir::DisplayName(ir::QualifiedName{child->name.schema, rv->relname}));
    if (!child->partition_of || child->partition_of->parent != parent->name) {
      state.Error(ir::diag::kInvalid, fmt::format("{}: table {} is not a partition of {}", subject,
                                                  ir::DisplayName(child->name), ir::DisplayName(parent->name)),
                  span);
      return StmtResult::Done;
    }
    std::string& slot = cix ? cix->parent_index : ck->parent_index;
    if (slot == parent_index) continue;
    if (!slot.empty()) {
      state.Error(ir::diag::kInvalid, fmt::format("{} is already attached to index \"{}\"", subject, slot), span);
      return StmtResult::Done;
    }
    const ir::Constraint* pk = parent->constraints.count(parent_index) ? &parent->constraints.at(parent_index) : nullptr;
    ir::Index shape = pk ? KeyIndex(*pk) : parent->indexes.at(parent_index);
    ir::Index mine = cix ? *cix : KeyIndex(*ck);
    if (!SameDefinition(shape, mine)) {
      state.Error(ir::diag::kInvalid,
                  fmt::format("{}: its definition does not match index \"{}\"", subject, parent_index), span);
      return StmtResult::Done;
    }
    if (pk && !ck) {
      state.Error(ir::diag::kInvalid,
                  fmt::format("{}: index \"{}\" backs a constraint, {} does not", subject, parent_index, subject), span);
      return StmtResult::Done;
    }
    slot = parent_index;
  }
  return StmtResult::Done;
}

}  // namespace schemac::sql
