// Object identity: which object of the `from` state is which object of the `to` state. This is
// the ONE place that decides it; the differ only asks it. Today objects match by name; a rename
// directive will add entries mapping an old name to a new one.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "compiler/ir/schema.h"

namespace schemac::diff {

/// A from-object -> to-object mapping per object kind. Unmatched `from` objects are dropped,
/// unmatched `to` objects are created.
struct Matching {
  std::map<std::string, std::string> schemas;
  std::map<ir::QualifiedName, ir::QualifiedName> enums;
  std::map<ir::QualifiedName, ir::QualifiedName> sequences;
  std::map<ir::QualifiedName, ir::QualifiedName> tables;
  /// (from table, from column) -> to column, for matched tables only.
  std::map<std::pair<ir::QualifiedName, std::string>, std::string> columns;

  std::optional<std::string> Schema(const std::string& from) const;
  std::optional<ir::QualifiedName> Enum(const ir::QualifiedName& from) const;
  std::optional<ir::QualifiedName> Sequence(const ir::QualifiedName& from) const;
  std::optional<ir::QualifiedName> Table(const ir::QualifiedName& from) const;
  std::optional<std::string> Column(const ir::QualifiedName& from_table,
                                    const std::string& from_column) const;
  /// Every `to` object some `from` object maps to (schemas, enums, sequences, tables, columns;
  /// constraints and indexes match by name inside matched tables).
  std::set<ir::ObjectId> Targets() const;
  /// True when some `from` object maps to the `to` object with this identity (builds Targets():
  /// call Targets() once when asking about many objects).
  bool IsMatchedTarget(const ir::ObjectId& to) const;
};

/// Matches the objects of `from` to those of `to` by identity (kind + qualified name).
Matching MatchObjects(const ir::Database& from, const ir::Database& to);

}  // namespace schemac::diff
