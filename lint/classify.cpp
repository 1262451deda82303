#include "lint/lint.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace schemac::lint {

namespace {

using sql::Action;
using sql::ActionKind;
using sql::MigrationStatement;

std::string Shown(const ir::QualifiedName& q) { return q.schema.empty() ? q.name : q.schema + "." + q.name; }

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

class Classifier {
 public:
  Classifier(const ir::SourceManager& sources, const ir::Database* context, const LintOptions& options)
      : sources_(sources), context_(context), options_(options), in_transaction_(options.assume_in_transaction) {}

  std::vector<Finding> Run(const std::vector<MigrationStatement>& statements) {
    for (const MigrationStatement& st : statements) Statement(st);
    if (explicit_transaction_ && !statements.empty()) {
      Report("MG705", statements.back().span, "the file leaves a transaction open: BEGIN without COMMIT");
    }
    return std::move(findings_);
  }

 private:
  // ---- what is known of the database ----

  const ir::Table* ContextTable(const ir::QualifiedName& rel) const {
    if (context_ == nullptr) return nullptr;
    if (!rel.schema.empty()) {
      auto it = context_->tables.find(rel);
      return it == context_->tables.end() ? nullptr : &it->second;
    }
    auto it = context_->tables.find({"public", rel.name});
    return it == context_->tables.end() ? nullptr : &it->second;
  }

  // A table that exists before this statement: not created earlier in the file. (Every peer
  // exempts new tables: no traffic can be waiting on them.)
  bool Existing(const ir::QualifiedName& rel) const { return !created_.count(rel.name); }

  void Report(std::string_view id, const ir::SourceSpan& span, std::string message, bool low_confidence = false) {
    const RuleInfo* rule = FindRule(id);
    Severity severity = DefaultSeverity(rule->risk);
    if (auto it = options_.severities.find(std::string(id)); it != options_.severities.end()) severity = it->second;
    if (severity == Severity::Off) return;
    findings_.push_back(Finding{rule, severity, span, std::move(message), low_confidence && context_ == nullptr});
  }

  // ---- per statement ----

  void Statement(const MigrationStatement& st) {
    for (const std::string& name : st.long_identifiers) {
      Report("MG709", st.span,
             fmt::format("identifier \"{}\" is {} bytes: PostgreSQL silently truncates it to its first {}", name,
                         name.size(), ir::kMaxIdentifierBytes));
    }
    LockMode strongest = LockMode::None;
    const ir::QualifiedName* locked = nullptr;
    for (const Action& a : st.actions) {
      LockMode lock = Classify(st, a);
      if (lock > strongest && Existing(a.relation) && !a.relation.name.empty()) {
        strongest = lock;
        locked = &a.relation;
      }
    }
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
          DesignAdvice(span, a.column);
          if (!columns_of_create_.insert(a.column.name).second) {
            Report("MG710", span, fmt::format("column {} is defined twice in CREATE TABLE {}: the statement fails",
                                              a.column.name, rel));
          }
          return LockMode::None;
        }
        columns_of_create_.clear();
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
        Report("MG103", span,
               fmt::format("DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table of {}", rel));
        return LockMode::AccessExclusive;
      case ActionKind::Reindex:
        if (a.concurrent) {
          if (in_transaction_) Report("MG704", span, "REINDEX CONCURRENTLY cannot run inside a transaction block");
          return LockMode::ShareUpdateExclusive;
        }
        Report("MG104", span,
               fmt::format("REINDEX without CONCURRENTLY takes a SHARE lock on the table and an ACCESS EXCLUSIVE "
                           "lock on the index ({}): writes, and reads using the index, wait",
                           rel));
        return LockMode::Share;
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
      case ActionKind::SetStorageOptions: return LockMode::ShareUpdateExclusive;
      case ActionKind::AttachPartition:
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
          Report("MG409", span, fmt::format("dropping {} {}: what uses it breaks", a.object_type, rel));
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
      case ActionKind::RenameOther: return LockMode::AccessExclusive;
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
          Report("MG209", span,
                 fmt::format("domain {} has a CHECK: every later change to it scans each column using it, and columns "
                             "of a constrained domain make ADD COLUMN ... DEFAULT and type changes rewrite",
                             rel));
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
      case ActionKind::Other: return LockMode::None;
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
      std::string col = NotNullColumn(a.expression);
      if (!col.empty()) {
        if (a.not_valid || existing) pending_not_null_[{a.relation.name, a.name}] = col;
        if (!a.not_valid) proven_not_null_.insert({a.relation.name, col});
      }
    }
    if (!existing) return lock;
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
    if (!a.not_valid && a.constraint_type != 0) WorkAfterAccessExclusive(span, "ADD CONSTRAINT");
    return lock;
  }

  // Design advice on a column's type (info).
  void DesignAdvice(const ir::SourceSpan& span, const sql::ColumnFacts& c) {
    std::string t = TypeName(c);
    if (IsSerial(c)) Report("MG902", span, fmt::format("column {} is {}: prefer an identity column", c.name, t));
    if (t == "timestamp") {
      Report("MG903", span, fmt::format("column {} is timestamp without time zone: prefer timestamptz", c.name));
    }
    if (t == "bpchar" || t == "char" || t == "character") {
      Report("MG904", span, fmt::format("column {} is char(n), padded with spaces: prefer text", c.name));
    }
    if (t == "json") Report("MG310", span, fmt::format("column {} is json: prefer jsonb", c.name));
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
    access_exclusive_in_transaction_.reset();
    strong_in_transaction_.clear();
    new_enum_values_.clear();
  }

  const ir::SourceManager& sources_;
  const ir::Database* context_;
  const LintOptions& options_;
  std::vector<Finding> findings_;
  std::set<std::string> created_;  // tables created earlier in the file (by name)
  std::set<std::string> columns_of_create_;  // the columns of the CREATE TABLE being read
  bool in_transaction_;
  bool explicit_transaction_ = false;
  bool lock_timeout_ = false, statement_timeout_ = false;
  bool reported_lock_timeout_ = false, reported_statement_timeout_ = false;
  std::optional<ir::QualifiedName> access_exclusive_in_transaction_;
  std::set<std::string> strong_in_transaction_;
  std::vector<std::string> new_enum_values_;
  std::map<std::pair<std::string, std::string>, std::string> pending_not_null_;  // (table, constraint) -> column
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
