// One database session driven statement by statement: what `schemac apply` runs a plan through.
// Transactions are opened and closed by the statements themselves (BEGIN, COMMIT), so a caller
// controls exactly what runs in which transaction; the catalog can be read inside the open
// transaction, seeing its uncommitted changes. (The client library stays private to this library.)
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "compiler/catalog/introspect.h"
#include "compiler/ir/schema.h"
#include "compiler/ir/source.h"

namespace schemac::catalog {

/// A statement failed on the server; `sqlstate` is its five-character SQLSTATE ("55P03").
struct SqlError : std::runtime_error {
  SqlError(const std::string& message, std::string state) : std::runtime_error(message), sqlstate(std::move(state)) {}
  std::string sqlstate;
};

/// The connection could not be opened, or was lost (the backend terminated, the server gone).
struct ConnectionError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// One result row; a NULL field is nullopt.
using Row = std::vector<std::optional<std::string>>;

class Session {
 public:
  /// Connects. Throws ConnectionError with libpq's message.
  explicit Session(const std::string& conninfo);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// Runs `sql` (one statement, or several in the simple-query protocol). Throws SqlError or
  /// ConnectionError.
  void Execute(const std::string& sql);

  /// Runs one query with text parameters ($1, $2, ...) and returns its rows.
  std::vector<Row> Query(const std::string& sql, const std::vector<std::string>& params = {});

  /// Reads the managed scope as catalog::Introspect does, but in this session's open transaction
  /// (after a BEGIN), so that its uncommitted changes are seen. Leaves the transaction's
  /// search_path empty and its settings changed; meant to be followed by COMMIT or ROLLBACK.
  /// Failures are reported to `diags` as catalog.error.
  ir::Database Introspect(const IntrospectOptions& options, ir::Diagnostics& diags);

  /// Asks the server to cancel the statement running on this session. Safe to call from any
  /// thread while another thread waits in Execute or Query; best effort (returns false when the
  /// request could not be sent).
  bool Cancel();

  /// The server process id of this session.
  int BackendPid() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace schemac::catalog
