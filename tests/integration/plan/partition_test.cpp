// Declarative partitioning against PostgreSQL: the catalog front end reads what the SQL front end
// builds (keys, bounds, attached indexes and keys, inherited constraints left to the parent), and
// plans that add, move, detach and drop partitions and change their parent round-trip with the
// rows of the partitions that stay.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "tests/integration/plan/plan_test_util.h"

using namespace schemac;
using namespace schemac::plantest;

namespace {

const char* const kPartitions = R"sql(
CREATE SCHEMA app;
CREATE TABLE app.tenants (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE app.events (
  tenant_id int NOT NULL REFERENCES app.tenants (id),
  at timestamp NOT NULL,
  id bigint NOT NULL,
  kind text NOT NULL DEFAULT 'note' CHECK (kind <> ''),
  body text,
  PRIMARY KEY (tenant_id, at, id)
) PARTITION BY RANGE (at);
CREATE INDEX events_kind_idx ON app.events (kind);
CREATE TABLE app.events_2023 PARTITION OF app.events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE app.events_2024 PARTITION OF app.events (body DEFAULT 'none')
  FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE app.events_old (tenant_id int NOT NULL, at timestamp NOT NULL, id bigint NOT NULL,
  kind text NOT NULL DEFAULT 'note', body text, CONSTRAINT events_kind_check CHECK (kind <> ''));
CREATE INDEX events_old_kind ON app.events_old (kind);
ALTER TABLE app.events ATTACH PARTITION app.events_old FOR VALUES FROM (MINVALUE) TO ('2023-01-01');
CREATE INDEX events_body_idx ON app.events_2024 (body);
CREATE TABLE app.tags (tenant_id int NOT NULL, tag text NOT NULL) PARTITION BY LIST (tag);
CREATE TABLE app.tags_ab PARTITION OF app.tags FOR VALUES IN ('a', 'b');
CREATE TABLE app.tags_rest PARTITION OF app.tags DEFAULT;
CREATE TABLE app.buckets (id int NOT NULL) PARTITION BY HASH (id);
CREATE TABLE app.buckets_0 PARTITION OF app.buckets FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE app.buckets_1 PARTITION OF app.buckets FOR VALUES WITH (MODULUS 2, REMAINDER 1);
)sql";

// pg_dump's output without the \restrict / \unrestrict lines (a random key each run).
std::string Dump(const std::string& conninfo) {
  std::string out;
  std::string dump = PgDumpSchemaOnly(conninfo);
  std::size_t start = 0;
  while (start < dump.size()) {
    std::size_t end = dump.find('\n', start);
    if (end == std::string::npos) end = dump.size();
    std::string line = dump.substr(start, end - start);
    if (line.rfind("\\restrict", 0) != 0 && line.rfind("\\unrestrict", 0) != 0) out += line + "\n";
    start = end + 1;
  }
  return out;
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  std::size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  return text;
}

}  // namespace

TEST_CASE("partitions: the files plan to nothing against the database they built", "[plan][partition]") {
  testing::ScratchDatabase scratch("part_same");
  testing::RunSql(scratch.Conninfo(), kPartitions);
  TempDir dir("part_same");
  WriteFile(dir.File("schema.sql"), kPartitions);
  cli::PlanOutcome same = cli::PlanStates(PlanOptions({scratch.Conninfo()}, {dir.path()}));
  INFO(DiagText(same));
  REQUIRE(same.exit_code == cli::kExitOk);
  CHECK(Forward(same) == "");
  // And from an empty database, the plan builds a database that dumps the same.
  testing::ScratchDatabase empty("part_empty");
  cli::PlanOutcome create = cli::PlanStates(PlanOptions({empty.Conninfo()}, {dir.path()}));
  INFO(DiagText(create));
  REQUIRE(create.exit_code == cli::kExitOk);
  testing::RunSqlScriptWithPsql(empty.Conninfo(), Forward(create));
  CHECK(LineDiff(Dump(scratch.Conninfo()), Dump(empty.Conninfo())) == "");
}

TEST_CASE("partitions: new, moved, detached and dropped partitions round-trip with their rows", "[plan][partition]") {
  testing::ScratchDatabase live("part_live");
  testing::RunSql(live.Conninfo(), kPartitions);
  testing::RunSql(live.Conninfo(),
                  "INSERT INTO app.tenants VALUES (1, 'ann');"
                  "INSERT INTO app.events VALUES (1, '2022-05-01', 1, 'x', NULL), (1, '2023-05-01', 2, 'y', NULL),"
                  "  (1, '2024-05-01', 3, 'z', 'b');"
                  "INSERT INTO app.tags VALUES (1, 'a'), (1, 'q');");
  std::string b = kPartitions;
  // A column added to the parent, a new partition, a bound that grows (detach and attach), the
  // tags default partition made a table of its own, an index of the parent dropped and one added.
  b = Replace(b, "  body text,\n  PRIMARY KEY", "  body text,\n  source text DEFAULT 'api',\n  PRIMARY KEY");
  b = Replace(b, "kind text NOT NULL DEFAULT 'note', body text, CONSTRAINT",
              "kind text NOT NULL DEFAULT 'note', body text, source text DEFAULT 'api', CONSTRAINT");
  b = Replace(b, "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
              "FOR VALUES FROM ('2024-01-01') TO ('2026-01-01');\n"
              "CREATE TABLE app.events_2026 PARTITION OF app.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');");
  b = Replace(b, "CREATE INDEX events_kind_idx ON app.events (kind);", "CREATE INDEX events_at_idx ON app.events (at);");
  b = Replace(b, "CREATE TABLE app.tags_rest PARTITION OF app.tags DEFAULT;",
              "CREATE TABLE app.tags_rest (tenant_id int NOT NULL, tag text NOT NULL);");
  b = Replace(b, "CREATE TABLE app.buckets_1 PARTITION OF app.buckets FOR VALUES WITH (MODULUS 2, REMAINDER 1);\n", "");
  TempDir bdir("part_b");
  WriteFile(bdir.File("schema.sql"), b);
  TempDir adir("part_a");
  WriteFile(adir.File("schema.sql"), kPartitions);

  cli::PlanOutcome forward = cli::PlanStates(PlanOptions({live.Conninfo()}, {bdir.path()}));
  INFO(DiagText(forward));
  REQUIRE(forward.exit_code == cli::kExitOk);
  const std::string sql = Forward(forward);
  INFO(sql);
  CHECK(sql.find("ALTER TABLE app.events DETACH PARTITION app.events_2024;") != std::string::npos);
  CHECK(sql.find("ALTER TABLE app.events ATTACH PARTITION app.events_2024 FOR VALUES FROM ('2024-01-01 00:00:00') TO "
                 "('2026-01-01 00:00:00');") != std::string::npos);
  CHECK(sql.find("CREATE INDEX events_at_idx ON ONLY app.events USING btree (at);") != std::string::npos);
  CHECK(sql.find("ALTER TABLE app.tags DETACH PARTITION app.tags_rest;") != std::string::npos);
  CHECK(sql.find("ADD COLUMN source") != std::string::npos);
  testing::RunSqlScriptWithPsql(live.Conninfo(), sql);
  cli::PlanOutcome again = cli::PlanStates(PlanOptions({live.Conninfo()}, {bdir.path()}));
  INFO(DiagText(again));
  CHECK(Forward(again) == "");
  CHECK(Query(live.Conninfo(), "SELECT count(*) FROM app.events") == "3\n");
  CHECK(Query(live.Conninfo(), "SELECT count(*) FROM app.tags_rest") == "1\n");

  testing::RunSqlScriptWithPsql(live.Conninfo(), emit::RenderSql(forward.plans.rollback));
  cli::PlanOutcome back = cli::PlanStates(PlanOptions({live.Conninfo()}, {adir.path()}));
  INFO(DiagText(back));
  CHECK(Forward(back) == "");
  CHECK(Query(live.Conninfo(), "SELECT count(*) FROM app.events") == "3\n");
  CHECK(Query(live.Conninfo(), "SELECT count(*) FROM app.tags") == "2\n");
}

TEST_CASE("partitions: a new partition key, or plain <-> partitioned, copies the rows into a new table",
          "[plan][partition][rebuild]") {
  const char* const kBefore = R"sql(
CREATE TABLE orders (
  id serial,
  region text NOT NULL,
  placed date NOT NULL,
  total numeric(10,2),
  PRIMARY KEY (id, region)
) PARTITION BY LIST (region);
CREATE TABLE orders_eu PARTITION OF orders FOR VALUES IN ('eu');
CREATE TABLE orders_us PARTITION OF orders FOR VALUES IN ('us');
CREATE TABLE orders_old PARTITION OF orders FOR VALUES IN ('old');
CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100;
CREATE TABLE notes (order_id int, region text, body text, FOREIGN KEY (order_id, region) REFERENCES orders (id, region));
CREATE TABLE events (id bigint GENERATED BY DEFAULT AS IDENTITY, kind text NOT NULL, UNIQUE (kind, id));
CREATE TABLE events_click (id bigint NOT NULL, kind text NOT NULL);
CREATE TABLE marks (kind text, event_id bigint, FOREIGN KEY (kind, event_id) REFERENCES events (kind, id));
GRANT SELECT ON orders TO PUBLIC;
GRANT UPDATE (total) ON orders TO PUBLIC;
)sql";
  // orders: RANGE by date instead of LIST by region (orders_eu rebuilt, orders_us dropped, whose
  // rows are copied too, orders_old a table of its own keeping its rows); the foreign key now
  // references the new table; events: a plain table made partitioned, events_click one of its
  // partitions (a foreign key to it dropped and added again around it).
  const char* const kAfter = R"sql(
CREATE TABLE orders (
  id serial,
  region text NOT NULL,
  placed date NOT NULL,
  total numeric(10,2),
  PRIMARY KEY (id, region, placed)
) PARTITION BY RANGE (placed);
CREATE TABLE orders_eu PARTITION OF orders FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE orders_rest PARTITION OF orders DEFAULT;
CREATE TABLE orders_old (id integer DEFAULT nextval('orders_id_seq'::regclass) NOT NULL, region text NOT NULL,
  placed date NOT NULL, total numeric(10,2), CONSTRAINT orders_old_pkey PRIMARY KEY (id, region));
CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100;
CREATE TABLE notes (order_id int, region text, body text);
CREATE TABLE events (id bigint GENERATED BY DEFAULT AS IDENTITY, kind text NOT NULL, UNIQUE (kind, id)) PARTITION BY LIST (kind);
CREATE TABLE events_click PARTITION OF events FOR VALUES IN ('click');
CREATE TABLE events_rest PARTITION OF events DEFAULT;
CREATE TABLE marks (kind text, event_id bigint, FOREIGN KEY (kind, event_id) REFERENCES events (kind, id));
GRANT SELECT ON orders TO PUBLIC;
GRANT UPDATE (total) ON orders TO PUBLIC;
)sql";
  testing::ScratchDatabase live("part_rebuild");
  testing::RunSql(live.Conninfo(), kBefore);
  testing::RunSql(live.Conninfo(),
                  "INSERT INTO orders (region, placed, total) VALUES ('eu', '2025-03-01', 250), ('us', '2024-07-01', 10),"
                  "  ('old', '2020-01-01', 1), ('eu', '2019-02-02', 5);"
                  "INSERT INTO notes VALUES (1, 'eu', 'first');"
                  "INSERT INTO events VALUES (1, 'click'), (2, 'view');"
                  "INSERT INTO events_click VALUES (3, 'click');"
                  "INSERT INTO marks VALUES ('view', 2);");
  TempDir adir("part_rebuild_a");
  WriteFile(adir.File("schema.sql"), kBefore);
  TempDir bdir("part_rebuild_b");
  WriteFile(bdir.File("schema.sql"), kAfter);

  cli::PlanOutcome forward = cli::PlanStates(PlanOptions({live.Conninfo()}, {bdir.path()}));
  INFO(DiagText(forward));
  REQUIRE(forward.exit_code == cli::kExitOk);
  const std::string sql = Forward(forward);
  INFO(sql);
  CHECK(sql.find("CREATE TEMPORARY TABLE schemac_rows_1 AS SELECT * FROM public.events;") != std::string::npos);
  CHECK(sql.find("CREATE TEMPORARY TABLE schemac_rows_2 AS SELECT * FROM public.orders;") != std::string::npos);
  CHECK(sql.find("INSERT INTO public.orders (id, region, placed, total) SELECT id, region, placed, total FROM "
                 "pg_temp.schemac_rows_2;") != std::string::npos);
  CHECK(sql.find("ALTER SEQUENCE public.orders_id_seq OWNED BY NONE;") != std::string::npos);
  CHECK(sql.find("data loss") == std::string::npos);
  // The new table gets its privileges again, its column privileges too.
  CHECK(sql.find("GRANT UPDATE (total) ON TABLE public.orders TO PUBLIC;") != std::string::npos);
  testing::RunSqlScriptWithPsql(live.Conninfo(), sql);
  cli::PlanOutcome again = cli::PlanStates(PlanOptions({live.Conninfo()}, {bdir.path()}));
  INFO(DiagText(again));
  CHECK(Forward(again) == "");
  // Every row of orders but those of orders_old (detached: a table of its own) is in the new table,
  // routed by the new key; the sequence goes on where it was.
  CHECK(Query(live.Conninfo(), "SELECT string_agg(tableoid::regclass || ':' || id, ',' ORDER BY id) FROM orders") ==
        "orders_eu:1,orders_rest:2,orders_rest:4\n");
  CHECK(Query(live.Conninfo(), "SELECT count(*) FROM orders_old") == "1\n");
  CHECK(Query(live.Conninfo(), "SELECT nextval('orders_id_seq')") == "5\n");
  CHECK(Query(live.Conninfo(), "SELECT string_agg(tableoid::regclass || ':' || id, ',' ORDER BY id) FROM events") ==
        "events_click:1,events_rest:2,events_click:3\n");
  // The identity sequence of the new table goes on after the highest id it holds (3, in events_click).
  CHECK(Query(live.Conninfo(), "INSERT INTO events (kind) VALUES ('x') RETURNING id") == "4\n");
  CHECK(Query(live.Conninfo(), "DELETE FROM events WHERE kind = 'x' RETURNING id") == "4\n");

  testing::RunSqlScriptWithPsql(live.Conninfo(), emit::RenderSql(forward.plans.rollback));
  cli::PlanOutcome back = cli::PlanStates(PlanOptions({live.Conninfo()}, {adir.path()}));
  INFO(DiagText(back));
  CHECK(Forward(back) == "");
  // orders_old is attached again with its row; orders_rest's rows go back by region.
  CHECK(Query(live.Conninfo(), "SELECT string_agg(tableoid::regclass || ':' || id, ',' ORDER BY id) FROM orders") ==
        "orders_eu:1,orders_us:2,orders_old:3,orders_eu:4\n");
  // events_click leaves with its rows; the rows of events_rest (dropped) come back to events.
  CHECK(Query(live.Conninfo(), "SELECT string_agg(id::text, ',' ORDER BY id) FROM events") == "2\n");
  CHECK(Query(live.Conninfo(), "SELECT string_agg(id::text, ',' ORDER BY id) FROM events_click") == "1,3\n");
  CHECK(Query(live.Conninfo(), "SELECT count(*) FROM marks") == "1\n");
}

TEST_CASE("partitions: timestamptz and expression-key bounds are read in the database's time zone and stored exactly",
          "[plan][partition]") {
  testing::ScratchDatabase live("part_tz");
  // A database whose sessions read and print times in Berlin's zone (UTC+1 in winter).
  testing::RunSql(live.Conninfo(),
                  "DO $$BEGIN EXECUTE format('ALTER DATABASE %I SET TimeZone = ''Europe/Berlin''', "
                  "current_database()); END$$");
  const std::string a = R"sql(
CREATE TABLE events (id bigint NOT NULL, at timestamptz NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE events_2024_01 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');
CREATE TABLE events_2024_02 PARTITION OF events FOR VALUES FROM ('2024-02-01 00:00:00+01') TO ('2024-03-01');
CREATE TABLE names (id int, name text) PARTITION BY LIST (lower(name));
CREATE TABLE names_ab PARTITION OF names FOR VALUES IN ('a', 'b');
CREATE TABLE names_rest PARTITION OF names DEFAULT;
CREATE TABLE ranked (id int NOT NULL) PARTITION BY RANGE ((id % 100));
CREATE TABLE ranked_low PARTITION OF ranked FOR VALUES FROM (0) TO (50);
)sql";
  TempDir adir("part_tz_a");
  WriteFile(adir.File("schema.sql"), a);
  cli::PlanOutcome create = cli::PlanStates(PlanOptions({live.Conninfo()}, {adir.path()}));
  INFO(DiagText(create));
  REQUIRE(create.exit_code == cli::kExitOk);
  const std::string sql = Forward(create);
  INFO(sql);
  // The plan holds the bounds as PostgreSQL stored them, with an explicit offset: the same
  // whatever the time zone of the session that runs it.
  CHECK(sql.find("FOR VALUES FROM ('2023-12-31 23:00:00+00') TO ('2024-01-31 23:00:00+00');") != std::string::npos);
  CHECK(sql.find("FOR VALUES FROM ('2024-01-31 23:00:00+00') TO ('2024-02-29 23:00:00+00');") != std::string::npos);
  CHECK(sql.find("ATTACH PARTITION public.names_ab FOR VALUES IN ('a', 'b');") != std::string::npos);
  CHECK(sql.find("ATTACH PARTITION public.ranked_low FOR VALUES FROM (0) TO (50);") != std::string::npos);
  testing::RunSqlScriptWithPsql(live.Conninfo(), "SET TimeZone = 'America/New_York';\n" + sql);
  // A Berlin midnight lands in January's partition.
  testing::RunSql(live.Conninfo(), "INSERT INTO events VALUES (1, '2024-01-01 00:30:00+01')");
  CHECK(Query(live.Conninfo(), "SELECT count(*) FROM events_2024_01") == "1\n");
  cli::PlanOutcome again = cli::PlanStates(PlanOptions({live.Conninfo()}, {adir.path()}));
  INFO(DiagText(again));
  CHECK(again.diags.items().empty());
  CHECK(Forward(again) == "");

  // A bound that really moves is detached and attached again; the rollback restores it.
  TempDir bdir("part_tz_b");
  WriteFile(bdir.File("schema.sql"), Replace(a, "TO ('2024-03-01');", "TO ('2024-04-01');"));
  cli::PlanOutcome moved = cli::PlanStates(PlanOptions({live.Conninfo()}, {bdir.path()}));
  INFO(DiagText(moved));
  REQUIRE(moved.exit_code == cli::kExitOk);
  const std::string msql = Forward(moved);
  INFO(msql);
  CHECK(msql.find("ALTER TABLE public.events DETACH PARTITION public.events_2024_02;") != std::string::npos);
  CHECK(msql.find("FOR VALUES FROM ('2024-01-31 23:00:00+00') TO ('2024-03-31 22:00:00+00');") != std::string::npos);
  CHECK(msql.find("events_2024_01") == std::string::npos);
  testing::RunSqlScriptWithPsql(live.Conninfo(), msql);
  CHECK(Forward(cli::PlanStates(PlanOptions({live.Conninfo()}, {bdir.path()}))) == "");
  testing::RunSqlScriptWithPsql(live.Conninfo(), emit::RenderSql(moved.plans.rollback));
  CHECK(Forward(cli::PlanStates(PlanOptions({live.Conninfo()}, {adir.path()}))) == "");

  // Offline, a bound only PostgreSQL can print is a warning, and the plan keeps the change.
  cli::DiffOptions offline = PlanOptions({live.Conninfo()}, {adir.path()});
  offline.offline = true;
  cli::PlanOutcome guess = cli::PlanStates(offline);
  CHECK_THAT(DiagText(guess), Catch::Matchers::Contains("table \"public.events_2024_01\": bound FOR VALUES FROM "
                                                         "('2023-12-31 23:00:00+00') TO ('2024-01-31 23:00:00+00') "
                                                         "versus FOR VALUES FROM ('2024-01-01') TO ('2024-02-01') may "
                                                         "be the same") &&
                                     Catch::Matchers::Contains("[canon.undecided-expression]"));
}

TEST_CASE("partitions: the copies of a NOT VALID CHECK keep each partition's validity", "[plan][partition]") {
  // p_old and p_old2 predate the CHECK (NOT VALID copies), p_old2 then validates its own; p_1
  // and p_2 come after it (a new partition's copy is valid).
  const std::string a = R"sql(
CREATE TABLE p (id int, fizz int) PARTITION BY LIST (id);
CREATE TABLE p_old PARTITION OF p FOR VALUES IN (0);
CREATE TABLE p_old2 PARTITION OF p FOR VALUES IN (10);
ALTER TABLE p ADD CONSTRAINT c CHECK (fizz > 0) NOT VALID;
ALTER TABLE p_old2 VALIDATE CONSTRAINT c;
CREATE TABLE p_1 PARTITION OF p FOR VALUES IN (1);
CREATE TABLE p_2 PARTITION OF p FOR VALUES IN (2);
)sql";
  const char* validity =
      "SELECT string_agg(conrelid::regclass || '.' || conname || '=' || convalidated, ' ' ORDER BY conrelid::regclass::text) "
      "FROM pg_constraint WHERE contype = 'c' AND connamespace = 'public'::regnamespace";
  testing::ScratchDatabase built("part_cv_built");
  testing::RunSql(built.Conninfo(), a);
  const std::string want_a = testing::QueryValue(built.Conninfo(), validity);
  CHECK(want_a == "p.c=false p_1.c=true p_2.c=true p_old.c=false p_old2.c=true");
  TempDir adir("part_cv_a");
  WriteFile(adir.File("schema.sql"), a);
  cli::PlanOutcome same = cli::PlanStates(PlanOptions({built.Conninfo()}, {adir.path()}));
  INFO(DiagText(same));
  CHECK(Forward(same) == "");

  // From nothing: new partitions made NOT VALID where the files have them so.
  testing::ScratchDatabase live("part_cv_live");
  cli::PlanOutcome create = cli::PlanStates(PlanOptions({live.Conninfo()}, {adir.path()}));
  INFO(DiagText(create));
  REQUIRE(create.exit_code == cli::kExitOk);
  INFO(Forward(create));
  testing::RunSqlScriptWithPsql(live.Conninfo(), Forward(create));
  CHECK(testing::QueryValue(live.Conninfo(), validity) == want_a);
  CHECK(Forward(cli::PlanStates(PlanOptions({live.Conninfo()}, {adir.path()}))) == "");

  // The CHECK's expression changes (it is added again: every copy NOT VALID), and p_old's copy
  // is to be valid: the copies that are valid in the files are validated on their partitions.
  std::string b = Replace(a, "CHECK (fizz > 0) NOT VALID", "CHECK (fizz > 1) NOT VALID");
  b = Replace(b, "ALTER TABLE p_old2 VALIDATE CONSTRAINT c;", "ALTER TABLE p_old2 VALIDATE CONSTRAINT c;\nALTER TABLE p_old VALIDATE CONSTRAINT c;");
  TempDir bdir("part_cv_b");
  WriteFile(bdir.File("schema.sql"), b);
  cli::PlanOutcome forward = cli::PlanStates(PlanOptions({live.Conninfo()}, {bdir.path()}));
  INFO(DiagText(forward));
  REQUIRE(forward.exit_code == cli::kExitOk);
  const std::string fsql = Forward(forward);
  INFO(fsql);
  CHECK(fsql.find("ALTER TABLE public.p_old VALIDATE CONSTRAINT c;") != std::string::npos);
  CHECK(fsql.find("ALTER TABLE public.p_1 VALIDATE CONSTRAINT c;") != std::string::npos);
  testing::RunSqlScriptWithPsql(live.Conninfo(), fsql);
  CHECK(testing::QueryValue(live.Conninfo(), validity) == "p.c=false p_1.c=true p_2.c=true p_old.c=true p_old2.c=true");
  CHECK(Forward(cli::PlanStates(PlanOptions({live.Conninfo()}, {bdir.path()}))) == "");

  // Back: p_old's copy NOT VALID again, which only adding the CHECK again NOT VALID does.
  const std::string rsql = emit::RenderSql(forward.plans.rollback);
  INFO(rsql);
  testing::RunSqlScriptWithPsql(live.Conninfo(), rsql);
  CHECK(testing::QueryValue(live.Conninfo(), validity) == want_a);
  CHECK(Forward(cli::PlanStates(PlanOptions({live.Conninfo()}, {adir.path()}))) == "");

  // Only p_old validated: one VALIDATE, nothing else.
  TempDir cdir("part_cv_c");
  WriteFile(cdir.File("schema.sql"),
            Replace(a, "ALTER TABLE p_old2 VALIDATE CONSTRAINT c;", "ALTER TABLE p_old2 VALIDATE CONSTRAINT c;\nALTER TABLE p_old VALIDATE CONSTRAINT c;"));
  cli::PlanOutcome one = cli::PlanStates(PlanOptions({live.Conninfo()}, {cdir.path()}));
  INFO(DiagText(one));
  CHECK(Forward(one) ==
        "BEGIN;\n-- validate_constraint public.p_old.c\nALTER TABLE public.p_old VALIDATE CONSTRAINT c;\nCOMMIT;\n");
}
