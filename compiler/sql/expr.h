// Internal to compiler/sql: expressions of the parse tree to canonical IR text.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/schema.h"
#include "compiler/sql/pg_tree.h"
#include "compiler/sql/state.h"

namespace schemac::sql {

/// Canonical text of `expr` (see ir::Expr). Because PostgreSQL stores a nextval('seq') default
/// as nextval('schema.seq'::regclass), such calls are schema-qualified through the search_path
/// and given the regclass cast first. Reports deparse problems under `subject`.
std::optional<ir::Expr> TransformExpr(State& state, PgQuery__Node* expr, const std::string& subject);

/// Column names referenced by the expression (last part of each column reference), distinct,
/// in order of first appearance.
std::vector<std::string> ExprColumns(PgQuery__Node* expr);
/// The same for expression text already in canonical form.
std::vector<std::string> ExprTextColumns(const std::string& text);

/// FigureIndexColname: the name PostgreSQL gives an index expression when choosing the index
/// name ("lower" for lower(name), else "expr").
std::string FigureIndexColname(const PgQuery__Node* expr);

/// True when pg_catalog has a function of this name (PostgreSQL 15): such calls stay unqualified.
bool IsBuiltinFunctionName(const std::string& name);

/// The schema of the first search-path schema holding a function named `name` in `db`, or "".
std::string FunctionSchemaOnPath(const ir::Database& db, const std::vector<std::string>& search_path,
                                 const std::string& name);

/// After every statement was read: qualifies the calls TransformExpr could not yet resolve
/// (the function was defined later) in every expression of the state's IR.
void QualifyLateFunctionCalls(State& state);

/// Prepends `schema` to a one-part name list of the parse tree (a function's or a type's name),
/// in place, allocating from the statement's arena; a longer list is left alone.
void QualifyNameList(State& state, PgQuery__Node*** names, std::size_t* n, const std::string& schema);

/// Splits a regclass literal ('public."Odd"') into lower-cased (unless quoted) name parts.
std::vector<std::string> SplitQualifiedLiteral(const std::string& text);

}  // namespace schemac::sql
