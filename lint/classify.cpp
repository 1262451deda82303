#include "lint/lint.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

#include <fmt/format.h>

namespace schemac::lint {

namespace {

using sql::Action;
using sql::ActionKind;
using sql::MigrationStatement;

std::string Shown(const ir::QualifiedName& q) { return q.schema.empty() ? q.name : q.schema + "." + q.name; }

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Functions a column default may call without forcing a rewrite (stable or immutable builtins
// that defaults commonly use). Anything else is taken as volatile, as PostgreSQL may have to
// evaluate it per row: the conservative answer.
bool NonVolatile(const std::string& fn) {
  static const std::set<std::string> known = {
      "now", "current_timestamp", "current_date", "current_time", "localtimestamp", "localtime", "current_user",
      "session_user", "current_schema", "lower", "upper", "length", "coalesce", "concat", "jsonb_build_object",
      "json_build_object", "jsonb_build_array", "array_length", "to_jsonb", "abs", "round", "make_interval",
      "date_trunc", "timezone", "btrim", "trim", "replace", "substr", "substring", "left", "right", "md5",
      "transaction_timestamp", "statement_timestamp", "pg_catalog.now"};
  return known.count(fn) > 0;
}

// The written type as PostgreSQL's internal name ("int4", "varchar", ...), and whether it is a
// serial pseudo-type.
std::string TypeName(const sql::ColumnFacts& c) { return c.type_name.empty() ? "" : c.type_name.back(); }
// The integer types that run out: their SQL name and largest value ("" for other types).
std::pair<std::string, std::string> NarrowInteger(const sql::ColumnFacts& c) {
  if (c.array) return {"", ""};
  std::string t = TypeName(c);
  if (t == "int4") return {"integer", "2147483647"};
  if (t == "int2") return {"smallint", "32767"};
  if (t == "serial" || t == "serial4") return {"serial", "2147483647"};
  if (t == "smallserial" || t == "serial2") return {"smallserial", "32767"};
  return {"", ""};
}
bool IsSerial(const sql::ColumnFacts& c) {
  std::string t = TypeName(c);
  return t == "serial" || t == "bigserial" || t == "smallserial" || t == "serial4" || t == "serial8" ||
         t == "serial2";
}

// `col IS NOT NULL` as a CHECK condition proving a column has no NULL (pg-schema-diff's pattern).
std::string NotNullColumn(const std::string& condition) {
  std::string s = condition;
  while (s.size() >= 2 && s.front() == '(' && s.back() == ')') s = s.substr(1, s.size() - 2);
  const std::string suffix = " IS NOT NULL";
  if (s.size() <= suffix.size() || s.compare(s.size() - suffix.size(), suffix.size(), suffix) != 0) return "";
  std::string col = s.substr(0, s.size() - suffix.size());
  if (col.size() >= 2 && col.front() == '"' && col.back() == '"') col = col.substr(1, col.size() - 2);
  return col.find_first_of(" ()") == std::string::npos ? col : "";
}

// Whether a type change from `from` to the written `to` keeps the stored bytes (no rewrite), per
// the pairs verified on PostgreSQL 15: varchar widening or to text, numeric precision widening
// at the same scale or to unconstrained, timestamptz precision widening, cidr to inet, the same
// type.
bool NoRewrite(const ir::TypeRef& from, const sql::ColumnFacts& to) {
  if (from.array != to.array) return false;
  std::string t = TypeName(to);
  static const std::map<std::string, std::string> aliases = {
      {"varchar", "varchar"}, {"character varying", "varchar"}, {"text", "text"}, {"numeric", "numeric"},
      {"decimal", "numeric"}, {"timestamptz", "timestamptz"}, {"inet", "inet"}, {"int4", "int4"},
      {"int8", "int8"}, {"int2", "int2"}, {"bool", "bool"}, {"uuid", "uuid"}, {"jsonb", "jsonb"},
      {"date", "date"}, {"timestamp", "timestamp"}, {"float8", "float8"}, {"float4", "float4"}};
  auto it = aliases.find(t);
  if (it == aliases.end()) return false;
  t = it->second;
  const std::string& f = from.name;
  auto mods = [](const std::string& m) {
    std::vector<int> out;
    std::size_t i = 0;
    while (i < m.size()) {
      std::size_t j = m.find(',', i);
      if (j == std::string::npos) j = m.size();
      out.push_back(std::atoi(m.substr(i, j - i).c_str()));
      i = j + 1;
    }
    return out;
  };
  std::vector<int> fm = mods(from.modifiers), tm = mods(to.type_modifiers);
  if (f == t && from.modifiers == to.type_modifiers) return true;
  if (f == "varchar" && t == "text") return true;
  if (f == "varchar" && t == "varchar") return tm.empty() || (!fm.empty() && tm[0] >= fm[0]);
  if (f == "numeric" && t == "numeric") {
    if (tm.empty()) return true;
    if (fm.empty()) return false;
    int fs = fm.size() > 1 ? fm[1] : 0, ts = tm.size() > 1 ? tm[1] : 0;
    return fs == ts && tm[0] >= fm[0];
  }
  if (f == "timestamptz" && t == "timestamptz") return tm.empty() || (!fm.empty() && tm[0] >= fm[0]);
  if (f == "cidr" && t == "inet") return true;
  return false;
}

// How PostgreSQL stores a value of a built-in type in a row (pg_type.typlen, typalign in bytes):
// length -1 for a variable-length type. Unknown for other types (domains, enums, composites,
// extension types), whose layout only the catalog knows.
struct Layout {
  int length;
  int align;
};
std::optional<Layout> TypeLayout(const sql::ColumnFacts& c) {
  if (c.array) return Layout{-1, 4};
  if (c.type_name.size() > 2 || (c.type_name.size() == 2 && c.type_name[0] != "pg_catalog")) return std::nullopt;
  static const std::map<std::string, Layout> known = {
      {"bool", {1, 1}}, {"char", {1, 1}}, {"int2", {2, 2}}, {"smallserial", {2, 2}}, {"serial2", {2, 2}},
      {"int4", {4, 4}}, {"serial", {4, 4}}, {"serial4", {4, 4}}, {"float4", {4, 4}}, {"oid", {4, 4}},
      {"date", {4, 4}}, {"macaddr", {6, 4}}, {"macaddr8", {8, 4}}, {"int8", {8, 8}}, {"bigserial", {8, 8}},
      {"serial8", {8, 8}}, {"float8", {8, 8}}, {"money", {8, 8}}, {"time", {8, 8}}, {"timestamp", {8, 8}},
      {"timestamptz", {8, 8}}, {"pg_lsn", {8, 8}}, {"timetz", {12, 8}}, {"interval", {16, 8}}, {"point", {16, 8}},
      {"uuid", {16, 1}}, {"name", {64, 1}}, {"text", {-1, 4}}, {"varchar", {-1, 4}}, {"bpchar", {-1, 4}},
      {"numeric", {-1, 4}}, {"bytea", {-1, 4}}, {"json", {-1, 4}}, {"jsonb", {-1, 4}}, {"xml", {-1, 4}},
      {"inet", {-1, 4}}, {"cidr", {-1, 4}}, {"bit", {-1, 4}}, {"varbit", {-1, 4}}, {"tsvector", {-1, 4}},
      {"tsquery", {-1, 4}}};
  auto it = known.find(TypeName(c));
  if (it == known.end()) return std::nullopt;
  return it->second;
}

// The alignment padding of fixed-width values laid out from `start`; `end` receives the offset
// past the last one.
int Padding(const std::vector<Layout>& run, int start, int* end = nullptr) {
  int offset = start, padding = 0;
  for (const Layout& l : run) {
    int pad = (l.align - offset % l.align) % l.align;
    padding += pad;
    offset += pad + l.length;
  }
  if (end != nullptr) *end = offset;
  return padding;
}

constexpr int kMaxAlign = 8;  // MAXALIGN on 64-bit platforms: a row's data starts and ends on it
constexpr int kAlignmentSavingWorthIt = 8;  // bytes per row below which MG906 says nothing

class Classifier {
 public:
  Classifier(const ir::SourceManager& sources, const ir::Database* context, const LintOptions& options)
      : sources_(sources), context_(context), options_(options), in_transaction_(options.assume_in_transaction) {
    if (context != nullptr) state_ = *context;
    // The patterns were checked when schemac.toml was read.
    for (const auto& [kind, pattern] : options.naming) naming_[kind] = {pattern, std::regex(pattern)};
  }

  std::vector<Finding> Run(const std::vector<MigrationStatement>& statements) {
    for (const MigrationStatement& st : statements) Statement(st);
    if (explicit_transaction_ && !statements.empty()) {
      Report("MG705", statements.back().span, "the file leaves a transaction open: BEGIN without COMMIT");
    }
    ForeignKeysWithoutIndex();
    // The rules judged at the end of the file report at earlier statements: keep file order.
    std::stable_sort(findings_.begin(), findings_.end(),
                     [](const Finding& a, const Finding& b) { return a.span.begin < b.span.begin; });
    return std::move(findings_);
  }

 private:
  // ---- what is known of the database ----

  // The table as the statement being classified sees it: the context, with the effects of the
  // file's earlier statements on it applied (Advance).
  const ir::Table* ContextTable(const ir::QualifiedName& rel) const {
    return const_cast<Classifier*>(this)->StateTable(rel);
  }

  ir::Table* StateTable(const ir::QualifiedName& rel) {
    if (!state_) return nullptr;
    auto it = state_->tables.find(rel.schema.empty() ? ir::QualifiedName{"public", rel.name} : rel);
    return it == state_->tables.end() ? nullptr : &it->second;
  }

  // The type a column definition names, as the catalog spells it (built-in types only; others
  // keep their written name).
  static ir::TypeRef WrittenType(const sql::ColumnFacts& c) {
    static const std::map<std::string, std::string> aliases = {
        {"integer", "int4"}, {"int", "int4"}, {"smallint", "int2"}, {"bigint", "int8"}, {"serial", "int4"},
        {"serial4", "int4"}, {"bigserial", "int8"}, {"serial8", "int8"}, {"smallserial", "int2"},
        {"serial2", "int2"}, {"decimal", "numeric"}, {"character varying", "varchar"}, {"boolean", "bool"},
        {"real", "float4"}, {"double precision", "float8"}};
    std::string name = TypeName(c);
    if (auto it = aliases.find(name); it != aliases.end()) name = it->second;
    std::string schema = c.type_name.size() > 1 ? c.type_name.front() : "pg_catalog";
    return ir::TypeRef{schema, name, c.type_modifiers, c.array};
  }

  // Applies what the statement did to the tables of the context, so that later statements see
  // the columns, types, NOT NULLs, constraints and indexes as they are by then. (Tables the file
  // creates are tracked as new instead: no rule needs their shape.)
  void Advance(const MigrationStatement& st) {
    if (!state_) return;
    for (const Action& a : st.actions) {
      if (a.kind == ActionKind::DropIndex) {
        std::string schema = a.relation.schema.empty() ? "public" : a.relation.schema;
        for (auto& [name, t] : state_->tables) {
          if (name.schema == schema) t.indexes.erase(a.relation.name);
        }
        continue;
      }
      ir::Table* t = StateTable(a.relation);
      if (t == nullptr || !Existing(a.relation)) continue;
      auto column = [&](const std::string& n) -> ir::Column* {
        for (ir::Column& c : t->columns) {
          if (c.name == n) return &c;
        }
        return nullptr;
      };
      switch (a.kind) {
        case ActionKind::AddColumn: {
          if (column(a.column.name) != nullptr) break;
          ir::Column c;
          c.name = a.column.name;
          c.type = WrittenType(a.column);
          c.not_null = a.column.not_null || a.column.primary_key;
          t->columns.push_back(std::move(c));
          break;
        }
        case ActionKind::DropColumn:
          std::erase_if(t->columns, [&](const ir::Column& c) { return c.name == a.name; });
          break;
        case ActionKind::AlterColumnType:
          if (ir::Column* c = column(a.name)) c->type = WrittenType(a.column);
          break;
        case ActionKind::SetNotNull:
        case ActionKind::DropNotNull:
          if (ir::Column* c = column(a.name)) c->not_null = a.kind == ActionKind::SetNotNull;
          break;
        case ActionKind::RenameColumn:
          if (ir::Column* c = column(a.name)) c->name = a.new_name;
          break;
        case ActionKind::AddConstraint: {
          if (a.name.empty()) break;  // PostgreSQL names it: nothing later can name it either
          ir::Constraint k;
          k.name = a.name;
          k.kind = a.constraint_type == 'p'   ? ir::ConstraintKind::PrimaryKey
                   : a.constraint_type == 'u' ? ir::ConstraintKind::Unique
                   : a.constraint_type == 'f' ? ir::ConstraintKind::ForeignKey
                   : a.constraint_type == 'x' ? ir::ConstraintKind::Exclusion
                                              : ir::ConstraintKind::Check;
          k.columns = a.columns;
          if (!a.expression.empty()) k.check = ir::Expr{a.expression};
          k.ref_table = a.ref_table;
          k.validated = !a.not_valid;
          t->constraints[a.name] = std::move(k);
          break;
        }
        case ActionKind::ValidateConstraint:
          if (auto k = t->constraints.find(a.name); k != t->constraints.end()) k->second.validated = true;
          break;
        case ActionKind::DropConstraint: t->constraints.erase(a.name); break;
        case ActionKind::CreateIndex: {
          if (a.name.empty()) break;  // PostgreSQL names it: nothing later can name it either
          ir::Index ix;
          ix.name = a.name;
          ix.unique = a.unique;
          for (const std::string& c : a.columns) {
            ir::IndexElement e;
            if (!c.empty()) e.column = c;
            else e.expression = ir::Expr{"?"};  // an expression: it matches no column
            ix.elements.push_back(std::move(e));
          }
          if (!a.expression.empty()) ix.predicate = ir::Expr{a.expression};
          t->indexes[ix.name] = std::move(ix);
          break;
        }
        case ActionKind::RenameTable: {
          ir::QualifiedName from = t->name;
          auto node = state_->tables.extract(from);
          node.key().name = a.new_name;
          node.mapped().name.name = a.new_name;
          state_->tables.insert(std::move(node));
          break;
        }
        case ActionKind::DropTable: state_->tables.erase(t->name); break;
        default: break;
      }
    }
  }

  // A table that exists before this statement: not created earlier in the file. (Every peer
  // exempts new tables: no traffic can be waiting on them.)
  bool Existing(const ir::QualifiedName& rel) const { return !created_.count(rel.name); }

  void Report(std::string_view id, const ir::SourceSpan& span, std::string message, bool low_confidence = false) {
    const RuleInfo* rule = FindRule(id);
    Severity severity = DefaultSeverity(*rule);
    if (auto it = options_.severities.find(std::string(id)); it != options_.severities.end()) severity = it->second;
    if (severity == Severity::Off) return;
    Finding f{rule, severity, span, std::move(message), low_confidence && context_ == nullptr};
    f.risk = rule->risk;
    f.table = current_relation_;
    findings_.push_back(std::move(f));
  }

  // ---- per statement ----

  void Statement(const MigrationStatement& st) {
    const std::size_t reported_before = findings_.size();
    for (const std::string& name : st.long_identifiers) {
      Report("MG709", st.span,
             fmt::format("identifier \"{}\" is {} bytes: PostgreSQL silently truncates it to its first {}", name,
                         name.size(), ir::kMaxIdentifierBytes));
    }
    LockMode strongest = LockMode::None;
    const ir::QualifiedName* locked = nullptr;
    for (const Action& a : st.actions) {
      if (!a.relation.name.empty()) current_relation_ = a.relation;
      LockMode lock = Classify(st, a);
      current_relation_.reset();
      TrackKeys(st.span, a);
      if (lock > strongest && Existing(a.relation) && !a.relation.name.empty()) {
        strongest = lock;
        locked = &a.relation;
      }
    }
    ColumnAlignment(st);
    RepeatedAlter(st);
    Unqualified(st);
    Naming(st);
    // Session hygiene: a strong lock on an existing table with no lock_timeout set waits in
    // the lock queue and stops all traffic behind it (reported once, at the first such statement).
    if (strongest >= LockMode::Share && locked != nullptr) {
      if (!lock_timeout_ && !reported_lock_timeout_) {
        reported_lock_timeout_ = true;
        Report("MG701", st.span,
               fmt::format("{} locks {} ({}) with no lock_timeout set before it: while it waits for the lock, "
                           "every later query on the table waits behind it",
                           st.node_kind, Shown(*locked), LockName(strongest)));
      }
      if (!statement_timeout_ && !reported_statement_timeout_) {
        reported_statement_timeout_ = true;
        Report("MG702", st.span, "no statement_timeout is set before the first statement that locks a table");
      }
      if (in_transaction_) {
        if (strongest == LockMode::AccessExclusive) access_exclusive_in_transaction_ = *locked;
        strong_in_transaction_.insert(locked->name);
      }
    }
    // A new enum value used later in the same transaction (PG 12+: "unsafe use of new value").
    if (in_transaction_ && !new_enum_values_.empty() && st.actions.size() == 1 &&
        st.actions[0].kind != ActionKind::EnumAddValue) {
      const std::string& text = sources_.Text(st.span.file);
      std::string body = text.substr(st.span.begin, st.span.end - st.span.begin);
      for (const std::string& v : new_enum_values_) {
        if (body.find("'" + v + "'") != std::string::npos) {
          Report("MG601", st.span,
                 fmt::format("enum value '{}' is used in the transaction that added it: PostgreSQL refuses it until "
                             "that transaction commits",
                             v));
        }
      }
    }
    NonIdempotent(st);
    CheapMetadataChange(st, reported_before);
    Advance(st);
  }

  // Reports the rules `a` breaks; returns the table lock it takes.
  LockMode Classify(const MigrationStatement& st, const Action& a) {
    const ir::SourceSpan& span = st.span;
    const std::string rel = Shown(a.relation);
    const bool existing = Existing(a.relation);
    const ir::Table* table = ContextTable(a.relation);
    switch (a.kind) {
      case ActionKind::CreateTable:
        if (!a.column.name.empty()) {
          DesignAdvice(span, a.column, keys_of_create_.count(a.column.name) > 0);
          if (!columns_of_create_.insert(a.column.name).second) {
            Report("MG710", span, fmt::format("column {} is defined twice in CREATE TABLE {}: the statement fails",
                                              a.column.name, rel));
          }
          return LockMode::None;
        }
        columns_of_create_.clear();
        keys_of_create_.clear();
        for (const sql::ConstraintFacts& k : a.constraints) {
          if (k.type == 'p' || k.type == 'u' || k.type == 'f') {
            keys_of_create_.insert(k.columns.begin(), k.columns.end());
          }
        }
        created_.insert(a.relation.name);
        return LockMode::None;
      case ActionKind::CreateIndex:
        if (a.concurrent) {
          if (in_transaction_) Report("MG704", span, "CREATE INDEX CONCURRENTLY cannot run inside a transaction block");
          if (a.if_exists) {
            Report("MG105", span, "CREATE INDEX CONCURRENTLY IF NOT EXISTS skips an INVALID index a failed build "
                                  "left behind");
          }
          return LockMode::ShareUpdateExclusive;
        }
        if (!existing) return LockMode::Share;
        // ON ONLY a partitioned table makes an invalid index and builds nothing.
        if (table != nullptr && table->partition_key && a.only) return LockMode::Share;
        if (table != nullptr && table->partition_key) {
          Report("MG102", span,
                 fmt::format("CREATE INDEX on partitioned table {} builds the index on every partition under a SHARE "
                             "lock (writes wait)",
                             rel));
        } else {
          Report("MG101", span,
                 fmt::format("CREATE INDEX without CONCURRENTLY takes a SHARE lock on {}: writes wait while the index "
                             "is built",
                             rel));
        }
        return LockMode::Share;
      case ActionKind::DropIndex:
        if (a.concurrent) {
          if (in_transaction_) Report("MG704", span, "DROP INDEX CONCURRENTLY cannot run inside a transaction block");
          if (a.cascade) Report("MG404", span, "DROP ... CASCADE also drops whatever depends on " + rel);
          return LockMode::ShareUpdateExclusive;
        }
        if (a.cascade) Report("MG404", span, "DROP ... CASCADE also drops whatever depends on " + rel);
        // An index of a table this file created: nobody else uses that table yet.
        if (auto it = index_tables_.find(a.relation.name); it != index_tables_.end() && created_.count(it->second)) {
          return LockMode::AccessExclusive;
        }
        Report("MG103", span,
               fmt::format("DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table of {}", rel));
        return LockMode::AccessExclusive;
      case ActionKind::Reindex: {
        const bool relation = a.object_type == "index" || a.object_type == "table";
        if (!relation && in_transaction_) {
          Report("MG704", span, fmt::format("REINDEX {} cannot run inside a transaction block", Upper(a.object_type)));
        }
        if (a.concurrent) {
          if (relation && in_transaction_) {
            Report("MG704", span, "REINDEX CONCURRENTLY cannot run inside a transaction block");
          }
          return LockMode::ShareUpdateExclusive;
        }
        std::string what = a.object_type == "index"   ? "the index " + rel + " (and a SHARE lock on its table)"
                           : a.object_type == "table" ? "each index of " + rel + " (and a SHARE lock on the table)"
                           : "each index of every table in " + a.object_type + " " + a.name +
                                 " (and SHARE locks on the tables), one table at a time";
        Report("MG104", span,
               fmt::format("REINDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on {}: writes, and reads "
                           "using the index, wait",
                           what));
        return LockMode::Share;
      }
      case ActionKind::AddColumn: return AddColumn(span, a, existing);
      case ActionKind::DropColumn:
        Report("MG402", span, fmt::format("dropping column {} of {} destroys its data", a.name, rel));
        if (a.cascade) Report("MG404", span, "DROP COLUMN ... CASCADE also drops what depends on the column");
        return LockMode::AccessExclusive;
      case ActionKind::AlterColumnType: {
        if (!existing) return LockMode::AccessExclusive;
        const ir::Column* col = table != nullptr ? table->FindColumn(a.name) : nullptr;
        if (col != nullptr && !a.has_using && NoRewrite(col->type, a.column)) {
          Report("MG307", span,
                 fmt::format("changing the type of {}.{} keeps its data (no rewrite) but takes an ACCESS EXCLUSIVE "
                             "lock and drops the column's statistics",
                             rel, a.name));
        } else {
          Report("MG306", span,
                 fmt::format("changing the type of {}.{} rewrites the table and its indexes under an ACCESS EXCLUSIVE "
                             "lock{}",
                             rel, a.name, col == nullptr ? " (its current type is unknown: give the schema to be sure)" : ""),
                 col == nullptr);
        }
        return LockMode::AccessExclusive;
      }
      case ActionKind::SetDefault:
        if (existing) {
          Report("MG308", span, fmt::format("setting the default of {}.{} takes an ACCESS EXCLUSIVE lock", rel, a.name));
        }
        return LockMode::AccessExclusive;
      case ActionKind::SetNotNull: {
        if (!existing) return LockMode::AccessExclusive;
        // PostgreSQL 12 made a validated CHECK (col IS NOT NULL) spare the scan.
        if (options_.pg_version >= 12 && NotNullProven(a.relation, a.name)) return LockMode::AccessExclusive;
        const ir::Column* col = table != nullptr ? table->FindColumn(a.name) : nullptr;
        if (col != nullptr && col->not_null) return LockMode::AccessExclusive;
        Report("MG305", span,
               fmt::format("SET NOT NULL on {}.{} scans the whole table under an ACCESS EXCLUSIVE lock (no validated "
                           "CHECK ({} IS NOT NULL) proves it first)",
                           rel, a.name, a.name),
               table == nullptr);
        return LockMode::AccessExclusive;
      }
      case ActionKind::DropNotNull:
        if (existing) {
          Report("MG309", span,
                 fmt::format("DROP NOT NULL on {}.{}: code that reads the column may not expect NULL", rel, a.name));
        }
        return LockMode::AccessExclusive;
      case ActionKind::AddIdentity: return LockMode::AccessExclusive;
      case ActionKind::AddConstraint: return AddConstraint(span, a, existing);
      case ActionKind::ValidateConstraint: {
        if (in_transaction_ && strong_in_transaction_.count(a.relation.name)) {
          Report("MG203", span,
                 fmt::format("VALIDATE CONSTRAINT {} scans {} in the transaction that already holds a strong lock on "
                             "it: the scan blocks traffic",
                             a.name, rel));
        }
        WorkAfterAccessExclusive(span, "VALIDATE CONSTRAINT");
        auto pending = pending_not_null_.find({a.relation.name, a.name});
        if (pending != pending_not_null_.end()) proven_not_null_.insert({a.relation.name, pending->second});
        if (pending_checks_.count({a.relation.name, a.name})) validated_checks_.insert(a.relation.name);
        return LockMode::ShareUpdateExclusive;
      }
      case ActionKind::DropConstraint: {
        if (a.cascade) Report("MG404", span, "DROP CONSTRAINT ... CASCADE also drops what depends on it");
        auto k = table != nullptr ? table->constraints.find(a.name) : std::map<std::string, ir::Constraint>::const_iterator{};
        if (table != nullptr && k != table->constraints.end() && k->second.kind == ir::ConstraintKind::ForeignKey) {
          Report("MG208", span,
                 fmt::format("dropping foreign key {} takes an ACCESS EXCLUSIVE lock on {} and on {}, the table it "
                             "references",
                             a.name, rel, Shown(k->second.ref_table)));
        }
        return LockMode::AccessExclusive;
      }
      case ActionKind::SetLogged:
      case ActionKind::SetTablespace:
        if (existing) {
          Report("MG802", span, fmt::format("this ALTER TABLE rewrites {} under an ACCESS EXCLUSIVE lock", rel));
        }
        return LockMode::AccessExclusive;
      case ActionKind::SetStorageOptions:
        return std::all_of(a.options.begin(), a.options.end(), CheapOption) ? LockMode::ShareUpdateExclusive
                                                                             : LockMode::AccessExclusive;
      case ActionKind::AttachPartition:
        // ALTER INDEX parent ATTACH PARTITION part: catalog only (a brief ACCESS EXCLUSIVE lock on
        // the partition's index, SHARE UPDATE EXCLUSIVE on its table), no scan.
        if (a.object_type == "index") return LockMode::ShareUpdateExclusive;
        // A CHECK validated by this file on the table (the online recipe): PostgreSQL skips the
        // scan when it implies the bound, which the file is trusted to have matched.
        if (validated_checks_.count(a.name)) return LockMode::ShareUpdateExclusive;
        // A partition and a parent both created by this file hold no rows yet: nothing to scan.
        if (!existing && created_.count(a.name)) return LockMode::ShareUpdateExclusive;
        Report("MG501", span,
               fmt::format("ATTACH PARTITION scans {} (and the DEFAULT partition) under an ACCESS EXCLUSIVE lock unless "
                           "a validated CHECK implies the bound",
                           a.name.empty() ? "the table" : a.name),
               true);
        return LockMode::ShareUpdateExclusive;
      case ActionKind::DetachPartition:
        if (a.concurrent) {
          if (in_transaction_) {
            Report("MG704", span, "DETACH PARTITION CONCURRENTLY cannot run inside a transaction block");
          }
          return LockMode::ShareUpdateExclusive;
        }
        Report("MG502", span,
               fmt::format("DETACH PARTITION takes an ACCESS EXCLUSIVE lock on {}, the whole partitioned table", rel));
        return LockMode::AccessExclusive;
      case ActionKind::TriggerChange:
        if (existing) {
          Report("MG804", span, fmt::format("trigger changes take a SHARE ROW EXCLUSIVE lock on {} (writes wait)", rel));
        }
        return LockMode::ShareRowExclusive;
      case ActionKind::RowSecurity:
        if (existing) {
          Report("MG805", span,
                 fmt::format("row security changes on {} change what every query sees (and take an ACCESS EXCLUSIVE "
                             "lock)",
                             rel));
        }
        return LockMode::AccessExclusive;
      case ActionKind::ReplicaIdentity:
        Report("MG807", span, fmt::format("REPLICA IDENTITY of {} changes what logical replication sends", rel));
        return LockMode::AccessExclusive;
      case ActionKind::ClusterOn: return LockMode::ShareUpdateExclusive;
      case ActionKind::OtherAlterTable: return LockMode::AccessExclusive;
      case ActionKind::DropTable:
        if (a.cascade) Report("MG404", span, "DROP TABLE ... CASCADE also drops the views and foreign keys that use " + rel);
        if (existing) {
          Report("MG401", span,
                 fmt::format("dropping table {} destroys its rows (and locks the tables its foreign keys reference)", rel));
        }
        created_.erase(a.relation.name);
        return LockMode::AccessExclusive;
      case ActionKind::DropSchema:
        Report("MG403", span, fmt::format("dropping schema {} destroys what it holds", rel));
        if (a.cascade) Report("MG404", span, "DROP SCHEMA ... CASCADE drops every object in it");
        return LockMode::None;
      case ActionKind::DropDatabase:
        Report("MG403", span, fmt::format("dropping database {} destroys everything in it", rel));
        return LockMode::None;
      case ActionKind::DropOther:
        if (a.cascade) Report("MG404", span, "DROP ... CASCADE also drops whatever depends on " + rel);
        if (a.object_type == "sequence" || a.object_type == "type" || a.object_type == "function" ||
            a.object_type == "procedure" || a.object_type == "view" || a.object_type == "materialized view" ||
            a.object_type == "trigger" || a.object_type == "extension" || a.object_type == "domain") {
          // (DROP TRIGGER name ON table: the relation is the table.)
          std::string what = a.name.empty() ? rel : a.name + " on " + rel;
          Report("MG409", span, fmt::format("dropping {} {}: what uses it breaks", a.object_type, what));
        }
        return LockMode::None;
      case ActionKind::Truncate:
        Report("MG405", span, fmt::format("TRUNCATE destroys every row of {}", rel));
        if (a.cascade) Report("MG404", span, "TRUNCATE ... CASCADE also empties every table referencing " + rel);
        return LockMode::AccessExclusive;
      case ActionKind::RenameColumn:
        Report("MG406", span,
               fmt::format("renaming column {}.{} to {} breaks the code that uses the old name", rel, a.name, a.new_name));
        return LockMode::AccessExclusive;
      case ActionKind::RenameTable:
        if (existing) {
          Report("MG407", span, fmt::format("renaming {} to {} breaks the code that uses the old name", rel, a.new_name));
        }
        created_.erase(a.relation.name);
        created_.insert(a.new_name);
        return LockMode::AccessExclusive;
      case ActionKind::RenameSchema:
        Report("MG408", span, fmt::format("renaming schema {} breaks the code that names it", rel));
        return LockMode::None;
      case ActionKind::SetSchema:
        Report("MG408", span, fmt::format("moving {} {} to schema {} breaks the code that names it", a.object_type,
                                          rel, a.new_name));
        return LockMode::AccessExclusive;
      case ActionKind::RenameOther:
        // Since PostgreSQL 12, ALTER INDEX ... RENAME takes SHARE UPDATE EXCLUSIVE.
        return a.object_type == "index" && options_.pg_version >= 12 ? LockMode::ShareUpdateExclusive
                                                                     : LockMode::AccessExclusive;
      case ActionKind::CreateEnum:
        Report("MG604", span, fmt::format("enum {}: its values can be added but not removed or reordered", rel));
        return LockMode::None;
      case ActionKind::EnumAddValue:
        if (!a.neighbor) {
          Report("MG602", span, fmt::format("ADD VALUE '{}' without BEFORE / AFTER sorts the value last", a.value));
        }
        if (in_transaction_ && options_.pg_version < 12) {
          Report("MG601", span,
                 fmt::format("before PostgreSQL 12, ALTER TYPE ... ADD VALUE '{}' cannot run inside a transaction block",
                             a.value));
        } else if (in_transaction_) {
          new_enum_values_.push_back(a.value);
        }
        return LockMode::None;
      case ActionKind::EnumRenameValue:
        Report("MG603", span, fmt::format("renaming enum value '{}' breaks the code and data that use it", a.name));
        return LockMode::None;
      case ActionKind::CreateDomain:
        if (a.constraint_type == 'c') {
          std::size_t before = findings_.size();
          Report("MG209", span,
                 fmt::format("domain {} has a CHECK: every later change to it scans each column using it, and columns "
                             "of a constrained domain make ADD COLUMN ... DEFAULT and type changes rewrite",
                             rel));
          // Advice about later changes: creating the domain locks and scans nothing (so a plan
          // that creates one is not held to the rule's class).
          if (findings_.size() > before) findings_.back().risk = RiskClass::Safe;
        }
        return LockMode::None;
      case ActionKind::DomainAddConstraint:
        if (!a.not_valid) {
          Report("MG209", span,
                 fmt::format("ALTER DOMAIN {} ADD CONSTRAINT scans every column that uses the domain, under a SHARE "
                             "lock on each table",
                             rel));
        }
        return LockMode::None;
      case ActionKind::Vacuum:
        if (a.name == "vacuum" && in_transaction_) Report("MG704", span, "VACUUM cannot run inside a transaction block");
        if (a.full) {
          Report("MG801", span, fmt::format("VACUUM FULL rewrites {} under an ACCESS EXCLUSIVE lock",
                                            a.relation.name.empty() ? "every table" : rel));
          return LockMode::AccessExclusive;
        }
        return LockMode::ShareUpdateExclusive;
      case ActionKind::Cluster:
        Report("MG801", span, fmt::format("CLUSTER rewrites {} under an ACCESS EXCLUSIVE lock",
                                          a.relation.name.empty() ? "every clustered table" : rel));
        return LockMode::AccessExclusive;
      case ActionKind::RefreshMatView:
        if (!a.concurrent) {
          Report("MG803", span,
                 fmt::format("REFRESH MATERIALIZED VIEW {} blocks its readers (ACCESS EXCLUSIVE) while it recomputes",
                             rel));
          return LockMode::AccessExclusive;
        }
        return LockMode::Exclusive;
      case ActionKind::Grant:
        Report("MG806", span, a.name == "revoke" ? "REVOKE: whoever loses the privilege fails from now on"
                                                 : "GRANT: review who gains access");
        return LockMode::None;
      case ActionKind::Extension:
        Report("MG808", span, "extension changes bring objects and behaviour of their own: review the version");
        return LockMode::None;
      case ActionKind::SetVariable:
        if (a.name == "lock_timeout") lock_timeout_ = !a.reset && a.value != "0";
        if (a.name == "statement_timeout") statement_timeout_ = !a.reset && a.value != "0";
        return LockMode::None;
      case ActionKind::Begin:
        if (in_transaction_) {
          Report("MG705", span,
                 explicit_transaction_ ? "BEGIN inside an open transaction (PostgreSQL warns and ignores it)"
                                       : "BEGIN in a file run inside a transaction the tool opens (assumed)");
        }
        in_transaction_ = explicit_transaction_ = true;
        ResetTransaction();
        return LockMode::None;
      case ActionKind::Commit:
      case ActionKind::Rollback:
        if (!explicit_transaction_ && !options_.assume_in_transaction) {
          Report("MG705", span, "COMMIT / ROLLBACK with no transaction open");
        }
        explicit_transaction_ = false;
        in_transaction_ = options_.assume_in_transaction;
        ResetTransaction();
        return LockMode::None;
      case ActionKind::Data:
        WorkAfterAccessExclusive(span, "this statement");
        return LockMode::RowExclusive;
      case ActionKind::Opaque:
        Report("MG708", span,
               fmt::format("{}: what it does cannot be classified; review it by hand", st.node_kind));
        return LockMode::None;
      case ActionKind::Savepoint:
      case ActionKind::Comment:
      case ActionKind::Other:
        // A materialized view created here: its indexes are built on rows nobody reads yet.
        if (a.object_type == "materialized view") created_.insert(a.relation.name);
        return LockMode::None;
    }
    return LockMode::None;
  }

  LockMode AddColumn(const ir::SourceSpan& span, const Action& a, bool existing) {
    const sql::ColumnFacts& c = a.column;
    const std::string rel = Shown(a.relation);
    DesignAdvice(span, c);
    if (!existing) return LockMode::AccessExclusive;
    bool volatile_default = false;
    for (const std::string& fn : c.default_calls) volatile_default |= !NonVolatile(fn);
    // Before PostgreSQL 11 every default was written into each row.
    if (options_.pg_version < 11 && c.has_default && c.default_text != "NULL") volatile_default = true;
    if (IsSerial(c) || c.identity || c.generated_stored) {
      Report("MG303", span,
             fmt::format("adding {}.{} as {} rewrites the table and its indexes under an ACCESS EXCLUSIVE lock", rel,
                         c.name, IsSerial(c) ? TypeName(c) : c.identity ? "an identity column" : "a stored generated column"));
    } else if (volatile_default) {
      Report("MG302", span,
             fmt::format("{}: every row is rewritten under an ACCESS EXCLUSIVE lock",
                         options_.pg_version < 11
                             ? fmt::format("before PostgreSQL 11, the default of {}.{} is written into each row", rel, c.name)
                             : fmt::format("the default of {}.{} ({}) is volatile, or not known to be stable", rel,
                                           c.name, c.default_text)));
    } else if (c.not_null && !c.has_default) {
      Report("MG304", span,
             fmt::format("{}.{} is NOT NULL with no default: the statement fails on a table that has rows", rel, c.name));
    } else if (c.check) {
      Report("MG201", span,
             fmt::format("the CHECK of new column {}.{} scans the table under an ACCESS EXCLUSIVE lock", rel, c.name));
    } else if (c.unique || c.primary_key) {
      Report(c.primary_key ? "MG205" : "MG204", span,
             fmt::format("the {} of new column {}.{} builds an index under an ACCESS EXCLUSIVE lock",
                         c.primary_key ? "PRIMARY KEY" : "UNIQUE constraint", rel, c.name));
    } else {
      Report("MG301", span,
             fmt::format("ADD COLUMN takes an ACCESS EXCLUSIVE lock on {} (brief: no rewrite)", rel));
    }
    return LockMode::AccessExclusive;
  }

  LockMode AddConstraint(const ir::SourceSpan& span, const Action& a, bool existing) {
    const std::string rel = Shown(a.relation);
    const LockMode lock = a.constraint_type == 'f' ? LockMode::ShareRowExclusive : LockMode::AccessExclusive;
    if (a.constraint_type == 'c') {
      if (a.not_valid) {
        pending_checks_.insert({a.relation.name, a.name});
      } else {
        validated_checks_.insert(a.relation.name);
      }
      std::string col = NotNullColumn(a.expression);
      if (!col.empty()) {
        if (a.not_valid || existing) pending_not_null_[{a.relation.name, a.name}] = col;
        if (!a.not_valid) proven_not_null_.insert({a.relation.name, col});
      }
    }
    if (!existing) return lock;
    // A key added to ONLY a partitioned table: an invalid index of its own, no build (the
    // partitions' keys are built and attached on their own).
    if ((a.constraint_type == 'p' || a.constraint_type == 'u') && a.only) {
      const ir::Table* t = ContextTable(a.relation);
      if (t != nullptr && t->partition_key) return lock;
    }
    switch (a.constraint_type) {
      case 'c':
        if (!a.not_valid) {
          Report("MG201", span,
                 fmt::format("ADD CONSTRAINT {} CHECK scans {} under an ACCESS EXCLUSIVE lock", a.name, rel));
        }
        break;
      case 'f':
        if (!a.not_valid) {
          Report("MG202", span,
                 fmt::format("ADD FOREIGN KEY {} scans {} under a SHARE ROW EXCLUSIVE lock on it and on the table it "
                             "references (writes wait on both)",
                             a.name, rel));
        }
        break;
      case 'u':
        if (!a.using_index) {
          Report("MG204", span,
                 fmt::format("ADD CONSTRAINT {} UNIQUE builds its index under an ACCESS EXCLUSIVE lock on {}", a.name, rel));
        }
        break;
      case 'p':
        if (a.using_index) {
          const ir::Table* t = ContextTable(a.relation);
          auto ix = t != nullptr ? t->indexes.find(a.index_name) : std::map<std::string, ir::Index>::const_iterator{};
          if (t != nullptr && ix != t->indexes.end()) {
            for (const ir::IndexElement& e : ix->second.elements) {
              const ir::Column* col = e.column ? t->FindColumn(*e.column) : nullptr;
              if (col != nullptr && !col->not_null && !NotNullProven(a.relation, col->name)) {
                Report("MG206", span,
                       fmt::format("PRIMARY KEY USING INDEX {} makes {}.{} NOT NULL, which scans the table under an "
                                   "ACCESS EXCLUSIVE lock",
                                   a.index_name, rel, col->name));
                break;
              }
            }
          }
        } else {
          Report("MG205", span,
                 fmt::format("ADD PRIMARY KEY builds its index (and checks NOT NULL) under an ACCESS EXCLUSIVE lock on {}",
                             rel));
        }
        break;
      case 'x':
        Report("MG207", span,
               fmt::format("ADD CONSTRAINT {} EXCLUDE builds its index under an ACCESS EXCLUSIVE lock on {}", a.name, rel));
        break;
      default: break;
    }
    // (USING INDEX only records the key: its scan, if any, is MG206's.)
    if (!a.not_valid && !a.using_index && a.constraint_type != 0) WorkAfterAccessExclusive(span, "ADD CONSTRAINT");
    return lock;
  }

  // Design advice on a column's type (info). `key`: a table constraint of the statement makes it
  // (part of) a primary, unique or foreign key.
  void DesignAdvice(const ir::SourceSpan& span, const sql::ColumnFacts& c, bool key = false) {
    std::string t = TypeName(c);
    // An integer key, identity or serial runs out: a plain integer column (a count, an age) is
    // left alone, as int4 is right for it.
    if (auto [narrow, max] = NarrowInteger(c); !narrow.empty()) {
      key = key || c.primary_key || c.unique || c.references;
      if (key || c.identity || IsSerial(c)) {
        Report("MG901", span,
               fmt::format("column {} is {}{}: it runs out at {}", c.name, narrow,
                           key ? " and a key" : c.identity ? " and an identity column" : "", max));
      }
    }
    if (IsSerial(c)) Report("MG902", span, fmt::format("column {} is {}: prefer an identity column", c.name, t));
    if (t == "timestamp") {
      Report("MG903", span, fmt::format("column {} is timestamp without time zone: prefer timestamptz", c.name));
    }
    if (t == "bpchar" || t == "char" || t == "character") {
      Report("MG904", span, fmt::format("column {} is char(n), padded with spaces: prefer text", c.name));
    }
    if (t == "json") Report("MG310", span, fmt::format("column {} is json: prefer jsonb", c.name));
  }



  // ---- statements that fail when the file runs again (MG706) ----

  // Outside a transaction, a file that stops part-way has applied its first statements: run
  // again, each CREATE, ADD or DROP without IF [NOT] EXISTS fails. Inside one, PostgreSQL rolls
  // the whole file back, so the rule is silent there. One finding per statement, for its first
  // such action. (The drops IF EXISTS are recorded in or out of a transaction.)
  void NonIdempotent(const MigrationStatement& st) {
    std::string first;
    for (const Action& a : st.actions) {
      const std::string rel = Shown(a.relation);
      std::string what;
      switch (a.kind) {
        case ActionKind::CreateTable:
          if (st.node_kind == "CreateStmt" && a.column.name.empty() && !a.if_exists) {
            what = fmt::format("CREATE TABLE {} without IF NOT EXISTS", rel);
          }
          break;
        case ActionKind::CreateIndex:
          if (a.name.empty()) {
            what = fmt::format("CREATE INDEX on {} without a name (each run adds another index)", rel);
          } else if (a.concurrent && !a.if_exists && !dropped_if_exists_.count("index " + a.name)) {
            // IF NOT EXISTS would skip an INVALID index a failed build left (MG105): drop it first.
            what = fmt::format("CREATE INDEX CONCURRENTLY {} with no DROP INDEX CONCURRENTLY IF EXISTS before it",
                               a.name);
          } else if (!a.concurrent && !a.if_exists) {
            what = fmt::format("CREATE INDEX {} without IF NOT EXISTS", a.name);
          }
          break;
        case ActionKind::AddColumn:
          if (!a.if_exists) what = fmt::format("ADD COLUMN {} without IF NOT EXISTS", a.name);
          break;
        case ActionKind::DropColumn:
          if (!a.if_exists) what = fmt::format("DROP COLUMN {} without IF EXISTS", a.name);
          break;
        case ActionKind::DropConstraint:
          if (a.if_exists) dropped_if_exists_.insert("constraint " + Shown(Key(a.relation)) + " " + a.name);
          else what = fmt::format("DROP CONSTRAINT {} without IF EXISTS", a.name);
          break;
        case ActionKind::AddConstraint:
          // PostgreSQL has no ADD CONSTRAINT IF NOT EXISTS: DROP CONSTRAINT IF EXISTS first.
          if (a.name.empty() || !dropped_if_exists_.count("constraint " + Shown(Key(a.relation)) + " " + a.name)) {
            what = a.name.empty()
                       ? "ADD CONSTRAINT without a name (each run adds another constraint)"
                       : fmt::format("ADD CONSTRAINT {} with no DROP CONSTRAINT IF EXISTS before it", a.name);
          }
          break;
        case ActionKind::EnumAddValue:
          if (!a.if_exists) what = fmt::format("ADD VALUE '{}' without IF NOT EXISTS", a.value);
          break;
        default:
          if (st.node_kind == "DropStmt") {
            if (a.if_exists && a.kind == ActionKind::DropIndex) dropped_if_exists_.insert("index " + a.relation.name);
            if (!a.if_exists) what = fmt::format("DROP {} {} without IF EXISTS", Upper(a.object_type), rel);
          }
          break;
      }
      if (first.empty()) first = what;
    }
    if (first.empty() || in_transaction_) return;
    Report("MG706", st.span,
           fmt::format("{}, outside a transaction: if the file stops part-way and runs again, this statement fails "
                       "or repeats",
                       first));
  }

  // ---- several ALTER TABLE of one table in a transaction (MG707) ----

  // In one transaction the lock the first ALTER TABLE took is held to the end anyway: one
  // statement with every subcommand scans or rewrites the table once. Outside a transaction,
  // separate statements keep each lock short, so the rule is silent there. ATTACH and DETACH
  // PARTITION cannot be combined with other subcommands, and VALIDATE CONSTRAINT belongs in a
  // transaction of its own (MG203), so statements with them are left out.
  void RepeatedAlter(const MigrationStatement& st) {
    if (!in_transaction_ || st.node_kind != "AlterTableStmt" || st.actions.empty()) return;
    const Action& first = st.actions[0];
    if (first.object_type != "table" || !Existing(first.relation)) return;
    for (const Action& a : st.actions) {
      if (a.kind == ActionKind::AttachPartition || a.kind == ActionKind::DetachPartition ||
          a.kind == ActionKind::ValidateConstraint) {
        return;
      }
    }
    auto [earlier, inserted] = altered_in_transaction_.insert({Key(first.relation), st.span});
    if (inserted) return;
    Report("MG707", st.span,
           fmt::format("{} was already altered in this transaction (line {}): one ALTER TABLE with all the "
                       "subcommands scans or rewrites it once",
                       Shown(first.relation), sources_.Resolve(earlier->second.file, earlier->second.begin).line));
  }

  // ---- changes that take only SHARE UPDATE EXCLUSIVE (MG809) ----

  // The table storage parameters that PostgreSQL changes under SHARE UPDATE EXCLUSIVE (the risk
  // catalogue's list, checked for fillfactor on PostgreSQL 15); any other takes ACCESS EXCLUSIVE.
  static bool CheapOption(const std::string& option) {
    return option == "fillfactor" || option == "parallel_workers" || option.rfind("autovacuum_", 0) == 0 ||
           option.rfind("toast.", 0) == 0;
  }

  static bool Cheap(const Action& a) {
    switch (a.kind) {
      case ActionKind::SetStorageOptions:
        return std::all_of(a.options.begin(), a.options.end(), CheapOption);
      case ActionKind::ClusterOn:
      case ActionKind::ValidateConstraint:
      case ActionKind::Comment: return true;
      case ActionKind::RenameOther: return a.object_type == "index";
      case ActionKind::Vacuum: return a.name == "analyze";
      default: return false;
    }
  }

  // Reported only when every action of the statement is cheap (in one ALTER TABLE the strictest
  // lock wins) and no rule about locks or scans fired on it (VALIDATE in the transaction that
  // locked the table is MG203, not cheap).
  void CheapMetadataChange(const MigrationStatement& st, std::size_t reported_before) {
    if (st.actions.empty() || !std::all_of(st.actions.begin(), st.actions.end(), Cheap)) return;
    if (st.actions[0].kind == ActionKind::RenameOther && options_.pg_version < 12) return;
    for (std::size_t i = reported_before; i < findings_.size(); ++i) {
      if (findings_[i].rule->risk != RiskClass::Safe) return;
    }
    const Action& a = st.actions[0];
    bool scans = std::any_of(st.actions.begin(), st.actions.end(), [](const Action& x) {
      return x.kind == ActionKind::ValidateConstraint || x.kind == ActionKind::Vacuum;
    });
    std::string what = a.kind == ActionKind::Comment      ? std::string("COMMENT ON")
                       : a.kind == ActionKind::Vacuum      ? "ANALYZE"
                       : a.kind == ActionKind::RenameOther ? "ALTER INDEX ... RENAME"
                                                           : "ALTER " + Upper(a.object_type);
    std::string on = a.relation.name.empty() ? "" : " on " + Shown(a.relation);
    Report("MG809", st.span,
           fmt::format("{} takes only a SHARE UPDATE EXCLUSIVE lock{}{}: reads and writes go on", what, on,
                       scans ? (a.kind == ActionKind::Vacuum ? " (it reads a sample of the table)"
                                                             : " (it scans the table, without blocking traffic)")
                             : ""));
  }

  // ---- unqualified relations (MG711, opt-in) ----

  // Whether `a` names its relation (table, index, view, sequence) through a RangeVar in DDL.
  static bool NamesRelation(const MigrationStatement& st, const Action& a) {
    switch (a.kind) {
      case ActionKind::CreateTable:
      case ActionKind::CreateIndex:
      case ActionKind::DropIndex:
      case ActionKind::DropTable:
      case ActionKind::Truncate:
      case ActionKind::RenameColumn:
      case ActionKind::RenameTable:
      case ActionKind::RenameOther:
      case ActionKind::SetSchema:
      case ActionKind::TriggerChange:
      case ActionKind::RefreshMatView:
      case ActionKind::Cluster: return true;
      case ActionKind::RowSecurity: return true;  // (DROP POLICY p ON t: the relation is t)
      case ActionKind::DropOther:
        return a.object_type == "view" || a.object_type == "materialized view" || a.object_type == "sequence" ||
               a.object_type == "trigger" || a.object_type == "rule";
      default: return st.node_kind == "AlterTableStmt";
    }
  }

  void Unqualified(const MigrationStatement& st) {
    std::vector<std::string> names;
    auto note = [&](const ir::QualifiedName& rel) {
      if (rel.name.empty() || !rel.schema.empty()) return;
      if (std::find(names.begin(), names.end(), rel.name) == names.end()) names.push_back(rel.name);
    };
    for (const Action& a : st.actions) {
      if (!NamesRelation(st, a)) continue;
      note(a.relation);
      note(a.ref_table);
      for (const sql::ConstraintFacts& k : a.constraints) note(k.ref_table);
      for (const sql::ConstraintFacts& k : a.column.constraints) note(k.ref_table);
    }
    if (names.empty()) return;
    std::string list;
    for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
    Report("MG711", st.span,
           fmt::format("{} {} not schema-qualified: search_path decides what {}", list,
                       names.size() == 1 ? "is" : "are", names.size() == 1 ? "it names" : "they name"));
  }

  // ---- naming conventions (MG907, from [lint.naming]) ----

  // The names the statement gives (new tables, columns, indexes and constraints, and the new
  // name of a rename); a name PostgreSQL makes up is not checked.
  void Naming(const MigrationStatement& st) {
    if (naming_.empty()) return;
    auto check = [&](const std::string& kind, const std::string& name) {
      auto it = naming_.find(kind);
      if (name.empty() || it == naming_.end() || std::regex_search(name, it->second.second)) return;
      Report("MG907", st.span,
             fmt::format("{} name {} does not match the pattern \"{}\" of [lint.naming]", kind, name,
                         it->second.first));
    };
    for (const Action& a : st.actions) {
      switch (a.kind) {
        case ActionKind::CreateTable:
          if (a.column.name.empty()) {
            check("table", a.relation.name);
            for (const sql::ConstraintFacts& k : a.constraints) check("constraint", k.name);
            break;
          }
          [[fallthrough]];
        case ActionKind::AddColumn:
          check("column", a.column.name);
          for (const sql::ConstraintFacts& k : a.column.constraints) check("constraint", k.name);
          break;
        case ActionKind::AddConstraint: check("constraint", a.name); break;
        case ActionKind::CreateIndex: check("index", a.name); break;
        case ActionKind::RenameTable:
          if (a.object_type == "table") check("table", a.new_name);
          break;
        case ActionKind::RenameColumn: check("column", a.new_name); break;
        case ActionKind::RenameOther:
          if (a.object_type == "index") check("index", a.new_name);
          if (a.object_type == "constraint") check("constraint", a.new_name);
          break;
        default: break;
      }
    }
  }

  // ---- column order (MG906) ----

  // The bytes of alignment padding per row that ordering the columns from widest alignment to
  // narrowest (variable-length ones last) saves. A variable-length value is taken as short, as
  // PostgreSQL stores one under 127 bytes (a 1-byte header, no alignment), of unknown length:
  // the padding after one is the least it can be in the written order, and the most it can be
  // in the proposed one. With no variable-length column the row sizes are exact (MAXALIGN).
  void ColumnAlignment(const MigrationStatement& st) {
    if (st.actions.empty() || st.actions[0].kind != ActionKind::CreateTable || st.actions[0].derived) return;
    std::vector<std::pair<std::string, Layout>> columns;
    for (std::size_t i = 1; i < st.actions.size(); ++i) {
      std::optional<Layout> layout = TypeLayout(st.actions[i].column);
      if (!layout) return;  // a type only the catalog knows: say nothing
      columns.push_back({st.actions[i].name, *layout});
    }
    int written = 0, written_end = 0;
    std::vector<Layout> run;
    bool after_variable = false, variable = false;
    auto close_run = [&]() {
      if (!after_variable) {
        written += Padding(run, 0, &written_end);
      } else {
        int least = Padding(run, 0);
        for (int start = 1; start < kMaxAlign; ++start) least = std::min(least, Padding(run, start));
        written += least;
      }
      run.clear();
    };
    for (const auto& [name, l] : columns) {
      if (l.length >= 0) {
        run.push_back(l);
        continue;
      }
      close_run();
      after_variable = variable = true;
    }
    close_run();
    std::vector<std::pair<std::string, Layout>> ordered = columns;
    std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
      return (a.second.length >= 0) != (b.second.length >= 0) ? a.second.length >= 0 : a.second.align > b.second.align;
    });
    std::vector<Layout> fixed;
    for (const auto& [name, l] : ordered) {
      if (l.length >= 0) fixed.push_back(l);
    }
    int proposed_end = 0;
    int proposed = Padding(fixed, 0, &proposed_end);
    int saving;
    if (variable) {
      // The first variable-length value may be long (a 4-byte header, aligned on 4).
      saving = written - proposed - (4 - proposed_end % 4) % 4;
    } else {
      auto maxalign = [](int n) { return (n + kMaxAlign - 1) / kMaxAlign * kMaxAlign; };
      saving = maxalign(written_end) - maxalign(proposed_end);
    }
    if (saving < kAlignmentSavingWorthIt) return;
    std::string order;
    for (const auto& [name, l] : ordered) order += (order.empty() ? "" : ", ") + name;
    Report("MG906", st.span,
           fmt::format("ordering the columns of {} as ({}) saves {} bytes of alignment padding per row",
                       Shown(st.actions[0].relation), order, saving));
  }

  // ---- foreign keys and the indexes that serve them (MG905) ----

  // A relation as PostgreSQL would most often resolve it: unqualified names in public.
  static ir::QualifiedName Key(const ir::QualifiedName& rel) {
    return {rel.schema.empty() ? "public" : rel.schema, rel.name};
  }

  // Records the indexes and foreign keys `a` creates or drops.
  void TrackKeys(const ir::SourceSpan& span, const Action& a) {
    const ir::QualifiedName table = Key(a.relation);
    auto add = [&](const sql::ConstraintFacts& k) {
      if (k.type == 'p' || k.type == 'u') file_indexes_[table].push_back({k.name, k.columns});
      if (k.type == 'f' && !k.columns.empty()) {
        foreign_keys_.push_back({span, table, k.name, k.columns, k.ref_table, a.relation});
      }
    };
    switch (a.kind) {
      case ActionKind::CreateTable:
        if (a.column.name.empty()) {
          file_indexes_[table].clear();
          std::erase_if(foreign_keys_, [&](const ForeignKey& fk) { return fk.table == table; });
          // A table made LIKE another, or a partition, also gets indexes from elsewhere.
          if (a.derived) {
            created_known_.erase(table);
            created_unknown_.insert(table);
          } else {
            created_unknown_.erase(table);
            created_known_.insert(table);
          }
          for (const sql::ConstraintFacts& k : a.constraints) add(k);
        } else {
          for (const sql::ConstraintFacts& k : a.column.constraints) add(k);
        }
        break;
      case ActionKind::AddColumn:
        for (const sql::ConstraintFacts& k : a.column.constraints) add(k);
        break;
      case ActionKind::AddConstraint:
        if (!a.using_index) add(sql::ConstraintFacts{a.constraint_type, a.name, a.columns, a.ref_table});
        break;
      case ActionKind::CreateIndex:
        // A partial index serves only the rows its predicate keeps.
        if (a.expression.empty()) file_indexes_[table].push_back({a.name, a.columns});
        if (!a.name.empty()) index_tables_[a.name] = table.name;
        break;
      case ActionKind::DropIndex:
      case ActionKind::DropConstraint: {
        const std::string& name = a.kind == ActionKind::DropIndex ? a.relation.name : a.name;
        dropped_indexes_.insert(name);
        for (auto& [t, indexes] : file_indexes_) {
          std::erase_if(indexes, [&](const FileIndex& ix) { return ix.name == name; });
        }
        break;
      }
      case ActionKind::RenameTable: {
        ir::QualifiedName to{table.schema, a.new_name};
        if (auto it = file_indexes_.find(table); it != file_indexes_.end()) {
          file_indexes_[to] = std::move(it->second);
          file_indexes_.erase(table);
        }
        for (ForeignKey& fk : foreign_keys_) {
          if (fk.table != table) continue;
          fk.table = to;
          fk.written.name = a.new_name;
        }
        for (std::set<ir::QualifiedName>* created : {&created_known_, &created_unknown_}) {
          if (created->erase(table)) created->insert(to);
        }
        break;
      }
      case ActionKind::DropTable:
        file_indexes_.erase(table);
        std::erase_if(foreign_keys_, [&](const ForeignKey& fk) { return fk.table == table; });
        created_known_.erase(table);
        created_unknown_.insert(table);
        break;
      default: break;
    }
  }

  // Judged at the end of the file, so that an index created after its foreign key counts. A
  // foreign key on a table whose indexes are not known (neither created in the file nor in the
  // schema given, or created LIKE another table or as a partition) is not reported.
  void ForeignKeysWithoutIndex() {
    for (const ForeignKey& fk : foreign_keys_) {
      std::vector<std::vector<std::string>> indexes;
      if (!created_known_.count(fk.table)) {
        if (created_unknown_.count(fk.table)) continue;
        const ir::Table* t = ContextTable(fk.table);
        if (t == nullptr) continue;
        for (const auto& [name, ix] : t->indexes) {
          if (ix.predicate || dropped_indexes_.count(name)) continue;
          std::vector<std::string> columns;
          for (const ir::IndexElement& e : ix.elements) columns.push_back(e.column.value_or(""));
          indexes.push_back(std::move(columns));
        }
        for (const auto& [name, k] : t->constraints) {
          bool keyed = k.kind == ir::ConstraintKind::PrimaryKey || k.kind == ir::ConstraintKind::Unique;
          if (keyed && !dropped_indexes_.count(name)) indexes.push_back(k.columns);
        }
      }
      if (auto it = file_indexes_.find(fk.table); it != file_indexes_.end()) {
        for (const FileIndex& ix : it->second) indexes.push_back(ix.columns);
      }
      // An index serves the foreign key's lookups when its leading columns are the key's, in
      // any order.
      const std::set<std::string> wanted(fk.columns.begin(), fk.columns.end());
      bool served = false;
      for (const std::vector<std::string>& columns : indexes) {
        if (columns.size() < fk.columns.size()) continue;
        served |= std::set<std::string>(columns.begin(), columns.begin() + fk.columns.size()) == wanted;
      }
      if (served) continue;
      std::string list;
      for (const std::string& c : fk.columns) list += (list.empty() ? "" : ", ") + c;
      Report("MG905", fk.span,
             fmt::format("foreign key {}on {} ({}) has no index that starts with its columns: each DELETE on {}, or "
                         "change of its key, scans {}",
                         fk.name.empty() ? "" : fk.name + " ", Shown(fk.written), list, Shown(fk.ref_table),
                         Shown(fk.written)));
    }
  }

  void WorkAfterAccessExclusive(const ir::SourceSpan& span, const std::string& what) {
    if (!in_transaction_ || !access_exclusive_in_transaction_) return;
    Report("MG703", span,
           fmt::format("{} runs while this transaction holds an ACCESS EXCLUSIVE lock on {}: traffic on it waits "
                       "until the transaction ends",
                       what, Shown(*access_exclusive_in_transaction_)));
  }

  bool NotNullProven(const ir::QualifiedName& rel, const std::string& column) const {
    if (proven_not_null_.count({rel.name, column})) return true;
    const ir::Table* t = ContextTable(rel);
    if (t == nullptr) return false;
    for (const auto& [name, k] : t->constraints) {
      if (k.kind == ir::ConstraintKind::Check && k.validated && k.check && NotNullColumn(k.check->text) == column) {
        return true;
      }
    }
    return false;
  }

  void ResetTransaction() {
    altered_in_transaction_.clear();
    access_exclusive_in_transaction_.reset();
    strong_in_transaction_.clear();
    new_enum_values_.clear();
  }

  const ir::SourceManager& sources_;
  const ir::Database* context_;
  std::optional<ir::Database> state_;  // the context as the current statement sees it (Advance)
  std::optional<ir::QualifiedName> current_relation_;  // the action being classified: its table
  const LintOptions& options_;
  std::vector<Finding> findings_;
  std::set<std::string> created_;  // tables created earlier in the file (by name)
  std::map<std::string, std::string> index_tables_;  // indexes created earlier in the file -> their table (by name)
  std::set<std::string> columns_of_create_;  // the columns of the CREATE TABLE being read
  struct FileIndex {
    std::string name;
    std::vector<std::string> columns;  // "" for an expression
  };
  struct ForeignKey {
    ir::SourceSpan span;
    ir::QualifiedName table;    // Key() of the referencing table
    std::string name;
    std::vector<std::string> columns;
    ir::QualifiedName ref_table;
    ir::QualifiedName written;  // the referencing table as written
  };
  std::map<ir::QualifiedName, std::vector<FileIndex>> file_indexes_;  // created in the file, by table Key()
  std::set<std::string> dropped_indexes_;                              // indexes and constraints dropped
  std::set<ir::QualifiedName> created_known_, created_unknown_;        // tables created in the file
  std::vector<ForeignKey> foreign_keys_;                               // added in the file
  std::map<std::string, std::pair<std::string, std::regex>> naming_;  // kind -> (pattern, compiled)
  std::set<std::string> dropped_if_exists_;  // "index NAME", "constraint TABLE NAME": dropped IF EXISTS
  std::map<ir::QualifiedName, ir::SourceSpan> altered_in_transaction_;  // existing tables, by Key()
  std::set<std::string> keys_of_create_;     // its columns in a table PRIMARY KEY, UNIQUE or FOREIGN KEY
  bool in_transaction_;
  bool explicit_transaction_ = false;
  bool lock_timeout_ = false, statement_timeout_ = false;
  bool reported_lock_timeout_ = false, reported_statement_timeout_ = false;
  std::optional<ir::QualifiedName> access_exclusive_in_transaction_;
  std::set<std::string> strong_in_transaction_;
  std::vector<std::string> new_enum_values_;
  std::map<std::pair<std::string, std::string>, std::string> pending_not_null_;  // (table, constraint) -> column
  std::set<std::pair<std::string, std::string>> pending_checks_;  // CHECKs added NOT VALID: (table, constraint)
  std::set<std::string> validated_checks_;  // tables given a validated CHECK by this file
  std::set<std::pair<std::string, std::string>> proven_not_null_;                // (table, column)
};

}  // namespace

std::vector<Finding> LintFile(const sql::MigrationFile& file, const ir::SourceManager& sources,
                              const ir::Database* context, const LintOptions& options, ir::Diagnostics& diags) {
  std::vector<Finding> findings = Classifier(sources, context, options).Run(file.statements);
  for (const sql::PlacedDirective& d : file.directives) {
    // `ignore` covers the statement after the comment; `ignore-file` the whole file.
    std::optional<ir::SourceSpan> target;
    if (d.directive.kind == grammar::DirectiveKind::Ignore) {
      for (const MigrationStatement& st : file.statements) {
        if (st.span.begin > d.span.begin) {
          target = st.span;
          break;
        }
      }
    }
    for (const std::string& id : d.directive.rules) {
      if (FindRule(id) == nullptr) {
        diags.Report(ir::diag::kLintUnknownRule, fmt::format("schemac:ignore names rule {}, which does not exist", id),
                     d.span);
        continue;
      }
      bool used = false;
      for (Finding& f : findings) {
        if (f.rule->id != id || f.suppressed_by) continue;
        if (d.directive.kind == grammar::DirectiveKind::Ignore && (!target || f.span.begin != target->begin)) continue;
        f.suppressed_by = d.span;
        f.suppression_reason = d.directive.reason;
        used = true;
      }
      if (!used) {
        diags.Report(ir::diag::kLintUnusedSuppression,
                     fmt::format("this directive suppresses {}, but {} reports nothing {}", id, id,
                                 d.directive.kind == grammar::DirectiveKind::Ignore ? "on the next statement"
                                                                                   : "in this file"),
                     d.span);
      }
    }
  }
  return findings;
}

}  // namespace schemac::lint
