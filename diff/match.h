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
  /// Tables of both states that do not match because PostgreSQL cannot change how they are
  /// partitioned in place (a new partition key, plain <-> partitioned): each such root is
  /// dropped and created anew, its rows saved and restored around it. The value is the old
  /// name's partitions that are rebuilt with it (partitions of it on both sides, recursively).
  std::map<ir::QualifiedName, std::vector<ir::QualifiedName>> rebuilt_tables;

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

/// Matches the objects of `from` to those of `to` by identity (kind + qualified name). A table
/// whose partitioning differs (and its partitions on both sides) does not match: see
/// Matching::rebuilt_tables.
Matching MatchObjects(const ir::Database& from, const ir::Database& to);

}  // namespace schemac::diff
