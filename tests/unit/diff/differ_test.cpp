#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "diff/change.h"
#include "diff/differ.h"
#include "diff/match.h"
#include "diff/order.h"
#include "tests/unit/diff/scenarios.h"

namespace {

using namespace schemac;
using diff::ChangeKind;

std::vector<diff::Change> Changes(const ir::Database& from, const ir::Database& to, ir::Diagnostics& diags,
                                  bool owners = false) {
  diff::DiffOptions options;
  options.owners = owners;
  return diff::ComputeChanges(from, to, diff::MatchObjects(from, to), options, diags);
}

std::vector<std::string> Kinds(const std::vector<diff::Change>& changes) {
  std::vector<std::string> out;
  for (const auto& c : changes) out.push_back(diff::Describe(c));
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("diff(x, x) is empty for every known state", "[diff]") {
  for (const testing::Scenario& s : testing::AllScenarios()) {
    INFO(s.name);
    ir::Diagnostics diags;
    CHECK(Changes(s.from, s.from, diags).empty());
    CHECK(Changes(s.to, s.to, diags).empty());
    CHECK(diags.items().empty());
  }
}

TEST_CASE("objects are matched by identity", "[diff][match]") {
  testing::Scenario s = testing::DroppedTableWithForeignKeyPointingAtIt();
  diff::Matching m = diff::MatchObjects(s.from, s.to);
  CHECK(m.Table({"public", "child"}) == ir::QualifiedName{"public", "child"});
  CHECK_FALSE(m.Table({"public", "parent"}).has_value());
  CHECK(m.Column({"public", "child"}, "parent_id") == std::string("parent_id"));
  CHECK(m.IsMatchedTarget(ir::ObjectId{ir::ObjectKind::Table, "public", "child", ""}));
  CHECK_FALSE(m.IsMatchedTarget(ir::ObjectId{ir::ObjectKind::Table, "public", "parent", ""}));
}

TEST_CASE("a rename in the matching is reported as not yet supported", "[diff][match]") {
  ir::Database from = testing::WithPublic();
  ir::Database to = testing::WithPublic();
  testing::AddTable(from, testing::Table("public", "old_name", {testing::Col("id", testing::Pg("int4"))}));
  testing::AddTable(to, testing::Table("public", "new_name", {testing::Col("id", testing::Pg("int4"))}));
  diff::Matching m = diff::MatchObjects(from, to);
  m.tables.emplace(ir::QualifiedName{"public", "old_name"}, ir::QualifiedName{"public", "new_name"});
  ir::Diagnostics diags;
  diff::ComputeChanges(from, to, m, {}, diags);
  REQUIRE(diags.HasErrors());
  CHECK(diags.items()[0].id == "plan.unsupported");
  CHECK(diags.items()[0].message == "not yet supported: rename to \"new_name\"");
}

TEST_CASE("element changes of a column", "[diff]") {
  ir::Diagnostics diags;
  testing::Scenario s = testing::ColumnTypeChange();
  auto changes = Changes(s.from, s.to, diags);
  CHECK(Kinds(changes) == std::vector<std::string>{"alter_column_type public.t.id", "alter_column_type public.t.n",
                                                   "alter_column_type public.t.v"});
  for (const auto& c : changes) CHECK(c.rewrite_default == (c.object.sub == "v"));
}

TEST_CASE("enum changes: pure addition vs swap", "[diff][enum]") {
  ir::Diagnostics diags;
  auto added = Changes(testing::EnumValueAddedInTheMiddle().from, testing::EnumValueAddedInTheMiddle().to, diags);
  CHECK(Kinds(added) == std::vector<std::string>{"add_enum_values public.mood", "set_column_default public.t.m"});
  testing::Scenario removed = testing::EnumValueRemoved();
  auto swapped = Changes(removed.from, removed.to, diags);
  REQUIRE(Kinds(swapped) == std::vector<std::string>{"swap_enum public.mood"});
  CHECK(swapped[0].enum_uses.size() == 2);
  CHECK(diff::Reverse(swapped[0]).kind == ChangeKind::AddEnumValues);
  // Reordering is not an addition either way.
  ir::Database a = testing::WithPublic();
  ir::Database b = testing::WithPublic();
  testing::AddEnum(a, testing::Enum("public", "e", {"x", "y"}));
  testing::AddEnum(b, testing::Enum("public", "e", {"y", "x"}));
  auto reordered = Changes(a, b, diags);
  REQUIRE(reordered.size() == 1);
  CHECK(reordered[0].kind == ChangeKind::SwapEnum);
  CHECK(diff::Reverse(reordered[0]).kind == ChangeKind::SwapEnum);
}

TEST_CASE("constraint changes: validate, invalidation by drop + add NOT VALID, drop + add", "[diff][constraint]") {
  ir::Diagnostics diags;
  testing::Scenario s = testing::ConstraintChanges();
  CHECK(Kinds(Changes(s.from, s.to, diags)) ==
        std::vector<std::string>{"add_constraint public.t.t_v_check1", "drop_constraint public.t.t_v_check1",
                                 "set_table_logged public.t", "validate_constraint public.t.t_v_check"});
  // validated true -> false: PostgreSQL cannot unvalidate, so drop and add NOT VALID.
  CHECK(Kinds(Changes(s.to, s.from, diags)) ==
        std::vector<std::string>{"add_constraint public.t.t_v_check", "add_constraint public.t.t_v_check1",
                                 "drop_constraint public.t.t_v_check", "drop_constraint public.t.t_v_check1",
                                 "set_table_logged public.t"});
}

TEST_CASE("a replaced key takes the foreign keys referencing it along", "[diff][constraint]") {
  ir::Diagnostics diags;
  testing::Scenario s = testing::KeyReplacedUnderForeignKey();
  CHECK(Kinds(Changes(s.from, s.to, diags)) ==
        std::vector<std::string>{"add_constraint public.parent.parent_code_key", "add_foreign_key public.child.child_code_fkey",
                                 "drop_constraint public.parent.parent_code_key",
                                 "drop_foreign_key public.child.child_code_fkey"});
}

TEST_CASE("generated columns are dropped and re-added, with their indexes", "[diff][column]") {
  ir::Diagnostics diags;
  testing::Scenario s = testing::GeneratedExpressionChanged();
  auto changes = Changes(s.from, s.to, diags);
  CHECK(Kinds(changes) == std::vector<std::string>{"add_column public.t.b", "create_index public.t.t_b_idx",
                                                   "drop_column public.t.b", "drop_index public.t.t_b_idx"});
  for (const auto& c : changes) {
    if (c.kind == ChangeKind::DropColumn) {
      CHECK_FALSE(diff::DataLossOf(c).has_value());
      CHECK(c.reason.find("cannot alter a generation expression") != std::string::npos);
    }
  }
  // generated -> plain keeps the values: DROP EXPRESSION.
  ir::Database plain = s.from;
  plain.tables.at({"public", "t"}).columns[1].generated.reset();
  plain.tables.at({"public", "t"}).indexes.clear();
  ir::Database gen = s.from;
  gen.tables.at({"public", "t"}).indexes.clear();
  CHECK(Kinds(Changes(gen, plain, diags)) == std::vector<std::string>{"drop_column_expression public.t.b"});
}

TEST_CASE("sequences owned by a dropped table go with it", "[diff][sequence]") {
  ir::Diagnostics diags;
  testing::Scenario s = testing::SequenceDroppedWithItsTable();
  auto changes = Changes(s.from, s.to, diags);
  REQUIRE(Kinds(changes) == std::vector<std::string>{"drop_table public.t"});
  REQUIRE(changes[0].drops_owned_sequences.size() == 1);
  CHECK(changes[0].drops_owned_sequences[0]->name.name == "t_id_seq");
}

TEST_CASE("identity: type change alone moves the sequence with it", "[diff][identity]") {
  ir::Diagnostics diags;
  ir::Database a = testing::WithPublic();
  ir::Database b = testing::WithPublic();
  ir::Table t = testing::Table("public", "t", {testing::Col("id", testing::Pg("int4"), true)});
  t.columns[0].identity = testing::IdentityFor("t", "id", "int4", ir::IdentityKind::Always);
  testing::AddTable(a, t);
  t.columns[0].type = testing::Pg("int8");
  t.columns[0].identity = testing::IdentityFor("t", "id", "int8", ir::IdentityKind::Always);
  testing::AddTable(b, t);
  CHECK(Kinds(Changes(a, b, diags)) == std::vector<std::string>{"alter_column_type public.t.id"});
  testing::Scenario s = testing::IdentityTypeAndOptionsChanged();
  CHECK(Kinds(Changes(s.from, s.to, diags)) ==
        std::vector<std::string>{"alter_column_type public.t.id", "alter_identity public.t.id"});
}

TEST_CASE("owners are compared only with options.owners", "[diff][owner]") {
  ir::Diagnostics diags;
  ir::Database a = testing::WithPublic();
  ir::Database b = testing::WithPublic();
  ir::Table t = testing::Table("public", "t", {testing::Col("id", testing::Pg("int4"))});
  t.owner = "alice";
  testing::AddTable(a, t);
  t.owner = "bob";
  testing::AddTable(b, t);
  CHECK(Changes(a, b, diags).empty());
  CHECK(Kinds(Changes(a, b, diags, true)) == std::vector<std::string>{"set_owner public.t"});
}

TEST_CASE("a column added before existing ones is a warning: PostgreSQL appends", "[diff][column]") {
  ir::Database a = testing::WithPublic();
  ir::Database b = testing::WithPublic();
  testing::AddTable(a, testing::Table("public", "t", {testing::Col("b", testing::Pg("int4"))}));
  testing::AddTable(b, testing::Table("public", "t", {testing::Col("a", testing::Pg("int4")), testing::Col("b", testing::Pg("int4"))}));
  ir::Diagnostics diags;
  Changes(a, b, diags);
  REQUIRE(diags.items().size() == 1);
  CHECK(diags.items()[0].severity == ir::Severity::Warning);
  CHECK_FALSE(diags.HasErrors());
}

TEST_CASE("exclusion constraints are reported as not yet supported", "[diff]") {
  ir::Database a = testing::WithPublic();
  ir::Database b = testing::WithPublic();
  ir::Table t = testing::Table("public", "t", {testing::Col("r", testing::Pg("int4range"))});
  ir::Constraint ex;
  ex.name = "t_r_excl";
  ex.kind = ir::ConstraintKind::Exclusion;
  testing::AddConstraint(t, ex);
  testing::AddTable(b, t);
  ir::Diagnostics diags;
  Changes(a, b, diags);
  REQUIRE(diags.HasErrors());
  CHECK(diags.items()[0].message == "not yet supported: exclusion constraint \"t_r_excl\"");
  CHECK(diags.items()[0].object == "public.t.t_r_excl");
}

TEST_CASE("sequence references are found in nextval defaults", "[diff][sequence]") {
  using diff::SequenceReferences;
  CHECK(SequenceReferences(ir::Expr{"nextval('public.t_id_seq'::regclass)"}) ==
        std::vector<ir::QualifiedName>{{"public", "t_id_seq"}});
  CHECK(SequenceReferences(ir::Expr{"nextval('\"My Schema\".\"odd\"\"seq\"'::regclass) + nextval('x.y'::regclass)"}) ==
        std::vector<ir::QualifiedName>{{"My Schema", "odd\"seq"}, {"x", "y"}});
  CHECK(SequenceReferences(ir::Expr{"nextval('a.it''s'::regclass)"}) == std::vector<ir::QualifiedName>{{"a", "it's"}});
  CHECK(SequenceReferences(ir::Expr{"now()"}).empty());
  CHECK(SequenceReferences(ir::Expr{"nextval('a.b'::text)"}).empty());
}

TEST_CASE("widening type changes round-trip, others are data loss", "[diff][types]") {
  using diff::IsWidening;
  using testing::Pg;
  CHECK(IsWidening(Pg("int4"), Pg("int8")));
  CHECK_FALSE(IsWidening(Pg("int8"), Pg("int4")));
  CHECK(IsWidening(Pg("varchar", "20"), Pg("varchar", "40")));
  CHECK_FALSE(IsWidening(Pg("varchar", "40"), Pg("varchar", "20")));
  CHECK(IsWidening(Pg("varchar", "20"), Pg("text")));
  CHECK(IsWidening(Pg("numeric", "10,2"), Pg("numeric", "12,2")));
  CHECK_FALSE(IsWidening(Pg("numeric", "10,2"), Pg("numeric", "10,3")));
  CHECK(IsWidening(Pg("numeric", "10,2"), Pg("numeric", "11,3")));
  CHECK_FALSE(IsWidening(Pg("text"), Pg("int4")));
  CHECK_FALSE(IsWidening(Pg("int4"), Pg("int4", "", true)));
}

TEST_CASE("type pairs without a PostgreSQL cast are known", "[diff][types]") {
  using diff::HasNoCast;
  using testing::Pg;
  CHECK(HasNoCast(Pg("int8"), Pg("timestamp")));
  CHECK(HasNoCast(Pg("timestamp"), Pg("int8")));
  CHECK(HasNoCast(Pg("bool"), Pg("int8")));
  CHECK(HasNoCast(Pg("date"), Pg("time")));
  CHECK(HasNoCast(Pg("uuid"), Pg("int4")));
  CHECK_FALSE(HasNoCast(Pg("bool"), Pg("int4")));
  CHECK_FALSE(HasNoCast(Pg("int4"), Pg("int8")));
  CHECK_FALSE(HasNoCast(Pg("date"), Pg("timestamptz")));
  CHECK_FALSE(HasNoCast(Pg("jsonb"), Pg("numeric")));
  // String types convert to and from anything; unknown pairs are left to a direct cast.
  CHECK_FALSE(HasNoCast(Pg("int8"), Pg("text")));
  CHECK_FALSE(HasNoCast(Pg("varchar", "10"), Pg("timestamp")));
  CHECK_FALSE(HasNoCast(Pg("int8"), Pg("money")));
  CHECK_FALSE(HasNoCast(Pg("int8"), ir::TypeRef{"public", "mood", "", false}));
}

TEST_CASE("identifiers are mentioned as whole words only", "[diff]") {
  CHECK(diff::MentionsIdentifier("lower(note)", "note"));
  CHECK_FALSE(diff::MentionsIdentifier("lower(notes)", "note"));
  CHECK(diff::MentionsIdentifier("\"Note\" > 1", "Note"));
}

TEST_CASE("default sequence options follow type and direction", "[diff][sequence]") {
  auto up = diff::DefaultSequenceOptions(testing::Pg("int4"), 1);
  CHECK(up.min_value == 1);
  CHECK(up.max_value == 2147483647);
  CHECK(up.start == 1);
  auto down = diff::DefaultSequenceOptions(testing::Pg("int2"), -1);
  CHECK(down.min_value == -32768);
  CHECK(down.max_value == -1);
  CHECK(down.start == -1);
}

TEST_CASE("enum value lists: pure additions", "[diff][enum]") {
  using diff::IsPureAddition;
  CHECK(IsPureAddition({"a", "c"}, {"a", "b", "c"}));
  CHECK(IsPureAddition({}, {"a"}));
  CHECK(IsPureAddition({"a"}, {"a"}));
  CHECK_FALSE(IsPureAddition({"a", "b"}, {"b", "a"}));
  CHECK_FALSE(IsPureAddition({"a", "b"}, {"a"}));
}

TEST_CASE("a changed index definition is dropped and created again", "[diff][index]") {
  ir::Database a = testing::WithPublic();
  ir::Table t = testing::Table("public", "t", {testing::Col("x", testing::Pg("int4")), testing::Col("y", testing::Pg("int4"))});
  testing::AddIndex(t, testing::IndexOn("t_idx", {"x"}));
  testing::AddTable(a, t);
  ir::Database b = a;
  b.tables.at({"public", "t"}).indexes.at("t_idx").elements[0].column = "y";
  ir::Diagnostics diags;
  std::vector<diff::Change> changes = Changes(a, b, diags);
  REQUIRE(diff::OrderChanges(changes, diags));
  REQUIRE(changes.size() == 2);
  CHECK(changes[0].kind == ChangeKind::DropIndex);
  CHECK(changes[1].kind == ChangeKind::CreateIndex);
}

TEST_CASE("diffing a large schema against itself is fast and empty", "[diff][scale]") {
  ir::Database db = testing::WithPublic();
  for (int i = 0; i < 2000; ++i) {
    ir::Table t = testing::Table("public", "t" + std::to_string(i), {});
    for (int c = 0; c < 15; ++c) t.columns.push_back(testing::Col("c" + std::to_string(c), testing::Pg("int4")));
    testing::AddTable(db, t);
  }
  auto start = std::chrono::steady_clock::now();
  ir::Diagnostics diags;
  CHECK(Changes(db, db, diags).empty());
  CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 30.0);
}

TEST_CASE("a table whose partitioning changes does not match: it is rebuilt with its partitions", "[diff][match]") {
  auto partitioned = [](ir::Table t, char strategy, const std::string& column) {
    ir::PartitionKey key;
    key.strategy = strategy;
    ir::IndexElement e;
    e.column = column;
    key.elements.push_back(e);
    t.partition_key = key;
    return t;
  };
  auto partition = [](ir::Table t, const std::string& parent, const std::string& bound) {
    t.partition_of = ir::PartitionOf{{"public", parent}, bound};
    return t;
  };
  auto table = [](const std::string& name) {
    return testing::Table("public", name, {testing::Col("a", testing::Pg("int4")), testing::Col("b", testing::Pg("int4"))});
  };
  ir::Database from = testing::WithPublic();
  ir::Database to = testing::WithPublic();
  // p: LIST (a) -> RANGE (b); p1 stays its partition (rebuilt), p2 leaves it (kept), q stays as it is;
  // p1's own key changes too (an inner root, rebuilt with p, not on its own).
  testing::AddTable(from, partitioned(table("p"), 'l', "a"));
  testing::AddTable(from, partitioned(partition(table("p1"), "p", "FOR VALUES IN (1)"), 'l', "a"));
  testing::AddTable(from, partition(table("p2"), "p", "FOR VALUES IN (2)"));
  testing::AddTable(from, table("q"));
  testing::AddTable(to, partitioned(table("p"), 'r', "b"));
  testing::AddTable(to, partitioned(partition(table("p1"), "p", "FOR VALUES FROM (1) TO (2)"), 'l', "b"));
  testing::AddTable(to, table("p2"));
  testing::AddTable(to, table("q"));
  diff::Matching m = diff::MatchObjects(from, to);
  CHECK_FALSE(m.Table({"public", "p"}).has_value());
  CHECK_FALSE(m.Table({"public", "p1"}).has_value());
  CHECK(m.Table({"public", "p2"}).has_value());
  CHECK(m.Table({"public", "q"}).has_value());
  REQUIRE(m.rebuilt_tables.size() == 1);
  CHECK(m.rebuilt_tables.begin()->first == ir::QualifiedName{"public", "p"});
  CHECK(m.rebuilt_tables.begin()->second == std::vector<ir::QualifiedName>{{"public", "p1"}});

  ir::Diagnostics diags;
  std::vector<diff::Change> changes = Changes(from, to, diags);
  CHECK_FALSE(diags.HasErrors());
  std::vector<std::string> kinds = Kinds(changes);
  for (const char* expected : {"save_rows public.p", "restore_rows public.p", "drop_table public.p", "create_table public.p",
                               "drop_table public.p1", "create_table public.p1", "detach_partition public.p2"}) {
    CHECK(std::count(kinds.begin(), kinds.end(), expected) == 1);
  }
  for (const diff::Change& c : changes) {
    if (c.kind == ChangeKind::DropTable) CHECK(c.rows_copied);
    if (c.kind == ChangeKind::SaveRows) {
      // p2 leaves with its rows; p1's are copied with p's.
      CHECK(c.tree_before == std::vector<ir::QualifiedName>{{"public", "p"}, {"public", "p1"}});
      CHECK(c.tree_after == std::vector<ir::QualifiedName>{{"public", "p"}, {"public", "p1"}});
      CHECK(c.rows_table == "schemac_rows_1");
    }
  }
}
