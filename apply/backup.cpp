// --backup: the tables that a plan's data-loss steps touch, saved with pg_dump before it runs.
#include "apply/apply.h"

#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "compiler/catalog/embedded_cluster.h"
#include "compiler/catalog/process.h"

namespace schemac::apply {

namespace {

/// A pg_dump -t pattern naming exactly one table (psql pattern rules: double quotes make every
/// character literal, "" a quote).
std::string ExactPattern(const ir::QualifiedName& name) {
  auto quote = [](const std::string& s) {
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
  };
  return quote(name.schema) + "." + quote(name.name);
}

}  // namespace

BackupSet DataLossTables(const emit::Plan& plan) {
  BackupSet out;
  std::set<ir::QualifiedName> seen;
  int n = 0;
  for (const emit::Segment& segment : plan.segments) {
    for (const emit::Step& step : segment.steps) {
      ++n;
      if (!step.data_loss) continue;
      if (step.object.kind == ir::ObjectKind::Table || step.object.kind == ir::ObjectKind::Column) {
        ir::QualifiedName table{step.object.schema, step.object.name};
        if (seen.insert(table).second) out.tables.push_back(table);
      } else {
        out.not_covered.push_back(fmt::format("step {} ({} {}): {}", n, step.change, ir::DisplayName(step.object),
                                              step.data_loss_reason));
      }
    }
  }
  return out;
}

std::string BackupTables(const std::string& conninfo, const std::string& dir, int64_t run_id,
                         const std::vector<ir::QualifiedName>& tables) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error(fmt::format("--backup: cannot create {}: {}", dir, ec.message()));
  std::string path = (std::filesystem::path(dir) / fmt::format("schemac-run-{}.dump", run_id)).string();
  std::string partial = path + ".partial";
  std::vector<std::string> argv = {catalog::EmbeddedCluster::FindBinDir() + "/pg_dump", "--format=custom",
                                   "--no-owner", "--file", partial, "--dbname", conninfo};
  // A partitioned table holds no rows itself: its partitions, at every level, are saved with it.
  std::set<ir::QualifiedName> saved;
  catalog::Session session(conninfo);
  for (const ir::QualifiedName& t : tables) {
    std::vector<ir::QualifiedName> tree = {t};  // a plain table: no partition tree
    for (const catalog::Row& r : session.Query(
             "SELECT n.nspname::text, c.relname::text FROM pg_catalog.pg_partition_tree("
             "pg_catalog.format('%I.%I', $1::text, $2::text)::pg_catalog.regclass) p "
             "JOIN pg_catalog.pg_class c ON c.oid = p.relid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
             "ORDER BY p.level, 1, 2",
             {t.schema, t.name})) {
      tree.push_back(ir::QualifiedName{r.at(0).value_or(""), r.at(1).value_or("")});
    }
    for (const ir::QualifiedName& name : tree) {
      if (!saved.insert(name).second) continue;
      argv.push_back("--table");
      argv.push_back(ExactPattern(name));
    }
  }
  catalog::ProcessResult r = catalog::RunProcess(argv);
  if (!r.Ok()) {
    std::filesystem::remove(partial, ec);
    std::string err = r.err;
    while (!err.empty() && err.back() == '\n') err.pop_back();
    throw std::runtime_error(fmt::format("--backup: pg_dump failed (exit {}): {}", r.exit_code, err));
  }
  // Only a complete dump takes the final name.
  std::filesystem::rename(partial, path, ec);
  if (ec) throw std::runtime_error(fmt::format("--backup: cannot write {}: {}", path, ec.message()));
  return std::filesystem::absolute(path).string();
}

void SetBackup(catalog::Session& session, int64_t id, const std::string& path) {
  session.Query("UPDATE schemac.history SET backup = $2 WHERE id = $1::bigint", {std::to_string(id), path});
}

}  // namespace schemac::apply
