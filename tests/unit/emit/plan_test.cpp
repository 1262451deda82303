#include <catch2/catch.hpp>

#include <string>

#include "emit/plan.h"
#include "emit/render.h"
#include "tests/unit/diff/scenarios.h"

namespace {

using namespace schemac;

emit::PlanPair Plans(const testing::Scenario& s, bool owners = false) {
  ir::Diagnostics diags;
  emit::PlanOptions options;
  options.owners = owners;
  emit::PlanPair p = emit::BuildPlans(s.from, s.to, options, diags);
  REQUIRE_FALSE(diags.HasErrors());
  return p;
}

const emit::Step* FindStep(const emit::Plan& plan, const std::string& change) {
  for (const emit::Segment& seg : plan.segments) {
    for (const emit::Step& st : seg.steps) {
      if (st.change == change) return &st;
    }
  }
  return nullptr;
}

}  // namespace

TEST_CASE("an empty plan renders as the empty string", "[emit]") {
  testing::Scenario s = testing::NewTableWithEverything();
  ir::Diagnostics diags;
  emit::PlanPair p = emit::BuildPlans(s.to, s.to, {}, diags);
  CHECK(p.forward.empty());
  CHECK(p.rollback.empty());
  CHECK(emit::RenderSql(p.forward).empty());
}

TEST_CASE("enum value additions get their own segment before the steps that may use them", "[emit][segments]") {
  emit::PlanPair p = Plans(testing::EnumValueAddedInTheMiddle());
  REQUIRE(p.forward.segments.size() == 2);
  CHECK(p.forward.segments[0].transactional);
  CHECK(p.forward.segments[0].reason.find("committed before use") != std::string::npos);
  REQUIRE(p.forward.segments[0].steps.size() == 1);
  CHECK(p.forward.segments[0].steps[0].sql == std::vector<std::string>{"ALTER TYPE public.mood ADD VALUE 'b' AFTER 'a';"});
  CHECK(p.forward.segments[1].steps[0].sql ==
        std::vector<std::string>{"ALTER TABLE public.t ALTER COLUMN m SET DEFAULT 'b'::mood;"});
  // The rollback of an addition is the type swap, in a single segment.
  REQUIRE(p.rollback.segments.size() == 1);
  CHECK(p.rollback.segments[0].reason.empty());
  // The forward step carries its own inverse.
  const emit::Step& add = p.forward.segments[0].steps[0];
  CHECK(add.rollback_sql.front() == "ALTER TYPE public.mood RENAME TO mood__schemac_old;");
  CHECK(add.rollback_sql.back() == "DROP TYPE public.mood__schemac_old;");
  CHECK_FALSE(add.data_loss);
  CHECK_FALSE(add.rollback_data_loss);  // adding destroys nothing, so there is nothing to restore
}

TEST_CASE("leading and consecutive enum additions are placed relative to values that exist", "[emit][enum]") {
  testing::Scenario s{"leading", testing::WithPublic(), testing::WithPublic()};
  testing::AddEnum(s.from, testing::Enum("public", "e", {"c", "e"}));
  testing::AddEnum(s.to, testing::Enum("public", "e", {"a", "b", "c", "d", "e", "f"}));
  emit::PlanPair p = Plans(s);
  REQUIRE(p.forward.segments.size() == 1);
  CHECK(p.forward.segments[0].steps[0].sql ==
        std::vector<std::string>{"ALTER TYPE public.e ADD VALUE 'a' BEFORE 'c';", "ALTER TYPE public.e ADD VALUE 'b' AFTER 'a';",
                                 "ALTER TYPE public.e ADD VALUE 'd' AFTER 'c';", "ALTER TYPE public.e ADD VALUE 'f' AFTER 'e';"});
}

TEST_CASE("enum value removal swaps the type and re-sets column defaults", "[emit][enum]") {
  emit::PlanPair p = Plans(testing::EnumValueRemoved());
  REQUIRE(p.forward.segments.size() == 1);
  const emit::Step& swap = p.forward.segments[0].steps.at(0);
  CHECK(swap.change == "swap_enum");
  CHECK(swap.sql == std::vector<std::string>{
                        "ALTER TYPE public.mood RENAME TO mood__schemac_old;",
                        "CREATE TYPE public.mood AS ENUM ('a', 'c');",
                        "ALTER TABLE public.t ALTER COLUMN m DROP DEFAULT;",
                        "ALTER TABLE public.t ALTER COLUMN m TYPE public.mood USING m::text::public.mood;",
                        "ALTER TABLE public.t ALTER COLUMN m SET DEFAULT 'a'::mood;",
                        "ALTER TABLE public.t ALTER COLUMN ms TYPE public.mood[] USING ms::text[]::public.mood[];",
                        "DROP TYPE public.mood__schemac_old;"});
  CHECK(swap.data_loss);
  CHECK(swap.rollback_data_loss);
  CHECK(swap.reason.find("type swap") == 0);
  CHECK(swap.rollback_sql == std::vector<std::string>{"ALTER TYPE public.mood ADD VALUE 'b' AFTER 'a';"});
}

TEST_CASE("the swap's temporary name is deterministic and fits in 63 bytes", "[emit][enum]") {
  CHECK(emit::EnumSwapTempName("mood") == "mood__schemac_old");
  CHECK(emit::EnumSwapTempName(std::string(60, 'x')).size() == 63);
}

TEST_CASE("data loss marks", "[emit][data-loss]") {
  emit::PlanPair dropped = Plans(testing::DroppedTableWithForeignKeyPointingAtIt());
  const emit::Step* drop = FindStep(dropped.forward, "drop_table");
  REQUIRE(drop != nullptr);
  CHECK(drop->data_loss);
  CHECK(drop->rollback_data_loss);
  CHECK(drop->rollback_sql.size() == 1);
  CHECK(drop->rollback_sql[0].rfind("CREATE TABLE public.parent (", 0) == 0);
  std::string sql = emit::RenderSql(dropped.forward);
  CHECK(sql.find("-- drop_table public.parent\n-- WARNING: data loss: drops table public.parent and its rows\n") !=
        std::string::npos);

  emit::PlanPair gen = Plans(testing::GeneratedExpressionChanged());
  const emit::Step* drop_col = FindStep(gen.forward, "drop_column");
  REQUIRE(drop_col != nullptr);
  CHECK_FALSE(drop_col->data_loss);
  CHECK(drop_col->reason.find("derived") != std::string::npos);

  emit::PlanPair types = Plans(testing::ColumnTypeChange());
  for (const emit::Step& st : types.forward.segments[0].steps) {
    INFO(st.object.sub);
    CHECK(st.data_loss == (st.object.sub == "n"));  // int4 -> int8 and varchar -> text widen
    CHECK(st.rollback_data_loss == st.data_loss);  // only a destroying step has data to restore
  }
  // The rollback steps that re-create what the forward plan destroyed say so.
  for (const emit::Segment& seg : types.rollback.segments) {
    for (const emit::Step& st : seg.steps) {
      INFO(st.object.sub);
      // id and v narrow on the way back (data loss of their own); n re-creates what was lost
      CHECK(st.rollback_data_loss == (st.data_loss || st.object.sub == "n"));
    }
  }
  const emit::Step* recreate = FindStep(dropped.rollback, "create_table");
  REQUIRE(recreate != nullptr);
  CHECK(recreate->rollback_data_loss);
  CHECK(recreate->rollback_data_loss_reason == "restores the structure only: the forward plan drops table public.parent and its rows");
}

TEST_CASE("a changed constraint is dropped then added under the same name", "[emit][constraint]") {
  emit::PlanPair p = Plans(testing::ConstraintChanges());
  std::vector<std::string> sql;
  for (const emit::Step& st : p.forward.segments[0].steps) sql.insert(sql.end(), st.sql.begin(), st.sql.end());
  CHECK(sql == std::vector<std::string>{"ALTER TABLE public.t DROP CONSTRAINT t_v_check1;", "ALTER TABLE public.t SET UNLOGGED;",
                                        "ALTER TABLE public.t ADD CONSTRAINT t_v_check1 CHECK (v < 1000);",
                                        "ALTER TABLE public.t VALIDATE CONSTRAINT t_v_check;"});
  // VALIDATE's inverse: PostgreSQL cannot unvalidate, so drop and add NOT VALID.
  const emit::Step* validate = FindStep(p.forward, "validate_constraint");
  REQUIRE(validate != nullptr);
  CHECK(validate->rollback_sql == std::vector<std::string>{"ALTER TABLE public.t DROP CONSTRAINT t_v_check;",
                                                           "ALTER TABLE public.t ADD CONSTRAINT t_v_check CHECK (v > 0) NOT VALID;"});
}

TEST_CASE("owners are applied only with options.owners", "[emit][owner]") {
  testing::Scenario s{"owners", testing::WithPublic(), testing::WithPublic()};
  ir::Table t = testing::Table("public", "t", {testing::Col("id", testing::Pg("int4"))});
  t.owner = "alice";
  testing::AddTable(s.from, t);
  t.owner = "Bob";
  testing::AddTable(s.to, t);
  CHECK(Plans(s).forward.empty());
  emit::PlanPair p = Plans(s, true);
  REQUIRE(p.forward.segments.size() == 1);
  CHECK(p.forward.segments[0].steps[0].sql == std::vector<std::string>{"ALTER TABLE public.t OWNER TO \"Bob\";"});
  CHECK(p.rollback.segments[0].steps[0].sql == std::vector<std::string>{"ALTER TABLE public.t OWNER TO alice;"});
}

TEST_CASE("storage parameters are set and reset", "[emit][table]") {
  testing::Scenario s{"params", testing::WithPublic(), testing::WithPublic()};
  ir::Table t = testing::Table("public", "t", {testing::Col("id", testing::Pg("int4"))});
  t.options = {{"autovacuum_enabled", "false"}, {"fillfactor", "70"}};
  testing::AddTable(s.from, t);
  t.options = {{"fillfactor", "80"}};
  testing::AddTable(s.to, t);
  emit::PlanPair p = Plans(s);
  CHECK(p.forward.segments[0].steps[0].sql ==
        std::vector<std::string>{"ALTER TABLE public.t RESET (autovacuum_enabled);", "ALTER TABLE public.t SET (fillfactor=80);"});
  CHECK(p.rollback.segments[0].steps[0].sql ==
        std::vector<std::string>{"ALTER TABLE public.t SET (autovacuum_enabled=false, fillfactor=70);"});
}

TEST_CASE("rendered scripts wrap each transactional segment in BEGIN/COMMIT", "[emit]") {
  emit::PlanPair p = Plans(testing::EnumValueAddedInTheMiddle());
  CHECK(emit::RenderSql(p.forward) ==
        "-- segment: new enum values must be committed before use: PostgreSQL rejects a value added by ALTER TYPE ... "
        "ADD VALUE in the transaction that added it\n"
        "BEGIN;\n"
        "-- add_enum_values public.mood\n"
        "ALTER TYPE public.mood ADD VALUE 'b' AFTER 'a';\n"
        "COMMIT;\n"
        "\n"
        "-- segment: runs after the new enum values are committed\n"
        "BEGIN;\n"
        "-- set_column_default public.t.m\n"
        "ALTER TABLE public.t ALTER COLUMN m SET DEFAULT 'b'::mood;\n"
        "COMMIT;\n");
}

TEST_CASE("the inverse of DROP TABLE recreates the table with its indexes, foreign keys and comments",
          "[emit][data-loss]") {
  testing::Scenario s = testing::NewTableWithEverything();
  emit::PlanPair p = Plans(s);
  const emit::Step* drop = nullptr;
  for (const emit::Step& st : p.rollback.segments[0].steps) {
    if (st.change == "drop_table" && st.object.name == "orders") drop = &st;
  }
  REQUIRE(drop != nullptr);
  const auto& inv = drop->rollback_sql;
  REQUIRE(inv.size() == 9);
  CHECK(inv[0] == "CREATE SEQUENCE shop.order_no_seq AS integer INCREMENT BY 10;");
  CHECK(inv[1].rfind("CREATE TABLE shop.orders (", 0) == 0);
  CHECK(inv[2] == "ALTER SEQUENCE shop.order_no_seq OWNED BY shop.orders.order_no;");
  CHECK(inv[3] ==
        "ALTER TABLE shop.orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES "
        "shop.customers (id) ON DELETE CASCADE;");
  CHECK(inv[4] == "CREATE INDEX orders_lower_idx ON shop.orders USING btree ((lower(note))) WHERE note IS NOT NULL;");
  CHECK(inv[5] == "CREATE INDEX orders_placed_at_idx ON shop.orders USING btree (placed_at DESC);");
  CHECK(inv[6] == "COMMENT ON TABLE shop.orders IS 'one row per order';");
  CHECK(inv[7] == "COMMENT ON COLUMN shop.orders.note IS 'free text, it''s optional';");
  CHECK(inv[8] == "COMMENT ON INDEX shop.orders_placed_at_idx IS 'recent first';");
}

TEST_CASE("names with line breaks cannot escape a comment line", "[emit][quote]") {
  testing::Scenario s{"newline", testing::WithPublic(), testing::WithPublic()};
  testing::AddTable(s.from, testing::Table("public", "a\nDROP TABLE victim; --", {testing::Col("id", testing::Pg("int4"))}));
  std::string sql = emit::RenderSql(Plans(s).forward);
  // The only raw line break is inside the quoted identifier of the statement itself.
  CHECK(sql.find("-- drop_table public.\"a\\nDROP TABLE victim; --\"\n") != std::string::npos);
  CHECK(sql.find("DROP TABLE public.\"a\nDROP TABLE victim; --\";\n") != std::string::npos);
}

TEST_CASE("storage parameters are set so that PostgreSQL stores them in the target's order", "[emit][options]") {
  auto sql_for = [](std::vector<ir::StorageParam> before, std::vector<ir::StorageParam> after) {
    testing::Scenario s{"options", testing::WithPublic(), testing::WithPublic()};
    ir::Table t = testing::Table("public", "t", {testing::Col("id", testing::Pg("int4"))});
    t.options = std::move(before);
    testing::AddTable(s.from, t);
    t.options = std::move(after);
    testing::AddTable(s.to, t);
    emit::PlanPair p = Plans(s);
    const emit::Step* step = FindStep(p.forward, "set_table_options");
    return step == nullptr ? std::vector<std::string>{} : step->sql;
  };
  ir::StorageParam ff{"fillfactor", "100"}, av{"autovacuum_enabled", "true"}, ff70{"fillfactor", "70"};
  // Removing one keeps the others in place.
  CHECK(sql_for({ff, av}, {av}) == std::vector<std::string>{"ALTER TABLE public.t RESET (fillfactor);"});
  // Adding one appends it, as SET does.
  CHECK(sql_for({av}, {av, ff}) == std::vector<std::string>{"ALTER TABLE public.t SET (fillfactor=100);"});
  // A changed value moves to the end in PostgreSQL; when the target keeps it first, everything is set again.
  CHECK(sql_for({ff, av}, {av, ff70}) == std::vector<std::string>{"ALTER TABLE public.t SET (fillfactor=70);"});
  CHECK(sql_for({ff, av}, {ff70, av}) ==
        std::vector<std::string>{"ALTER TABLE public.t RESET (fillfactor, autovacuum_enabled);",
                                 "ALTER TABLE public.t SET (fillfactor=70, autovacuum_enabled=true);"});
  // Only the order differs: still a change, since pg_dump shows the stored order.
  CHECK(sql_for({ff, av}, {av, ff}).size() == 2);
  CHECK(sql_for({ff, av}, {ff, av}).empty());
}

TEST_CASE("explain records every ordering edge into a step, with its rule and dependency key", "[emit][explain]") {
  // A table changes its column type under a view: the view is dropped first and created after.
  testing::Scenario s{"explain", testing::WithPublic(), testing::WithPublic()};
  ir::Table t = testing::Table("public", "t", {testing::Col("id", testing::Pg("int4"))});
  testing::AddTable(s.from, t);
  t.columns[0].type = testing::Pg("int8");
  testing::AddTable(s.to, t);
  ir::View v{.name = {"public", "v"}, .query = "SELECT id FROM public.t"};
  v.deps.keys = {ir::RelKey(t.name)};
  s.from.views[v.name] = v;
  s.to.views[v.name] = v;

  ir::Diagnostics diags;
  emit::PlanPair plain = emit::BuildPlans(s.from, s.to, {}, diags);
  emit::PlanPair p = emit::BuildPlans(s.from, s.to, emit::PlanOptions{.explain = true}, diags);
  REQUIRE_FALSE(diags.HasErrors());
  REQUIRE(p.forward.segments.size() == 1);
  const std::vector<emit::Step>& steps = p.forward.segments[0].steps;
  REQUIRE(steps.size() == 3);
  CHECK(steps[0].change == "drop_object");
  CHECK(steps[0].ordering.empty());
  CHECK(steps[1].change == "alter_column_type");
  REQUIRE(steps[1].ordering.size() == 1);
  CHECK(steps[1].ordering[0].after_step == 0);
  CHECK(steps[1].ordering[0].dependency == "rel:public.t");
  CHECK(steps[1].ordering[0].rule.find("dropped before what it uses") != std::string::npos);
  REQUIRE(steps[2].ordering.size() == 1);
  CHECK(steps[2].ordering[0].after_step == 1);
  // Without explain nothing is recorded, and the default rendering is unchanged by the option.
  CHECK(plain.forward.segments[0].steps[1].ordering.empty());
  CHECK(emit::RenderSql(plain.forward) == emit::RenderSql(p.forward));
  std::string explained = emit::RenderSql(p.forward, true);
  CHECK(explained.find("-- step 2: alter_column_type public.t.id\n"
                       "--   after step 1 (drop_object public.v): an object is dropped before what it uses is "
                       "dropped or changed [dependency rel:public.t]\n") != std::string::npos);
}
