// Renames from `-- schemac:renamed-from` (ir::Directives): which ones a plan makes, and the state
// they leave. The planner runs the renames first, then diffs the renamed state against the
// target as usual, so that a renamed object keeps its rows and everything else about it is
// compared as for any matched object.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "compiler/ir/schema.h"
#include "compiler/ir/source.h"
#include "diff/change.h"

namespace schemac::diff {

/// How a name is written in SQL: bare when PostgreSQL prints it bare, else double-quoted
/// (emit::QuoteIdentifier; the planner passes it in, so that quoting stays in emit/).
using QuoteFn = std::function<std::string(const std::string&)>;

/// The renames that turn names of `from` into names of `to`, as ChangeKind::Rename changes in
/// execution order (tables, views and functions; then indexes, constraints and columns; then
/// enum values). Each has `text_before` (the current name) and `text_after` (the new one);
/// `object` is the object under its new name (an element's table under the name it has by then);
/// `before.table` / `before.view` / `before.function` point into `from`.
///
/// Hints come from both states: those of `to` (the desired state of a forward plan) as written,
/// those of `from` (the desired state, when planning a rollback) the other way round. A hint
/// applies when the starting state has the old name and not the new one, and the other state
/// the new name and not the old one; a hint whose new name the starting state already has was
/// applied before and does nothing.
///
/// Errors (`plan.rename`, for hints of `to` only), at the directive: an element (column,
/// constraint, index, enum value) whose table or type exists in `from` under neither name; an
/// index found on another table. Warning (`plan.rename-source-absent`): a table, view or function
/// found under neither name while its schema in `from` holds others of its kind.
std::vector<Change> PlanRenames(const ir::Database& from, const ir::Database& to, const QuoteFn& quote,
                                ir::Diagnostics& diags);

/// `from` with `renames` (from PlanRenames(from, ...)) applied as PostgreSQL applies them: the
/// objects re-keyed, and the references that follow an object by its OID (foreign keys,
/// partitions, owned sequences, privileges, index parents, dependency keys, and column names in
/// keys, indexes, triggers and expressions) renamed with it. Expression texts are rewritten by
/// identifier where they name a renamed column; a text this misses only makes the diff replace
/// that element with the target's.
ir::Database ApplyRenames(const ir::Database& from, const std::vector<Change>& renames, const QuoteFn& quote);

/// True when a relation (table, view, sequence, index or key) of `schema` in `db` is named `name`.
bool RelationNameTaken(const ir::Database& db, const std::string& schema, const std::string& name);

/// `text` with every identifier `old_name` (bare or double-quoted, not a field of something, not
/// called as a function, not inside a string literal) replaced by `new_name`, both as `quote`
/// writes them. A field of one of `qualifiers` (`new.col` and `old.col` in a trigger's WHEN)
/// counts as the identifier too.
std::string RenameIdentifier(const std::string& text, const std::string& old_name, const std::string& new_name,
                             const QuoteFn& quote, const std::vector<std::string>& qualifiers = {});

}  // namespace schemac::diff
