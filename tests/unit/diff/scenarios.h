// Named IR pairs (from -> to) shared by the exact-SQL unit tests and the optional
// PostgreSQL-backed check (tests/unit/emit/pg_apply_test.cpp).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "tests/unit/diff/ir_builders.h"

namespace schemac::testing {

struct Scenario {
  std::string name;
  ir::Database from;
  ir::Database to;
  /// False when the rollback reaches an equivalent but not identical state by design (a
  /// validated constraint is not made NOT VALID again).
  bool rollback_restores_exactly = true;
};

/// shop schema with an enum, a sequence owned by a column, two tables with identity, defaults,
/// generated column, PK/UNIQUE/CHECK/FK, indexes, comments, storage parameters.
inline ir::Database ShopSchema() {
  ir::Database db = WithPublic();
  db.schemas.emplace("shop", ir::Schema{"shop", "the shop", std::nullopt, {}});
  AddEnum(db, Enum("shop", "mood", {"happy", "sad"}));
  ir::Sequence seq = Seq("shop", "order_no_seq");
  seq.options.data_type = Pg("int4");
  seq.options.max_value = 2147483647;
  seq.options.increment = 10;
  seq.owned_by = ir::SequenceOwner{{"shop", "orders"}, "order_no"};
  AddSequence(db, seq);

  ir::Table customers = Table("shop", "customers", {Col("id", Pg("int8"), true), Col("email", Pg("varchar", "200"), true)});
  customers.columns[0].identity = IdentityFor("customers", "id", "int8", ir::IdentityKind::Always);
  AddConstraint(customers, PrimaryKey("customers_pkey", {"id"}));
  customers.constraints.at("customers_pkey").comment = "surrogate key";
  AddConstraint(customers, Unique("customers_email_key", {"email"}));
  AddTable(db, customers);

  ir::Table orders = Table("shop", "orders",
                           {Col("id", Pg("int8"), true), Col("customer_id", Pg("int8"), true),
                            Col("order_no", Pg("int4"), true, "nextval('shop.order_no_seq'::regclass)"),
                            Col("mood", UserType("shop", "mood"), false, "'happy'::shop.mood"),
                            Col("total", Pg("numeric", "10,2"), true, "0"),
                            Col("placed_at", Pg("timestamptz", "3"), false, "now()"),
                            Col("note", Pg("text")), Col("Select", Pg("bool")), Col("total_x2", Pg("numeric"))});
  orders.columns[0].identity = IdentityFor("orders", "id", "int8", ir::IdentityKind::ByDefault);
  orders.columns[0].identity->sequence_name = "orders_seq";
  orders.columns[0].identity->options.start = 100;
  orders.columns[8].generated = ir::Expr{"total * 2::numeric"};
  orders.columns[6].comment = "free text, it's optional";
  orders.comment = "one row per order";
  orders.options = {ir::StorageParam{"fillfactor", "70"}};
  AddConstraint(orders, PrimaryKey("orders_pkey", {"id"}));
  AddConstraint(orders, Check("orders_total_check", "total >= 0::numeric"));
  ir::Constraint fk = ForeignKey("orders_customer_id_fkey", {"customer_id"}, {"shop", "customers"}, {"id"});
  fk.on_delete = ir::FkAction::Cascade;
  AddConstraint(orders, fk);
  ir::Index placed = IndexOn("orders_placed_at_idx", {"placed_at"});
  placed.elements[0].descending = true;
  placed.elements[0].nulls_first = true;
  placed.comment = "recent first";
  AddIndex(orders, placed);
  ir::Index lower;
  lower.name = "orders_lower_idx";
  ir::IndexElement e;
  e.expression = ir::Expr{"lower(note)"};
  lower.elements.push_back(e);
  lower.predicate = ir::Expr{"note IS NOT NULL"};
  AddIndex(orders, lower);
  AddTable(db, orders);
  return db;
}

inline Scenario NewTableWithEverything() { return {"new_table_with_everything", WithPublic(), ShopSchema()}; }

inline Scenario ColumnTypeChange() {
  Scenario s{"column_type_change", WithPublic(), WithPublic()};
  AddTable(s.from, Table("public", "t", {Col("id", Pg("int4"), true), Col("v", Pg("varchar", "20"), false, "'x'::character varying"),
                                         Col("n", Pg("text"))}));
  AddTable(s.to, Table("public", "t", {Col("id", Pg("int8"), true), Col("v", Pg("text"), false, "'x'::text"),
                                       Col("n", Pg("int4"))}));
  return s;
}

inline Scenario EnumValueAddedInTheMiddle() {
  Scenario s{"enum_value_added_in_the_middle", WithPublic(), WithPublic()};
  AddEnum(s.from, Enum("public", "mood", {"a", "c"}));
  AddEnum(s.to, Enum("public", "mood", {"a", "b", "c"}));
  AddTable(s.from, Table("public", "t", {Col("m", UserType("public", "mood"), false, "'a'::mood")}));
  AddTable(s.to, Table("public", "t", {Col("m", UserType("public", "mood"), false, "'b'::mood")}));
  return s;
}

inline Scenario EnumValueRemoved() {
  Scenario s{"enum_value_removed", WithPublic(), WithPublic()};
  AddEnum(s.from, Enum("public", "mood", {"a", "b", "c"}));
  AddEnum(s.to, Enum("public", "mood", {"a", "c"}));
  for (ir::Database* db : {&s.from, &s.to}) {
    AddTable(*db, Table("public", "t", {Col("m", UserType("public", "mood"), true, "'a'::mood"),
                                        Col("ms", UserType("public", "mood", true))}));
  }
  return s;
}

inline Scenario ForeignKeyCycleBetweenNewTables() {
  Scenario s{"fk_cycle_between_new_tables", WithPublic(), WithPublic()};
  ir::Table a = Table("public", "a", {Col("id", Pg("int4"), true), Col("b_id", Pg("int4"))});
  AddConstraint(a, PrimaryKey("a_pkey", {"id"}));
  AddConstraint(a, ForeignKey("a_b_id_fkey", {"b_id"}, {"public", "b"}, {"id"}));
  ir::Table b = Table("public", "b", {Col("id", Pg("int4"), true), Col("a_id", Pg("int4"))});
  AddConstraint(b, PrimaryKey("b_pkey", {"id"}));
  AddConstraint(b, ForeignKey("b_a_id_fkey", {"a_id"}, {"public", "a"}, {"id"}));
  AddTable(s.to, a);
  AddTable(s.to, b);
  return s;
}

inline Scenario DroppedTableWithForeignKeyPointingAtIt() {
  Scenario s{"dropped_table_with_fk_pointing_at_it", WithPublic(), WithPublic()};
  ir::Table parent = Table("public", "parent", {Col("id", Pg("int4"), true)});
  AddConstraint(parent, PrimaryKey("parent_pkey", {"id"}));
  ir::Table child = Table("public", "child", {Col("id", Pg("int4"), true), Col("parent_id", Pg("int4"))});
  ir::Table child_after = child;
  AddConstraint(child, ForeignKey("child_parent_id_fkey", {"parent_id"}, {"public", "parent"}, {"id"}));
  AddTable(s.from, parent);
  AddTable(s.from, child);
  AddTable(s.to, child_after);
  return s;
}

inline Scenario IdentityAddedAndRemoved() {
  Scenario s{"identity_added_and_removed", WithPublic(), WithPublic()};
  ir::Table t = Table("public", "t", {Col("id", Pg("int4"), true)});
  ir::Table u = Table("public", "u", {Col("id", Pg("int8"), true)});
  ir::Table t_after = t;
  t_after.columns[0].identity = IdentityFor("t", "id", "int4", ir::IdentityKind::Always);
  u.columns[0].identity = IdentityFor("u", "id", "int8", ir::IdentityKind::ByDefault);
  ir::Table u_after = u;
  u_after.columns[0].identity.reset();
  u_after.columns[0].not_null = false;
  AddTable(s.from, t);
  AddTable(s.from, u);
  AddTable(s.to, t_after);
  AddTable(s.to, u_after);
  return s;
}

inline Scenario SequenceOptionsChanged() {
  Scenario s{"sequence_options_changed", WithPublic(), WithPublic()};
  AddSequence(s.from, Seq("public", "s"));
  ir::Sequence after = Seq("public", "s");
  after.options = ir::SequenceOptions{Pg("int4"), 5, 1, 1000, 10, 20, true};
  AddSequence(s.to, after);
  return s;
}

inline Scenario Comments() {
  Scenario s{"comments", WithPublic(), WithPublic()};
  ir::Table t = Table("public", "t", {Col("id", Pg("int4"), true)});
  t.columns[0].comment = "old";
  ir::Index i = IndexOn("t_id_idx", {"id"});
  i.comment = "goes away";
  AddIndex(t, i);
  ir::Table after = t;
  after.comment = "a table";
  after.columns[0].comment = "new";
  after.indexes.at("t_id_idx").comment.reset();
  AddTable(s.from, t);
  AddTable(s.to, after);
  return s;
}

inline Scenario DroppedTablesReferencingEachOther() {
  Scenario s = ForeignKeyCycleBetweenNewTables();
  s.name = "dropped_tables_referencing_each_other";
  std::swap(s.from, s.to);
  return s;
}

inline Scenario GeneratedExpressionChanged() {
  Scenario s{"generated_expression_changed", WithPublic(), WithPublic()};
  ir::Table t = Table("public", "t", {Col("a", Pg("int4")), Col("b", Pg("int4"))});
  t.columns[1].generated = ir::Expr{"a * 2"};
  AddIndex(t, IndexOn("t_b_idx", {"b"}));
  ir::Table after = t;
  after.columns[1].generated = ir::Expr{"a * 3"};
  AddTable(s.from, t);
  AddTable(s.to, after);
  return s;
}

inline Scenario DroppedColumnOwningSurvivingSequence() {
  Scenario s{"dropped_column_owning_surviving_sequence", WithPublic(), WithPublic()};
  ir::Sequence seq = Seq("public", "counter");
  seq.owned_by = ir::SequenceOwner{{"public", "t"}, "n"};
  AddSequence(s.from, seq);
  AddTable(s.from, Table("public", "t", {Col("id", Pg("int4")), Col("n", Pg("int8"), true, "nextval('public.counter'::regclass)")}));
  AddSequence(s.to, Seq("public", "counter"));
  AddTable(s.to, Table("public", "t", {Col("id", Pg("int4"))}));
  return s;
}

inline Scenario SequenceDroppedWithItsTable() {
  Scenario s{"sequence_dropped_with_its_table", WithPublic(), WithPublic()};
  ir::Sequence seq = Seq("public", "t_id_seq");
  seq.options.data_type = Pg("int4");
  seq.options.max_value = 2147483647;
  seq.owned_by = ir::SequenceOwner{{"public", "t"}, "id"};
  AddSequence(s.from, seq);
  AddTable(s.from, Table("public", "t", {Col("id", Pg("int4"), true, "nextval('public.t_id_seq'::regclass)")}));
  return s;
}

inline Scenario ConstraintChanges() {
  Scenario s{"constraint_changes", WithPublic(), WithPublic()};
  ir::Table t = Table("public", "t", {Col("id", Pg("int4"), true), Col("v", Pg("int4"))});
  AddConstraint(t, PrimaryKey("t_pkey", {"id"}));
  ir::Constraint chk = Check("t_v_check", "v > 0");
  chk.validated = false;
  AddConstraint(t, chk);
  AddConstraint(t, Check("t_v_check1", "v < 100"));
  ir::Table after = t;
  after.constraints.at("t_v_check").validated = true;
  after.constraints.at("t_v_check1").check = ir::Expr{"v < 1000"};
  after.unlogged = true;
  AddTable(s.from, t);
  AddTable(s.to, after);
  s.rollback_restores_exactly = false;
  return s;
}

inline Scenario KeyReplacedUnderForeignKey() {
  Scenario s{"key_replaced_under_foreign_key", WithPublic(), WithPublic()};
  ir::Table parent = Table("public", "parent", {Col("id", Pg("int4"), true), Col("code", Pg("text"))});
  AddConstraint(parent, PrimaryKey("parent_pkey", {"id"}));
  AddConstraint(parent, Unique("parent_code_key", {"code"}));
  ir::Table child = Table("public", "child", {Col("code", Pg("text"))});
  AddConstraint(child, ForeignKey("child_code_fkey", {"code"}, {"public", "parent"}, {"code"}));
  AddTable(s.from, parent);
  AddTable(s.from, child);
  parent.constraints.at("parent_code_key").nulls_not_distinct = true;
  AddTable(s.to, parent);
  AddTable(s.to, child);
  return s;
}

inline Scenario IdentityTypeAndOptionsChanged() {
  Scenario s{"identity_type_and_options_changed", WithPublic(), WithPublic()};
  ir::Table t = Table("public", "t", {Col("id", Pg("int4"), true)});
  t.columns[0].identity = IdentityFor("t", "id", "int4", ir::IdentityKind::ByDefault);
  t.columns[0].identity->options.start = 5;
  ir::Table after = Table("public", "t", {Col("id", Pg("int8"), true)});
  after.columns[0].identity = IdentityFor("t", "id", "int8", ir::IdentityKind::Always);
  after.columns[0].identity->options.start = 5;
  after.columns[0].identity->options.increment = 2;
  AddTable(s.from, t);
  AddTable(s.to, after);
  return s;
}

inline Scenario NewEnumAndSequenceUsedByExistingTable() {
  Scenario s{"new_enum_and_sequence_used_by_existing_table", WithPublic(), WithPublic()};
  AddTable(s.from, Table("public", "t", {Col("id", Pg("int4"))}));
  AddEnum(s.to, Enum("public", "color", {"red", "green"}));
  AddSequence(s.to, Seq("public", "n_seq"));
  ir::Table t = Table("public", "t", {Col("id", Pg("int4")), Col("c", UserType("public", "color"), false, "'red'::color"),
                                      Col("n", Pg("int8"), true, "nextval('public.n_seq'::regclass)")});
  ir::Index i = IndexOn("t_c_idx", {"c"});
  AddIndex(t, i);
  AddConstraint(t, Check("t_n_check", "n > 0"));
  AddTable(s.to, t);
  return s;
}

inline Scenario SchemaDroppedWithContents() {
  Scenario s{"schema_dropped_with_contents", WithPublic(), WithPublic()};
  s.from.schemas.emplace("old", ir::Schema{"old", std::nullopt, std::nullopt, {}});
  AddEnum(s.from, Enum("old", "state", {"on", "off"}));
  ir::Table t = Table("old", "things", {Col("id", Pg("int4"), true), Col("s", UserType("old", "state"))});
  AddConstraint(t, PrimaryKey("things_pkey", {"id"}));
  AddTable(s.from, t);
  return s;
}

inline Scenario QuotedNames() {
  Scenario s{"quoted_names", WithPublic(), WithPublic()};
  s.to.schemas.emplace("My Schema", ir::Schema{"My Schema", "it's \\ here", std::nullopt, {}});
  AddEnum(s.to, Enum("My Schema", "Mood", {"it's", "a\\b", "plain"}));
  ir::Table t = Table("My Schema", "user", {Col("select", Pg("int4"), true), Col("Name", Pg("text")),
                                            Col("m", UserType("My Schema", "Mood"), false, "'it''s'::\"My Schema\".\"Mood\"")});
  AddConstraint(t, PrimaryKey("user pkey", {"select"}));
  AddIndex(t, IndexOn("Idx", {"Name"}));
  t.columns[1].comment = "quote ' and backslash \\";
  AddTable(s.to, t);
  return s;
}

inline Scenario EnumReorderedWithNewColumn() {
  Scenario s{"enum_reordered_with_new_column", WithPublic(), WithPublic()};
  AddEnum(s.from, Enum("public", "e", {"a", "b", "c"}));
  AddEnum(s.to, Enum("public", "e", {"c", "a"}));
  AddTable(s.from, Table("public", "t", {Col("x", UserType("public", "e"), false, "'a'::e")}));
  AddTable(s.to, Table("public", "t", {Col("x", UserType("public", "e"), false, "'c'::e"),
                                       Col("y", UserType("public", "e"), false, "'c'::e")}));
  return s;
}

inline Scenario EnumValueUsedByNewTable() {
  Scenario s{"enum_value_used_by_new_table", WithPublic(), WithPublic()};
  AddEnum(s.from, Enum("public", "e", {"a"}));
  AddEnum(s.to, Enum("public", "e", {"a", "b"}));
  AddTable(s.to, Table("public", "u", {Col("v", UserType("public", "e"), false, "'b'::e")}));
  return s;
}

inline std::vector<Scenario> AllScenarios() {
  return {NewTableWithEverything(),
          ColumnTypeChange(),
          EnumValueAddedInTheMiddle(),
          EnumValueRemoved(),
          ForeignKeyCycleBetweenNewTables(),
          DroppedTableWithForeignKeyPointingAtIt(),
          IdentityAddedAndRemoved(),
          SequenceOptionsChanged(),
          Comments(),
          DroppedTablesReferencingEachOther(),
          GeneratedExpressionChanged(),
          DroppedColumnOwningSurvivingSequence(),
          SequenceDroppedWithItsTable(),
          ConstraintChanges(),
          KeyReplacedUnderForeignKey(),
          IdentityTypeAndOptionsChanged(),
          NewEnumAndSequenceUsedByExistingTable(),
          SchemaDroppedWithContents(),
          QuotedNames(),
          EnumReorderedWithNewColumn(),
          EnumValueUsedByNewTable()};
}

}  // namespace schemac::testing
