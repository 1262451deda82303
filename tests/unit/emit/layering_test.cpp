// diff/ and emit/ never see a parse tree or a connection: their sources must not include
// pg_query or pqxx (STYLE.md section 1).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#ifndef SCHEMAC_SOURCE_DIR
#error "SCHEMAC_SOURCE_DIR must name the repository root"
#endif

TEST_CASE("diff/ and emit/ include neither pg_query nor pqxx", "[layering]") {
  int files = 0;
  for (const char* folder : {"diff", "emit"}) {
    std::filesystem::path dir = std::filesystem::path(SCHEMAC_SOURCE_DIR) / folder;
    REQUIRE(std::filesystem::is_directory(dir));
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path());
      std::stringstream ss;
      ss << in.rdbuf();
      std::string line;
      ++files;
      while (std::getline(ss, line)) {
        if (line.find("#include") == std::string::npos) continue;
        INFO(entry.path().string() << ": " << line);
        CHECK(line.find("pg_query") == std::string::npos);
        CHECK(line.find("pqxx") == std::string::npos);
        CHECK(line.find("libpq") == std::string::npos);
      }
    }
  }
  CHECK(files >= 10);
}
