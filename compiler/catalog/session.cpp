#include "compiler/catalog/session.h"

#include <pqxx/pqxx>

#include "compiler/catalog/introspect_context.h"

namespace schemac::catalog {

namespace {

std::string Chomp(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

struct Session::Impl {
  explicit Impl(const std::string& info) : conninfo(info), conn(info), tx(conn) {}
  std::string conninfo;
  pqxx::connection conn;
  // One nontransaction for the session's life: statements go to the server as written, and the
  // transaction blocks are the statements' own (BEGIN ... COMMIT).
  pqxx::nontransaction tx;
};

namespace {

/// Runs `fn`, turning the client library's exceptions into SqlError and ConnectionError.
template <typename Fn>
auto Translated(Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const pqxx::broken_connection& e) {
    throw ConnectionError(Chomp(e.what()));
  } catch (const pqxx::sql_error& e) {
    throw SqlError(Chomp(e.what()), e.sqlstate());
  } catch (const pqxx::in_doubt_error& e) {
    throw ConnectionError(Chomp(e.what()));
  }
}

}  // namespace

Session::Session(const std::string& conninfo) {
  try {
    impl_ = std::make_unique<Impl>(conninfo);
  } catch (const std::exception& e) {
    throw ConnectionError("cannot connect to the database: " + Chomp(e.what()));
  }
}

Session::~Session() = default;

void Session::Execute(const std::string& sql) {
  Translated([&] { impl_->tx.exec(sql); });
}

std::vector<Row> Session::Query(const std::string& sql, const std::vector<std::string>& params) {
  return Translated([&] {
    pqxx::result r = params.empty() ? impl_->tx.exec(sql)
                                    : impl_->tx.exec_params(sql, pqxx::prepare::make_dynamic_params(params));
    std::vector<Row> rows;
    rows.reserve(r.size());
    for (const auto& row : r) {
      Row out;
      out.reserve(row.size());
      for (const auto& f : row) {
        if (f.is_null()) out.emplace_back(std::nullopt);
        else out.emplace_back(std::string(f.c_str(), f.size()));
      }
      rows.push_back(std::move(out));
    }
    return rows;
  });
}

ir::Database Session::Introspect(const IntrospectOptions& options, ir::Diagnostics& diags) {
  return internal::IntrospectIn(impl_->tx, impl_->conninfo, options, diags);
}

bool Session::Cancel() {
  try {
    impl_->conn.cancel_query();
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

int Session::BackendPid() const { return impl_->conn.backendpid(); }

}  // namespace schemac::catalog
