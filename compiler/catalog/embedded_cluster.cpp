#include "compiler/catalog/embedded_cluster.h"

#include <atomic>
#include <cstdint>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fmt/format.h>

#include "compiler/catalog/conninfo.h"
#include "compiler/catalog/process.h"

namespace schemac::catalog {

namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// Cleanup on SIGINT/SIGTERM/SIGHUP/SIGPIPE. A signal handler may only use async-signal-safe calls, so
// every running cluster is recorded in a fixed table of plain char buffers, and the handler
// stops the postmaster with kill(2), waits for it to remove postmaster.pid, and removes the
// directory by fork+exec of rm(1). Then the previous disposition is restored and the signal
// raised again, so that the process dies the way it would have without us.

constexpr int kMaxSlots = 32;
constexpr int kPathMax = 512;

struct Slot {
  std::atomic<int> used{0};
  // The process that started the cluster: a fork()ed child inherits this table and the
  // handlers, and must not tear down its parent's clusters when it is signalled.
  std::atomic<pid_t> owner{0};
  std::atomic<pid_t> postmaster{0};
  char dir[kPathMax] = {};
  char pidfile[kPathMax] = {};
};

Slot g_slots[kMaxSlots];
// SIGPIPE too: a test binary piped into `head` dies of it, and would leave its server behind.
constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
constexpr int kSignalCount = sizeof kSignals / sizeof kSignals[0];
struct sigaction g_previous[kSignalCount];

void SleepMillis(long ms) {
  timespec ts{ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

// Immediate shutdown (SIGQUIT): the data is throwaway, so there is no point in a checkpoint.
// The postmaster removes postmaster.pid as it exits; it is not our child (pg_ctl detaches it),
// so we cannot waitpid() for it, and a zombie would still answer kill(pid, 0).
void StopPostmaster(pid_t pid, const char* pidfile) noexcept {
  if (pid <= 0) return;
  if (kill(pid, SIGQUIT) != 0) return;  // already gone
  for (int i = 0; i < 500 && access(pidfile, F_OK) == 0; ++i) SleepMillis(10);
  if (access(pidfile, F_OK) == 0) {
    kill(pid, SIGKILL);
    for (int i = 0; i < 100 && kill(pid, 0) == 0; ++i) SleepMillis(10);
  }
}

void RemoveTreeSignalSafe(const char* dir) noexcept {
  pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/rm", "rm", "-rf", "--", dir, static_cast<char*>(nullptr));
    _exit(127);
  }
  if (pid > 0) {
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

// The postmaster pid from the first line of postmaster.pid, with async-signal-safe calls only.
pid_t ReadPidSignalSafe(const char* pidfile) noexcept {
  int fd = open(pidfile, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buf[32];
  ssize_t n = read(fd, buf, sizeof buf);
  close(fd);
  pid_t pid = 0;
  for (ssize_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; ++i) pid = pid * 10 + (buf[i] - '0');
  return pid;
}

void OnSignal(int sig) {
  int saved_errno = errno;
  for (Slot& s : g_slots) {
    if (s.owner.load() != getpid()) continue;
    int expected = 1;
    // 2 = being cleaned up here; a second signal does not clean up twice.
    if (!s.used.compare_exchange_strong(expected, 2)) continue;
    // During Start() the pid may not be recorded yet while the postmaster already runs.
    pid_t pid = s.postmaster.load();
    if (pid <= 0) pid = ReadPidSignalSafe(s.pidfile);
    StopPostmaster(pid, s.pidfile);
    RemoveTreeSignalSafe(s.dir);
  }
  for (int i = 0; i < kSignalCount; ++i) {
    if (kSignals[i] == sig) sigaction(sig, &g_previous[i], nullptr);
  }
  errno = saved_errno;
  raise(sig);
}

// Installed at every Start(), not once: test frameworks (Catch2) save and restore signal
// handlers around each test case, which would silently remove ours.
void InstallHandlers() {
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  for (int i = 0; i < kSignalCount; ++i) {
    struct sigaction current = {};
    sigaction(kSignals[i], nullptr, &current);
    if (!(current.sa_flags & SA_SIGINFO) && current.sa_handler == OnSignal) continue;
    // An ignored signal (nohup) must stay ignored: it will not end the process.
    if (!(current.sa_flags & SA_SIGINFO) && current.sa_handler == SIG_IGN) continue;
    struct sigaction sa = {};
    sa.sa_handler = OnSignal;
    sigemptyset(&sa.sa_mask);
    for (int s : kSignals) sigaddset(&sa.sa_mask, s);
    sa.sa_flags = SA_RESTART;
    sigaction(kSignals[i], &sa, &g_previous[i]);
  }
}

int Register(const std::string& dir, const std::string& pidfile) {
  if (dir.size() >= kPathMax || pidfile.size() >= kPathMax) {
    throw std::runtime_error(fmt::format("embedded PostgreSQL: path too long: {}", pidfile));
  }
  for (int i = 0; i < kMaxSlots; ++i) {
    int expected = 0;
    // 3 = being filled in; the handler only acts on 1.
    if (g_slots[i].used.compare_exchange_strong(expected, 3)) {
      std::memcpy(g_slots[i].dir, dir.c_str(), dir.size() + 1);
      std::memcpy(g_slots[i].pidfile, pidfile.c_str(), pidfile.size() + 1);
      g_slots[i].postmaster = 0;
      g_slots[i].owner = getpid();
      g_slots[i].used = 1;
      return i;
    }
  }
  throw std::runtime_error("embedded PostgreSQL: too many clusters in one process");
}

/// Takes the slot back from the signal handler (which skips slots in state 3); false when the
/// handler already owns it.
bool Claim(int slot) {
  int expected = 1;
  return g_slots[slot].used.compare_exchange_strong(expected, 3);
}

void Release(int slot) {
  g_slots[slot].postmaster = 0;
  g_slots[slot].used = 0;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Tail(const std::string& text, std::size_t lines) {
  std::size_t pos = text.size();
  if (pos > 0 && text[pos - 1] == '\n') --pos;
  for (std::size_t n = 0; n < lines && pos > 0; ++n) {
    std::size_t nl = text.rfind('\n', pos - 1);
    if (nl == std::string::npos) return text;
    pos = nl;
  }
  return text.substr(pos == 0 ? 0 : pos + 1);
}

// The port only names the socket file inside our private directory, so any number works; a
// different one per cluster keeps PostgreSQL's shared-memory key (derived from the port) from
// colliding with other clusters on the machine.
int PickPort() {
  static std::atomic<int> counter{0};
  unsigned seed = static_cast<unsigned>(getpid()) * 7919u + static_cast<unsigned>(counter++) * 104729u +
                  static_cast<unsigned>(std::chrono::steady_clock::now().time_since_epoch().count() & 0xffff);
  return 20000 + static_cast<int>(seed % 40000u);
}

std::optional<int> VersionNumber(const std::string& s) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoi(s);
}

void InitDb(const std::string& bindir, const std::string& user, const std::string& data,
            const ProcessOptions& opts) {
  ProcessResult init = RunProcess({bindir + "/initdb", "-D", data, "-E", "UTF8", "--no-locale", "--auth-local=trust",
                                   "--auth-host=reject", "-U", user, "--no-sync", "--no-instructions"},
                                  opts);
  if (!init.Ok()) {
    throw std::runtime_error(
        fmt::format("initdb failed (exit {}):\n{}{}", init.exit_code, Tail(init.out, 20), Tail(init.err, 20)));
  }
}

// FNV-1a, for a short stable template name.
uint64_t Fnv1a(const std::string& text) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  return h;
}

// A data directory initdb'd once and shared, read-only, by every later cluster of the same
// OS account, server build and superuser name: `<base>/schemac-pg-template-<key>/data`. It is
// built under a temporary name and renamed into place, so it is complete whenever it exists;
// one that is not owned by the account running the server, or readable by others, is never
// used. Returns "" when there is none and one cannot be made (the caller then runs initdb).
// SCHEMAC_PG_NO_TEMPLATE=1 turns this off.
std::string TemplateDataDir(const std::string& bindir, const std::string& user, const std::string& base,
                            const ProcessOptions& opts) {
  if (const char* off = std::getenv("SCHEMAC_PG_NO_TEMPLATE"); off && *off && std::string(off) != "0") return {};
  struct stat initdb_stat;
  if (stat((bindir + "/initdb").c_str(), &initdb_stat) != 0) return {};
  uid_t runner = opts.run_as ? opts.run_as->uid : geteuid();
  // Everything that ends up in the data directory: server build, superuser, initdb flags.
  std::string key = fmt::format("v1\n{}\n{}\n{}\n{}\n{}", bindir, user, static_cast<long long>(initdb_stat.st_size),
                                static_cast<long long>(initdb_stat.st_mtime), runner);
  std::string dir = fmt::format("{}/schemac-pg-template-{}-{:016x}", base, runner, Fnv1a(key));
  auto usable = [&]() {
    struct stat st;
    if (lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != runner || (st.st_mode & 077) != 0) {
      return false;
    }
    std::error_code ec;
    return fs::exists(dir + "/ready", ec) && fs::exists(dir + "/data/PG_VERSION", ec);
  };
  if (usable()) return dir + "/data";
  struct stat st;
  if (lstat(dir.c_str(), &st) == 0) return {};  // someone else's, or broken: leave it alone

  std::string tmp = base + "/schemac-pg-tmpl-XXXXXX";
  if (!mkdtemp(tmp.data())) return {};
  int slot = -1;
  try {
    slot = Register(tmp, tmp + "/data/postmaster.pid");  // removed on a signal while building
    if (opts.run_as && chown(tmp.c_str(), opts.run_as->uid, opts.run_as->gid) != 0) {
      throw std::runtime_error("chown");
    }
    ProcessOptions in_tmp = opts;
    in_tmp.cwd = tmp;
    InitDb(bindir, user, tmp + "/data", in_tmp);
    std::ofstream(tmp + "/ready") << "complete\n";
    if (rename(tmp.c_str(), dir.c_str()) != 0) {
      std::error_code ec;
      fs::remove_all(tmp, ec);  // another process won the race; use its template
    }
    if (Claim(slot)) Release(slot);
  } catch (const std::exception&) {
    if (slot >= 0 && Claim(slot)) Release(slot);
    std::error_code ec;
    fs::remove_all(tmp, ec);
    return {};
  }
  return usable() ? dir + "/data" : std::string();
}

}  // namespace

void EmbeddedCluster::InstallSignalHandlers() { InstallHandlers(); }

std::string EmbeddedCluster::FindBinDir() {
  try {
    ProcessResult r = RunProcess({"pg_config", "--bindir"});
    if (r.Ok()) {
      std::string dir = r.out.substr(0, r.out.find_last_not_of(" \n\r\t") + 1);
      if (!dir.empty() && fs::exists(fs::path(dir) / "initdb")) return dir;
    }
  } catch (const std::exception&) {
    // pg_config is optional: fall back to the Debian layout below.
  }
  std::optional<int> best;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    std::optional<int> v = VersionNumber(entry.path().filename().string());
    if (v && fs::exists(entry.path() / "bin" / "initdb") && (!best || *v > *best)) best = v;
  }
  if (!best) {
    throw std::runtime_error(
        "embedded PostgreSQL: no server binaries found (pg_config --bindir has no initdb and there is no "
        "/usr/lib/postgresql/*/bin/initdb); install postgresql-15");
  }
  return fmt::format("/usr/lib/postgresql/{}/bin", *best);
}

EmbeddedCluster::~EmbeddedCluster() { Cleanup(); }

void EmbeddedCluster::Start() {
  if (running_ || slot_ >= 0) throw std::logic_error("EmbeddedCluster::Start: already started");
  auto t0 = std::chrono::steady_clock::now();
  bindir_ = FindBinDir();
  user_ = CurrentUserName();

  // initdb and postgres refuse to run as root. As root we run them as the `postgres` OS
  // account, but name the bootstrap superuser after the calling user, so that libpq (which
  // defaults to the OS user name) connects with no password over the trusted private socket.
  ProcessOptions opts;
  if (geteuid() == 0) {
    opts.run_as = LookUpUser("postgres");
    if (!opts.run_as) {
      throw std::runtime_error(
          "embedded PostgreSQL: running as root needs an OS user named \"postgres\" to run the server as");
    }
  }
  opts.unset_env = {"PGDATA", "PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGOPTIONS", "PGSERVICE"};
  opts.set_env = {{"LC_ALL", "C"}};

  // Unix socket paths are limited to 107 bytes, so prefer a short temporary directory.
  std::string base = "/tmp";
  if (const char* t = std::getenv("TMPDIR"); t && *t && std::strlen(t) < 60) base = t;
  std::string templ = base + "/schemac-pg-XXXXXX";
  if (!mkdtemp(templ.data())) {
    throw std::runtime_error(fmt::format("embedded PostgreSQL: mkdtemp in {}: {}", base, std::strerror(errno)));
  }
  dir_ = templ;
  dir_owned_ = true;
  owner_pid_ = getpid();
  const std::string data = dir_ + "/data";
  try {
    slot_ = Register(dir_, data + "/postmaster.pid");
    InstallSignalHandlers();
    if (opts.run_as && chown(dir_.c_str(), opts.run_as->uid, opts.run_as->gid) != 0) {
      throw std::runtime_error(fmt::format("chown {}: {}", dir_, std::strerror(errno)));
    }
    opts.cwd = dir_;
    port_ = PickPort();

    // initdb costs 0.8 s on an idle machine and over 2 s on a loaded one; copying a data
    // directory initdb'd once before (a shared template, see TemplateDataDir) takes a fraction.
    std::string from = TemplateDataDir(bindir_, user_, base, opts);
    bool copied = false;
    if (!from.empty()) {
      ProcessResult cp = RunProcess({"cp", "-a", from, data}, opts);
      copied = cp.Ok();
      std::error_code ec;
      if (!copied) fs::remove_all(data, ec);
    }
    if (!copied) InitDb(bindir_, user_, data, opts);
    // listen_addresses='' : no TCP at all; the socket lives only in our private directory, which
    // is what makes trust authentication acceptable. fsync/full_page_writes off: throwaway data.
    std::string server_opts = fmt::format(
        "-k '{}' -p {} -c listen_addresses='' -c fsync=off -c full_page_writes=off "
        "-c synchronous_commit=off -c max_wal_senders=0 -c wal_level=minimal",
        dir_, port_);
    ProcessResult start = RunProcess({bindir_ + "/pg_ctl", "-D", data, "-l", dir_ + "/postgres.log", "-w", "-t",
                                      "60", "-s", "-o", server_opts, "start"},
                                     opts);
    if (!start.Ok()) {
      throw std::runtime_error(fmt::format("pg_ctl start failed (exit {}): {}{}", start.exit_code, start.out,
                                           start.err));
    }
    std::string pidfile = ReadFile(data + "/postmaster.pid");
    pid_t pid = static_cast<pid_t>(std::atol(pidfile.c_str()));
    if (pid <= 0) throw std::runtime_error("cannot read the postmaster pid from postmaster.pid");
    g_slots[slot_].postmaster = pid;
    running_ = true;
  } catch (const std::exception& e) {
    std::string logs = TailOfLogs();
    Cleanup();
    throw std::runtime_error(fmt::format("embedded PostgreSQL did not start: {}\n{}", e.what(), logs));
  }
  start_millis_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

std::string EmbeddedCluster::TailOfLogs() const {
  if (dir_.empty()) return {};
  fs::path log = fs::path(dir_) / "postgres.log";
  std::error_code ec;
  if (!fs::exists(log, ec)) return {};
  return "server log (last lines):\n" + Tail(ReadFile(log), 30);
}

void EmbeddedCluster::Stop() { Cleanup(); }

void EmbeddedCluster::Cleanup() noexcept {
  if (owner_pid_ != getpid()) {
    // A fork()ed copy of the object (e.g. static destructors in a child that exit()s): the
    // cluster belongs to the parent.
    slot_ = -1;
    dir_owned_ = false;
    running_ = false;
    return;
  }
  if (slot_ >= 0) {
    if (Claim(slot_)) {
      std::string pidfile = dir_ + "/data/postmaster.pid";
      std::string text = ReadFile(pidfile);
      pid_t pid = static_cast<pid_t>(std::atol(text.c_str()));
      StopPostmaster(pid, pidfile.c_str());
      std::error_code ec;
      fs::remove_all(dir_, ec);
      Release(slot_);
    }
    slot_ = -1;
  } else if (dir_owned_) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  dir_owned_ = false;
  running_ = false;
}

std::string EmbeddedCluster::Conninfo(const std::string& dbname) const {
  return MakeConninfo({{"host", dir_}, {"port", std::to_string(port_)}, {"user", user_}, {"dbname", dbname}});
}

}  // namespace schemac::catalog
