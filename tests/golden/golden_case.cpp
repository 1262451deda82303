#include "tests/golden/golden_case.h"

#include <sstream>

namespace schemac::golden {

namespace {

bool SectionMarker(const std::string& line, std::string& name) {
  for (const char* input : {"current.sql", "desired.sql"}) {
    if (line == std::string("-- ") + input) {
      name = input;
      return true;
    }
  }
  for (const char* output : {"forward", "rollback", "diagnostics"}) {
    if (line == std::string("---- ") + output) {
      name = output;
      return true;
    }
  }
  return false;
}

}  // namespace

bool ParseCase(const std::string& text, Case& out, std::string& error) {
  std::istringstream in(text);
  std::string line, current;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    std::string name;
    if (SectionMarker(line, name)) {
      if (out.sections.count(name)) {
        error = "line " + std::to_string(line_no) + ": section '" + name + "' appears twice";
        return false;
      }
      current = name;
      out.order.push_back(name);
      out.sections[name];
      continue;
    }
    if (current.empty()) {
      if (!line.empty() && line[0] != '#') {
        error = "line " + std::to_string(line_no) + ": text before the first section must be '#' comments";
        return false;
      }
      out.header += line + "\n";
      continue;
    }
    out.sections[current] += line + "\n";
  }
  if (!out.sections.count("current.sql") || !out.sections.count("desired.sql")) {
    error = "a case needs both '-- current.sql' and '-- desired.sql' sections";
    return false;
  }
  return true;
}

std::string FormatCase(const Case& c) {
  std::string out = c.header;
  auto emit = [&](const char* marker, const char* name, bool always) {
    auto it = c.sections.find(name);
    std::string body = it == c.sections.end() ? "" : it->second;
    if (!always && body.empty()) return;
    out += std::string(marker) + name + "\n" + body;
  };
  emit("-- ", "current.sql", true);
  emit("-- ", "desired.sql", true);
  emit("---- ", "forward", true);
  emit("---- ", "rollback", true);
  emit("---- ", "diagnostics", false);
  return out;
}

}  // namespace schemac::golden
