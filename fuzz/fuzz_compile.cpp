// libFuzzer target for the SQL front end: any input must compile to an IR plus diagnostics,
// never crash. How to build and run it: fuzz/CMakeLists.txt.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/sql/compile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // NUL-terminate: libpg_query reads C strings, so cut at the first NUL like a file read would not.
  std::string text(reinterpret_cast<const char*>(data), size);
  text = text.c_str();
  schemac::ir::SourceManager sources;
  schemac::ir::Diagnostics diags;
  schemac::sql::CompileText("fuzz.sql", text, schemac::sql::CompileOptions{}, sources, diags);
  return 0;
}
