#include "emit/plan.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <iterator>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "diff/change.h"
#include "diff/differ.h"
#include "diff/match.h"
#include "diff/order.h"
#include "diff/rename.h"
#include "emit/quote.h"
#include "emit/render.h"

namespace schemac::emit {

namespace {

// Segment classes, in execution order. Each step goes to the segment of its class; empty
// segments are left out.
struct SegmentClass {
  bool transactional;
  bool long_running;              // CONCURRENTLY builds, VALIDATE: statement_timeout 0 in online plans
  const char* reason;             // why this segment stands apart
  const char* reason_when_after;  // reason of the main segment when this one precedes it
};

enum class SegmentKind {
  PreConcurrent,
  PreCheck,
  PreValidate,
  PreDetach,
  EnumValues,
  Main,
  PostConcurrent,
  Validate,
  Finish,
};

constexpr SegmentClass kSegmentClasses[] = {
    {false, true,
     "online: DROP INDEX CONCURRENTLY cannot run in a transaction block; each runs alone, without blocking reads or "
     "writes, before the rest of the plan",
     ""},
    {true, false,
     "online: the tables about to be attached as partitions get a CHECK matching their bound, added NOT VALID (a "
     "brief lock, no scan)",
     ""},
    {true, true,
     "online: those CHECKs are validated in a transaction of their own, under SHARE UPDATE EXCLUSIVE (reads and "
     "writes go on); ATTACH PARTITION then skips its scan under ACCESS EXCLUSIVE",
     ""},
    {false, true,
     "online: DETACH PARTITION CONCURRENTLY cannot run in a transaction block; each runs alone, under SHARE UPDATE "
     "EXCLUSIVE (reads and writes go on), and adds no CHECK of its own since the validated one implies the bound",
     ""},
    {true, false,
     "new enum values must be committed before use: PostgreSQL rejects a value added by "
     "ALTER TYPE ... ADD VALUE in the transaction that added it",
     "runs after the new enum values are committed"},
    {true, false, "", ""},
    {false, true,
     "online: CREATE INDEX CONCURRENTLY cannot run in a transaction block; each builds alone, without blocking "
     "writes, once the changes it needs are committed",
     ""},
    {true, true,
     "online: the constraints added NOT VALID are validated in a transaction of their own, under SHARE UPDATE "
     "EXCLUSIVE (reads and writes go on while the rows are checked)",
     ""},
    {true, false,
     "online: what the builds and validations above prepared is put in place, each step under a brief lock and "
     "without a scan: NOT NULL proven by a validated CHECK, keys added USING their index, partitions' indexes attached "
     "to their parent's",
     ""},
};

SegmentKind SegmentOf(const diff::Change& c) {
  if (c.kind == diff::ChangeKind::AddEnumValues) return SegmentKind::EnumValues;
  // (A moved build's comment goes with it.)
  if (c.concurrently) {
    if (c.kind == diff::ChangeKind::DropIndex) return SegmentKind::PreConcurrent;
    if (c.kind == diff::ChangeKind::DetachPartition) return SegmentKind::PreDetach;
    return SegmentKind::PostConcurrent;
  }
  return SegmentKind::Main;
}

// Where the sorted changes' steps go.
struct Placement {
  std::vector<std::optional<SegmentKind>> segment;  // per change; nullopt: moved into `extra`
  std::vector<std::pair<SegmentKind, diff::Change>> extra;  // appended to their segments, in this order
};

Placement PlainPlacement(const std::vector<diff::Change>& changes) {
  Placement p;
  for (const diff::Change& c : changes) p.segment.emplace_back(SegmentOf(c));
  return p;
}

// `name` cut to at most `bytes` bytes without splitting a UTF-8 character.
std::string Clip(std::string name, std::size_t bytes) {
  if (name.size() <= bytes) return name;
  std::size_t cut = bytes;
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
  name.resize(cut);
  return name;
}

// The name of an online recipe's helper object: `base` clipped so that `base` + `suffix` (and a
// number, when the name is taken) fits in 63 bytes.
template <typename Taken>
std::string FreeName(const std::string& base, const std::string& suffix, const Taken& taken) {
  for (int n = 0;; ++n) {
    std::string tail = suffix + (n == 0 ? std::string() : std::to_string(n));
    std::string name = Clip(base, ir::kMaxIdentifierBytes - tail.size()) + tail;
    if (!taken(name)) return name;
  }
}

// The items of the parenthesized list at `open` (a '(') of a partition bound, split at its
// top-level commas and trimmed; nullopt when the list does not close.
std::optional<std::vector<std::string>> BoundList(const std::string& text, std::size_t open, std::size_t& end) {
  std::vector<std::string> items;
  std::string item;
  int depth = 0;
  for (std::size_t i = open; i < text.size(); ++i) {
    char ch = text[i];
    if (ch == '\'' || ch == '"') {
      std::size_t close = i + 1;
      while (close < text.size()) {
        if (text[close] == ch && (close + 1 >= text.size() || text[close + 1] != ch)) break;
        close += text[close] == ch ? 2 : 1;
      }
      if (close >= text.size()) return std::nullopt;
      item += text.substr(i, close - i + 1);
      i = close;
      continue;
    }
    if (ch == '(') {
      if (depth++ == 0) continue;
    } else if (ch == ')') {
      if (--depth == 0) {
        items.push_back(item);
        end = i + 1;
        for (std::string& x : items) {
          x.erase(0, x.find_first_not_of(' '));
          x.erase(x.find_last_not_of(' ') + 1);
        }
        return items;
      }
    } else if (ch == ',' && depth == 1) {
      items.push_back(item);
      item.clear();
      continue;
    }
    item += ch;
  }
  return std::nullopt;
}

bool IsWord(const std::string& item, const char* word) {
  if (item.size() != std::strlen(word)) return false;
  for (std::size_t i = 0; i < item.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(item[i])) != word[i]) return false;
  }
  return true;
}

// A partition's bound as a condition on its key column `key` (quoted), in the form of the
// partition constraint PostgreSQL derives from it, so that a validated CHECK of it lets ATTACH
// PARTITION skip its scan: RANGE "key IS NOT NULL AND key >= lo AND key < hi" (PostgreSQL 15
// still scans without the IS NOT NULL), LIST "key IS NOT NULL AND key = ANY (ARRAY[...])" (or
// "key IS NULL OR ..." when NULL is listed). Nullopt for HASH and DEFAULT bounds, and for any
// text this does not read.
std::optional<std::string> BoundCondition(const std::string& key, char strategy, const std::string& bound) {
  std::size_t end = 0;
  if (strategy == 'r' && bound.rfind("FOR VALUES FROM (", 0) == 0) {
    auto lower = BoundList(bound, std::strlen("FOR VALUES FROM "), end);
    if (!lower || lower->size() != 1 || bound.compare(end, 5, " TO (") != 0) return std::nullopt;
    auto upper = BoundList(bound, end + 4, end);
    if (!upper || upper->size() != 1 || end != bound.size()) return std::nullopt;
    std::string out = key + " IS NOT NULL";
    if (!IsWord(lower->front(), "MINVALUE")) out += " AND " + key + " >= " + lower->front();
    if (!IsWord(upper->front(), "MAXVALUE")) out += " AND " + key + " < " + upper->front();
    return out;
  }
  if (strategy == 'l' && bound.rfind("FOR VALUES IN (", 0) == 0) {
    auto values = BoundList(bound, std::strlen("FOR VALUES IN "), end);
    if (!values || end != bound.size()) return std::nullopt;
    bool null = false;
    std::string list;
    for (const std::string& v : *values) {
      if (IsWord(v, "NULL")) {
        null = true;
      } else {
        list += (list.empty() ? "" : ", ") + v;
      }
    }
    std::string any = key + " = ANY (ARRAY[" + list + "])";
    if (!null) return key + " IS NOT NULL AND " + any;
    return list.empty() ? key + " IS NULL" : key + " IS NULL OR " + any;
  }
  return std::nullopt;
}

// Online recipes (PlanOptions::online) on the sorted changes (docs/planning.md#online-plans).
// A step leaves the main transaction only where no ordering edge ties it there: a drop that
// nothing must precede runs first; a build, a key or a NOT NULL that nothing must follow (but
// its comment, which goes along) runs after. Tables created, dropped, partitioned or partitions
// keep the plain steps.
Placement MakeOnline(std::vector<diff::Change>& changes, const std::vector<diff::Edge>& edges,
                     const ir::Database& from, const ir::Database& to) {
  using K = diff::ChangeKind;
  using Online = diff::Change::OnlineStep;
  const std::size_t n = changes.size();
  std::set<ir::QualifiedName> created;
  for (const diff::Change& c : changes) {
    if (c.kind == K::CreateTable) created.insert(diff::TableOf(c));
  }
  std::vector<std::vector<std::size_t>> out(n);
  std::vector<bool> has_in(n);
  for (const diff::Edge& e : edges) {
    out[e.before].push_back(e.after);
    has_in[e.after] = true;
  }
  auto existing = [&](const ir::QualifiedName& t) {
    auto f = from.tables.find(t);
    auto g = to.tables.find(t);
    return f != from.tables.end() && g != to.tables.end() && !created.count(t) && !f->second.partition_key &&
           !g->second.partition_key && !f->second.foreign;
  };
  auto partition = [&](const ir::QualifiedName& t) {
    return from.tables.at(t).partition_of.has_value() || to.tables.at(t).partition_of.has_value();
  };
  // The changes that must follow change i, when they are only its comments (which may follow it
  // out of the main transaction) and the `moving` ones; nullopt when anything else is tied to it.
  auto comments_only = [&](std::size_t i,
                           const std::vector<std::size_t>& moving = {}) -> std::optional<std::vector<std::size_t>> {
    std::vector<std::size_t> comments;
    for (std::size_t a : out[i]) {
      if (std::find(moving.begin(), moving.end(), a) != moving.end()) continue;
      if (changes[a].kind != K::SetComment || changes[a].object != changes[i].object || !out[a].empty()) {
        return std::nullopt;
      }
      if (std::find(comments.begin(), comments.end(), a) == comments.end()) comments.push_back(a);
    }
    return comments;
  };
  // An index or key of a partition attached to its parent's (created ON ONLY the parent: an
  // invalid index until each partition's is attached): the attach steps that follow change i,
  // which then move to the finishing transactions, after the partition's index is built
  // concurrently. Nullopt unless nothing must follow those attaches. (A parent's index that is
  // itself attached to a grandparent's turns valid when its last partition's is attached, and
  // PostgreSQL then validates the grandparent's: the levels above stay in the main transaction.)
  auto partition_attaches = [&](std::size_t i) -> std::optional<std::vector<std::size_t>> {
    if (!changes[i].after.table->partition_of) return std::nullopt;
    std::vector<std::size_t> attaches;
    for (std::size_t a : out[i]) {
      const diff::Change& next = changes[a];
      if (next.kind != K::AttachIndex || next.object.sub != changes[i].object.sub) continue;
      if (diff::TableOf(next) != diff::TableOf(changes[i]) || !out[a].empty()) return std::nullopt;
      if (std::find(attaches.begin(), attaches.end(), a) == attaches.end()) attaches.push_back(a);
    }
    if (attaches.empty()) return std::nullopt;
    return attaches;
  };
  std::set<std::size_t> finish_attaches;  // in plan order
  std::vector<bool> moved(n);
  std::vector<diff::Change> pre_check, pre_validate, main_end, post, validate, finish_not_null, finish_keys;
  auto move_comments = [&](const std::vector<std::size_t>& comments, std::vector<diff::Change>& to_list) {
    for (std::size_t k : comments) {
      moved[k] = true;
      to_list.push_back(changes[k]);
    }
  };
  std::set<std::string> names_used;  // helper names chosen so far ("schema.name", "schema.table.check")

  // A partition's bound as a CHECK on `was` (the table as the plan finds it) that a validated
  // copy of lets ATTACH skip its scan and DETACH CONCURRENTLY add no CHECK: nullopt unless the
  // parent is partitioned by one plain column that the plan leaves alone on the table.
  auto BoundCheckFor = [&](const ir::QualifiedName& table, const ir::Table& was, const ir::Table& part,
                           const ir::Table& parent) -> std::optional<std::string> {
    if (!parent.partition_key || parent.partition_key->elements.size() != 1) return std::nullopt;
    const ir::IndexElement& key = parent.partition_key->elements.front();
    if (!key.column || key.collation || key.opclass) return std::nullopt;
    const ir::Column* before = was.FindColumn(*key.column);
    const ir::Column* after = part.FindColumn(*key.column);
    if (before == nullptr || after == nullptr || !(before->type == after->type) ||
        before->collation != after->collation) {
      return std::nullopt;
    }
    // (A column dropped or retyped by the plan would take the CHECK with it.)
    bool key_changes = std::any_of(changes.begin(), changes.end(), [&](const diff::Change& other) {
      return diff::TableOf(other) == table && other.object.sub == *key.column &&
             (other.kind == K::DropColumn || other.kind == K::AddColumn || other.kind == K::AlterColumnType ||
              other.kind == K::DropColumnExpression);
    });
    if (key_changes) return std::nullopt;
    return BoundCondition(QuoteIdentifier(*key.column), parent.partition_key->strategy, part.partition_of->bound);
  };
  auto bound_name = [&](const ir::QualifiedName& table, const ir::Table& was, const ir::Table& part,
                        const ir::Table& parent) {
    const std::string names_key = table.schema + "." + table.name + ".";
    std::string name = FreeName(table.name, "_bound", [&](const std::string& candidate) {
      return was.constraints.count(candidate) || part.constraints.count(candidate) ||
             parent.constraints.count(candidate) || names_used.count(names_key + candidate);
    });
    names_used.insert(names_key + name);
    return name;
  };
  // The CHECK's steps around attach or detach `c` (whose online_name is set).
  auto add_bound_steps = [&](const diff::Change& c, const std::string& condition, const char* drop_reason) {
    const ir::Table& part = c.online_detach ? *c.before.table : *c.after.table;
    diff::Change check = c;
    check.online_step = Online::BoundCheck;
    check.online_check = condition;
    check.concurrently = false;
    check.reason = "online: a CHECK matching the bound " + part.partition_of->bound + ", added NOT VALID";
    pre_check.push_back(std::move(check));
    diff::Change validated = c;
    validated.online_step = Online::BoundValidate;
    validated.concurrently = false;
    validated.reason = "online: validated without blocking writes";
    pre_validate.push_back(std::move(validated));
    diff::Change drop = c;
    drop.online_step = Online::BoundDrop;
    drop.concurrently = false;
    drop.reason = drop_reason;
    main_end.push_back(std::move(drop));
  };

  // Index redefinitions (the same name dropped and created again): the new index is built
  // CONCURRENTLY under another name, then the old one dropped CONCURRENTLY and the new one
  // renamed, so that the table keeps an index all along.
  std::map<ir::ObjectId, std::size_t> index_drops;
  for (std::size_t i = 0; i < n; ++i) {
    if (changes[i].kind == K::DropIndex) index_drops.emplace(changes[i].object, i);
  }
  for (std::size_t j = 0; j < n; ++j) {
    diff::Change& build = changes[j];
    if (build.kind != K::CreateIndex) continue;
    auto d = index_drops.find(build.object);
    if (d == index_drops.end()) continue;
    const std::size_t i = d->second;
    const diff::Change& drop = changes[i];
    if (!existing(diff::TableOf(build)) || !build.after.index->parent_index.empty() ||
        !drop.before.index->parent_index.empty() || has_in[i]) {
      continue;
    }
    bool drop_free = true;
    for (std::size_t a : out[i]) drop_free = drop_free && a == j;
    auto comments = comments_only(j);
    if (!drop_free || !comments) continue;
    const std::string& schema = build.object.schema;
    build.online_name = FreeName(build.object.sub, "_new", [&](const std::string& name) {
      return diff::RelationNameTaken(from, schema, name) || diff::RelationNameTaken(to, schema, name) ||
             names_used.count(schema + "." + name);
    });
    names_used.insert(schema + "." + build.online_name);
    build.concurrently = true;
    build.reason = "online: the new definition is built as " + build.online_name +
                   " while the old index serves; the old one is then dropped and the new one renamed";
    moved[i] = true;
    diff::Change old = drop;
    old.concurrently = true;
    old.reason = "online: the old definition, dropped once its replacement is built";
    post.push_back(std::move(old));
    diff::Change rename;
    rename.kind = K::Rename;
    rename.object = ir::ObjectId{ir::ObjectKind::Index, schema, build.object.name, build.object.sub};
    rename.text_before = build.online_name;
    rename.text_after = build.object.sub;
    rename.reason = "online: the new definition takes the index's name";
    post.push_back(std::move(rename));
    move_comments(*comments, post);
  }

  for (std::size_t i = 0; i < n; ++i) {
    diff::Change& c = changes[i];
    if (moved[i] || !c.online_name.empty()) continue;
    const ir::QualifiedName table = diff::TableOf(c);
    switch (c.kind) {
      case K::CreateIndex: {
        if (!existing(table)) break;
        std::vector<std::size_t> attaches;
        if (!c.after.index->parent_index.empty()) {
          auto found = partition_attaches(i);
          if (!found) break;
          attaches = std::move(*found);
        }
        auto comments = comments_only(i, attaches);
        if (!comments) break;
        c.concurrently = true;
        for (std::size_t k : *comments) changes[k].concurrently = true;
        for (std::size_t k : attaches) moved[k] = true;
        finish_attaches.insert(attaches.begin(), attaches.end());
        break;
      }
      case K::ReindexIndex:
        // REINDEX CONCURRENTLY builds a new copy next to the invalid one and swaps them.
        if (existing(table) && out[i].empty()) c.concurrently = true;
        break;
      case K::DropIndex:
        if (existing(table) && !has_in[i] && c.before.index->parent_index.empty()) c.concurrently = true;
        break;
      case K::AddConstraint:
      case K::AddForeignKey: {
        const ir::Constraint& k = *c.after.constraint;
        if (!existing(table)) break;
        if (k.kind == ir::ConstraintKind::Check || k.kind == ir::ConstraintKind::ForeignKey) {
          if (!k.validated || partition(table)) break;
          c.not_valid_first = true;
          diff::Change v;
          v.kind = K::ValidateConstraint;
          v.object = c.object;
          v.after = c.after;
          v.before.table = c.after.table;  // before.constraint stays null: validating what the plan added
          v.reason = "online: added NOT VALID above, validated here without blocking writes";
          validate.push_back(std::move(v));
          break;
        }
        if (k.kind != ir::ConstraintKind::PrimaryKey && k.kind != ir::ConstraintKind::Unique) break;
        if (c.after_attach || (partition(table) && k.parent_index.empty())) break;
        std::vector<std::size_t> attaches;
        if (!k.parent_index.empty()) {
          auto found = partition_attaches(i);
          if (!found) break;
          attaches = std::move(*found);
        }
        auto comments = comments_only(i, attaches);
        if (!comments) break;
        for (std::size_t a : attaches) moved[a] = true;
        finish_attaches.insert(attaches.begin(), attaches.end());
        c.online_step = Online::KeyIndex;
        c.concurrently = true;
        c.reason = "online: the key's unique index is built CONCURRENTLY first (writes go on)";
        diff::Change key = c;
        key.online_step = Online::KeyUsingIndex;
        key.concurrently = false;
        key.reason = "online: the key is added USING the index built above (no build under the lock)";
        finish_keys.push_back(std::move(key));
        move_comments(*comments, finish_keys);
        break;
      }
      case K::SetColumnNotNull: {
        if (!c.after.column->not_null || !existing(table) || partition(table) || !out[i].empty()) break;
        const ir::Table& t_from = from.tables.at(table);
        const ir::Table& t_to = to.tables.at(table);
        const std::string key = table.schema + "." + table.name + ".";
        c.online_name = FreeName(c.object.sub, "_not_null", [&](const std::string& name) {
          return t_from.constraints.count(name) || t_to.constraints.count(name) || names_used.count(key + name);
        });
        names_used.insert(key + c.online_name);
        c.online_step = Online::NotNullCheck;
        c.reason = "online: NOT NULL is first proven by a CHECK added NOT VALID (no scan under the lock)";
        diff::Change v = c;
        v.using_expr.reset();
        v.online_step = Online::NotNullValidate;
        v.reason = "online: the CHECK is validated without blocking writes";
        validate.push_back(std::move(v));
        diff::Change f = c;
        f.using_expr.reset();
        f.online_step = Online::NotNullFinish;
        f.reason = "online: SET NOT NULL uses the validated CHECK instead of scanning; the CHECK is then dropped";
        finish_not_null.push_back(std::move(f));
        break;
      }
      case K::DetachPartition: {
        // A partition detached for good (not attached again by the plan), from a parent without
        // a DEFAULT partition: DETACH ... CONCURRENTLY, after a CHECK matching its bound is added
        // NOT VALID and validated (without it, PostgreSQL 15 would add one of its own to the
        // detached table, under a name of its choosing), dropped after.
        if (has_in[i] || !c.before.table->partition_of || created.count(table)) break;
        const ir::Table& part = *c.before.table;
        auto parent = from.tables.find(part.partition_of->parent);
        bool reattached = std::any_of(changes.begin(), changes.end(), [&](const diff::Change& other) {
          return other.kind == K::AttachPartition && diff::TableOf(other) == table;
        });
        bool default_partition = std::any_of(from.tables.begin(), from.tables.end(), [&](const auto& entry) {
          return entry.second.partition_of && entry.second.partition_of->parent == part.partition_of->parent &&
                 entry.second.partition_of->bound == "DEFAULT";
        });
        if (reattached || default_partition || part.foreign || parent == from.tables.end()) break;
        std::optional<std::string> condition = BoundCheckFor(table, part, part, parent->second);
        if (!condition) break;
        c.online_name = bound_name(table, part, part, parent->second);
        c.concurrently = true;
        c.online_detach = true;
        add_bound_steps(c, *condition, "the CHECK served the detach; the table is on its own now");
        c.reason = "online: DETACH CONCURRENTLY; the validated CHECK " + c.online_name + " keeps PostgreSQL from adding one";
        break;
      }
      case K::AttachPartition: {
        // A table the plan did not create, attached: a CHECK matching its bound is added NOT VALID
        // and validated before the main transaction (while the table is still as it was), then
        // dropped once the table is attached.
        const ir::Table& part = *c.after.table;
        auto was = from.tables.find(table);
        auto parent = to.tables.find(part.partition_of->parent);
        if (created.count(table) || was == from.tables.end() || was->second.foreign || part.foreign ||
            parent == to.tables.end()) {
          break;
        }
        std::optional<std::string> condition = BoundCheckFor(table, was->second, part, parent->second);
        if (!condition) break;
        c.online_name = bound_name(table, was->second, part, parent->second);
        add_bound_steps(c, *condition, "the CHECK served the attach; the partition's bound holds now");
        c.reason = c.reason.empty() ? "online: the validated CHECK " + c.online_name + " spares the scan"
                                    : c.reason + "; online: the validated CHECK " + c.online_name + " spares the scan";
        break;
      }
      default: break;
    }
  }
  Placement p;
  for (std::size_t i = 0; i < n; ++i) {
    if (moved[i]) {
      p.segment.emplace_back(std::nullopt);
    } else {
      p.segment.emplace_back(SegmentOf(changes[i]));
    }
  }
  for (diff::Change& c : pre_check) p.extra.emplace_back(SegmentKind::PreCheck, std::move(c));
  for (diff::Change& c : pre_validate) p.extra.emplace_back(SegmentKind::PreValidate, std::move(c));
  for (diff::Change& c : main_end) p.extra.emplace_back(SegmentKind::Main, std::move(c));
  for (diff::Change& c : post) p.extra.emplace_back(SegmentKind::PostConcurrent, std::move(c));
  for (diff::Change& c : validate) p.extra.emplace_back(SegmentKind::Validate, std::move(c));
  for (diff::Change& c : finish_not_null) p.extra.emplace_back(SegmentKind::Finish, std::move(c));
  for (diff::Change& c : finish_keys) p.extra.emplace_back(SegmentKind::Finish, std::move(c));
  for (std::size_t a : finish_attaches) p.extra.emplace_back(SegmentKind::Finish, changes[a]);
  return p;
}

Step MakeStep(const diff::Change& c) {
  Step s;
  s.object = c.object;
  s.change = diff::ChangeKindName(c.kind);
  s.sql = RenderChange(c);
  diff::Change reverse = diff::Reverse(c);
  s.rollback_sql = RenderChange(reverse);
  s.reason = c.reason;
  // Only destroying steps carry marks: their inverse brings the structure back, never the data.
  // (That the inverse of a CREATE or ADD would drop rows written since is the nature of any
  // rollback, and marking every such step would bury the real warnings.)
  if (auto loss = diff::DataLossOf(c)) {
    s.data_loss = true;
    s.data_loss_reason = *loss;
    s.rollback_data_loss = true;
    s.rollback_data_loss_reason = "the rollback restores the structure but not the data this step destroys";
  }
  return s;
}

// A `-- ...` comment line. Names and enum values may contain line breaks; left raw, one would
// end the comment and turn the rest of the text into SQL, so they are escaped.
std::string CommentLine(const std::string& text) {
  std::string out = "-- ";
  for (char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out += c;
    }
  }
  return out + "\n";
}

// schema.table.sub as SQL would spell it.
std::string ObjectSql(const ir::ObjectId& id) {
  if (id.kind == ir::ObjectKind::DefaultPrivileges) {
    // "tables in schema app for role alice": name is the kind of objects, sub the role.
    std::string out = id.name;
    if (!id.schema.empty()) out += " in schema " + QuoteIdentifier(id.schema);
    if (!id.sub.empty()) out += " for role " + QuoteIdentifier(id.sub);
    return out;
  }
  // A user mapping is named by its role and server (its id's sub and name).
  if (id.kind == ir::ObjectKind::UserMapping) {
    return "for " + (id.sub.empty() ? std::string("PUBLIC") : QuoteIdentifier(id.sub)) + " server " +
           QuoteIdentifier(id.name);
  }
  std::string out;
  if (!id.schema.empty()) out = QuoteIdentifier(id.schema) + ".";
  out += QuoteIdentifier(id.name);
  if (!id.sub.empty()) out += "." + QuoteIdentifier(id.sub);
  return out;
}

// The rollback steps that re-create what a forward step destroyed (the same object) are marked
// too, so that whoever runs the rollback sees that the data does not come back.
// The first destroying forward step of each object gives the reason (looked up by object, not
// by scanning the rollback once per destroying step, which was quadratic in the plan's size).
void MarkUnrestorable(const Plan& forward, Plan& rollback) {
  std::map<ir::ObjectId, const Step*> destroyed;
  for (const Segment& fseg : forward.segments) {
    for (const Step& f : fseg.steps) {
      if (f.data_loss) destroyed.emplace(f.object, &f);
    }
  }
  if (destroyed.empty()) return;
  for (Segment& rseg : rollback.segments) {
    for (Step& r : rseg.steps) {
      if (r.rollback_data_loss) continue;
      auto f = destroyed.find(r.object);
      if (f == destroyed.end()) continue;
      r.rollback_data_loss = true;
      r.rollback_data_loss_reason = "restores the structure only: the forward plan " + f->second->data_loss_reason;
    }
  }
}

// The plan once the renames of `-- schemac:renamed-from` (if any) are made: see BuildPlan.
Plan BuildRenamedPlan(const ir::Database& from, const ir::Database& to, const PlanOptions& options,
                      ir::Diagnostics& diags);

}  // namespace

Plan BuildPlan(const ir::Database& from, const ir::Database& to, const PlanOptions& options,
               ir::Diagnostics& diags) {
  // Renames run first, in the first segment, before anything that names the objects by their
  // new names; the rest of the plan is the diff of the renamed state against `to`.
  const diff::QuoteFn quote = [](const std::string& name) { return QuoteIdentifier(name); };
  std::vector<diff::Change> renames = diff::PlanRenames(from, to, quote, diags);
  if (renames.empty()) return BuildRenamedPlan(from, to, options, diags);
  Plan plan = BuildRenamedPlan(diff::ApplyRenames(from, renames, quote), to, options, diags);
  if (diags.HasErrors()) return plan;
  std::vector<Step> steps;
  for (const diff::Change& c : renames) steps.push_back(MakeStep(c));
  if (plan.segments.empty()) {
    plan.segments.emplace_back();
    plan.segments.front().transactional = true;
  }
  // Renames go first, in the first segment when it is a transaction, else in one of their own
  // before it: every later step (an online plan's concurrent drops too) names the new names.
  const std::size_t host = 0;
  if (!plan.segments.front().transactional) {
    plan.segments.insert(plan.segments.begin(), Segment{});
    plan.segments.front().reason = "schemac:renamed-from: the renames run first, in a transaction of their own";
  }
  for (Segment& seg : plan.segments) {
    for (Step& step : seg.steps) {
      for (StepOrdering& o : step.ordering) o.after_step += steps.size();
    }
  }
  std::vector<Step>& first = plan.segments[host].steps;
  first.insert(first.begin(), std::make_move_iterator(steps.begin()), std::make_move_iterator(steps.end()));
  return plan;
}

namespace {

Plan BuildRenamedPlan(const ir::Database& from, const ir::Database& to, const PlanOptions& options,
                      ir::Diagnostics& diags) {
  diff::Matching matching = diff::MatchObjects(from, to);
  diff::DiffOptions diff_options;
  diff_options.owners = options.owners;
  std::vector<diff::Change> changes = diff::ComputeChanges(from, to, matching, diff_options, diags);
  std::vector<diff::Edge> edges;
  if (!diff::OrderChanges(changes, diags, options.explain || options.online ? &edges : nullptr)) return Plan{};
  Placement placement = options.online ? MakeOnline(changes, edges, from, to) : PlainPlacement(changes);

  // ALTER TYPE ... ADD VALUE goes in its own transaction ahead of everything that may use the
  // new values. Nothing is ordered before an addition (the type already exists), so taking
  // those steps out of the sorted sequence keeps every dependency satisfied.
  constexpr std::size_t kClasses = std::size(kSegmentClasses);
  std::vector<Segment> segments(kClasses);
  for (std::size_t i = 0; i < kClasses; ++i) {
    segments[i].transactional = kSegmentClasses[i].transactional;
    segments[i].long_running = kSegmentClasses[i].long_running;
  }
  // Where each change's step lands: (segment class, index in it); none for a change with no SQL.
  constexpr std::size_t kNoStep = static_cast<std::size_t>(-1);
  std::vector<std::pair<std::size_t, std::size_t>> placed(changes.size(), {kNoStep, kNoStep});
  for (std::size_t ci = 0; ci < changes.size(); ++ci) {
    if (!placement.segment[ci]) continue;  // moved by an online recipe
    Step step = MakeStep(changes[ci]);
    if (step.sql.empty()) continue;
    std::size_t k = static_cast<std::size_t>(*placement.segment[ci]);
    placed[ci] = {k, segments[k].steps.size()};
    segments[k].steps.push_back(std::move(step));
  }
  for (const auto& [kind, c] : placement.extra) {
    Step step = MakeStep(c);
    if (!step.sql.empty()) segments[static_cast<std::size_t>(kind)].steps.push_back(std::move(step));
  }
  if (options.explain) {
    std::array<std::size_t, kClasses> first{};  // global index of each class's first step
    for (std::size_t k = 1; k < kClasses; ++k) first[k] = first[k - 1] + segments[k - 1].steps.size();
    for (const diff::Edge& e : edges) {
      auto [bk, bi] = placed[e.before];
      auto [ak, ai] = placed[e.after];
      if (bk == kNoStep || ak == kNoStep) continue;
      // Only dependency keys ("rel:...", "func:...") are shown; other rules join on internal keys.
      std::string dependency = e.via.find(':') != std::string::npos ? e.via : std::string();
      segments[ak].steps[ai].ordering.push_back(StepOrdering{first[bk] + bi, e.rule->name, std::move(dependency)});
    }
  }
  Plan plan;
  if (options.online) {
    plan.sets_timeouts = true;
    plan.lock_timeout = options.lock_timeout;
    plan.statement_timeout = options.statement_timeout;
  }
  const char* pending_reason = "";
  for (std::size_t i = 0; i < kClasses; ++i) {
    if (segments[i].steps.empty()) continue;
    segments[i].reason = kSegmentClasses[i].reason;
    if (segments[i].reason.empty()) segments[i].reason = pending_reason;
    pending_reason = kSegmentClasses[i].reason_when_after;
    if (static_cast<SegmentKind>(i) != SegmentKind::Finish) {
      plan.segments.push_back(std::move(segments[i]));
      continue;
    }
    // One transaction per table: none waits for a table's lock while holding another's.
    std::vector<ir::QualifiedName> tables;
    std::map<ir::QualifiedName, Segment> by_table;
    for (Step& step : segments[i].steps) {
      ir::QualifiedName t{step.object.schema, step.object.name};
      auto [it, added] = by_table.try_emplace(t);
      if (added) {
        tables.push_back(t);
        it->second.transactional = segments[i].transactional;
        it->second.long_running = segments[i].long_running;
        it->second.reason = segments[i].reason;
      }
      it->second.steps.push_back(std::move(step));
    }
    for (const ir::QualifiedName& t : tables) plan.segments.push_back(std::move(by_table.at(t)));
  }
  return plan;
}

}  // namespace

PlanPair BuildPlans(const ir::Database& from, const ir::Database& to, const PlanOptions& options,
                    ir::Diagnostics& diags) {
  if (!options.owners) {
    // Without --owners no step may set one: the renderers of created objects write OWNER TO
    // whenever the target records an owner (a catalog side always does).
    ir::Database from_copy = from;
    ir::Database to_copy = to;
    ir::ClearOwners(from_copy);
    ir::ClearOwners(to_copy);
    PlanOptions with = options;
    with.owners = true;  // nothing left to compare
    return BuildPlans(from_copy, to_copy, with, diags);
  }
  PlanPair pair;
  pair.forward = BuildPlan(from, to, options, diags);
  // The rollback is the same planner run the other way. Its diagnostics would repeat the
  // forward ones (a cycle one way is usually a cycle the other way), so only new ids are kept.
  ir::Diagnostics back;
  pair.rollback = BuildPlan(to, from, options, back);
  MarkUnrestorable(pair.forward, pair.rollback);
  for (const ir::Diagnostic& d : back.items()) {
    bool seen = false;
    for (const ir::Diagnostic& f : diags.items()) {
      if (f.id == d.id && f.object == d.object) seen = true;
    }
    if (!seen) {
      ir::Diagnostic copy = d;
      copy.message = "rollback: " + copy.message;
      diags.Add(std::move(copy));
    }
  }
  return pair;
}

std::string RenderSql(const Plan& plan) { return RenderSql(plan, false); }

std::string RenderSql(const Plan& plan, bool explain) {
  if (plan.empty()) return "";
  std::vector<const Step*> numbered;  // every step, by its global index
  for (const Segment& seg : plan.segments) {
    for (const Step& step : seg.steps) numbered.push_back(&step);
  }
  std::size_t number = 0;
  std::string out;
  bool first = true;
  for (const Segment& seg : plan.segments) {
    if (seg.steps.empty()) continue;
    if (!first) out += "\n";
    first = false;
    if (!seg.reason.empty()) out += CommentLine("segment: " + seg.reason);
    if (seg.transactional) out += "BEGIN;\n";
    for (const std::string& set : SegmentSettings(plan, seg)) out += set + "\n";
    for (const Step& step : seg.steps) {
      ++number;
      if (!explain) {
        out += CommentLine(step.change + " " + ObjectSql(step.object));
      } else {
        out += CommentLine(fmt::format("step {}: {} {}", number, step.change, ObjectSql(step.object)));
        for (const StepOrdering& o : step.ordering) {
          const Step& earlier = *numbered.at(o.after_step);
          std::string line = fmt::format("  after step {} ({} {}): {}", o.after_step + 1, earlier.change,
                                         ObjectSql(earlier.object), o.rule);
          if (!o.dependency.empty()) line += " [dependency " + o.dependency + "]";
          out += CommentLine(line);
        }
      }
      if (!step.reason.empty()) out += CommentLine("reason: " + step.reason);
      if (step.data_loss) out += CommentLine("WARNING: data loss: " + step.data_loss_reason);
      if (step.rollback_data_loss) out += CommentLine("WARNING: " + step.rollback_data_loss_reason);
      for (const std::string& finding : step.findings) out += CommentLine("risk: " + finding);
      for (const std::string& sql : step.sql) out += sql + "\n";
    }
    if (seg.transactional) out += "COMMIT;\n";
    if (!seg.transactional && plan.sets_timeouts) out += "RESET lock_timeout;\nRESET statement_timeout;\n";
  }
  return out;
}

std::vector<std::string> SegmentSettings(const Plan& plan, const Segment& segment) {
  if (!plan.sets_timeouts) return {};
  std::vector<std::string> out;
  const std::string scope = segment.transactional ? "SET LOCAL " : "SET ";
  out.push_back(scope + "lock_timeout = " + QuoteLiteral(plan.lock_timeout) + ";");
  if (segment.long_running) {
    out.push_back(scope + "statement_timeout = 0;");
  } else if (!plan.statement_timeout.empty()) {
    out.push_back(scope + "statement_timeout = " + QuoteLiteral(plan.statement_timeout) + ";");
  }
  return out;
}

}  // namespace schemac::emit
