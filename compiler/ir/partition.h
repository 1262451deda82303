// What PostgreSQL does to a partition on its own when its parent changes, on the IR: shared by the
// SQL front end (ALTER TABLE on a partitioned table recurses) and the differ (changes a plan
// makes to a parent need no step of their own on the partitions).
#pragma once

#include "compiler/ir/schema.h"

namespace schemac::ir {

/// The index a PRIMARY KEY / UNIQUE constraint implies: unique btree over its columns (ascending,
/// NULLS LAST), with its INCLUDE columns and NULLS NOT DISTINCT; named like the constraint.
Index ConstraintIndex(const Constraint& k);

/// PostgreSQL's CompareIndexInfo: the same definition (uniqueness, method, elements, INCLUDE,
/// predicate, NULLS NOT DISTINCT); names, comments, storage parameters and attachment aside.
bool SameIndexDefinition(const Index& a, const Index& b);

/// Two foreign keys with the same definition (names, comments and validation aside).
bool SameForeignKey(const Constraint& a, const Constraint& b);

/// The column a partition gets from its parent's `column`: type, collation, NOT NULL, default
/// and generation expression (not an identity nor a comment).
Column InheritedColumn(const Column& column);

/// Applies to `child`, a partition of the parent, what PostgreSQL's recursion does when the
/// parent goes from `before` to `after`: columns added and dropped (with the child's indexes
/// and constraints on a dropped column), types, defaults, NOT NULL and generation expressions
/// dropped. Columns are matched by name.
void ApplyParentColumnChanges(Table& child, const Table& before, const Table& after);

/// Whether CHECK `name` of `table` (its own, or inherited as a partition) is validated there:
/// nullopt when the table has no such CHECK.
std::optional<bool> CheckValidated(const Database& db, const Table& table, const std::string& name);

/// Keeps in each partition's valid_check_copies only the names of CHECKs its parent holds NOT
/// VALID (what makes the copy's validity differ from the parent's).
void NormalizeCheckCopies(Database& db);

}  // namespace schemac::ir
