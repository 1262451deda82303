// RapidCheck properties of the whole pipeline against PostgreSQL 15:
//   P1 idempotence: a state applied to an empty database plans to nothing against its own files.
//   P2 round trip:  a -> b applied with its plan, then the recorded rollback, reach b and a
//                   exactly, keeping every surviving table's oid, column attnums and rows.
//   P3 parity:      the offline plan (files -> files) equals the server plan (database -> files)
//                   for states whose expressions are in PostgreSQL's stored form.
//   [generators]:   without a database, the generators produce every feature in scope.
//
// Running: inside schemac-testdb (or alone: the fixture starts a private cluster)
//   build-prop/tests/support/schemac-testdb -- build-prop/tests/property_tests
// Each property runs SCHEMAC_PROPERTY_CASES cases (default kDefaultCases, tuned so the suite
// stays well under 5 minutes on 2 cores). RC_PARAMS overrides everything RapidCheck knows, e.g.
// thousands of cases locally, or replaying a failure with the seed RapidCheck printed:
//   RC_PARAMS="max_success=2000" build-prop/tests/property_tests
//   RC_PARAMS="seed=1234 max_success=100" build-prop/tests/property_tests "[p2]"
// A failure prints the seed, and the shrunk counterexample as the SQL of its state(s).
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <unistd.h>

#include <pqxx/pqxx>
#include <rapidcheck/catch.h>

#include "cli/commands.h"
#include "emit/plan.h"
#include "emit/quote.h"
#include "tests/property/generators.h"
#include "tests/support/pg_fixture.h"

namespace {

using namespace schemac;
using schemac::property::StatePair;

constexpr int kDefaultCases = 100;

int CasesPerProperty() {
  const char* env = std::getenv("SCHEMAC_PROPERTY_CASES");
  return env && *env ? std::max(1, std::atoi(env)) : kDefaultCases;
}

// rc::prop with our case count unless RC_PARAMS sets max_success.
template <typename Testable>
void CheckProperty(const std::string& description, Testable&& testable) {
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  const char* rc_params = std::getenv("RC_PARAMS");
  if (!rc_params || std::string(rc_params).find("max_success") == std::string::npos) {
    params.maxSuccess = CasesPerProperty();
  }
  rc::detail::TestMetadata metadata;
  metadata.id = description;
  metadata.description = description;
  auto start = std::chrono::steady_clock::now();
  const auto result = rc::detail::checkTestable(std::forward<Testable>(testable), metadata, params);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::ostringstream message;
  message << description << " (seed=" << params.seed << ", " << seconds << " s): ";
  rc::detail::printResultMessage(result, message);
  std::cout << "- " << message.str() << std::endl;
  INFO(message.str());
  CHECK(result.template is<rc::detail::SuccessResult>());
}

// A temporary directory removed at scope exit.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("schemac-prop-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string Write(const std::string& name, const std::string& text) const {
    std::filesystem::path p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }

 private:
  std::filesystem::path path_;
};

std::string Errors(const cli::PlanOutcome& out) {
  std::string s;
  for (const ir::Diagnostic& d : out.diags.items()) s += ir::FormatDiagnostic(d, &out.sources) + "\n";
  return s;
}

// The scratch ("dev") database of this process: its own, because other test processes run
// their scratch transactions at the same time, and two transactions creating the same schema
// in one database wait on each other (past lock_timeout).
const std::string& DevDatabase() {
  static testing::ScratchDatabase dev("propdev");
  return dev.Conninfo();
}

cli::PlanOutcome Plan(const std::string& from, const std::string& to, bool offline = false) {
  cli::DiffOptions options;
  options.from = {from};
  options.to = {to};
  options.offline = offline;
  options.dev_db = DevDatabase();
  return cli::PlanStates(options);
}

// Plans and requires success; returns the outcome.
cli::PlanOutcome PlanOk(const std::string& from, const std::string& to, const char* what) {
  cli::PlanOutcome out = Plan(from, to);
  RC_LOG() << what << " diagnostics:\n" << Errors(out);
  if (out.exit_code != cli::kExitOk || out.diags.HasErrors()) {
    RC_FAIL(std::string(what) + ": planning failed:\n" + Errors(out));
  }
  return out;
}

void ApplyScript(const std::string& conninfo, const std::string& sql, const char* what) {
  try {
    testing::RunSqlScriptWithPsql(conninfo, sql);
  } catch (const std::exception& e) {
    RC_FAIL(std::string(what) + " failed on PostgreSQL:\n" + e.what() + "\n---- script:\n" + sql);
  }
}

void RequireEmpty(const cli::PlanOutcome& out, const char* what) {
  if (!out.plans.forward.empty()) {
    RC_FAIL(std::string(what) + ": expected no changes, got:\n" + emit::RenderSql(out.plans.forward));
  }
}

// One scratch database per case, dropped when the case ends (also on failure).
struct CaseDatabase {
  testing::ScratchDatabase db{"prop"};
  const std::string& Conninfo() const { return db.Conninfo(); }
};

std::string Fetch(const std::string& conninfo, const std::string& sql) {
  pqxx::connection c(conninfo);
  pqxx::work w(c);
  pqxx::result r = w.exec(sql);
  std::string out;
  for (const auto& row : r) {
    for (const auto& f : row) out += (f.is_null() ? std::string("<null>") : f.c_str()) + std::string("\t");
    out += "\n";
  }
  return out;
}

// What must survive a migration of the tables and columns common to a and b: the table's oid,
// each column's attnum, and the rows (sorted, as text).
std::map<std::string, std::string> Snapshot(const std::string& conninfo, const ir::Database& a,
                                            const ir::Database& b) {
  std::map<std::string, std::string> out;
  for (const auto& [qn, ta] : a.tables) {
    auto it = b.tables.find(qn);
    if (it == b.tables.end()) continue;
    std::string rel = emit::QuoteQualified(qn);
    std::vector<std::string> cols;
    for (const ir::Column& c : ta.columns) {
      if (it->second.FindColumn(c.name)) cols.push_back(c.name);
    }
    std::string names = "ARRAY[";
    std::string row = "concat_ws(' | ', 'row'";  // 'row': a table may share no column
    for (std::size_t i = 0; i < cols.size(); ++i) {
      names += (i ? ", " : "") + emit::QuoteLiteral(cols[i]);
      row += ", coalesce(" + emit::QuoteIdentifier(cols[i]) + "::text, '<null>')";
    }
    names += "]::text[]";
    row += ")";
    std::string ident = "SELECT a.attrelid::oid::text, a.attname, a.attnum FROM pg_attribute a WHERE a.attrelid = " +
                        emit::QuoteLiteral(rel) + "::regclass AND a.attname = ANY(" + names +
                        ") ORDER BY a.attname";
    out[rel + " identity"] = Fetch(conninfo, ident);
    out[rel + " rows"] = Fetch(conninfo, "SELECT r FROM (SELECT " + row + " AS r FROM " + rel + ") s ORDER BY r");
  }
  return out;
}

void RequireSame(const std::map<std::string, std::string>& before, const std::map<std::string, std::string>& after,
                 const char* what) {
  for (const auto& [key, value] : before) {
    auto it = after.find(key);
    if (it == after.end() || it->second != value) {
      RC_FAIL(std::string(what) + ": " + key + " changed:\n---- before:\n" + value + "---- after:\n" +
              (it == after.end() ? std::string("<missing>") : it->second));
    }
  }
}

}  // namespace

TEST_CASE("P1: a state applied to an empty database plans to nothing", "[property][p1]") {
  property::Features features = property::DefaultFeatures();
  features.written_forms = true;
  CheckProperty("P1 idempotence", [features] {
    ir::Database x = *property::GenDatabase(features);
    TempDir dir;
    std::string file = dir.Write("schema.sql", property::RenderDatabase(x));
    CaseDatabase db;
    ApplyScript(db.Conninfo(), file, "applying the state");
    cli::PlanOutcome out = PlanOk(db.Conninfo(), file, "database -> files");
    RequireEmpty(out, "database -> its own files");
    RC_ASSERT(out.plans.rollback.empty());
  });
}

TEST_CASE("P2: forward plan then its rollback round-trips, keeping identities and rows", "[property][p2]") {
  property::Features features = property::DefaultFeatures();
  features.written_forms = true;
  CheckProperty("P2 round trip", [features] {
    StatePair p = *property::GenStatePair(features);
    TempDir dir;
    std::string a_file = dir.Write("a/schema.sql", property::RenderDatabase(p.a));
    std::string b_file = dir.Write("b/schema.sql", property::RenderDatabase(p.b));
    CaseDatabase db;
    ApplyScript(db.Conninfo(), a_file, "applying state a");
    std::string rows;
    for (const auto& [qn, t] : p.a.tables) {
      for (const std::string& insert : property::RowsFor(p.a, t)) rows += insert + "\n";
    }
    if (!rows.empty()) ApplyScript(db.Conninfo(), rows, "inserting rows");
    auto before = Snapshot(db.Conninfo(), p.a, p.b);

    cli::PlanOutcome forward = PlanOk(db.Conninfo(), b_file, "database(a) -> b");
    std::string rollback_sql = emit::RenderSql(forward.plans.rollback);
    ApplyScript(db.Conninfo(), emit::RenderSql(forward.plans.forward), "the forward plan");
    RequireEmpty(PlanOk(db.Conninfo(), b_file, "database(after forward) -> b"), "after the forward plan, -> b");
    RequireSame(before, Snapshot(db.Conninfo(), p.a, p.b), "after the forward plan");

    ApplyScript(db.Conninfo(), rollback_sql, "the recorded rollback");
    RequireEmpty(PlanOk(db.Conninfo(), a_file, "database(after rollback) -> a"), "after the rollback, -> a");
    RequireSame(before, Snapshot(db.Conninfo(), p.a, p.b), "after the rollback");
  });
}

TEST_CASE("P3: offline and server plans agree on stored-form expressions", "[property][p3]") {
  property::Features features = property::DefaultFeatures();
  CheckProperty("P3 parity", [features] {
    StatePair p = *property::GenStatePair(features);
    TempDir dir;
    std::string x_file = dir.Write("x/schema.sql", property::RenderDatabase(p.a));
    std::string y_file = dir.Write("y/schema.sql", property::RenderDatabase(p.b));
    cli::PlanOutcome offline = Plan(x_file, y_file);
    RC_LOG() << "offline diagnostics:\n" << Errors(offline);
    RC_ASSERT(offline.exit_code == cli::kExitOk);
    CaseDatabase db;
    ApplyScript(db.Conninfo(), x_file, "applying state x");
    cli::PlanOutcome server = PlanOk(db.Conninfo(), y_file, "database(x) -> y");
    std::string offline_fwd = emit::RenderSql(offline.plans.forward);
    std::string server_fwd = emit::RenderSql(server.plans.forward);
    if (offline_fwd != server_fwd) {
      RC_FAIL("forward plans differ\n---- offline:\n" + offline_fwd + "---- server:\n" + server_fwd);
    }
    std::string offline_back = emit::RenderSql(offline.plans.rollback);
    std::string server_back = emit::RenderSql(server.plans.rollback);
    if (offline_back != server_back) {
      RC_FAIL("rollback plans differ\n---- offline:\n" + offline_back + "---- server:\n" + server_back);
    }
  });
}

// Without a database: over a fixed set of generated pairs, every feature the generators are meant
// to cover shows up at least once, so that a generator change cannot silently drop one (counts
// are printed; a feature turned off in DefaultFeatures is not required).
TEST_CASE("the generators produce every feature in scope", "[generators]") {
  const property::Features f = property::DefaultFeatures();
  std::map<std::string, int> seen;
  auto count = [&](bool on, const std::string& what) {
    if (on) ++seen[what];
  };
  auto state = [&](const ir::Database& db) {
    for (const auto& [qn, t] : db.tables) {
      count(t.unlogged, "table UNLOGGED");
      for (const ir::StorageParam& p : t.options) count(true, "table WITH " + p.name);
      for (const ir::Column& c : t.columns) {
        count(c.collation.has_value(), "column COLLATE");
        count(c.type.name == "bpchar", "type char(n)");
        count(c.type.name == "timestamp", "type timestamp");
        count(c.type.name == "time", "type time");
        count(c.type.name == "inet", "type inet");
        count(c.type.name == "numeric" && c.type.modifiers.empty(), "type numeric without typmod");
      }
      for (const auto& [n, c] : t.constraints) {
        bool key = c.kind == ir::ConstraintKind::PrimaryKey || c.kind == ir::ConstraintKind::Unique;
        count(c.kind == ir::ConstraintKind::Unique && c.nulls_not_distinct, "UNIQUE NULLS NOT DISTINCT");
        count(c.kind == ir::ConstraintKind::PrimaryKey && !c.include.empty(), "PRIMARY KEY INCLUDE");
        count(c.kind == ir::ConstraintKind::Unique && !c.include.empty(), "UNIQUE INCLUDE");
        count(key && c.deferrable && !c.initially_deferred, "key DEFERRABLE");
        count(key && c.initially_deferred, "key INITIALLY DEFERRED");
        count(c.kind == ir::ConstraintKind::Check && !c.validated, "CHECK NOT VALID");
        count(c.kind == ir::ConstraintKind::Check && c.no_inherit, "CHECK NO INHERIT");
        count(c.kind == ir::ConstraintKind::ForeignKey && !c.validated, "FOREIGN KEY NOT VALID");
        count(c.kind == ir::ConstraintKind::ForeignKey && c.match == ir::FkMatch::Full, "FOREIGN KEY MATCH FULL");
        count(!c.on_delete_columns.empty(), "ON DELETE SET NULL/DEFAULT (columns)");
      }
      for (const auto& [n, ix] : t.indexes) {
        count(true, "index USING " + ix.method);
        count(ix.unique && ix.nulls_not_distinct, "UNIQUE index NULLS NOT DISTINCT");
        for (const ir::StorageParam& p : ix.options) count(true, "index WITH " + p.name);
        for (const ir::IndexElement& e : ix.elements) {
          if (e.opclass) count(true, "opclass " + e.opclass->name);
          count(e.collation.has_value(), "index key COLLATE");
        }
      }
    }
  };
  auto changed = [&](const StatePair& p) {
    for (const auto& [qn, tb] : p.b.tables) {
      auto it = p.a.tables.find(qn);
      if (it == p.a.tables.end()) continue;
      const ir::Table& ta = it->second;
      count(ta.unlogged != tb.unlogged, "change: SET LOGGED/UNLOGGED");
      count(ta.options != tb.options, "change: table storage parameters");
      for (const ir::Column& cb : tb.columns) {
        const ir::Column* ca = ta.FindColumn(cb.name);
        count(ca && ca->collation != cb.collation, "change: column collation");
      }
      for (const auto& [n, cb] : tb.constraints) {
        auto ca = ta.constraints.find(n);
        if (ca == ta.constraints.end()) continue;
        count(!ca->second.validated && cb.validated, "change: VALIDATE CONSTRAINT");
        count(ca->second.nulls_not_distinct != cb.nulls_not_distinct, "change: constraint NULLS NOT DISTINCT");
        count(ca->second.deferrable != cb.deferrable, "change: key DEFERRABLE");
      }
      for (const auto& [n, ib] : tb.indexes) {
        auto ia = ta.indexes.find(n);
        if (ia == ta.indexes.end()) continue;
        count(ia->second.method != ib.method, "change: index method");
        count(ia->second.options != ib.options, "change: index storage parameters");
        count(ia->second.nulls_not_distinct != ib.nulls_not_distinct, "change: index NULLS NOT DISTINCT");
        bool opclass = false;
        for (std::size_t i = 0; i < std::min(ia->second.elements.size(), ib.elements.size()); ++i) {
          opclass = opclass || ia->second.elements[i].opclass != ib.elements[i].opclass;
        }
        count(ia->second.method == ib.method && opclass, "change: index operator class");
      }
    }
  };
  rc::Gen<StatePair> gen = property::GenStatePair(f);
  for (int i = 0; i < 1500; ++i) {
    StatePair p = gen(rc::Random(7000 + i), i % 100).value();
    state(p.a);
    state(p.b);
    changed(p);
  }
  for (const auto& [what, n] : seen) std::cout << "  " << n << "\t" << what << "\n";
  std::vector<std::pair<bool, std::vector<std::string>>> required = {
      {f.unlogged, {"table UNLOGGED", "change: SET LOGGED/UNLOGGED"}},
      {f.storage_params,
       {"table WITH fillfactor", "table WITH autovacuum_enabled", "index WITH fillfactor", "index WITH pages_per_range",
        "index WITH fastupdate", "change: table storage parameters", "change: index storage parameters"}},
      {f.column_collations, {"column COLLATE", "change: column collation"}},
      {f.more_types,
       {"type char(n)", "type timestamp", "type time", "type inet", "type numeric without typmod"}},
      {true, {"UNIQUE NULLS NOT DISTINCT", "UNIQUE INCLUDE", "UNIQUE index NULLS NOT DISTINCT",
              "change: constraint NULLS NOT DISTINCT", "change: index NULLS NOT DISTINCT"}},
      {f.deferrable_keys, {"PRIMARY KEY INCLUDE", "key DEFERRABLE", "key INITIALLY DEFERRED", "change: key DEFERRABLE"}},
      {f.not_valid, {"CHECK NOT VALID", "FOREIGN KEY NOT VALID", "change: VALIDATE CONSTRAINT"}},
      {f.no_inherit, {"CHECK NO INHERIT"}},
      {f.fk_options, {"FOREIGN KEY MATCH FULL", "ON DELETE SET NULL/DEFAULT (columns)"}},
      {f.index_methods,
       {"index USING hash", "index USING gin", "index USING brin", "index USING gist", "opclass inet_ops",
        "change: index method"}},
      {f.index_opclasses,
       {"opclass text_pattern_ops", "opclass varchar_pattern_ops", "opclass bpchar_pattern_ops",
        "opclass jsonb_path_ops", "index key COLLATE", "change: index operator class"}},
  };
  for (const auto& [on, names] : required) {
    if (!on) continue;
    for (const std::string& name : names) {
      INFO(name);
      CHECK(seen[name] > 0);
    }
  }
}

// Not run by default ("[.]"): prints a few generated pairs, to review what the generators make.
TEST_CASE("print sample state pairs", "[.][sample]") {
  rc::Gen<StatePair> gen = property::GenStatePair(property::DefaultFeatures());
  for (int i = 0; i < 3; ++i) {
    StatePair p = gen(rc::Random(1000 + i), 50).value();
    std::cout << "==== sample " << i;
    property::showValue(p, std::cout);
    std::cout << "\n";
  }
}
