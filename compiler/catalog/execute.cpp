#include "compiler/catalog/execute.h"

#include <atomic>
#include <stdexcept>

#include <fmt/format.h>
#include <unistd.h>

#include <pqxx/pqxx>

#include "compiler/catalog/conninfo.h"

namespace schemac::catalog {

namespace {

std::string Chomp(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string WithState(const pqxx::sql_error& e) {
  std::string state = e.sqlstate();
  return Chomp(e.what()) + (state.empty() ? "" : " (SQLSTATE " + state + ")");
}

}  // namespace

std::optional<ExecuteFailure> ExecuteStatements(const std::string& conninfo, const std::vector<std::string>& statements) {
  std::size_t i = 0;
  try {
    pqxx::connection conn(conninfo);
    // Autocommit, statement by statement: BEGIN and COMMIT in the statements are obeyed.
    for (; i < statements.size(); ++i) {
      pqxx::nontransaction tx(conn);
      tx.exec(statements[i]);
    }
  } catch (const pqxx::sql_error& e) {
    return ExecuteFailure{i, WithState(e)};
  } catch (const std::exception& e) {
    return ExecuteFailure{i, Chomp(e.what())};
  }
  return std::nullopt;
}

TemporaryDatabase::TemporaryDatabase(const std::string& conninfo) : server_(conninfo) {
  static std::atomic<int> counter{0};
  name_ = fmt::format("schemac_scratch_{}_{}", static_cast<long>(::getpid()), counter++);
  try {
    pqxx::connection conn(conninfo);
    pqxx::nontransaction tx(conn);
    tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name_) + " WITH (FORCE)");
    tx.exec("CREATE DATABASE " + tx.quote_name(name_) + " TEMPLATE template0");
  } catch (const pqxx::sql_error& e) {
    throw std::runtime_error("cannot create a scratch database: " + WithState(e));
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot create a scratch database: " + Chomp(e.what()));
  }
  conninfo_ = ConninfoWithDatabase(conninfo, name_);
}

TemporaryDatabase::~TemporaryDatabase() {
  try {
    pqxx::connection conn(server_);
    pqxx::nontransaction tx(conn);
    tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name_) + " WITH (FORCE)");
  } catch (const std::exception&) {
    // The name says what it is; a later run with the same pid drops it first.
  }
}

}  // namespace schemac::catalog
