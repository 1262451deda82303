#include "diff/differ.h"

#include <algorithm>
#include <iterator>
#include <limits>
#include <map>
#include <set>
#include <utility>

#include "compiler/ir/expression_keys.h"
#include "compiler/ir/partition.h"
#include "diff/objects.h"
#include "diff/objects_kinds.h"

namespace schemac::diff {

namespace {

using ir::ObjectId;
using ir::ObjectKind;
using ir::QualifiedName;

// A table with every setting at its default: the "before" of settings changes on a new table.
const ir::Table kDefaultTable{};

ObjectId SchemaId(const std::string& name) { return ObjectId{ObjectKind::Schema, "", name, ""}; }
ObjectId RelId(ObjectKind kind, const QualifiedName& q) { return ObjectId{kind, q.schema, q.name, ""}; }
ObjectId SubId(ObjectKind kind, const QualifiedName& table, const std::string& sub) {
  return ObjectId{kind, table.schema, table.name, sub};
}

std::string TypeDisplay(const ir::TypeRef& t) {
  std::string out = t.schema + "." + t.name;
  if (!t.modifiers.empty()) out += "(" + t.modifiers + ")";
  if (t.array) out += "[]";
  return out;
}

bool SameColumnType(const ir::Column& b, const ir::Column& a) {
  return b.type == a.type && b.collation == a.collation;
}

// Attachment to a parent's index is compared on its own (attach_index).
ir::Constraint WithoutMutableParts(ir::Constraint c) {
  c.comment.reset();
  c.validated = true;
  c.parent_index.clear();
  return c;
}

ir::Index WithoutComment(ir::Index i) {
  i.comment.reset();
  i.parent_index.clear();
  i.valid = true;  // an invalid index is rebuilt in place (ChangeKind::ReindexIndex)
  return i;
}

const ir::Table* FindTable(const ir::Database& db, const QualifiedName& name) {
  auto it = db.tables.find(name);
  return it == db.tables.end() ? nullptr : &it->second;
}

// The index (or key) `name` of a table: its definition as an index, or nullopt.
std::optional<ir::Index> IndexNamed(const ir::Table& t, const std::string& name) {
  if (auto i = t.indexes.find(name); i != t.indexes.end()) return i->second;
  if (auto k = t.constraints.find(name); k != t.constraints.end() &&
      (k->second.kind == ir::ConstraintKind::PrimaryKey || k->second.kind == ir::ConstraintKind::Unique)) {
    return ir::ConstraintIndex(k->second);
  }
  return std::nullopt;
}

bool ConstraintUsesAny(const ir::Constraint& c, const std::set<std::string>& columns) {
  for (const std::string& col : columns) {
    for (const std::string& x : c.columns) {
      if (x == col) return true;
    }
    for (const std::string& x : c.include) {
      if (x == col) return true;
    }
    if (c.check && MentionsIdentifier(c.check->text, col)) return true;
  }
  return false;
}

bool IndexUsesAny(const ir::Index& i, const std::set<std::string>& columns) {
  for (const std::string& col : columns) {
    for (const ir::IndexElement& e : i.elements) {
      if (e.column == col) return true;
      if (e.expression && MentionsIdentifier(e.expression->text, col)) return true;
    }
    for (const std::string& x : i.include) {
      if (x == col) return true;
    }
    if (i.predicate && MentionsIdentifier(i.predicate->text, col)) return true;
  }
  return false;
}

// A name for the set of types PostgreSQL compares with each other through one btree operator
// family (integer_ops, float_ops, text_ops, datetime_ops): a foreign key between two such types
// stays valid while only one side has changed type.
std::string ComparisonFamily(const ir::TypeRef& t) {
  std::string base = t.schema + "." + t.name + (t.array ? "[]" : "");
  if (t.schema != "pg_catalog") return base;
  std::string suffix = t.array ? "[]" : "";
  if (t.name == "int2" || t.name == "int4" || t.name == "int8") return "integer" + suffix;
  if (t.name == "float4" || t.name == "float8") return "float" + suffix;
  if (t.name == "text" || t.name == "varchar") return "text" + suffix;
  if (t.name == "date" || t.name == "timestamp" || t.name == "timestamptz") return "datetime" + suffix;
  return base;
}

class Differ {
 public:
  Differ(const ir::Database& from, const ir::Database& to, const Matching& m, const DiffOptions& o,
         ir::Diagnostics& diags)
      : from_(from), to_(to), m_(m), options_(o), diags_(diags), targets_(m.Targets()) {
    for (const auto& [root, partitions] : m.rebuilt_tables) {
      rebuilt_.insert(root);
      rebuilt_.insert(partitions.begin(), partitions.end());
    }
    for (const auto& [root, partitions] : m.rebuilt_tables) {
      for (const QualifiedName& q : SavedTables(root)) saved_.insert(q);
    }
  }

  std::vector<Change> Run() {
    Schemas();
    Enums();
    Sequences();
    Tables();
    CheckCopies();
    ReplicaIdentityIndexesRebuilt();
    DiffObjects(from_, to_, options_.owners, out_);
    CheckFunctionDropsUnderTables(from_, to_, out_, diags_);
    CheckTypeChangesUnderTables(from_, to_, out_, diags_);
    DefaultPrivileges();
    Privileges();
    return std::move(out_);
  }

 private:
  bool IsTarget(const ObjectId& id) const { return targets_.count(id) > 0; }

  Change& Add(ChangeKind kind, ObjectId object) {
    Change c;
    c.kind = kind;
    c.object = std::move(object);
    out_.push_back(std::move(c));
    return out_.back();
  }

  void Unsupported(const std::string& message, const ir::SourceSpan& span, const ObjectId& id) {
    diags_.Report(ir::diag::kPlanUnsupported, message, span, ir::DisplayName(id));
  }

  Change* Comment(const ObjectId& id, ElementRef before, ElementRef after,
                  const std::optional<std::string>& b, const std::optional<std::string>& a,
                  std::string reason = {}) {
    if (b == a) return nullptr;
    Change& c = Add(ChangeKind::SetComment, id);
    c.before = before;
    c.after = after;
    c.text_before = b;
    c.text_after = a;
    c.reason = std::move(reason);
    return &c;
  }

  void Owner(const ObjectId& id, ElementRef before, ElementRef after,
             const std::optional<std::string>& b, const std::optional<std::string>& a) {
    // Owners are only compared when asked, and only when the desired state records one.
    if (!options_.owners || !a || b == a) return;
    Change& c = Add(ChangeKind::SetOwner, id);
    c.before = before;
    c.after = after;
    c.text_before = b;
    c.text_after = a;
  }

  bool RenameUnsupported(const std::string& from_name, const std::string& to_name,
                         const ObjectId& id, const ir::SourceSpan& span) {
    if (from_name == to_name) return false;
    Unsupported("not yet supported: rename to \"" + to_name + "\"", span, id);
    return true;
  }

  // ---- schemas ----
  void Schemas() {
    for (const auto& [name, b] : from_.schemas) {
      ObjectId id = SchemaId(name);
      auto target = m_.Schema(name);
      if (!target) {
        Add(ChangeKind::DropSchema, id).before.schema = &b;
        continue;
      }
      if (RenameUnsupported(name, *target, id, b.span)) continue;
      const ir::Schema& a = to_.schemas.at(*target);
      Comment(id, {.schema = &b}, {.schema = &a}, b.comment, a.comment);
      Owner(id, {.schema = &b}, {.schema = &a}, b.owner, a.owner);
    }
    for (const auto& [name, a] : to_.schemas) {
      ObjectId id = SchemaId(name);
      if (IsTarget(id)) continue;
      Add(ChangeKind::CreateSchema, id).after.schema = &a;
      Comment(id, {}, {.schema = &a}, std::nullopt, a.comment);
      Owner(id, {}, {.schema = &a}, std::nullopt, a.owner);
    }
  }

  // ---- enums ----
  std::vector<EnumColumnUse> EnumUses(const QualifiedName& b_name, const QualifiedName& a_name) {
    // The columns of `from_` by type, indexed once: scanning every column for each changed enum
    // made the differ quadratic in the size of the schema. Table then column order is kept.
    if (!from_columns_by_type_) {
      from_columns_by_type_.emplace();
      for (const auto& [tname, tb] : from_.tables) {
        for (const ir::Column& cb : tb.columns) {
          (*from_columns_by_type_)[QualifiedName{cb.type.schema, cb.type.name}].push_back({&tname, &tb, &cb});
        }
      }
    }
    std::vector<EnumColumnUse> uses;
    auto typed = from_columns_by_type_->find(b_name);
    if (typed == from_columns_by_type_->end()) return uses;
    for (const TypedColumn& use : typed->second) {
      const QualifiedName& tname = *use.table_name;
      const ir::Table& tb = *use.table;
      const ir::Column& cb = *use.column;
      auto tt = m_.Table(tname);
      if (!tt) continue;
      const ir::Table& ta = to_.tables.at(*tt);
      auto ct = m_.Column(tname, cb.name);
      if (!ct) continue;
      const ir::Column* ca = ta.FindColumn(*ct);
      if (TypeIs(cb.type, b_name) && TypeIs(ca->type, a_name) && cb.type.array == ca->type.array &&
          !cb.generated && !ca->generated) {
        uses.push_back(EnumColumnUse{&tb, &cb, &ta, ca});
      }
    }
    return uses;
  }

  void Enums() {
    for (const auto& [name, b] : from_.enums) {
      ObjectId id = RelId(ObjectKind::Enum, name);
      auto target = m_.Enum(name);
      if (!target) {
        Add(ChangeKind::DropEnum, id).before.enum_type = &b;
        continue;
      }
      if (RenameUnsupported(name.name, target->name, id, b.span)) continue;
      const ir::EnumType& a = to_.enums.at(*target);
      bool swap = false;
      if (b.values != a.values) {
        swap = !IsPureAddition(b.values, a.values);
        Change& c = Add(swap ? ChangeKind::SwapEnum : ChangeKind::AddEnumValues, id);
        c.before.enum_type = &b;
        c.after.enum_type = &a;
        c.enum_uses = EnumUses(name, *target);
        if (swap) {
          for (const EnumColumnUse& u : c.enum_uses) {
            swapped_columns_.insert({u.table_after->name, u.after->name});
          }
          c.reason =
              "type swap: PostgreSQL cannot remove or reorder enum values, so the type is renamed, "
              "recreated and every column using it is converted through text";
        }
      }
      if (swap) {
        // The recreated type has no comment or owner of its own yet.
        Comment(id, {.enum_type = &b}, {.enum_type = &a}, std::nullopt, a.comment,
                "the type swap recreates the type");
        Owner(id, {.enum_type = &b}, {.enum_type = &a}, std::nullopt, a.owner);
      } else {
        Comment(id, {.enum_type = &b}, {.enum_type = &a}, b.comment, a.comment);
        Owner(id, {.enum_type = &b}, {.enum_type = &a}, b.owner, a.owner);
      }
    }
    for (const auto& [name, a] : to_.enums) {
      ObjectId id = RelId(ObjectKind::Enum, name);
      if (IsTarget(id)) continue;
      Add(ChangeKind::CreateEnum, id).after.enum_type = &a;
      Comment(id, {}, {.enum_type = &a}, std::nullopt, a.comment);
      Owner(id, {}, {.enum_type = &a}, std::nullopt, a.owner);
    }
  }

  // ---- sequences ----
  void Sequences() {
    for (const auto& [name, b] : from_.sequences) {
      ObjectId id = RelId(ObjectKind::Sequence, name);
      auto target = m_.Sequence(name);
      if (!target) {
        // PostgreSQL drops a sequence together with the column (or table) that owns it; a
        // separate DROP SEQUENCE would then fail, so such a sequence goes with its owner.
        if (b.owned_by) {
          auto owner_table = m_.Table(b.owned_by->table);
          if (!owner_table) {
            owned_by_dropped_table_[b.owned_by->table].push_back(&b);
            continue;
          }
          if (!m_.Column(b.owned_by->table, b.owned_by->column)) {
            owned_by_dropped_column_[{b.owned_by->table, b.owned_by->column}].push_back(&b);
            continue;
          }
        }
        Add(ChangeKind::DropSequence, id).before.sequence = &b;
        continue;
      }
      if (RenameUnsupported(name.name, target->name, id, b.span)) continue;
      const ir::Sequence& a = to_.sequences.at(*target);
      if (b.options != a.options) {
        Change& c = Add(ChangeKind::AlterSequenceOptions, id);
        c.before.sequence = &b;
        c.after.sequence = &a;
        if (a.options.min_value > b.options.min_value || a.options.max_value < b.options.max_value) {
          c.reason = "the range narrows: PostgreSQL rejects it if the sequence's current value lies "
                     "outside the new range (schemac never RESTARTs a sequence)";
        }
      }
      if ((b.owned_by && rebuilt_.count(b.owned_by->table)) || (a.owned_by && rebuilt_.count(a.owned_by->table))) {
        // Its owning table is created anew: released before the old one is dropped (which
        // would take the sequence along), owned again once the new one exists.
        if (b.owned_by) {
          Change& c = Add(ChangeKind::SetSequenceOwnedBy, id);
          c.before.sequence = &b;
          c.reason = "its owning table is created anew";
        }
        if (a.owned_by) {
          Change& c = Add(ChangeKind::SetSequenceOwnedBy, id);
          c.after.sequence = &a;
          c.reason = "its owning table is created anew";
        }
      } else if (b.owned_by != a.owned_by) {
        Change& c = Add(ChangeKind::SetSequenceOwnedBy, id);
        c.before.sequence = &b;
        c.after.sequence = &a;
      }
      Comment(id, {.sequence = &b}, {.sequence = &a}, b.comment, a.comment);
      Owner(id, {.sequence = &b}, {.sequence = &a}, b.owner, a.owner);
    }
    for (const auto& [name, a] : to_.sequences) {
      ObjectId id = RelId(ObjectKind::Sequence, name);
      if (IsTarget(id)) continue;
      Add(ChangeKind::CreateSequence, id).after.sequence = &a;
      if (a.owned_by) {
        // Ownership is its own change: the owning column may be created later in the plan.
        Change& c = Add(ChangeKind::SetSequenceOwnedBy, id);
        c.after.sequence = &a;
      }
      Comment(id, {}, {.sequence = &a}, std::nullopt, a.comment);
      Owner(id, {}, {.sequence = &a}, std::nullopt, a.owner);
    }
  }

  // ---- tables ----
  // Keys (primary key / unique constraint / unique index columns) of surviving tables that are
  // dropped or dropped and added again. PostgreSQL ties a foreign key to the referenced key's
  // index and refuses to drop that index while the foreign key exists, so such foreign keys
  // are dropped and added again too.
  //
  // Because PostgreSQL also rebuilds a key's index when one of its INCLUDE columns changes type
  // (and then refuses, as the foreign key depends on the index), a key whose INCLUDE column is
  // retyped counts as replaced too: by a type change, or by the swap of its enum type.
  bool SwappedEnum(const ir::TypeRef& type) const {
    auto b = from_.enums.find({type.schema, type.name});
    auto a = to_.enums.find({type.schema, type.name});
    if (b == from_.enums.end() || a == to_.enums.end() || b->second.values == a->second.values) return false;
    // Pure additions keep the old values in their order (ALTER TYPE ... ADD VALUE, no retype).
    std::size_t k = 0;
    for (const std::string& v : a->second.values) {
      if (k < b->second.values.size() && b->second.values[k] == v) ++k;
    }
    return k != b->second.values.size();
  }

  bool Retyped(const ir::Table& b, const ir::Table& a, const std::vector<std::string>& columns) const {
    for (const std::string& name : columns) {
      const ir::Column* cb = b.FindColumn(name);
      const ir::Column* ca = a.FindColumn(name);
      if (cb == nullptr || ca == nullptr) continue;
      if (!SameColumnType(*cb, *ca) || SwappedEnum(cb->type)) return true;
    }
    return false;
  }

  void CollectReplacedKeys() {
    for (const auto& [name, b] : from_.tables) {
      auto target = m_.Table(name);
      if (!target) continue;
      const ir::Table& a = to_.tables.at(*target);
      for (const auto& [cname, con] : b.constraints) {
        if (con.kind != ir::ConstraintKind::PrimaryKey && con.kind != ir::ConstraintKind::Unique) continue;
        auto it = a.constraints.find(cname);
        if (it == a.constraints.end() || WithoutMutableParts(it->second) != WithoutMutableParts(con) ||
            Retyped(b, a, con.include)) {
          replaced_keys_[name].push_back(con.columns);
        }
      }
      for (const auto& [iname, idx] : b.indexes) {
        if (!idx.unique) continue;
        auto it = a.indexes.find(iname);
        if (it != a.indexes.end() && WithoutComment(it->second) == WithoutComment(idx) && !Retyped(b, a, idx.include)) {
          continue;
        }
        std::vector<std::string> cols;
        for (const ir::IndexElement& e : idx.elements) {
          if (e.column) cols.push_back(*e.column);
        }
        replaced_keys_[name].push_back(cols);
      }
    }
  }

  bool ReferencesReplacedKey(const ir::Constraint& fk) const {
    if (fk.kind != ir::ConstraintKind::ForeignKey) return false;
    auto it = replaced_keys_.find(fk.ref_table);
    if (it == replaced_keys_.end()) return false;
    std::vector<std::string> ref = fk.ref_columns;
    std::sort(ref.begin(), ref.end());
    for (std::vector<std::string> key : it->second) {
      std::sort(key.begin(), key.end());
      if (key == ref) return true;
    }
    return false;
  }

  // Columns of surviving tables whose type changes to one of another comparison family. A
  // foreign key over such a column is dropped and added again around the type changes:
  // PostgreSQL re-checks the key after each ALTER COLUMN TYPE, and between the change of the
  // referenced column and that of the referencing one (or the other way round) the two types
  // may have no equality operator at all (bigint against timestamp).
  void CollectRetypedAcrossFamilies() {
    for (const auto& [name, b] : from_.tables) {
      auto target = m_.Table(name);
      if (!target) continue;
      const ir::Table& a = to_.tables.at(*target);
      for (const ir::Column& cb : b.columns) {
        auto ct = m_.Column(name, cb.name);
        const ir::Column* ca = ct ? a.FindColumn(*ct) : nullptr;
        if (ca != nullptr && ComparisonFamily(cb.type) != ComparisonFamily(ca->type)) {
          retyped_across_families_.insert({name, cb.name});
        }
      }
    }
  }

  bool ForeignKeyColumnRetyped(const QualifiedName& table, const ir::Constraint& fk) const {
    if (fk.kind != ir::ConstraintKind::ForeignKey) return false;
    for (const std::string& col : fk.columns) {
      if (retyped_across_families_.count({table, col})) return true;
    }
    for (const std::string& col : fk.ref_columns) {
      if (retyped_across_families_.count({fk.ref_table, col})) return true;
    }
    return false;
  }

  // Indexes of partitioned tables that are dropped and created again because an index of one of
  // their partitions stops being attached to them (or goes) while they stay: PostgreSQL cannot
  // detach a partition's index, nor drop it while it is attached.
  void CollectDetachedParentIndexes() {
    for (const auto& [name, b] : from_.tables) {
      auto target = m_.Table(name);
      if (!target || !b.partition_of) continue;
      const ir::Table& a = to_.tables.at(*target);
      if (a.partition_of != b.partition_of) continue;  // detached from the table: its indexes go free
      const ir::Table* pa = FindTable(to_, b.partition_of->parent);
      if (pa == nullptr) continue;
      auto check = [&](const std::string& parent_index, const std::string* after_parent) {
        if (parent_index.empty() || (after_parent != nullptr && *after_parent == parent_index)) return;
        if (IndexNamed(*pa, parent_index)) rebuilt_parent_indexes_.insert({b.partition_of->parent, parent_index});
      };
      for (const auto& [iname, ix] : b.indexes) {
        auto it = a.indexes.find(iname);
        check(ix.parent_index, it == a.indexes.end() ? nullptr : &it->second.parent_index);
      }
      for (const auto& [kname, k] : b.constraints) {
        auto it = a.constraints.find(kname);
        check(k.parent_index, it == a.constraints.end() ? nullptr : &it->second.parent_index);
      }
    }
  }

  bool ParentIndexRebuilt(const QualifiedName& table, const std::string& index) const {
    return rebuilt_parent_indexes_.count({table, index}) > 0;
  }

  void Tables() {
    CollectDetachedParentIndexes();
    CollectReplacedKeys();
    CollectRetypedAcrossFamilies();
    for (const auto& [name, b] : from_.tables) {
      auto target = m_.Table(name);
      if (!target) {
        const bool copied = saved_.count(name) > 0;
        if (m_.rebuilt_tables.count(name)) CopyRows(ChangeKind::SaveRows, b, to_.tables.at(name));
        if (b.partition_of) {
          // Detached first, and dropped on its own even when its parent goes too: PostgreSQL
          // refuses to drop a partition a foreign key to its parent reaches, and the partition's
          // own foreign keys take part in the order of the drops.
          Change& d = Add(ChangeKind::DetachPartition, RelId(ObjectKind::Table, name));
          d.before.table = &b;
          d.before.parent = FindTable(from_, b.partition_of->parent);
          d.rows_copied = copied;
        }
        Change& c = DropWholeTable(b);
        c.rows_copied = copied;
        if (copied) c.reason = RebuildReason(name);
        continue;
      }
      if (RenameUnsupported(name.name, target->name, RelId(ObjectKind::Table, name), b.span)) continue;
      MatchedTable(b, to_.tables.at(*target));
    }
    for (const auto& [name, a] : to_.tables) {
      if (IsTarget(RelId(ObjectKind::Table, name))) continue;
      NewTable(a);
      if (m_.rebuilt_tables.count(name)) CopyRows(ChangeKind::RestoreRows, from_.tables.at(name), a);
    }
  }

  // ---- the copies of a CHECK that partitions inherit (ir::Table::valid_check_copies) ----

  // The partitions of `holder`, at any depth, in `db`.
  static void PartitionsUnder(const ir::Database& db, const QualifiedName& holder, std::vector<const ir::Table*>& out) {
    for (const auto& [name, t] : db.tables) {
      if (t.partition_of && t.partition_of->parent == holder) {
        out.push_back(&t);
        PartitionsUnder(db, name, out);
      }
    }
  }

  // The table that holds CHECK `check` which partition `t` of `db` inherits, or null.
  static const ir::Table* CheckHolder(const ir::Database& db, const ir::Table& t, const std::string& check) {
    const ir::Table* cur = &t;
    for (std::size_t depth = 0; cur != nullptr && depth <= db.tables.size(); ++depth) {
      if (cur->constraints.count(check)) return cur;
      if (!cur->partition_of) return nullptr;
      cur = FindTable(db, cur->partition_of->parent);
    }
    return nullptr;
  }

  // Whether a partition of `holder` that stays attached has a validated copy of CHECK `check`
  // that must be NOT VALID again: only adding the CHECK again NOT VALID does that.
  bool CopyMadeNotValid(const QualifiedName& holder, const std::string& check) const {
    std::vector<const ir::Table*> partitions;
    PartitionsUnder(to_, holder, partitions);
    for (const ir::Table* q : partitions) {
      const ir::Table* qb = FindTable(from_, q->name);
      if (qb == nullptr || qb->partition_of != q->partition_of) continue;
      if (ir::CheckValidated(from_, *qb, check) == true && ir::CheckValidated(to_, *q, check) == false) return true;
    }
    return false;
  }

  // VALIDATE CONSTRAINT on a partition whose copy of an inherited CHECK must be valid while its
  // parent's stays NOT VALID: where the copy was NOT VALID, or is made anew (the CHECK is added
  // again on the table holding it), or the partition is attached with a NOT VALID one.
  void CheckCopies() {
    for (const auto& [name, q] : to_.tables) {
      if (!q.partition_of || !IsTarget(RelId(ObjectKind::Table, name))) continue;
      const ir::Table* qb = FindTable(from_, name);
      if (qb == nullptr) continue;
      const bool moved = qb->partition_of != q.partition_of;
      for (const auto& [kname, k] : ParentChecks(q)) {
        const bool want_valid = q.valid_check_copies.count(kname) > 0;
        const std::optional<bool> had = ir::CheckValidated(from_, *qb, kname);
        const ir::Table* holder = CheckHolder(to_, q, kname);
        if (holder == nullptr) continue;
        ObjectId id = SubId(ObjectKind::Constraint, name, kname);
        if (!want_valid) {
          if (moved && had == true) {
            Unsupported("not yet supported: partition " + ir::DisplayName(name) + " attached with a validated CHECK \"" +
                            kname + "\" that must stay NOT VALID as on " + ir::DisplayName(holder->name),
                        q.span, id);
          }
          continue;
        }
        bool recreated = false;
        for (const Change& c : out_) {
          recreated |= c.kind == ChangeKind::AddConstraint && c.object.kind == ObjectKind::Constraint &&
                       c.object.schema == holder->name.schema && c.object.name == holder->name.name &&
                       c.object.sub == kname;
        }
        if (had == true && !recreated) continue;
        Change& c = Add(ChangeKind::ValidateConstraint, id);
        c.before.table = qb;
        c.after.table = &q;
        c.after.constraint = &holder->constraints.at(kname);
        const ir::Table* holder_before = FindTable(from_, holder->name);
        auto hb = holder_before ? holder_before->constraints.find(kname) : holder->constraints.end();
        c.before.constraint = holder_before && hb != holder_before->constraints.end() ? &hb->second : c.after.constraint;
        c.copy_holder = holder->name;
        c.reason = recreated ? "the CHECK is added again on " + ir::DisplayName(holder->name) +
                                   ", which makes this partition's copy NOT VALID"
                             : "";
      }
    }
  }

  // The CHECKs partition `q` of the target inherits NOT VALID from its parent (the ones whose
  // copies on `q` may differ from the parent's).
  std::map<std::string, const ir::Constraint*> ParentChecks(const ir::Table& q) const {
    std::map<std::string, const ir::Constraint*> out;
    const ir::Table* parent = q.partition_of ? FindTable(to_, q.partition_of->parent) : nullptr;
    const ir::Table* cur = parent;
    for (std::size_t depth = 0; cur != nullptr && depth <= to_.tables.size(); ++depth) {
      for (const auto& [kname, k] : cur->constraints) {
        if (k.kind == ir::ConstraintKind::Check && !k.validated && ir::CheckValidated(to_, *parent, kname) == false) {
          out.emplace(kname, &k);
        }
      }
      cur = cur->partition_of ? FindTable(to_, cur->partition_of->parent) : nullptr;
    }
    return out;
  }

  // ---- tables created anew (Matching::rebuilt_tables) ----
  std::string RebuildReason(const QualifiedName& name) const {
    if (!rebuilt_.count(name)) {
      return "its partitioned table is created anew (PostgreSQL cannot change how it is partitioned): its rows "
             "are copied into the new table";
    }
    if (m_.rebuilt_tables.count(name)) {
      return "PostgreSQL cannot change how a table is partitioned (its partition key, or partitioned or not): "
             "the table is created anew and its rows are copied over through a temporary table";
    }
    return "its partitioned table is created anew (PostgreSQL cannot change how it is partitioned): its rows "
           "are copied over with those of that table";
  }

  // The name of the temporary table holding the rows of rebuilt table `root`.
  std::string RowsTable(const QualifiedName& root) const {
    std::size_t k = 1;
    for (const auto& [name, partitions] : m_.rebuilt_tables) {
      if (name == root) break;
      ++k;
    }
    return "schemac_rows_" + std::to_string(k);
  }

  // `root` and every partition under it in `db`, root first.
  static std::vector<QualifiedName> Tree(const ir::Database& db, const QualifiedName& root) {
    std::vector<QualifiedName> out{root};
    for (std::size_t i = 0; i < out.size(); ++i) {
      for (const auto& [name, t] : db.tables) {
        if (t.partition_of && t.partition_of->parent == out[i]) out.push_back(name);
      }
    }
    return out;
  }

  // The tables whose rows the copy of rebuilt table `root` takes along: the root, and the
  // partitions under it that are rebuilt with it or dropped (a partition that stays a table, or
  // moves to another parent, is detached first and keeps its rows).
  std::vector<QualifiedName> SavedTables(const QualifiedName& root) const {
    std::vector<QualifiedName> out{root};
    for (std::size_t i = 0; i < out.size(); ++i) {
      for (const auto& [name, t] : from_.tables) {
        if (!t.partition_of || t.partition_of->parent != out[i]) continue;
        if (m_.Table(name) && !rebuilt_.count(name)) continue;
        out.push_back(name);
      }
    }
    return out;
  }

  // SaveRows / RestoreRows of rebuilt table `b` (in from_) -> `a` (in to_, same name).
  void CopyRows(ChangeKind kind, const ir::Table& b, const ir::Table& a) {
    Change& c = Add(kind, RelId(ObjectKind::Table, a.name));
    c.before.table = &b;
    c.after.table = &a;
    c.rows_table = RowsTable(a.name);
    c.tree_before = SavedTables(b.name);
    c.tree_after = Tree(to_, a.name);
    c.reason = RebuildReason(a.name);
  }

  Change& DropWholeTable(const ir::Table& b) {
    const QualifiedName& name = b.name;
    Change& c = Add(ChangeKind::DropTable, RelId(ObjectKind::Table, name));
    if (b.partition_of) c.before.parent = FindTable(from_, b.partition_of->parent);
    c.before.table = &b;
    c.drops_owned_sequences = owned_by_dropped_table_[name];
    for (const auto& [key, seqs] : owned_by_dropped_column_) {
      if (key.first == name) c.drops_owned_sequences.insert(c.drops_owned_sequences.end(), seqs.begin(), seqs.end());
    }
    return c;
  }

  // Why a table that stays must be dropped and created again because of what makes it a foreign
  // table (PostgreSQL cannot turn a table into a foreign table, nor move a foreign table to
  // another server); "" when it need not be.
  std::string ForeignRecreation(const ir::Table& b, const ir::Table& a) const {
    if (!b.foreign && !a.foreign) return {};
    if (!b.foreign) return "PostgreSQL cannot turn a table into a foreign table: it is dropped and created again";
    if (!a.foreign) return "PostgreSQL cannot turn a foreign table into a table: it is dropped and created again";
    if (b.foreign->server != a.foreign->server) {
      return "PostgreSQL cannot move a foreign table to another server: it is dropped and created again (it holds "
             "no rows of its own)";
    }
    if (ServerRebuilt(from_, to_, a.foreign->server)) {
      return "its server is dropped and created again: the foreign table is dropped and created again with it (it "
             "holds no rows of its own)";
    }
    // ADD COLUMN appends: where that cannot give the desired column order, a foreign table (unlike
    // a table, which warns and keeps its rows) is created again with its columns in order.
    std::vector<std::string> reachable, wanted;
    for (const ir::Column& c : b.columns) {
      if (a.FindColumn(c.name)) reachable.push_back(c.name);
    }
    for (const ir::Column& c : a.columns) {
      if (!b.FindColumn(c.name)) reachable.push_back(c.name);
      wanted.push_back(c.name);
    }
    if (reachable != wanted) {
      return "PostgreSQL cannot reorder columns: the foreign table is dropped and created again with its columns in "
             "order (it holds no rows of its own)";
    }
    return {};
  }

  void NewTableElements(const ir::Table& a) {
    for (const auto& [cname, con] : a.constraints) {
      ObjectId id = SubId(ObjectKind::Constraint, a.name, cname);
      // PRIMARY KEY, UNIQUE and validated CHECK constraints are written inside CREATE TABLE;
      // foreign keys and NOT VALID checks are separate steps.
      if (con.kind == ir::ConstraintKind::ForeignKey) {
        Change& c = Add(ChangeKind::AddForeignKey, id);
        c.after = {.table = &a, .constraint = &con};
      } else if (con.kind == ir::ConstraintKind::Exclusion) {
        Unsupported("not yet supported: exclusion constraint \"" + cname + "\"", con.span, id);
      } else if (con.kind == ir::ConstraintKind::Check && !con.validated) {
        Change& c = Add(ChangeKind::AddConstraint, id);
        c.after = {.table = &a, .constraint = &con};
      } else if (a.partition_of && con.parent_index.empty() &&
                 (con.kind == ir::ConstraintKind::PrimaryKey || con.kind == ir::ConstraintKind::Unique)) {
        // A key of a partition that attaches to no parent index: after the attach (see Change).
        Change& c = Add(ChangeKind::AddConstraint, id);
        c.after = {.table = &a, .constraint = &con};
        c.after_attach = true;
      }
      Comment(id, {}, {.table = &a, .constraint = &con}, std::nullopt, con.comment);
    }
    for (const auto& [iname, idx] : a.indexes) {
      ObjectId id = SubId(ObjectKind::Index, a.name, iname);
      Change& c = Add(ChangeKind::CreateIndex, id);
      c.after = {.table = &a, .index = &idx};
      c.after_attach = a.partition_of && idx.parent_index.empty();
      Comment(id, {}, {.table = &a, .index = &idx}, std::nullopt, idx.comment);
    }
  }

  void NewTable(const ir::Table& a) {
    ObjectId id = RelId(ObjectKind::Table, a.name);
    Change& create = Add(ChangeKind::CreateTable, id);
    create.after.table = &a;
    if (rebuilt_.count(a.name)) {
      create.rows_copied = true;
      create.reason = RebuildReason(a.name);
    }
    if (a.partition_of) create.after.parent = FindTable(to_, a.partition_of->parent);
    NewTableElements(a);
    if (a.partition_of) {
      // Created on its own (with its indexes and keys under their own names), then attached.
      Change& c = Add(ChangeKind::AttachPartition, id);
      c.after.table = &a;
      c.after.parent = FindTable(to_, a.partition_of->parent);
      Attachments(nullptr, a);
    }
    if (a.replica_identity != ir::ReplicaIdentity::Default) {
      Change& c = Add(ChangeKind::SetReplicaIdentity, id);
      c.before.table = &kDefaultTable;
      c.after.table = &a;
    }
    if (a.row_security || a.force_row_security) {
      Change& c = Add(ChangeKind::SetRowSecurity, id);
      c.before.table = &kDefaultTable;
      c.after.table = &a;
    }
    Comment(id, {}, {.table = &a}, std::nullopt, a.comment);
    for (std::size_t i = 0; i < a.columns.size(); ++i) {
      const ir::Column& col = a.columns[i];
      ObjectId cid = SubId(ObjectKind::Column, a.name, col.name);
      Change* c = Comment(cid, {}, {.table = &a, .column = &col}, std::nullopt, col.comment);
      if (c != nullptr) c->ordinal = static_cast<int>(i);
    }
    Owner(id, {}, {.table = &a}, std::nullopt, a.owner);
  }

  // A replica identity index that is dropped and created again comes back without
  // indisreplident: the identity is set on it again.
  void ReplicaIdentityIndexesRebuilt() {
    std::vector<Change> added;
    for (const Change& c : out_) {
      if (c.kind != ChangeKind::DropIndex && c.kind != ChangeKind::DropConstraint) continue;
      const ir::Table* b = c.before.table;
      if (b == nullptr || b->replica_identity != ir::ReplicaIdentity::Index || b->replica_identity_index != c.object.sub) {
        continue;
      }
      auto target = m_.Table(b->name);
      if (!target) continue;
      const ir::Table& a = to_.tables.at(*target);
      if (a.replica_identity != b->replica_identity || a.replica_identity_index != b->replica_identity_index) continue;
      Change r;
      r.kind = ChangeKind::SetReplicaIdentity;
      r.object = RelId(ObjectKind::Table, a.name);
      r.before.table = b;
      r.after.table = &a;
      r.reason = "its index \"" + a.replica_identity_index + "\" is created again";
      added.push_back(std::move(r));
    }
    out_.insert(out_.end(), added.begin(), added.end());
  }

  Change& DropColumn(const ir::Table& b, const ir::Column& col, int ordinal) {
    Change& c = Add(ChangeKind::DropColumn, SubId(ObjectKind::Column, b.name, col.name));
    c.before = {.table = &b, .column = &col};
    c.ordinal = ordinal;
    auto it = owned_by_dropped_column_.find({b.name, col.name});
    if (it != owned_by_dropped_column_.end()) c.drops_owned_sequences = it->second;
    return c;
  }

  Change& AddColumn(const ir::Table& a, const ir::Column& col, int ordinal) {
    Change& c = Add(ChangeKind::AddColumn, SubId(ObjectKind::Column, a.name, col.name));
    c.after = {.table = &a, .column = &col};
    c.ordinal = ordinal;
    // A NOT NULL column without a default cannot be added to a table with rows: with a using
    // expression it is added nullable, filled, then made NOT NULL.
    if (col.not_null && !col.default_expr && !col.identity && !col.generated && !a.foreign) {
      c.using_expr = UsingFor(a.name, col.name);
    }
    return c;
  }

  // The `-- schemac:using` expression of a column of the target state, if any.
  std::optional<std::string> UsingFor(const QualifiedName& table, const std::string& column) const {
    for (const ir::UsingHint& u : to_.directives.usings) {
      if (u.table == table && u.column == column) return u.expression;
    }
    return std::nullopt;
  }

  // The attach_index steps of `a`'s indexes and keys attached to a parent index that `b` (the
  // partition before, as PostgreSQL leaves it; null for a new table) does not have attached
  // there, or that this plan creates again.
  void Attachments(const ir::Table* b, const ir::Table& a) {
    auto recreated = [&](const std::string& name) {
      for (const Change& c : out_) {
        if ((c.kind == ChangeKind::CreateIndex || c.kind == ChangeKind::AddConstraint) && c.object.sub == name &&
            TableOf(c) == a.name) {
          return true;
        }
      }
      return false;
    };
    const ir::Table* parent = a.partition_of ? FindTable(to_, a.partition_of->parent) : nullptr;
    auto attach = [&](const std::string& name, const std::string& parent_index, const std::string& before_parent,
                      ElementRef after) {
      if (parent_index.empty() || (b != nullptr && before_parent == parent_index && !recreated(name))) return;
      Change& c = Add(ChangeKind::AttachIndex, SubId(ObjectKind::Index, a.name, name));
      after.parent = parent;
      c.after = after;
    };
    for (const auto& [name, ix] : a.indexes) {
      std::string before_parent;
      if (b) {
        if (auto it = b->indexes.find(name); it != b->indexes.end()) before_parent = it->second.parent_index;
      }
      attach(name, ix.parent_index, before_parent, {.table = &a, .index = &ix});
    }
    for (const auto& [name, k] : a.constraints) {
      std::string before_parent;
      if (b) {
        if (auto it = b->constraints.find(name); it != b->constraints.end()) before_parent = it->second.parent_index;
      }
      attach(name, k.parent_index, before_parent, {.table = &a, .constraint = &k});
    }
    // PostgreSQL has no way to detach an index from its parent's but dropping the parent's.
    if (b == nullptr) return;
    auto detach = [&](const std::string& name, const std::string& before_parent, const std::string& after_parent,
                      const ir::SourceSpan& span) {
      if (before_parent.empty() || before_parent == after_parent) return;
      Unsupported("not yet supported: detaching index \"" + name + "\" from index \"" + before_parent +
                      "\" of the parent table while that index stays (PostgreSQL cannot detach a partition's index)",
                  span, SubId(ObjectKind::Index, a.name, name));
    };
    for (const auto& [name, ix] : b->indexes) {
      auto it = a.indexes.find(name);
      if (it != a.indexes.end()) detach(name, ix.parent_index, it->second.parent_index, it->second.span);
    }
    for (const auto& [name, k] : b->constraints) {
      auto it = a.constraints.find(name);
      if (it != a.constraints.end()) detach(name, k.parent_index, it->second.parent_index, it->second.span);
    }
  }

  // A partition as PostgreSQL leaves it once its parent has gone from `pb` to `pa`: columns
  // changed by recursion, and its indexes and keys attached to a parent index that is dropped
  // (or dropped and created again) gone with it.
  // Whether the parent's index `parent_index` is dropped (or dropped and created again) as the
  // parent goes from `pb` to `pa`.
  bool ParentIndexGoes(const ir::Table& pb, const ir::Table& pa, const std::string& parent_index) const {
    if (parent_index.empty()) return false;
    if (ParentIndexRebuilt(pa.name, parent_index)) return true;
    std::optional<ir::Index> before = IndexNamed(pb, parent_index);
    std::optional<ir::Index> after = IndexNamed(pa, parent_index);
    if (!before || !after) return true;
    if (!ir::SameIndexDefinition(*before, *after)) return true;
    // A key that changes (deferrability, kind) is dropped and added again.
    auto kb = pb.constraints.find(parent_index);
    auto ka = pa.constraints.find(parent_index);
    if ((kb == pb.constraints.end()) != (ka == pa.constraints.end())) return true;
    return kb != pb.constraints.end() && WithoutMutableParts(kb->second) != WithoutMutableParts(ka->second);
  }

  void ApplyParentChanges(ir::Table& t, const ir::Table& pb, const ir::Table& pa) const {
    ir::ApplyParentColumnChanges(t, pb, pa);
    auto parent_goes = [&](const std::string& parent_index) { return ParentIndexGoes(pb, pa, parent_index); };
    std::erase_if(t.indexes, [&](const auto& kv) { return parent_goes(kv.second.parent_index); });
    std::erase_if(t.constraints, [&](const auto& kv) { return parent_goes(kv.second.parent_index); });
  }

  // Indexes of a partition being attached that ATTACH PARTITION could take for an index of the
  // parent in place of the one the desired state attaches there (it takes the first equal index
  // it finds): dropped before the attach and created again after it (see Indexes()).
  void NoteShadowingIndexes(const ir::Table& b, const ir::Table& a, const ir::Table& pa) {
    auto attached_to = [&](const std::string& parent_index) -> std::string {
      for (const auto& [name, ix] : a.indexes) {
        if (ix.parent_index == parent_index) return name;
      }
      for (const auto& [name, k] : a.constraints) {
        if (k.parent_index == parent_index) return name;
      }
      return {};
    };
    for (const auto& [name, ix] : a.indexes) {
      if (!ix.parent_index.empty() || !b.indexes.count(name)) continue;
      for (const auto& [pname, pix] : pa.indexes) {
        std::string wanted = attached_to(pname);
        if (wanted.empty() || wanted == name || !ir::SameIndexDefinition(pix, ix)) continue;
        shadowing_indexes_[{a.name, name}] =
            "ATTACH PARTITION would attach it to index \"" + pname + "\" of the parent in place of \"" + wanted +
            "\": it is created again after the attach";
        break;
      }
    }
  }

  // A key (a constraint's index) of partition `b` attached to a plain index its parent drops:
  // PostgreSQL refuses to drop that index, and to drop the key while it is attached, so the
  // partition is detached around the drop. Returns the key's name, or "".
  std::string KeyOnDroppedParentIndex(const ir::Table& b, const ir::Table* pb, const ir::Table* pa) const {
    if (pb == nullptr || pa == nullptr) return {};
    for (const auto& [kname, k] : b.constraints) {
      // Dropping a key of the parent drops the keys attached to it (ALTER TABLE ... DROP
      // CONSTRAINT recurses); only a plain index of the parent is refused.
      if (pb->constraints.count(k.parent_index)) continue;
      if (ParentIndexGoes(*pb, *pa, k.parent_index)) return kname;
    }
    return {};
  }

  void MatchedTable(const ir::Table& b_in, const ir::Table& a) {
    ObjectId id = RelId(ObjectKind::Table, a.name);
    if (std::string why = ForeignRecreation(b_in, a); !why.empty()) {
      DropWholeTable(b_in).reason = why;
      std::size_t created = out_.size();
      NewTable(a);
      out_[created].reason = why;
      return;
    }
    // A partition is compared as PostgreSQL leaves it after its parent's changes (or after it is
    // detached): that state, derived here, is what the changes below start from.
    std::shared_ptr<ir::Table> derived;
    const std::size_t first_change = out_.size();
    if (b_in.partition_of || a.partition_of) {
      derived = std::make_shared<ir::Table>(b_in);
      const ir::Table* pb = b_in.partition_of ? FindTable(from_, b_in.partition_of->parent) : nullptr;
      const ir::Table* pa = a.partition_of ? FindTable(to_, a.partition_of->parent) : nullptr;
      bool moved = b_in.partition_of != a.partition_of;
      std::string reattach_reason =
          a.partition_of ? "PostgreSQL cannot change a partition's bound or parent in place: it is detached and "
                           "attached again"
                         : "";
      if (!moved) {
        if (std::string key = KeyOnDroppedParentIndex(b_in, pb, pa); !key.empty()) {
          moved = true;
          reattach_reason = "PostgreSQL refuses to drop an index of the partitioned table while key \"" + key +
                            "\" of this partition is attached to it, and to drop that key while it is attached: "
                            "the partition is detached and attached again around it";
        }
      }
      if (!moved && pb && pa) ApplyParentChanges(*derived, *pb, *pa);
      if (moved && b_in.partition_of) {
        Change& c = Add(ChangeKind::DetachPartition, id);
        c.before.table = &b_in;
        c.before.parent = pb;
        c.after.table = &a;
        c.after.parent = pa;
        c.reason = reattach_reason;
        // What it inherited becomes its own; its indexes stop being attached.
        if (pb) {
          for (const auto& [kname, k] : pb->constraints) {
            if (k.kind != ir::ConstraintKind::Check && k.kind != ir::ConstraintKind::ForeignKey) continue;
            ir::Constraint copy = k;
            copy.comment.reset();
            derived->constraints[kname] = std::move(copy);
          }
        }
        for (auto& [kname, k] : derived->constraints) k.parent_index.clear();
        for (auto& [iname, ix] : derived->indexes) ix.parent_index.clear();
      }
      if (moved && a.partition_of && pa) NoteShadowingIndexes(*derived, a, *pa);
      if (moved && a.partition_of) {
        Change& c = Add(ChangeKind::AttachPartition, id);
        c.before.table = &b_in;
        c.before.parent = pb;
        c.after.table = &a;
        c.after.parent = pa;
        c.reason = b_in.partition_of ? reattach_reason : "";
        // The parent's CHECKs and equal foreign keys become inherited.
        if (pa) {
          for (const auto& [kname, k] : pa->constraints) {
            auto it = derived->constraints.find(kname);
            if (it == derived->constraints.end() || a.constraints.count(kname)) continue;
            if (k.kind == ir::ConstraintKind::Check ||
                (k.kind == ir::ConstraintKind::ForeignKey && ir::SameForeignKey(k, it->second))) {
              derived->constraints.erase(it);
            }
          }
        }
      }
    }
    const ir::Table& b = derived ? *derived : b_in;
    if (b.unlogged != a.unlogged) {
      Change& c = Add(ChangeKind::SetTableLogged, id);
      c.before.table = &b;
      c.after.table = &a;
    }
    if (b.options != a.options) {
      // Any difference, order included: PostgreSQL keeps reloptions in the order they were set,
      // and the emitter reproduces it exactly.
      Change& c = Add(ChangeKind::SetTableOptions, id);
      c.before.table = &b;
      c.after.table = &a;
    }
    if (b.foreign && a.foreign && b.foreign->options != a.foreign->options) {
      Change& c = Add(ChangeKind::SetForeignTableOptions, id);
      c.before.table = &b;
      c.after.table = &a;
    }
    if (b.replica_identity != a.replica_identity || b.replica_identity_index != a.replica_identity_index) {
      Change& c = Add(ChangeKind::SetReplicaIdentity, id);
      c.before.table = &b;
      c.after.table = &a;
    }
    if (b.row_security != a.row_security || b.force_row_security != a.force_row_security) {
      Change& c = Add(ChangeKind::SetRowSecurity, id);
      c.before.table = &b;
      c.after.table = &a;
    }
    Comment(id, {.table = &b}, {.table = &a}, b.comment, a.comment);
    Owner(id, {.table = &b}, {.table = &a}, b.owner, a.owner);

    // Columns changing type: PostgreSQL refuses to retype a column a generated column uses, so
    // such generated columns are dropped and added again around the type change.
    // A column the parent's recursion gives the partition is matched by name.
    auto column_target = [&](const std::string& name) -> std::optional<std::string> {
      if (auto t = m_.Column(b.name, name)) return t;
      if (derived && !b_in.FindColumn(name) && a.FindColumn(name)) return name;
      return std::nullopt;
    };
    std::set<std::string> retyped;
    for (const ir::Column& cb : b.columns) {
      auto target = column_target(cb.name);
      const ir::Column* ca = target ? a.FindColumn(*target) : nullptr;
      if (ca != nullptr && !SameColumnType(cb, *ca)) retyped.insert(cb.name);
    }
    std::set<std::string> recreated;
    for (std::size_t i = 0; i < b.columns.size(); ++i) {
      const ir::Column& cb = b.columns[i];
      auto target = column_target(cb.name);
      if (!target) {
        DropColumn(b, cb, static_cast<int>(i));
        continue;
      }
      if (RenameUnsupported(cb.name, *target, SubId(ObjectKind::Column, b.name, cb.name), cb.span)) continue;
      int ordinal = 0;
      for (std::size_t j = 0; j < a.columns.size(); ++j) {
        if (a.columns[j].name == *target) ordinal = static_cast<int>(j);
      }
      if (ColumnChanges(b, cb, a, a.columns[ordinal], ordinal, retyped)) recreated.insert(cb.name);
    }
    bool matched_seen_after_new = false;
    std::string first_new;
    for (std::size_t j = 0; j < a.columns.size(); ++j) {
      const ir::Column& ca = a.columns[j];
      ObjectId cid = SubId(ObjectKind::Column, a.name, ca.name);
      if (IsTarget(cid) || (derived && !b_in.FindColumn(ca.name) && b.FindColumn(ca.name))) {
        if (!first_new.empty()) matched_seen_after_new = true;
        continue;
      }
      if (first_new.empty()) first_new = ca.name;
      AddColumn(a, ca, static_cast<int>(j));
      Comment(cid, {}, {.table = &a, .column = &ca}, std::nullopt, ca.comment);
    }
    if (matched_seen_after_new) {
      // PostgreSQL appends added columns; it cannot place one before existing columns.
      ir::Diagnostic d;
      d.severity = ir::Severity::Warning;
      d.id = std::string(ir::diag::kPlanUnsupported);
      d.message = "table " + ir::DisplayName(a.name) + ": column \"" + first_new +
                  "\" is added at the end of the table, not before existing columns";
      d.span = a.span;
      d.object = ir::DisplayName(a.name);
      diags_.Add(std::move(d));
    }
    Constraints(b, a, recreated);
    Indexes(b, a, recreated);
    if (a.partition_of || b.partition_of) Attachments(&b, a);
    if (derived) {
      for (std::size_t i = first_change; i < out_.size(); ++i) out_[i].derived_before = derived;
    }
  }

  // Returns true when the column is dropped and re-added.
  bool ColumnChanges(const ir::Table& tb, const ir::Column& b, const ir::Table& ta,
                     const ir::Column& a, int ordinal, const std::set<std::string>& retyped) {
    ObjectId id = SubId(ObjectKind::Column, ta.name, a.name);
    ElementRef before{.table = &tb, .column = &b};
    ElementRef after{.table = &ta, .column = &a};
    auto simple = [&](ChangeKind kind) -> Change& {
      Change& c = Add(kind, id);
      c.before = before;
      c.after = after;
      c.ordinal = ordinal;
      return c;
    };
    bool uses_retyped = false;
    if (a.generated && b.generated == a.generated) {
      for (const std::string& col : retyped) {
        if (col != b.name && MentionsIdentifier(b.generated->text, col)) uses_retyped = true;
      }
    }
    if (a.generated && (b.generated != a.generated || uses_retyped)) {
      // PostgreSQL 15 cannot change a generation expression, nor turn a plain column into a
      // generated one: the column is dropped and added again (at the end of the table).
      std::string why = uses_retyped
                            ? "PostgreSQL cannot change the type of a column a generated column "
                              "uses: the generated column is dropped and re-added around it; its "
                              "values are derived, so no data is lost"
                        : b.generated
                            ? "PostgreSQL 15 cannot alter a generation expression: the column is "
                              "dropped and re-added; its values are derived, so no data is lost"
                            : "PostgreSQL 15 cannot turn a column into a generated one: the column "
                              "is dropped and re-added, losing its stored values";
      DropColumn(tb, b, ordinal).reason = why;
      AddColumn(ta, a, ordinal).reason = why;
      Comment(id, {}, after, std::nullopt, a.comment);
      return true;
    }
    if (b.generated && !a.generated) simple(ChangeKind::DropColumnExpression);
    bool default_handled = swapped_columns_.count({ta.name, a.name}) > 0;
    if (!SameColumnType(b, a)) {
      Change& c = simple(ChangeKind::AlterColumnType);
      c.rewrite_default = b.default_expr.has_value();
      if (!ta.foreign) c.using_expr = UsingFor(ta.name, a.name);
      if (c.using_expr) {
        c.reason = "the values are converted with the schemac:using expression";
      } else if (HasNoCast(b.type, a.type)) {
        c.reason = "PostgreSQL has no cast between the types: the values are converted through text";
        ir::Diagnostic d;
        d.severity = ir::Severity::Warning;
        d.id = std::string(ir::diag::kPlanUnsupported);
        d.message = "column " + ir::DisplayName(id) + ": PostgreSQL has no cast from " + TypeDisplay(b.type) +
                    " to " + TypeDisplay(a.type) +
                    "; the values are converted through their text form, which fails for values that do not "
                    "read as the new type (write the migration by hand to convert them otherwise)";
        d.span = a.span;
        d.object = ir::DisplayName(id);
        diags_.Add(std::move(d));
      }
      default_handled = default_handled || c.rewrite_default;
    }
    if (!default_handled && b.default_expr != a.default_expr) simple(ChangeKind::SetColumnDefault);
    if (b.not_null != a.not_null) {
      Change& c = simple(ChangeKind::SetColumnNotNull);
      if (a.not_null && !ta.foreign) c.using_expr = UsingFor(ta.name, a.name);
    }
    if (b.fdw_options != a.fdw_options) simple(ChangeKind::SetColumnOptions);
    if (!b.identity && a.identity) simple(ChangeKind::AddIdentity);
    if (b.identity && !a.identity) simple(ChangeKind::DropIdentity);
    if (b.identity && a.identity) {
      ir::Identity implied = *b.identity;
      if (b.type != a.type) implied.options = IdentityOptionsAfterTypeChange(implied.options, a.type);
      implied.options.data_type = a.identity->options.data_type;
      if (implied != *a.identity) simple(ChangeKind::AlterIdentity);
    }
    Comment(id, before, after, b.comment, a.comment);
    return false;
  }

  void Constraints(const ir::Table& b, const ir::Table& a, const std::set<std::string>& recreated) {
    auto add = [&](const ir::Constraint& con, std::string reason) {
      ObjectId id = SubId(ObjectKind::Constraint, a.name, con.name);
      if (con.kind == ir::ConstraintKind::Exclusion) {
        Unsupported("not yet supported: exclusion constraint \"" + con.name + "\"", con.span, id);
        return;
      }
      Change& c = Add(con.kind == ir::ConstraintKind::ForeignKey ? ChangeKind::AddForeignKey
                                                                  : ChangeKind::AddConstraint,
                      id);
      c.after = {.table = &a, .constraint = &con};
      c.reason = std::move(reason);
    };
    auto drop = [&](const ir::Constraint& con, std::string reason) {
      ObjectId id = SubId(ObjectKind::Constraint, a.name, con.name);
      Change& c = Add(con.kind == ir::ConstraintKind::ForeignKey ? ChangeKind::DropForeignKey
                                                                  : ChangeKind::DropConstraint,
                      id);
      c.before = {.table = &b, .constraint = &con};
      c.reason = std::move(reason);
    };
    for (const auto& [name, cb] : b.constraints) {
      ObjectId id = SubId(ObjectKind::Constraint, a.name, name);
      auto it = a.constraints.find(name);
      if (it == a.constraints.end()) {
        drop(cb, {});
        continue;
      }
      const ir::Constraint& ca = it->second;
      bool uses_recreated = ConstraintUsesAny(cb, recreated);
      bool key_replaced = ReferencesReplacedKey(cb);
      bool ref_rebuilt = cb.kind == ir::ConstraintKind::ForeignKey && rebuilt_.count(cb.ref_table) > 0;
      bool key_retyped = ForeignKeyColumnRetyped(b.name, cb);
      // PostgreSQL cannot mark a validated constraint NOT VALID again; the exact state needs a
      // drop and an ADD ... NOT VALID (which does not scan the table).
      bool unvalidate = cb.validated && !ca.validated;
      bool copy_unvalidated =
          ca.kind == ir::ConstraintKind::Check && !ca.validated &&
          WithoutMutableParts(cb) == WithoutMutableParts(ca) && CopyMadeNotValid(a.name, name);
      bool detaches = ParentIndexRebuilt(a.name, name);
      if (WithoutMutableParts(cb) != WithoutMutableParts(ca) || uses_recreated || key_replaced || key_retyped ||
          unvalidate || copy_unvalidated || detaches || ref_rebuilt) {
        // PostgreSQL has no ALTER for a constraint's definition: drop it, then add it again.
        std::string why = detaches ? kDetachReason
                          : ref_rebuilt ? "the table it references is created anew"
                          : uses_recreated ? "its column is dropped and re-added"
                          : key_replaced ? "the key it references is dropped and added again"
                          : key_retyped  ? "its columns change to types PostgreSQL may not compare in between"
                          : unvalidate   ? "PostgreSQL cannot mark a validated constraint NOT VALID: add it again NOT VALID"
                          : copy_unvalidated
                              ? "a partition's copy of it is validated and must be NOT VALID, which PostgreSQL "
                                "cannot do but by adding it again NOT VALID"
                                         : "PostgreSQL cannot alter a constraint's definition";
        drop(cb, why);
        add(ca, why);
        Comment(id, {}, {.table = &a, .constraint = &ca}, std::nullopt, ca.comment);
        continue;
      }
      if (!cb.validated && ca.validated) {
        Change& c = Add(ChangeKind::ValidateConstraint, id);
        c.before = {.table = &b, .constraint = &cb};
        c.after = {.table = &a, .constraint = &ca};
      }
      Comment(id, {.table = &b, .constraint = &cb}, {.table = &a, .constraint = &ca}, cb.comment,
              ca.comment);
    }
    for (const auto& [name, ca] : a.constraints) {
      if (b.constraints.count(name)) continue;
      add(ca, {});
      Comment(SubId(ObjectKind::Constraint, a.name, name), {}, {.table = &a, .constraint = &ca},
              std::nullopt, ca.comment);
    }
  }

  void Indexes(const ir::Table& b, const ir::Table& a, const std::set<std::string>& recreated) {
    for (const auto& [name, ib] : b.indexes) {
      ObjectId id = SubId(ObjectKind::Index, a.name, name);
      auto it = a.indexes.find(name);
      if (it == a.indexes.end()) {
        Add(ChangeKind::DropIndex, id).before = {.table = &b, .index = &ib};
        continue;
      }
      const ir::Index& ia = it->second;
      bool uses_recreated = IndexUsesAny(ib, recreated);
      bool detaches = ParentIndexRebuilt(a.name, name);
      auto shadow = shadowing_indexes_.find({a.name, name});
      bool shadows = shadow != shadowing_indexes_.end();
      if (WithoutComment(ib) != WithoutComment(ia) || uses_recreated || detaches || shadows) {
        std::string why = detaches ? kDetachReason
                          : uses_recreated ? "its column is dropped and re-added"
                          : shadows ? shadow->second
                                    : "an index definition cannot be altered: drop and create";
        Change& d = Add(ChangeKind::DropIndex, id);
        d.before = {.table = &b, .index = &ib};
        d.reason = why;
        Change& c = Add(ChangeKind::CreateIndex, id);
        c.after = {.table = &a, .index = &ia};
        c.reason = why;
        c.after_attach = shadows;
        Comment(id, {}, {.table = &a, .index = &ia}, std::nullopt, ia.comment);
        continue;
      }
      // Invalid in the database, wanted (valid): rebuilt. The other way round there is nothing
      // to do: no statement makes an index invalid.
      if (!ib.valid && ia.valid) {
        Change& r = Add(ChangeKind::ReindexIndex, id);
        r.before = {.table = &b, .index = &ib};
        r.after = {.table = &a, .index = &ia};
        r.reason = "the database holds this index invalid (a failed CREATE INDEX CONCURRENTLY): it is rebuilt";
      }
      Comment(id, {.table = &b, .index = &ib}, {.table = &a, .index = &ia}, ib.comment, ia.comment);
    }
    for (const auto& [name, ia] : a.indexes) {
      if (b.indexes.count(name)) continue;
      ObjectId id = SubId(ObjectKind::Index, a.name, name);
      Add(ChangeKind::CreateIndex, id).after = {.table = &a, .index = &ia};
      Comment(id, {}, {.table = &a, .index = &ia}, std::nullopt, ia.comment);
    }
  }

  // ---- privileges ----
  // The object a privilege target names in `db`, or nullopt when `db` has no such object.
  static std::optional<ObjectId> PrivilegeObject(const ir::PrivilegeTarget& t, const ir::Database& db) {
    QualifiedName q{t.schema, t.name};
    switch (t.kind) {
      case 'n':
        if (db.schemas.count(t.schema)) return SchemaId(t.schema);
        return std::nullopt;
      case 's':
        if (db.sequences.count(q)) return RelId(ObjectKind::Sequence, q);
        return std::nullopt;
      case 'S':
        if (db.foreign_servers.count(t.name)) return ObjectId{ObjectKind::ForeignServer, "", t.name, ""};
        return std::nullopt;
      case 'W':
        if (db.foreign_data_wrappers.count(t.name)) return ObjectId{ObjectKind::ForeignDataWrapper, "", t.name, ""};
        return std::nullopt;
      case 'f':
        if (db.functions.count(q)) return RelId(ObjectKind::Function, q);
        return std::nullopt;
      case 'c': {
        auto it = db.tables.find(q);
        if (it != db.tables.end() && it->second.FindColumn(t.column)) return SubId(ObjectKind::Column, q, t.column);
        return std::nullopt;
      }
      case 'T':
        if (db.enums.count(q)) return RelId(ObjectKind::Enum, q);
        if (db.domains.count(q)) return RelId(ObjectKind::Domain, q);
        if (db.composite_types.count(q)) return RelId(ObjectKind::CompositeType, q);
        if (db.range_types.count(q)) return RelId(ObjectKind::RangeType, q);
        return std::nullopt;
      default:
        if (db.tables.count(q)) return RelId(ObjectKind::Table, q);
        if (auto v = db.views.find(q); v != db.views.end()) {
          return RelId(v->second.materialized ? ObjectKind::MaterializedView : ObjectKind::View, q);
        }
        return std::nullopt;
    }
  }

  // The revocations and grants that turn `before` into `after`; a grant option that appears or
  // goes revokes the privilege and grants it again.
  static std::pair<std::vector<ir::Grant>, std::vector<ir::Grant>> GrantDifference(
      const std::vector<ir::Grant>& before, const std::vector<ir::Grant>& after) {
    std::vector<ir::Grant> revoked, granted;
    std::set_difference(before.begin(), before.end(), after.begin(), after.end(), std::back_inserter(revoked));
    std::set_difference(after.begin(), after.end(), before.begin(), before.end(), std::back_inserter(granted));
    return {std::move(revoked), std::move(granted)};
  }

  static bool RegrantsOption(const std::vector<ir::Grant>& revoked, const std::vector<ir::Grant>& after) {
    for (const ir::Grant& g : revoked) {
      for (const ir::Grant& a : after) {
        if (a.grantee == g.grantee && a.privilege == g.privilege) return true;
      }
    }
    return false;
  }

  // ALTER DEFAULT PRIVILEGES: each pg_default_acl entry whose privileges differ. The entries of
  // a schema that `to_` lacks go with it (DROP SCHEMA drops them).
  void DefaultPrivileges() {
    std::set<ir::DefaultPrivilegeKey> keys;
    for (const auto& [k, g] : from_.default_privileges) keys.insert(k);
    for (const auto& [k, g] : to_.default_privileges) keys.insert(k);
    for (const ir::DefaultPrivilegeKey& k : keys) {
      if (!k.schema.empty() && !to_.schemas.count(k.schema)) continue;
      std::vector<ir::Grant> before = ir::BuiltinDefaultPrivileges(k);
      // A schema the plan creates starts with none.
      if (k.schema.empty() || from_.schemas.count(k.schema)) {
        if (auto it = from_.default_privileges.find(k); it != from_.default_privileges.end()) before = it->second;
      }
      std::vector<ir::Grant> after = ir::BuiltinDefaultPrivileges(k);
      if (auto it = to_.default_privileges.find(k); it != to_.default_privileges.end()) after = it->second;
      if (before == after) continue;
      auto [revoked, granted] = GrantDifference(before, after);
      ObjectId id{ObjectKind::DefaultPrivileges, k.schema, ir::DefaultPrivilegeKindName(k.kind), k.role};
      if (!revoked.empty()) {
        Change& c = Add(ChangeKind::RevokeDefault, id);
        c.default_privileges_for = k;
        if (RegrantsOption(revoked, after)) c.reason = "a grant option changes: the privilege is revoked and granted again";
        c.grants = std::move(revoked);
      }
      if (!granted.empty()) {
        Change& c = Add(ChangeKind::GrantDefault, id);
        c.default_privileges_for = k;
        c.grants = std::move(granted);
      }
    }
  }

  // GRANT and REVOKE: for each object of `to_` whose privileges differ from what it holds when
  // the other changes have run: its privileges in `from_`, or, when it is new or created again by
  // this plan (a rebuilt view or function, a swapped enum, a re-added column), what the default
  // privileges of `to_` give it (ir::CreatedPrivileges; the plan changes default privileges
  // before it creates anything).
  void Privileges() {
    std::set<ObjectId> created;
    for (const Change& c : out_) {
      switch (c.kind) {
        case ChangeKind::CreateSchema:
        case ChangeKind::CreateTable:
        case ChangeKind::CreateSequence:
        case ChangeKind::CreateEnum:
        case ChangeKind::SwapEnum:
        case ChangeKind::CreateObject:
        case ChangeKind::AddColumn: created.insert(c.object); break;
        default: break;
      }
    }
    std::set<ir::PrivilegeTarget> targets;
    for (const auto& [t, g] : from_.privileges) targets.insert(t);
    for (const auto& [t, g] : to_.privileges) targets.insert(t);
    if (ir::HasOwnDefaultPrivileges(to_)) {
      // A created object whose privileges `to_` leaves at its kind's default may still need a
      // REVOKE of what the default privileges give it.
      for (const ir::PrivilegeTarget& t : ir::PrivilegeTargets(to_)) {
        if (std::optional<ObjectId> id = PrivilegeObject(t, to_); id && created.count(*id)) targets.insert(t);
      }
    }
    for (const ir::PrivilegeTarget& t : targets) {
      std::optional<ObjectId> id = PrivilegeObject(t, to_);
      if (!id) continue;  // gone: its privileges go with it
      std::vector<ir::Grant> before = ir::CreatedPrivileges(to_, t);
      // A column of a table the plan creates (again) is created with it.
      bool recreated = created.count(*id) > 0 ||
                       (t.kind == 'c' && created.count(RelId(ObjectKind::Table, {t.schema, t.name})) > 0);
      if (PrivilegeObject(t, from_) && !recreated) {
        before = ir::DefaultPrivileges(t);
        if (auto it = from_.privileges.find(t); it != from_.privileges.end()) before = it->second;
      }
      std::vector<ir::Grant> after = ir::DefaultPrivileges(t);
      if (auto it = to_.privileges.find(t); it != to_.privileges.end()) after = it->second;
      if (before == after) continue;
      auto [revoked, granted] = GrantDifference(before, after);
      auto add = [&](ChangeKind kind, std::vector<ir::Grant> grants) {
        if (grants.empty()) return;
        Change& c = Add(kind, *id);
        c.privileges_on = t;
        c.grants = std::move(grants);
        if (t.kind == 'f') {
          c.after.function = &to_.functions.at({t.schema, t.name});
          c.before.function = c.after.function;
        }
        if (kind == ChangeKind::Revoke && RegrantsOption(c.grants, after)) {
          c.reason = "a grant option changes: the privilege is revoked and granted again";
        }
      };
      add(ChangeKind::Revoke, std::move(revoked));
      add(ChangeKind::Grant, std::move(granted));
    }
  }

  const ir::Database& from_;
  const ir::Database& to_;
  const Matching& m_;
  const DiffOptions& options_;
  ir::Diagnostics& diags_;
  const std::set<ObjectId> targets_;
  std::vector<Change> out_;
  // (to table, to column) whose default an enum swap re-sets.
  std::set<std::pair<QualifiedName, std::string>> swapped_columns_;
  /// A column of `from_` with the key of its table (see EnumUses).
  struct TypedColumn {
    const QualifiedName* table_name;
    const ir::Table* table;
    const ir::Column* column;
  };
  std::optional<std::map<QualifiedName, std::vector<TypedColumn>>> from_columns_by_type_;
  std::map<QualifiedName, std::vector<std::vector<std::string>>> replaced_keys_;
  std::set<std::pair<QualifiedName, std::string>> retyped_across_families_;
  std::set<std::pair<QualifiedName, std::string>> rebuilt_parent_indexes_;
  // (table, index) -> reason: see NoteShadowingIndexes.
  std::map<std::pair<QualifiedName, std::string>, std::string> shadowing_indexes_;
  // Every table of Matching::rebuilt_tables: the roots and their partitions.
  std::set<QualifiedName> rebuilt_;
  // The tables whose rows are saved and restored with a rebuilt table (see SavedTables).
  std::set<QualifiedName> saved_;
  static constexpr const char* kDetachReason =
      "an index of a partition stops being attached to it, which PostgreSQL can only do by dropping this index "
      "(with the partitions' indexes attached to it) and creating it again";
  std::map<QualifiedName, std::vector<const ir::Sequence*>> owned_by_dropped_table_;
  std::map<std::pair<QualifiedName, std::string>, std::vector<const ir::Sequence*>>
      owned_by_dropped_column_;
};

}  // namespace

std::vector<Change> ComputeChanges(const ir::Database& from, const ir::Database& to,
                                   const Matching& matching, const DiffOptions& options,
                                   ir::Diagnostics& diags) {
  return Differ(from, to, matching, options, diags).Run();
}

std::vector<ir::QualifiedName> SequenceReferences(const ir::Expr& expr) {
  std::vector<ir::QualifiedName> out;
  const std::string& t = expr.text;
  const std::string open = "nextval('";
  const std::string close = "'::regclass)";
  std::size_t pos = 0;
  while ((pos = t.find(open, pos)) != std::string::npos) {
    std::size_t start = pos + open.size();
    std::string literal;
    std::size_t i = ReadQuoted(t, start, '\'', &literal);
    pos = i;
    if (t.compare(i, close.size(), close) != 0) continue;
    // Split the regclass text into identifiers, undoing PostgreSQL's double-quoting.
    std::vector<std::string> parts(1);
    bool quoted = false;
    for (std::size_t k = 0; k < literal.size(); ++k) {
      char ch = literal[k];
      if (ch == '"') {
        if (quoted && k + 1 < literal.size() && literal[k + 1] == '"') {
          parts.back() += '"';
          ++k;
        } else {
          quoted = !quoted;
        }
      } else if (ch == '.' && !quoted) {
        parts.emplace_back();
      } else {
        parts.back() += ch;
      }
    }
    if (parts.size() == 2) out.push_back(ir::QualifiedName{parts[0], parts[1]});
    if (parts.size() == 1) out.push_back(ir::QualifiedName{"", parts[0]});
  }
  return out;
}

ir::SequenceOptions DefaultSequenceOptions(const ir::TypeRef& data_type, int64_t increment) {
  int64_t type_min = std::numeric_limits<int64_t>::min();
  int64_t type_max = std::numeric_limits<int64_t>::max();
  if (data_type.name == "int2") {
    type_min = std::numeric_limits<int16_t>::min();
    type_max = std::numeric_limits<int16_t>::max();
  } else if (data_type.name == "int4") {
    type_min = std::numeric_limits<int32_t>::min();
    type_max = std::numeric_limits<int32_t>::max();
  }
  ir::SequenceOptions o;
  o.data_type = ir::TypeRef{"pg_catalog", data_type.name, "", false};
  o.increment = increment;
  if (increment > 0) {
    o.min_value = 1;
    o.max_value = type_max;
    o.start = o.min_value;
  } else {
    o.min_value = type_min;
    o.max_value = -1;
    o.start = o.max_value;
  }
  o.cache = 1;
  o.cycle = false;
  return o;
}

ir::SequenceOptions IdentityOptionsAfterTypeChange(const ir::SequenceOptions& o, const ir::TypeRef& type) {
  ir::SequenceOptions old_defaults = DefaultSequenceOptions(o.data_type, o.increment);
  ir::TypeRef seq_type{"pg_catalog", type.name, "", false};
  ir::SequenceOptions new_defaults = DefaultSequenceOptions(seq_type, o.increment);
  ir::SequenceOptions r = o;
  r.data_type = seq_type;
  if (o.min_value == old_defaults.min_value) r.min_value = new_defaults.min_value;
  if (o.max_value == old_defaults.max_value) r.max_value = new_defaults.max_value;
  return r;
}

std::size_t ReadQuoted(const std::string& text, std::size_t start, char quote, std::string* content) {
  std::size_t i = start;
  while (i < text.size()) {
    if (text[i] == quote) {
      if (i + 1 < text.size() && text[i + 1] == quote) {
        *content += quote;
        i += 2;
        continue;
      }
      break;
    }
    *content += text[i++];
  }
  return i;
}

bool MentionsIdentifier(const std::string& text, const std::string& name) { return ir::MentionsIdentifier(text, name); }

}  // namespace schemac::diff
