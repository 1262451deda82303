#include "compiler/ir/expression_keys.h"

#include <algorithm>
#include <cctype>

#include "compiler/ir/schema.h"

namespace schemac::ir {

std::vector<std::string> ExpressionKeys(const std::string& text) {
  std::vector<std::string> out;
  std::vector<std::string> parts;  // identifiers of the current dotted chain
  bool cast = false;               // the chain follows "::"
  std::size_t i = 0;
  auto ident_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || (static_cast<unsigned char>(c) & 0x80);
  };
  auto end_chain = [&](bool call) {
    if (parts.size() == 2 && parts[0] != "pg_catalog") {
      if (call && !cast) out.push_back(FuncKey({parts[0], parts[1]}));
      if (!call && cast) out.push_back(TypeKey({parts[0], parts[1]}));
    }
    parts.clear();
    cast = false;
  };
  while (i < text.size()) {
    char c = text[i];
    if (c == '\'') {  // a string literal, '' inside it
      for (++i; i < text.size(); ++i) {
        if (text[i] != '\'') continue;
        if (i + 1 < text.size() && text[i + 1] == '\'') {
          ++i;
          continue;
        }
        break;
      }
      ++i;
      end_chain(false);
      continue;
    }
    if (c == ':' && i + 1 < text.size() && text[i + 1] == ':') {
      end_chain(false);
      cast = true;
      i += 2;
      while (i < text.size() && text[i] == ' ') ++i;
      continue;
    }
    std::string id;
    if (c == '"') {  // a quoted identifier, "" inside it
      for (++i; i < text.size(); ++i) {
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            id += '"';
            ++i;
            continue;
          }
          break;
        }
        id += text[i];
      }
      ++i;
    } else if (ident_char(c) && !std::isdigit(static_cast<unsigned char>(c)) && c != '$') {
      while (i < text.size() && ident_char(text[i])) id += text[i++];
    } else {
      end_chain(false);
      ++i;
      continue;
    }
    parts.push_back(id);
    if (i < text.size() && text[i] == '.') {
      ++i;
      continue;
    }
    end_chain(i < text.size() && text[i] == '(');
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool MentionsIdentifier(const std::string& text, const std::string& name) {
  auto ident = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
           static_cast<unsigned char>(c) >= 0x80;
  };
  for (std::size_t pos = text.find(name); pos != std::string::npos; pos = text.find(name, pos + 1)) {
    std::size_t end = pos + name.size();
    if ((pos == 0 || !ident(text[pos - 1])) && (end >= text.size() || !ident(text[end]))) return true;
  }
  return false;
}

}  // namespace schemac::ir
