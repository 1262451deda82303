// compiler/catalog keeps libpqxx out of its public headers and never includes libpg_query.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

namespace fs = std::filesystem;

namespace {

// tests/integration/catalog/<this file> -> the repository root.
fs::path CatalogDir() {
  return fs::path(__FILE__).parent_path().parent_path().parent_path().parent_path() / "compiler" / "catalog";
}

std::string Read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("catalog headers meant for other layers do not include libpqxx or libpg_query", "[layering]") {
  int headers = 0;
  for (const auto& entry : fs::directory_iterator(CatalogDir())) {
    std::string name = entry.path().filename().string();
    std::string text = Read(entry.path());
    INFO(name);
    CHECK(text.find("pg_query") == std::string::npos);
    if (entry.path().extension() == ".h" && name != "introspect_context.h") {
      ++headers;
      CHECK(text.find("pqxx") == std::string::npos);
      CHECK(text.find("libpq-fe.h") == std::string::npos);
    }
  }
  CHECK(headers >= 4);
}
