// Running SQL on a database: what `schemac lint --against` does on its scratch copy. (The client
// library stays private to this library.)
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace schemac::catalog {

/// Why a statement of ExecuteStatements failed.
struct ExecuteFailure {
  std::size_t index = 0;  // the statement that failed
  std::string message;    // the server's message, with its SQLSTATE
};

/// Runs `statements` in order on one connection in autocommit mode, as psql runs a script: a
/// statement runs in its own transaction unless the statements themselves open one (BEGIN ...
/// COMMIT). Stops at the first failure and returns it; nullopt when all ran. A connection that
/// cannot be opened fails at index 0.
std::optional<ExecuteFailure> ExecuteStatements(const std::string& conninfo, const std::vector<std::string>& statements);

/// A database created on the server `conninfo` reaches, dropped (WITH (FORCE)) when this goes
/// out of scope: a scratch copy for one run. Throws std::runtime_error when it cannot be created.
class TemporaryDatabase {
 public:
  explicit TemporaryDatabase(const std::string& conninfo);
  ~TemporaryDatabase();
  TemporaryDatabase(const TemporaryDatabase&) = delete;
  TemporaryDatabase& operator=(const TemporaryDatabase&) = delete;
  const std::string& Conninfo() const { return conninfo_; }

 private:
  std::string server_;    // the connection it was created through
  std::string name_;
  std::string conninfo_;  // the new database
};

}  // namespace schemac::catalog
