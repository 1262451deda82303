#include "tests/support/pg_fixture.h"

#include <algorithm>
#include <sstream>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <random>
#include <stdexcept>
#include <vector>

#include <unistd.h>

#include <fmt/format.h>
#include <pqxx/pqxx>

#include "compiler/catalog/conninfo.h"
#include "compiler/catalog/embedded_cluster.h"
#include "compiler/catalog/process.h"

namespace schemac::testing {

namespace {

namespace fs = std::filesystem;

std::mutex g_mutex;

catalog::ProcessOptions ClientOptions() {
  catalog::ProcessOptions opts;
  opts.set_env = {{"PGOPTIONS", "-c client_min_messages=warning"}, {"PGCONNECT_TIMEOUT", "10"}};
  return opts;
}

std::string ClientProgram(const std::string& name) {
  static const std::string bindir = catalog::EmbeddedCluster::FindBinDir();
  return bindir + "/" + name;
}

std::string QuoteIdent(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

const std::string& TestConninfo() {
  static std::string conninfo;
  static std::unique_ptr<catalog::EmbeddedCluster> cluster;
  std::lock_guard<std::mutex> lock(g_mutex);
  if (conninfo.empty()) {
    if (const char* dsn = std::getenv("SCHEMAC_TEST_DSN"); dsn && *dsn) {
      conninfo = dsn;
    } else {
      cluster = std::make_unique<catalog::EmbeddedCluster>();
      cluster->Start();
      conninfo = cluster->Conninfo();
    }
  }
  // Catch2 restores its own signal handlers after every test case, which would leave the lazily
  // started cluster behind on Ctrl-C; every test that needs the server passes through here.
  if (cluster) catalog::EmbeddedCluster::InstallSignalHandlers();
  return conninfo;
}

std::string CreateScratchDatabase(const std::string& prefix) {
  static std::atomic<int> counter{0};
  static const unsigned salt = std::random_device{}() % 100000u;
  std::string name = fmt::format("{}_{}_{}_{}", prefix, getpid(), salt, counter++);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  name = name.substr(0, 63);
  RunSql(TestConninfo(), "CREATE DATABASE " + QuoteIdent(name) + " TEMPLATE template0");
  return catalog::ConninfoWithDatabase(TestConninfo(), name);
}

void DropDatabase(const std::string& conninfo) {
  std::string name = catalog::ConninfoDatabase(conninfo);
  if (name.empty()) throw std::invalid_argument("DropDatabase: the conninfo names no database");
  RunSql(TestConninfo(), "DROP DATABASE IF EXISTS " + QuoteIdent(name) + " WITH (FORCE)");
}

ScratchDatabase::~ScratchDatabase() {
  try {
    DropDatabase(conninfo_);
  } catch (const std::exception&) {
    // A failed drop leaves a stray database in a throwaway cluster; never throw from a destructor.
  }
}

void RunSql(const std::string& conninfo, const std::string& sql) {
  pqxx::connection conn(conninfo);
  pqxx::nontransaction tx(conn);
  tx.exec(sql);
}

void RunSqlScriptWithPsql(const std::string& conninfo, const std::string& path_or_text) {
  std::error_code ec;
  std::string path = path_or_text;
  std::string temp;
  if (path_or_text.find('\n') != std::string::npos || !fs::is_regular_file(path_or_text, ec)) {
    char templ[] = "/tmp/schemac-script-XXXXXX.sql";
    int fd = mkstemps(templ, 4);
    if (fd < 0) throw std::runtime_error("RunSqlScriptWithPsql: cannot create a temporary file");
    close(fd);
    temp = templ;
    std::ofstream(temp, std::ios::binary) << path_or_text;
    path = temp;
  }
  catalog::ProcessResult r = catalog::RunProcess(
      {ClientProgram("psql"), "-X", "-v", "ON_ERROR_STOP=1", "-q", "-d", conninfo, "-f", path}, ClientOptions());
  if (!temp.empty()) fs::remove(temp, ec);
  if (!r.Ok()) {
    throw std::runtime_error(fmt::format("psql failed (exit {}): {}", r.exit_code, Trimmed(r.err)));
  }
}

std::string NormalizeDump(const std::string& text) {
  auto starts = [](const std::string& line, const char* prefix) { return line.rfind(prefix, 0) == 0; };
  std::vector<std::string> blocks;
  std::string cur;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    // pg_dump starts every object with a "-- Name: ...; Type: ...; Schema: ..." header.
    if (starts(line, "-- Name: ") || starts(line, "-- Data for Name: ")) {
      if (!cur.empty()) blocks.push_back(cur);
      cur.clear();
      continue;
    }
    // \restrict and \unrestrict (pg_dump 15.14+) carry a random key: never comparable.
    if (starts(line, "--") || starts(line, "SET ") || starts(line, "SELECT pg_catalog.set_config(") ||
        starts(line, "\\restrict ") || starts(line, "\\unrestrict ")) {
      continue;
    }
    if (line.find_first_not_of(" \t\r\f\v") == std::string::npos) continue;
    line.erase(line.find_last_not_of(" \t\r\f\v") + 1);
    if (!cur.empty()) cur += '\n';
    cur += line;
  }
  if (!cur.empty()) blocks.push_back(cur);
  std::sort(blocks.begin(), blocks.end());
  std::string out;
  for (const std::string& b : blocks) out += b + "\n\n";
  return out;
}

std::string DumpSchema(const std::string& conninfo, const std::string& exclude_schema) {
  std::vector<std::string> argv = {ClientProgram("pg_dump"), "--schema-only", "--no-owner", "--no-privileges", "-d",
                                   conninfo};
  if (!exclude_schema.empty()) argv.push_back("--exclude-schema=" + exclude_schema);
  catalog::ProcessResult r = catalog::RunProcess(argv, ClientOptions());
  if (!r.Ok()) throw std::runtime_error(fmt::format("pg_dump failed (exit {}): {}", r.exit_code, Trimmed(r.err)));
  return NormalizeDump(r.out);
}

std::string WithoutColumnOrder(const std::string& dump) {
  std::istringstream in(dump);
  std::string line, out;
  std::vector<std::string> columns;
  bool in_table = false;
  while (std::getline(in, line)) {
    if (!in_table && line.rfind("CREATE ", 0) == 0 && line.find(" TABLE ") != std::string::npos &&
        !line.empty() && line.back() == '(') {
      in_table = true;
      out += line + "\n";
      columns.clear();
      continue;
    }
    if (in_table && line.rfind(")", 0) == 0) {
      std::sort(columns.begin(), columns.end());
      for (const std::string& c : columns) out += c + "\n";
      in_table = false;
      out += line + "\n";
      continue;
    }
    if (in_table) {
      if (!line.empty() && line.back() == ',') line.pop_back();
      columns.push_back(line);
      continue;
    }
    out += line + "\n";
  }
  return out;
}

std::string QueryValue(const std::string& conninfo, const std::string& sql) {
  pqxx::connection conn(conninfo);
  pqxx::nontransaction tx(conn);
  return tx.exec(sql)[0][0].c_str();
}

}  // namespace schemac::testing
