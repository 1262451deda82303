// bench/raw_parse: the floor for schemac's file front end. Parses every *.sql file under the
// given paths with libpg_query alone (pg_query_parse_protobuf, what compiler/sql calls), with
// no transformation into the IR, and prints the wall time as one JSON object. A benchmark tool
// only: it is built with -DSCHEMAC_BUILD_BENCH=ON and is not part of schemac.
//
// Usage: raw_parse [--threads N] PATH...   (N = 1 by default; files are split over N threads)
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern "C" {
#include <pg_query.h>
}

namespace {

std::vector<std::string> SqlFiles(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    if (fs::is_directory(path)) {
      for (const auto& entry : fs::recursive_directory_iterator(path)) {
        if (entry.is_regular_file() && entry.path().extension() == ".sql") files.push_back(entry.path().string());
      }
    } else {
      files.push_back(path);
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "raw_parse: cannot read " << path << "\n";
    std::exit(2);
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

int main(int argc, char** argv) {
  unsigned threads = 1;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--threads" && i + 1 < argc) {
      threads = static_cast<unsigned>(std::max(1, std::atoi(argv[++i])));
    } else {
      paths.push_back(arg);
    }
  }
  if (paths.empty()) {
    std::cerr << "usage: raw_parse [--threads N] PATH...\n";
    return 2;
  }
  std::vector<std::string> texts;
  std::size_t bytes = 0;
  for (const std::string& f : SqlFiles(paths)) {
    texts.push_back(ReadFile(f));
    bytes += texts.back().size();
  }

  std::atomic<std::size_t> next{0}, protobuf_bytes{0};
  std::atomic<int> errors{0};
  auto worker = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < texts.size();) {
      PgQueryProtobufParseResult r = pg_query_parse_protobuf(texts[i].c_str());
      if (r.error) {
        ++errors;
      } else {
        protobuf_bytes += r.parse_tree.len;
      }
      pg_query_free_protobuf_parse_result(r);
    }
  };
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::printf("{\"files\": %zu, \"bytes\": %zu, \"protobuf_bytes\": %zu, \"threads\": %u, \"errors\": %d, "
              "\"seconds\": %.6f}\n",
              texts.size(), bytes, protobuf_bytes.load(), threads, errors.load(), seconds);
  return errors.load() ? 1 : 0;
}
