#include "compiler/catalog/conninfo.h"

#include <stdexcept>

#include <libpq-fe.h>

namespace schemac::catalog {

std::string MakeConninfo(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty()) out += ' ';
    out += key + "='";
    for (char c : value) {
      if (c == '\'' || c == '\\') out += '\\';
      out += c;
    }
    out += '\'';
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> ParseConninfo(const std::string& conninfo) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
  if (!opts) {
    std::string message = err ? err : "out of memory";
    if (err) PQfreemem(err);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    throw std::invalid_argument("invalid connection string: " + message);
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (PQconninfoOption* o = opts; o->keyword; ++o) {
    if (o->val) out.emplace_back(o->keyword, o->val);
  }
  PQconninfoFree(opts);
  return out;
}

std::string ConninfoWithDatabase(const std::string& conninfo, const std::string& dbname) {
  auto params = ParseConninfo(conninfo);
  bool replaced = false;
  for (auto& [key, value] : params) {
    if (key == "dbname") {
      value = dbname;
      replaced = true;
    }
  }
  if (!replaced) params.emplace_back("dbname", dbname);
  return MakeConninfo(params);
}

std::string ConninfoDatabase(const std::string& conninfo) {
  for (const auto& [key, value] : ParseConninfo(conninfo)) {
    if (key == "dbname") return value;
  }
  return {};
}

}  // namespace schemac::catalog
