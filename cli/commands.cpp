#include "cli/commands.h"
#include "cli/config.h"
#include "cli/plan_risk.h"
#include "compiler/catalog/table_sizes.h"

#include <sys/resource.h>

#include <algorithm>
#include <set>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <regex>
#include <type_traits>

#include <fmt/format.h>

#include "cli/atomic_file.h"
#include "cli/plan_json.h"
#include "compiler/canon/server_canonicalize.h"
#include "compiler/catalog/introspect.h"
#include "compiler/ir/fingerprint.h"
#include "compiler/sql/canonicalize.h"
#include "compiler/sql/compile.h"
#include "diff/differ.h"
#include "diff/match.h"
#include "diff/order.h"
#include "emit/plan.h"

namespace schemac::cli {

bool IsDatabaseSpec(const std::string& spec) {
  return spec.rfind("postgres://", 0) == 0 || spec.rfind("postgresql://", 0) == 0 ||
         spec.find('=') != std::string::npos;
}

std::string RedactDsn(const std::string& spec) {
  std::string out = std::regex_replace(spec, std::regex(R"((password\s*=\s*)('([^'\\]|\\.)*'|\S+))"), "$1***");
  return std::regex_replace(out, std::regex(R"(^(postgres(ql)?://[^:/@]*):[^@/]*@)"), "$1:***@");
}

namespace {

std::string JoinSpecs(const std::vector<std::string>& specs) {
  std::string out;
  for (const std::string& s : specs) out += (out.empty() ? "" : " ") + (IsDatabaseSpec(s) ? RedactDsn(s) : s);
  return out;
}

/// Runs `fn`, appending its wall time to `timings` as `phase`; returns what `fn` returns.
template <typename Fn>
decltype(auto) Timed(std::vector<PhaseTiming>& timings, const char* phase, Fn&& fn) {
  auto start = std::chrono::steady_clock::now();
  auto record = [&] {
    timings.push_back({phase, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()});
  };
  if constexpr (std::is_void_v<std::invoke_result_t<Fn>>) {
    fn();
    record();
  } else {
    auto result = fn();
    record();
    return result;
  }
}

bool IsDatabaseSide(const std::vector<std::string>& specs) {
  return specs.size() == 1 && IsDatabaseSpec(specs.front());
}

/// One side of a diff: a state, and whether it was read from a database.
struct Side {
  ir::Database db;
  bool from_database = false;
  std::vector<std::string> search_path;  // the database's, when from_database
  std::vector<std::string> roles;        // the server's roles, sorted, when from_database
  std::string current_user;              // the connecting role, when from_database
  catalog::SessionSettings settings;     // the session's date and time settings, when from_database
};

bool InScope(const std::string& schema, const DiffOptions& options) {
  if (schema == "schemac") return false;  // reserved for apply history; never managed
  bool included = options.include_schemas.empty();
  for (const std::string& p : options.include_schemas) included = included || catalog::SchemaPatternMatches(p, schema);
  for (const std::string& p : options.exclude_schemas) included = included && !catalog::SchemaPatternMatches(p, schema);
  return included;
}

/// Narrows a compiled desired state to the managed scope, as introspection narrows the database.
void ApplyScope(ir::Database& db, const DiffOptions& options) {
  std::erase_if(db.schemas, [&](const auto& kv) { return !InScope(kv.first, options); });
  std::erase_if(db.enums, [&](const auto& kv) { return !InScope(kv.first.schema, options); });
  std::erase_if(db.sequences, [&](const auto& kv) { return !InScope(kv.first.schema, options); });
  std::erase_if(db.tables, [&](const auto& kv) { return !InScope(kv.first.schema, options); });
  std::erase_if(db.views, [&](const auto& kv) { return !InScope(kv.first.schema, options); });
  std::erase_if(db.functions, [&](const auto& kv) { return !InScope(kv.first.schema, options); });
  std::erase_if(db.domains, [&](const auto& kv) { return !InScope(kv.first.schema, options); });
  std::erase_if(db.composite_types, [&](const auto& kv) { return !InScope(kv.first.schema, options); });
  std::erase_if(db.range_types, [&](const auto& kv) { return !InScope(kv.first.schema, options); });
  std::erase_if(db.collations, [&](const auto& kv) { return !InScope(kv.first.schema, options); });
  // As the catalog front end scopes them: an extension by its schema (pg_catalog always in), an
  // event trigger by its function's schema.
  std::erase_if(db.extensions, [&](const auto& kv) {
    return kv.second.schema != "pg_catalog" && !InScope(kv.second.schema, options);
  });
  std::erase_if(db.event_triggers, [&](const auto& kv) { return !InScope(kv.second.function.schema, options); });
  std::erase_if(db.default_privileges,
                [&](const auto& kv) { return !kv.first.schema.empty() && !InScope(kv.first.schema, options); });
  // Foreign-data wrappers, servers and user mappings are database-wide: managed only when no
  // pattern narrows the scope (a narrowed plan must not drop what the rest of the database uses).
  if (!options.include_schemas.empty() || !options.exclude_schemas.empty()) {
    db.foreign_data_wrappers.clear();
    db.foreign_servers.clear();
    db.user_mappings.clear();
  }
}

Side LoadDatabase(const std::string& dsn, const DiffOptions& options, ir::Diagnostics& diags,
                  std::vector<PhaseTiming>& timings) {
  catalog::IntrospectStats stats;
  catalog::IntrospectOptions iopts;
  iopts.include_schemas = options.include_schemas;
  iopts.exclude_schemas = options.exclude_schemas;
  iopts.lock_timeout = options.lock_timeout;
  iopts.stats = &stats;
  Side side;
  side.from_database = true;
  ir::Diagnostics read;
  side.db = Timed(timings, "introspect", [&] {
    return options.introspect ? options.introspect(iopts, read) : catalog::Introspect(dsn, iopts, read);
  });
  for (const ir::Diagnostic& d : read.items()) {
    ir::Diagnostic copy = d;
    if (!options.strict_coverage && copy.id == ir::diag::kCatalogUnsupported) {
      copy.severity = ir::Severity::Warning;
      copy.message += " (left alone: --no-strict-coverage)";
    }
    diags.Add(std::move(copy));
  }
  side.search_path = stats.search_path;
  side.roles = stats.roles;
  side.current_user = stats.current_user;
  side.settings = stats.settings;
  if (!diags.HasErrors()) {
    Timed(timings, "normalize catalog expressions", [&] { canon::NormalizeCatalogExpressions(side.db, diags); });
  }
  return side;
}

// ALTER DEFAULT PRIVILEGES FOR ROLE <the connecting role> in the files (as pg_dump writes it) is the
// entry the catalog records under role "" (the role that runs the plan): renamed so, an entry
// written both ways is an error.
void MergeConnectingRoleDefaults(ir::Database& files, const std::string& current_user, ir::Diagnostics& diags) {
  std::vector<ir::DefaultPrivilegeKey> named;
  for (const auto& [key, grants] : files.default_privileges) {
    if (!current_user.empty() && key.role == current_user) named.push_back(key);
  }
  for (const ir::DefaultPrivilegeKey& key : named) {
    ir::DefaultPrivilegeKey own{"", key.schema, key.kind};
    if (files.default_privileges.count(own)) {
      diags.Report(ir::diag::kInvalid,
                   fmt::format("{}: the files give these default privileges both with and without FOR ROLE {}, the "
                               "role that runs the plan (write them once, without FOR ROLE)",
                               ir::DefaultPrivilegesName(key), current_user),
                   {}, ir::DefaultPrivilegesName(key));
      continue;
    }
    files.default_privileges[own] = std::move(files.default_privileges.at(key));
    files.default_privileges.erase(key);
  }
}

// Every role the files name (policies) exists on the server: schemac creates no roles, and a plan
// naming a missing one would fail halfway.
void CheckRolesExist(const ir::Database& files, const std::vector<std::string>& roles, ir::Diagnostics& diags) {
  std::set<std::pair<std::string, std::string>> reported;  // (object, role)
  for (const auto& [target, grants] : files.privileges) {
    for (const ir::Grant& g : grants) {
      if (g.grantee.empty() || std::binary_search(roles.begin(), roles.end(), g.grantee)) continue;
      std::string object = ir::DisplayName(target);
      if (!reported.insert({object, g.grantee}).second) continue;
      diags.Report(ir::diag::kUndefined,
                   fmt::format("privileges on {}: role \"{}\" does not exist on the server (schemac does not create "
                               "roles)",
                               object, g.grantee),
                   {}, object);
    }
  }
  for (const auto& [key, grants] : files.default_privileges) {
    std::vector<std::string> named;
    if (!key.role.empty()) named.push_back(key.role);
    for (const ir::Grant& g : grants) {
      if (!g.grantee.empty()) named.push_back(g.grantee);
    }
    for (const std::string& role : named) {
      if (std::binary_search(roles.begin(), roles.end(), role)) continue;
      std::string object = ir::DefaultPrivilegesName(key);
      if (!reported.insert({object, role}).second) continue;
      diags.Report(ir::diag::kUndefined,
                   fmt::format("{}: role \"{}\" does not exist on the server (schemac does not create roles)", object,
                               role),
                   {}, object);
    }
  }
  for (const auto& [key, m] : files.user_mappings) {
    if (m.user.empty() || std::binary_search(roles.begin(), roles.end(), m.user)) continue;
    diags.Report(ir::diag::kUndefined,
                 fmt::format("user mapping for \"{}\" server \"{}\": role \"{}\" does not exist on the server "
                             "(schemac does not create roles)",
                             m.user, m.server, m.user),
                 m.span);
  }
  for (const auto& [tname, t] : files.tables) {
    for (const auto& [pname, p] : t.policies) {
      for (const std::string& role : p.roles) {
        if (std::binary_search(roles.begin(), roles.end(), role)) continue;
        diags.Report(ir::diag::kUndefined,
                     fmt::format("policy \"{}\" on table \"{}\": role \"{}\" does not exist on the server "
                                 "(schemac does not create roles)",
                                 pname, ir::DisplayName(tname), role),
                     p.span);
      }
    }
  }
}

Side LoadFiles(const std::vector<std::string>& paths, const std::vector<std::string>& search_path,
               const DiffOptions& options, ir::SourceManager& sources, ir::Diagnostics& diags,
               std::vector<PhaseTiming>& timings) {
  sql::CompileOptions copts;
  if (!search_path.empty()) copts.default_search_path = search_path;
  Side side;
  side.db = Timed(timings, "read and compile files",
                  [&] { return sql::CompilePaths(paths, copts, sources, diags); });
  ApplyScope(side.db, options);
  return side;
}

std::string CommentBlock(const std::string& sql) {
  std::string out;
  std::size_t start = 0;
  while (start < sql.size()) {
    std::size_t end = sql.find('\n', start);
    if (end == std::string::npos) end = sql.size();
    std::string line = sql.substr(start, end - start);
    out += line.empty() ? "--\n" : "-- " + line + "\n";
    start = end + 1;
  }
  return out;
}

std::size_t StepCount(const emit::Plan& plan) {
  std::size_t n = 0;
  for (const emit::Segment& s : plan.segments) n += s.steps.size();
  return n;
}

std::string SqlOutput(const emit::PlanPair& plans, const DiffOptions& options) {
  std::string out =
      fmt::format("-- schemac {}: {} -> {}\n", options.command, JoinSpecs(options.from), JoinSpecs(options.to));
  if (plans.forward.empty()) return out + "-- no changes\n";
  out += fmt::format("-- {} step(s) in {} segment(s)\n", StepCount(plans.forward), plans.forward.segments.size());
  if (std::string risk = RiskSummary(plans.forward); !risk.empty()) out += CommentBlock(risk + "\n");
  out += emit::RenderSql(plans.forward, options.explain);
  if (options.rollback_output.empty()) {
    out += "\n-- rollback (not run; pass --rollback-output FILE to write it as a script):\n";
    out += CommentBlock(emit::RenderSql(plans.rollback, options.explain));
  }
  return out;
}

bool WriteOutput(const std::string& path, const std::string& content) {
  if (path.empty() || path == "-") {
    std::fwrite(content.data(), 1, content.size(), stdout);
    return std::fflush(stdout) == 0;
  }
  std::string error;
  if (!WriteFileAtomically(path, content, error)) {
    std::cerr << "schemac: error: " << error << " [input.io]\n";
    return false;
  }
  return true;
}

}  // namespace

bool InManagedScope(const std::string& schema, const DiffOptions& options) { return InScope(schema, options); }

void PrintDiagnostics(const ir::Diagnostics& diags, const ir::SourceManager& sources) {
  for (const ir::Diagnostic& d : diags.items()) std::cerr << ir::FormatDiagnostic(d, &sources) << "\n";
}

bool HasCatalogError(const ir::Diagnostics& diags) {
  for (const ir::Diagnostic& d : diags.items()) {
    if (d.severity == ir::Severity::Error && d.id == ir::diag::kCatalog) return true;
  }
  return false;
}

std::optional<DatabaseState> ReadDatabaseState(const DiffOptions& options, ir::Diagnostics& diags) {
  std::vector<PhaseTiming> timings;
  ir::Diagnostics read;
  Side side = LoadDatabase(options.from.front(), options, read, timings);
  diags.Append(read);
  if (read.HasErrors()) return std::nullopt;
  return DatabaseState{ir::Fingerprint(side.db), ir::StateFingerprint(side.db)};
}

PlanOutcome PlanStates(const DiffOptions& options) {
  PlanOutcome out;
  ir::Diagnostics& diags = out.diags;
  bool from_db = IsDatabaseSide(options.from), to_db = IsDatabaseSide(options.to);
  for (const auto* specs : {&options.from, &options.to}) {
    if (specs->size() > 1) {
      for (const std::string& s : *specs) {
        if (IsDatabaseSpec(s)) {
          diags.Report(ir::diag::kInvalid,
                       fmt::format("a database ({}) cannot be combined with other sources on one side", RedactDsn(s)));
        }
      }
    }
  }
  if (diags.HasErrors()) {
    out.exit_code = kExitInvalid;
    return out;
  }

  // Databases first: their search_path resolves unqualified names in the files of the other side.
  Side from, to;
  if (from_db) from = LoadDatabase(options.from.front(), options, diags, out.timings);
  if (to_db) to = LoadDatabase(options.to.front(), options, diags, out.timings);
  if (HasCatalogError(diags)) {
    out.exit_code = kExitEnvironment;
    return out;
  }
  std::vector<std::string> search_path = from_db ? from.search_path : to_db ? to.search_path : std::vector<std::string>{};
  if (!from_db) from = LoadFiles(options.from, search_path, options, out.sources, diags, out.timings);
  if (!to_db) to = LoadFiles(options.to, search_path, options, out.sources, diags, out.timings);
  if (from_db != to_db) {
    MergeConnectingRoleDefaults(from_db ? to.db : from.db, from_db ? from.current_user : to.current_user, diags);
    CheckRolesExist(from_db ? to.db : from.db, from_db ? from.roles : to.roles, diags);
  }
  if (diags.HasErrors()) {
    out.exit_code = kExitInvalid;
    return out;
  }

  // Fingerprints describe the states as loaded, before pairwise canonicalization, so that a
  // database's fingerprint can be recomputed later from the database alone.
  Timed(out.timings, "fingerprint", [&] {
    out.source_fingerprint = ir::Fingerprint(from.db);
    out.target_fingerprint = ir::Fingerprint(to.db);
    if (from.from_database != to.from_database) out.database_state = ir::StateFingerprint(from_db ? from.db : to.db);
  });

  if (from.from_database != to.from_database && !options.offline) {
    Side& database = from.from_database ? from : to;
    Side& files = from.from_database ? to : from;
    canon::ServerCanonOptions copts{
        .dev_db = options.dev_db, .lock_timeout = options.lock_timeout, .session = database.settings};
    Timed(out.timings, "canonicalize",
          [&] { canon::CanonicalizeWithServer(database.db, files.db, copts, diags, &out.canon_stats); });
    if (diags.HasErrors()) {
      out.exit_code = HasCatalogError(diags) ? kExitEnvironment : kExitInvalid;
      return out;
    }
  } else if (!from.from_database || !to.from_database) {
    Timed(out.timings, "canonicalize", [&] { sql::CanonicalizeOfflinePair(from.db, to.db, diags); });
  }

  if (options.timings) {
    // The planner interleaves diffing and rendering; to split its time, the differ and the
    // ordering run here once more on their own, both ways, and their results are dropped.
    Timed(out.timings, "diff", [&] {
      diff::DiffOptions dopts{.owners = options.owners};
      for (int way = 0; way < 2; ++way) {
        const ir::Database& a = way == 0 ? from.db : to.db;
        const ir::Database& b = way == 0 ? to.db : from.db;
        ir::Diagnostics ignored;
        std::vector<diff::Change> changes = diff::ComputeChanges(a, b, diff::MatchObjects(a, b), dopts, ignored);
        diff::OrderChanges(changes, ignored);
      }
    });
  }
  out.plans = Timed(out.timings, "plan", [&] {
    emit::PlanOptions popts{.owners = options.owners,
                            .explain = options.explain,
                            .online = options.online,
                            .lock_timeout = options.lock_timeout,
                            .statement_timeout = options.statement_timeout};
    return emit::BuildPlans(from.db, to.db, popts, diags);
  });
  if (diags.HasErrors()) {
    out.exit_code = kExitInvalid;
    return out;
  }
  if (options.classify) {
    // Each plan runs against the state it starts from.
    // With a database at hand, blocking findings are weighed by the size of what they touch
    // (the planner's estimates; the rollback's tables hold the same rows).
    std::optional<std::map<ir::QualifiedName, lint::TableSize>> sizes;
    if (from.from_database || to.from_database) {
      const std::string& dsn = from.from_database ? options.from.front() : options.to.front();
      ir::Diagnostics size_diags;
      sizes.emplace();
      for (const auto& [name, e] : catalog::EstimateTableSizes(dsn, options.lock_timeout, size_diags)) {
        if (e.known) (*sizes)[name] = lint::TableSize{e.rows, e.bytes};
      }
      for (const ir::Diagnostic& d : size_diags.items()) {
        ir::Diagnostic w = d;
        w.severity = ir::Severity::Warning;  // the plan stands; only the weighing is missing
        out.diags.Add(std::move(w));
      }
    }
    Timed(out.timings, "classify", [&] {
      ClassifyPlan(out.plans.forward, from.db, sizes ? &*sizes : nullptr, options.small_table_rows);
      ClassifyPlan(out.plans.rollback, to.db, sizes ? &*sizes : nullptr, options.small_table_rows);
    });
  }
  return out;
}

namespace {

/// `--timings`: one line per phase, then the total and the process's peak resident set size.
void PrintTimings(const std::vector<PhaseTiming>& timings, double total, const canon::ServerCanonStats& canon) {
  double diff = 0, plan = 0;
  bool has_diff = false;
  for (const PhaseTiming& t : timings) {
    std::cerr << fmt::format("schemac: timing: {}: {:.3f} s\n", t.phase, t.seconds);
    if (t.phase == "diff") diff = t.seconds, has_diff = true;
    if (t.phase == "plan") plan = t.seconds;
  }
  if (has_diff) std::cerr << fmt::format("schemac: timing: emit (plan minus diff): {:.3f} s\n", plan - diff);
  if (canon.round_trips > 0) {
    std::cerr << fmt::format("schemac: timing: scratch database: {} expression(s), {} quer(ies), {} round trip(s)\n",
                             canon.expressions, canon.queries, canon.round_trips);
  }
  std::cerr << fmt::format("schemac: timing: total: {:.3f} s\n", total);
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) == 0) {
    // Linux reports ru_maxrss in KiB.
    std::cerr << fmt::format("schemac: timing: peak RSS: {:.1f} MB\n", usage.ru_maxrss / 1024.0);
  }
}

int WritePlan(const DiffOptions& options, PlanOutcome& outcome) {
  PrintDiagnostics(outcome.diags, outcome.sources);
  if (outcome.exit_code != kExitOk) return outcome.exit_code;
  const emit::PlanPair& plans = outcome.plans;

  PlanSide source{JoinSpecs(options.from), outcome.source_fingerprint};
  PlanSide target{JoinSpecs(options.to), outcome.target_fingerprint};
  std::string main_output = options.format == OutputFormat::Json ? RenderPlanJson(plans, source, target, options.explain)
                                                                 : SqlOutput(plans, options);
  // The rollback file first: if it cannot be written, nothing else is.
  if (!options.rollback_output.empty()) {
    std::string rollback = plans.rollback.empty() ? std::string() : emit::RenderSql(plans.rollback, options.explain);
    if (!WriteOutput(options.rollback_output, rollback)) return kExitEnvironment;
  }
  if (!WriteOutput(options.output, main_output)) return kExitEnvironment;
  if (options.exit_code && !plans.forward.empty()) return kExitNotClean;
  return kExitOk;
}

}  // namespace

bool ReadProjectSettings(DiffOptions& options) {
  std::optional<std::string> config = ConfigPath(options.config, std::cerr);
  if (!config) return false;
  if (!config->empty()) {
    ProjectConfig project;
    if (!LoadConfig(*config, project, std::cerr)) return false;
    if (project.small_table_rows && !options.small_table_rows_given) options.small_table_rows = *project.small_table_rows;
    if (project.online) options.online = options.online || *project.online;
  }
  return true;
}

int RunDiff(const DiffOptions& given) {
  auto start = std::chrono::steady_clock::now();
  DiffOptions options = given;
  if (!ReadProjectSettings(options)) return kExitInvalid;
  PlanOutcome outcome = PlanStates(options);
  int code = Timed(outcome.timings, "output", [&] { return WritePlan(options, outcome); });
  if (options.timings) {
    PrintTimings(outcome.timings, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                 outcome.canon_stats);
  }
  return code;
}

}  // namespace schemac::cli
