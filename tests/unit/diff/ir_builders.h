// Small helpers that build IR values in code for the diff and emit unit tests (no parser here:
// diff/ and emit/ never see one).
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <utility>

#include "compiler/ir/schema.h"

namespace schemac::testing {

inline ir::TypeRef Pg(std::string name, std::string modifiers = "", bool array = false) {
  return ir::TypeRef{"pg_catalog", std::move(name), std::move(modifiers), array};
}

inline ir::TypeRef UserType(std::string schema, std::string name, bool array = false) {
  return ir::TypeRef{std::move(schema), std::move(name), "", array};
}

inline ir::Column Col(std::string name, ir::TypeRef type, bool not_null = false,
                      std::optional<std::string> default_expr = std::nullopt) {
  ir::Column c;
  c.name = std::move(name);
  c.type = std::move(type);
  c.not_null = not_null;
  if (default_expr) c.default_expr = ir::Expr{*default_expr};
  return c;
}

/// An identity with PostgreSQL's default options for the column type and the default name.
inline ir::Identity IdentityFor(const std::string& table, const std::string& column,
                                const std::string& int_type, ir::IdentityKind kind) {
  ir::Identity id;
  id.kind = kind;
  id.sequence_name = table + "_" + column + "_seq";
  id.options.data_type = Pg(int_type);
  id.options.max_value = int_type == "int4" ? 2147483647 : (int_type == "int2" ? 32767 : INT64_MAX);
  return id;
}

inline ir::Table Table(std::string schema, std::string name, std::initializer_list<ir::Column> columns) {
  ir::Table t;
  t.name = ir::QualifiedName{std::move(schema), std::move(name)};
  t.columns = columns;
  return t;
}

inline ir::Constraint PrimaryKey(std::string name, std::initializer_list<std::string> columns) {
  ir::Constraint c;
  c.name = std::move(name);
  c.kind = ir::ConstraintKind::PrimaryKey;
  c.columns = columns;
  return c;
}

inline ir::Constraint Unique(std::string name, std::initializer_list<std::string> columns) {
  ir::Constraint c = PrimaryKey(std::move(name), columns);
  c.kind = ir::ConstraintKind::Unique;
  return c;
}

inline ir::Constraint Check(std::string name, std::string expr) {
  ir::Constraint c;
  c.name = std::move(name);
  c.kind = ir::ConstraintKind::Check;
  c.check = ir::Expr{std::move(expr)};
  return c;
}

inline ir::Constraint ForeignKey(std::string name, std::initializer_list<std::string> columns,
                                 ir::QualifiedName ref_table, std::initializer_list<std::string> ref_columns) {
  ir::Constraint c;
  c.name = std::move(name);
  c.kind = ir::ConstraintKind::ForeignKey;
  c.columns = columns;
  c.ref_table = std::move(ref_table);
  c.ref_columns = ref_columns;
  return c;
}

inline void AddConstraint(ir::Table& t, ir::Constraint c) {
  std::string name = c.name;
  t.constraints.emplace(std::move(name), std::move(c));
}

inline ir::Index IndexOn(std::string name, std::initializer_list<std::string> columns) {
  ir::Index i;
  i.name = std::move(name);
  for (const std::string& col : columns) {
    ir::IndexElement e;
    e.column = col;
    i.elements.push_back(e);
  }
  return i;
}

inline void AddIndex(ir::Table& t, ir::Index i) {
  std::string name = i.name;
  t.indexes.emplace(std::move(name), std::move(i));
}

inline void AddTable(ir::Database& db, ir::Table t) {
  ir::QualifiedName name = t.name;
  db.tables.emplace(std::move(name), std::move(t));
}

inline ir::EnumType Enum(std::string schema, std::string name, std::initializer_list<std::string> values) {
  ir::EnumType e;
  e.name = ir::QualifiedName{std::move(schema), std::move(name)};
  e.values = values;
  return e;
}

inline void AddEnum(ir::Database& db, ir::EnumType e) {
  ir::QualifiedName name = e.name;
  db.enums.emplace(std::move(name), std::move(e));
}

inline ir::Sequence Seq(std::string schema, std::string name) {
  ir::Sequence s;
  s.name = ir::QualifiedName{std::move(schema), std::move(name)};
  return s;
}

inline void AddSequence(ir::Database& db, ir::Sequence s) {
  ir::QualifiedName name = s.name;
  db.sequences.emplace(std::move(name), std::move(s));
}

/// A database holding only the public schema.
inline ir::Database WithPublic() {
  ir::Database db;
  db.schemas.emplace("public", ir::Schema{"public", std::nullopt, std::nullopt, {}});
  return db;
}

}  // namespace schemac::testing
