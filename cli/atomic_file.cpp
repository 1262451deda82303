#include "cli/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace schemac::cli {

bool WriteFileAtomically(const std::string& path, const std::string& content, std::string& error) {
  std::filesystem::path target(path);
  std::filesystem::path dir = target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path();
  std::string tmpl = (dir / ("." + target.filename().string() + ".schemac-XXXXXX")).string();
  int fd = mkstemp(tmpl.data());
  if (fd < 0) {
    error = "cannot create a temporary file next to " + path + ": " + std::strerror(errno);
    return false;
  }
  // mkstemp creates 0600; output files get the usual 0644 less the umask.
  mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  std::size_t written = 0;
  while (written < content.size()) {
    ssize_t n = write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = "cannot write " + path + ": " + std::strerror(errno);
      close(fd);
      unlink(tmpl.c_str());
      return false;
    }
    written += static_cast<std::size_t>(n);
  }
  if (fsync(fd) != 0 || close(fd) != 0) {
    error = "cannot write " + path + ": " + std::strerror(errno);
    unlink(tmpl.c_str());
    return false;
  }
  if (std::rename(tmpl.c_str(), path.c_str()) != 0) {
    error = "cannot replace " + path + ": " + std::strerror(errno);
    unlink(tmpl.c_str());
    return false;
  }
  return true;
}

}  // namespace schemac::cli
