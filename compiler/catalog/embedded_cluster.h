// A throwaway PostgreSQL cluster for tests and for canonicalizing desired state through a real
// server: initdb into a fresh temporary directory, a unix socket in that directory only (no TCP),
// trust authentication confined to that socket, removed again on destruction or on a terminating
// signal (SIGINT, SIGTERM, SIGHUP, SIGPIPE).
#pragma once

#include <memory>
#include <string>

namespace schemac::catalog {

/// One private PostgreSQL server. Not copyable; several may run at once (each has its own
/// directory and socket).
class EmbeddedCluster {
 public:
  EmbeddedCluster() = default;
  /// Stops the server and removes its directory (errors are swallowed).
  ~EmbeddedCluster();
  EmbeddedCluster(const EmbeddedCluster&) = delete;
  EmbeddedCluster& operator=(const EmbeddedCluster&) = delete;

  /// initdb + pg_ctl start -w. Throws std::runtime_error (with the tail of the server log) on
  /// failure, after removing whatever it created. Calling Start on a running cluster is an error.
  void Start();

  /// Stops the server (immediate shutdown: the data is throwaway) and removes the directory.
  /// Safe to call more than once.
  void Stop();

  bool Running() const { return running_; }

  /// A libpq key/value conninfo string for `dbname`, connecting as the bootstrap superuser.
  std::string Conninfo(const std::string& dbname = "postgres") const;

  /// The socket directory (libpq's host).
  const std::string& Host() const { return dir_; }
  /// The port; it only names the socket file, nothing listens on TCP.
  int Port() const { return port_; }
  /// The bootstrap superuser: the OS user running this process (so libpq needs no password).
  const std::string& User() const { return user_; }
  /// The temporary directory holding the data directory, socket and logs.
  const std::string& Directory() const { return dir_; }
  /// Milliseconds the last Start() took.
  double StartMillis() const { return start_millis_; }

  /// (Re)installs the SIGINT/SIGTERM/SIGHUP/SIGPIPE handlers that stop every running cluster and remove
  /// its directory before the signal takes its course. Start() calls it; call it again after
  /// code that may have replaced the handlers (test frameworks restore theirs after each test).
  static void InstallSignalHandlers();

  /// The directory holding initdb and pg_ctl: `pg_config --bindir` when it has initdb, else the
  /// highest /usr/lib/postgresql/*/bin. Throws when none is found.
  static std::string FindBinDir();

 private:
  std::string TailOfLogs() const;
  void Cleanup() noexcept;

  std::string bindir_;
  std::string dir_;
  std::string user_;
  int port_ = 0;
  int slot_ = -1;  // index in the signal-cleanup registry
  bool running_ = false;
  bool dir_owned_ = false;  // dir_ exists and is ours to remove
  int owner_pid_ = 0;       // the process that started it (a fork()ed child must not remove it)
  double start_millis_ = 0;
};

/// The server scratch work runs on: `dev_db` when one is given (a conninfo; nothing is started),
/// else an embedded cluster started here and removed when this goes away. The constructor throws
/// what EmbeddedCluster::Start throws.
class ScratchServer {
 public:
  explicit ScratchServer(const std::string& dev_db) : conninfo_(dev_db) {
    if (!conninfo_.empty()) return;
    cluster_ = std::make_unique<EmbeddedCluster>();
    cluster_->Start();
    conninfo_ = cluster_->Conninfo();
  }
  const std::string& Conninfo() const { return conninfo_; }

 private:
  std::unique_ptr<EmbeddedCluster> cluster_;
  std::string conninfo_;
};

}  // namespace schemac::catalog
