#include "compiler/sql/names.h"

#include "compiler/ir/schema.h"
#include "compiler/sql/state.h"

namespace schemac::sql {

namespace {

// pg_mbcliplen for UTF-8: the longest prefix of at most `len` bytes that ends on a character
// boundary.
std::size_t ClipLen(const std::string& s, std::size_t len) {
  if (len >= s.size()) return s.size();
  while (len > 0 && (static_cast<unsigned char>(s[len]) & 0xC0) == 0x80) --len;
  return len;
}

}  // namespace

std::string MakeObjectName(const std::string& name1, const std::string& name2, const std::string& label) {
  std::size_t overhead = 0;
  std::size_t name1chars = name1.size();
  std::size_t name2chars = name2.size();
  if (!name2.empty()) overhead++;  // the "_" before name2
  if (!label.empty()) overhead += label.size() + 1;
  std::size_t avail = ir::kMaxIdentifierBytes - overhead;
  while (name1chars + name2chars > avail) {
    if (name1chars > name2chars) {
      name1chars--;
    } else {
      name2chars--;
    }
  }
  name1chars = ClipLen(name1, name1chars);
  name2chars = ClipLen(name2, name2chars);
  std::string out = name1.substr(0, name1chars);
  if (!name2.empty()) out += "_" + name2.substr(0, name2chars);
  if (!label.empty()) out += "_" + label;
  return out;
}

std::string NameAddition(const std::vector<std::string>& names) {
  std::string buf;
  for (const std::string& n : names) {
    if (!buf.empty()) buf += '_';
    buf += n.substr(0, ir::kMaxIdentifierBytes);  // strlcpy(..., NAMEDATALEN)
    if (buf.size() >= ir::kMaxIdentifierBytes + 1) break;
  }
  return buf;
}

std::string ChooseRelationName(const State& state, const std::string& schema, const std::string& name1,
                               const std::string& name2, const std::string& label, bool is_constraint,
                               const std::set<std::string>& taken) {
  std::string modlabel = label;
  for (int pass = 1;; ++pass) {
    std::string name = MakeObjectName(name1, name2, modlabel);
    bool used = taken.count(name) || state.FindRelation(schema, name).has_value() ||
                (is_constraint && state.ConstraintNameTaken(schema, name));
    if (!used) return name;
    modlabel = label + std::to_string(pass);
  }
}

std::string ChooseConstraintName(const State& state, const std::string& schema, const std::string& name1,
                                 const std::string& name2, const std::string& label,
                                 const std::set<std::string>& taken) {
  std::string modlabel = label;
  for (int pass = 1;; ++pass) {
    std::string name = MakeObjectName(name1, name2, modlabel);
    if (!taken.count(name) && !state.ConstraintNameTaken(schema, name)) return name;
    modlabel = label + std::to_string(pass);
  }
}

}  // namespace schemac::sql
