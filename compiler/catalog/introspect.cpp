#include "compiler/catalog/introspect.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "compiler/catalog/introspect_context.h"
#include "compiler/ir/partition.h"

namespace schemac::catalog {

namespace internal {

std::string NotExtensionMember(const std::string& catalog, const std::string& objid) {
  return fmt::format(
      "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend ext WHERE ext.classid = 'pg_catalog.{}'::pg_catalog.regclass "
      "AND ext.objid = {} AND ext.deptype = 'e')",
      catalog, objid);
}

std::string DependencyKeysSql(const std::string& catalog, const std::string& objid) {
  return fmt::format(
      "ARRAY(SELECT DISTINCT k FROM pg_catalog.pg_depend dep "
      "  LEFT JOIN pg_catalog.pg_proc dp ON dep.refclassid = 'pg_catalog.pg_proc'::pg_catalog.regclass "
      "    AND dp.oid = dep.refobjid "
      "  LEFT JOIN pg_catalog.pg_namespace dpn ON dpn.oid = dp.pronamespace "
      "  LEFT JOIN pg_catalog.pg_class dr ON dep.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass "
      "    AND dr.oid = dep.refobjid "
      "  LEFT JOIN pg_catalog.pg_namespace drn ON drn.oid = dr.relnamespace "
      "  LEFT JOIN pg_catalog.pg_attribute da ON da.attrelid = dr.oid AND da.attnum = dep.refobjsubid "
      "    AND dep.refobjsubid > 0 "
      "  LEFT JOIN pg_catalog.pg_type dt ON dep.refclassid = 'pg_catalog.pg_type'::pg_catalog.regclass "
      "    AND dt.oid = dep.refobjid "
      "  LEFT JOIN pg_catalog.pg_namespace dtn ON dtn.oid = dt.typnamespace "
      "  CROSS JOIN LATERAL (VALUES "
      "    (CASE WHEN dp.oid IS NOT NULL AND dpn.nspname <> 'pg_catalog' "
      "       THEN 'func:' || dpn.nspname || '.' || dp.proname END), "
      "    (CASE WHEN dr.oid IS NOT NULL THEN 'rel:' || drn.nspname || '.' || dr.relname END), "
      "    (CASE WHEN da.attname IS NOT NULL THEN 'col:' || drn.nspname || '.' || dr.relname || '.' || da.attname END), "
      "    (CASE WHEN dt.oid IS NOT NULL AND dtn.nspname <> 'pg_catalog' "
      "       THEN 'type:' || dtn.nspname || '.' || dt.typname END)) AS x(k) "
      "  WHERE dep.classid = 'pg_catalog.{}'::pg_catalog.regclass AND dep.objid = {} "
      "    AND dep.deptype = 'n' AND k IS NOT NULL "
      "    AND (drn.nspname IS NULL OR drn.nspname NOT IN ('pg_catalog', 'information_schema')) "
      "  ORDER BY 1)",
      catalog, objid);
}

pqxx::result Context::Query(const std::string& sql) {
  ++queries;
  return tx.exec(sql);
}

ir::Table* Context::TableByOid(int64_t oid) {
  auto it = tables.find(oid);
  if (it == tables.end()) return nullptr;
  auto t = db.tables.find(it->second);
  return t == db.tables.end() ? nullptr : &t->second;
}

void Context::Unsupported(const std::string& what, const std::string& name, const std::string& object) {
  diags.Report(ir::diag::kCatalogUnsupported, fmt::format("not yet supported: {} {}", what, name), {},
               object.empty() ? name : object);
}

std::string Text(const pqxx::field& f) { return f.is_null() ? std::string() : std::string(f.c_str()); }

std::optional<std::string> OptText(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return std::string(f.c_str());
}

bool Bool(const pqxx::field& f) { return !f.is_null() && f.c_str()[0] == 't'; }

int64_t Int(const pqxx::field& f) { return f.is_null() ? 0 : f.as<long long>(); }

std::vector<std::string> TextArray(const pqxx::field& f) {
  std::vector<std::string> out;
  if (f.is_null()) return out;
  pqxx::array_parser parser(f.c_str());
  for (;;) {
    auto [juncture, value] = parser.get_next();
    if (juncture == pqxx::array_parser::done) break;
    if (juncture == pqxx::array_parser::string_value) out.push_back(std::move(value));
    if (juncture == pqxx::array_parser::null_value) out.emplace_back();
  }
  return out;
}

std::vector<ir::StorageParam> StorageParams(const pqxx::field& f) {
  std::vector<ir::StorageParam> out;
  for (const std::string& opt : TextArray(f)) {
    std::size_t eq = opt.find('=');
    if (eq == std::string::npos) {
      out.push_back({opt, ""});
    } else {
      out.push_back({opt.substr(0, eq), opt.substr(eq + 1)});
    }
  }
  return out;
}

ir::FdwOptions FdwOptions(const pqxx::field& f) {
  ir::FdwOptions out;
  for (const ir::StorageParam& p : StorageParams(f)) out[p.name] = p.value;
  return out;
}

void ReadSchemas(Context& ctx) {
  pqxx::result rows = ctx.Query(fmt::format(
      "SELECT n.nspname, pg_catalog.pg_get_userbyid(n.nspowner) AS owner, d.description "
      "FROM pg_catalog.pg_namespace n "
      "LEFT JOIN pg_catalog.pg_description d ON d.objoid = n.oid "
      "  AND d.classoid = 'pg_catalog.pg_namespace'::pg_catalog.regclass AND d.objsubid = 0 "
      "WHERE {} AND {} ORDER BY n.nspname",
      kUserSchema, NotExtensionMember("pg_namespace", "n.oid")));
  for (const auto& row : rows) {
    std::string name = Text(row[0]);
    const auto& o = ctx.options;
    bool included = o.include_schemas.empty() ||
                    std::any_of(o.include_schemas.begin(), o.include_schemas.end(),
                                [&](const std::string& p) { return SchemaPatternMatches(p, name); });
    bool excluded = std::any_of(o.exclude_schemas.begin(), o.exclude_schemas.end(),
                                [&](const std::string& p) { return SchemaPatternMatches(p, name); });
    if (!included || excluded) continue;
    ctx.schemas.insert(name);
    ir::Schema schema;
    schema.name = name;
    schema.owner = OptText(row[1]);
    schema.comment = OptText(row[2]);
    ctx.db.schemas.emplace(name, std::move(schema));
  }
}

// Because catalog reads see a snapshot but do not block DDL, a concurrent ALTER TABLE could
// commit between our snapshot and the plan being applied; taking ACCESS SHARE locks (as pg_dump
// does) also makes a table held by a long-running ALTER fail fast under lock_timeout instead of
// being read in a state that is about to change. One statement for all tables keeps the query
// count fixed. Tables we may not SELECT from cannot be locked by us and are read unlocked.
void LockTables(Context& ctx) {
  std::string list;
  for (const auto& [oid, name] : ctx.tables) {
    if (!ctx.selectable.count(oid)) continue;
    if (!list.empty()) list += ", ";
    list += ctx.tx.quote_name(name.schema) + "." + ctx.tx.quote_name(name.name);
  }
  if (list.empty()) return;
  ctx.Query("LOCK TABLE ONLY " + list + " IN ACCESS SHARE MODE");
}

}  // namespace internal

namespace internal {

// Best effort, for the message only: which tables other sessions hold in ACCESS EXCLUSIVE mode
// (the only mode that conflicts with our ACCESS SHARE), as ": public.t (pid 123), ...".
std::string DescribeExclusiveLocks(const std::string& conninfo) {
  try {
    pqxx::connection conn(conninfo);
    pqxx::nontransaction tx(conn);
    pqxx::result rows = tx.exec(
        "SELECT DISTINCT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname), l.pid "
        "FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_class c ON c.oid = l.relation "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE l.granted AND l.mode = 'AccessExclusiveLock' AND l.pid <> pg_catalog.pg_backend_pid() "
        "AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()) "
        "ORDER BY 1, 2");
    std::string out;
    for (const auto& row : rows) {
      out += fmt::format("{}{} (pid {})", out.empty() ? "; held: " : ", ", Text(row[0]), Text(row[1]));
    }
    return out;
  } catch (const std::exception&) {
    return {};
  }
}

}  // namespace internal

bool SchemaPatternMatches(const std::string& pattern, const std::string& name) {
  // Iterative glob match with backtracking to the last star.
  std::size_t p = 0, n = 0, star = std::string::npos, mark = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n]) && pattern[p] != '*' &&
        pattern[p] != '%') {
      ++p, ++n;
    } else if (p < pattern.size() && (pattern[p] == '*' || pattern[p] == '%')) {
      star = p++;
      mark = n;
    } else if (star != std::string::npos) {
      p = star + 1;
      n = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && (pattern[p] == '*' || pattern[p] == '%')) ++p;
  return p == pattern.size();
}

namespace {

std::string Chomp(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

// Statement text for messages: one line, at most 200 bytes.
std::string Excerpt(const std::string& sql) {
  std::string out;
  for (char c : sql) {
    out += (c == '\n' || c == '\t') ? ' ' : c;
    if (out.size() >= 200) return out + "...";
  }
  return out;
}

/// One of IntrospectAfter's statements failed; the message says which.
struct StatementFailed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The whole read, in an open transaction: set-up query, then one reader per object family.
/// `statements` run first, after the set-up (so under lock_timeout and search_path = '').
void ReadAll(pqxx::transaction_base& tx, const IntrospectOptions& options, const std::vector<std::string>& statements,
             ir::Database& db, ir::Diagnostics& diags, IntrospectStats& stats) {
  internal::Context ctx(tx, options, diags, db);
  // Scratch statements create objects under their real names, so two runs sharing one scratch
  // database would wait on each other's uncommitted catalog rows (and fail at lock_timeout).
  // They take turns instead, on a transaction-level advisory lock taken before lock_timeout is
  // set: waiting for another plan's scratch read is harmless.
  if (!statements.empty()) {
    ++ctx.queries;
    tx.exec_params("SELECT pg_catalog.pg_advisory_xact_lock($1, $2)", kScratchLockClass, kScratchLockObject);
  }
  // lock_timeout first, before anything can wait for a lock. search_path = '' makes
  // pg_get_expr, pg_get_constraintdef and format_type qualify every name outside pg_catalog,
  // which is the IR's canonical form. Both are local to this transaction. `statements` run
  // with the session's own search_path (names in them resolve as they would in psql), so the
  // empty search_path is only set after them.
  // The session's date and time settings are read, then replaced: by kReadingSettings when the
  // read follows at once, else by the statements' settings (kReadingSettings after them).
  const SessionSettings& first = statements.empty() ? kReadingSettings : options.statement_settings;
  ++ctx.queries;
  pqxx::result setup = tx.exec_params(
      "SELECT pg_catalog.set_config('lock_timeout', $1, true), "
      "pg_catalog.current_schemas(false)::pg_catalog.text[], "
      "CASE WHEN $2 THEN pg_catalog.set_config('search_path', '', true) END, "
      "pg_catalog.current_setting('server_version_num')::pg_catalog.int4, "
      "ARRAY(SELECT rolname::pg_catalog.text FROM pg_catalog.pg_roles ORDER BY 1), CURRENT_USER::pg_catalog.text, "
      "pg_catalog.current_setting('TimeZone'), pg_catalog.current_setting('DateStyle'), "
      "pg_catalog.current_setting('IntervalStyle'), "
      "CASE WHEN $3 <> '' THEN pg_catalog.set_config('TimeZone', $3, true) END, "
      "CASE WHEN $4 <> '' THEN pg_catalog.set_config('DateStyle', $4, true) END, "
      "CASE WHEN $5 <> '' THEN pg_catalog.set_config('IntervalStyle', $5, true) END",
      options.lock_timeout, statements.empty(), first.time_zone, first.date_style, first.interval_style);
  // Target-list entries are evaluated left to right, so current_schemas sees the session's
  // search_path before set_config empties it.
  stats.search_path = internal::TextArray(setup[0][1]);
  stats.roles = internal::TextArray(setup[0][4]);
  stats.current_user = setup[0][5].c_str();
  stats.settings = SessionSettings{setup[0][6].c_str(), setup[0][7].c_str(), setup[0][8].c_str()};
  ctx.server_version_num = setup[0][3].as<int>();
  stats.server_version_num = ctx.server_version_num;
  if (ctx.server_version_num / 10000 != 15) {
    diags.Report(ir::diag::kServerVersion,
                 fmt::format("server version {} is not PostgreSQL 15: introspection is only tested against 15",
                             ctx.server_version_num));
  }
  for (const std::string& sql : statements) {
    try {
      tx.exec(sql);
    } catch (const pqxx::sql_error& e) {
      throw StatementFailed(fmt::format("statement failed: {} in: {}", Chomp(e.what()), Excerpt(sql)));
    }
  }
  if (!statements.empty()) {
    ++ctx.queries;
    tx.exec_params(
        "SELECT pg_catalog.set_config('search_path', '', true), pg_catalog.set_config('TimeZone', $1, true), "
        "pg_catalog.set_config('DateStyle', $2, true), pg_catalog.set_config('IntervalStyle', $3, true)",
        kReadingSettings.time_zone, kReadingSettings.date_style, kReadingSettings.interval_style);
  }
  stats.queries = ctx.queries;
  internal::ReadSchemas(ctx);
  internal::ReadRelations(ctx);
  internal::LockTables(ctx);
  internal::ReadColumns(ctx);
  internal::ReadPartitionKeys(ctx);
  internal::ReadConstraints(ctx);
  ir::NormalizeCheckCopies(db);
  internal::ReadIndexes(ctx);
  internal::ReadSequences(ctx);
  internal::ReadEnums(ctx);
  internal::ReadViews(ctx);
  internal::ReadFunctions(ctx);
  internal::ReadTriggers(ctx);
  internal::ReadRules(ctx);
  internal::ReadPolicies(ctx);
  internal::ReadEventTriggers(ctx);
  internal::ReadForeignObjects(ctx);
  internal::ReadExtensions(ctx);
  internal::ReadTypes(ctx);
  internal::ReadCollations(ctx);
  internal::ReadUnsupportedObjects(ctx);
  internal::ReadPrivileges(ctx);
  stats.queries = ctx.queries;
}

/// Runs `read` and turns every failure into one catalog.error diagnostic.
template <typename Read>
ir::Database Guarded(const std::string& conninfo, const IntrospectOptions& options, ir::Diagnostics& diags,
                     Read read) {
  ir::Database db;
  ir::Diagnostics local;
  IntrospectStats stats;
  auto fail = [&](const std::string& message) {
    diags.Report(ir::diag::kCatalog, message);
    if (options.stats) *options.stats = stats;
    return ir::Database{};
  };
  try {
    read(db, local, stats);
  } catch (const pqxx::sql_error& e) {
    if (e.sqlstate() == "55P03") {
      return fail(fmt::format(
          "could not lock the tables to introspect within lock_timeout {} (another session holds a conflicting "
          "lock, e.g. a running ALTER TABLE{}): {}",
          options.lock_timeout, internal::DescribeExclusiveLocks(conninfo), Chomp(e.what())));
    }
    return fail("catalog query failed: " + Chomp(e.what()));
  } catch (const pqxx::broken_connection& e) {
    return fail("cannot connect to the database: " + Chomp(e.what()));
  } catch (const StatementFailed& e) {
    return fail(e.what());
  } catch (const std::exception& e) {
    return fail("introspection failed: " + Chomp(e.what()));
  }
  diags.Append(local);
  if (options.stats) *options.stats = stats;
  return db;
}

}  // namespace

ir::Database Introspect(const std::string& conninfo, const IntrospectOptions& options, ir::Diagnostics& diags) {
  return Guarded(conninfo, options, diags, [&](ir::Database& db, ir::Diagnostics& local, IntrospectStats& stats) {
    pqxx::connection conn(conninfo);
    pqxx::transaction<pqxx::isolation_level::repeatable_read, pqxx::read_only> tx(conn);
    ReadAll(tx, options, {}, db, local, stats);
    tx.commit();
  });
}

namespace internal {

ir::Database IntrospectIn(pqxx::transaction_base& tx, const std::string& conninfo, const IntrospectOptions& options,
                          ir::Diagnostics& diags) {
  return Guarded(conninfo, options, diags, [&](ir::Database& db, ir::Diagnostics& local, IntrospectStats& stats) {
    ReadAll(tx, options, {}, db, local, stats);
  });
}

}  // namespace internal

ir::Database IntrospectAfter(const std::string& conninfo, const std::vector<std::string>& statements,
                             const IntrospectOptions& options, ir::Diagnostics& diags) {
  return Guarded(conninfo, options, diags, [&](ir::Database& db, ir::Diagnostics& local, IntrospectStats& stats) {
    pqxx::connection conn(conninfo);
    pqxx::transaction<pqxx::isolation_level::repeatable_read, pqxx::read_write> tx(conn);
    ReadAll(tx, options, statements, db, local, stats);
    tx.abort();  // nothing of `statements` survives
  });
}

}  // namespace schemac::catalog
