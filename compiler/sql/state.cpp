#include "compiler/sql/state.h"

#include <fmt/format.h>

namespace schemac::sql {

ir::SourceSpan State::Span(int32_t location) const {
  ir::SourceSpan s{ctx.file, ctx.begin, ctx.end};
  if (location < 0) return s;
  uint32_t at = ctx.base + static_cast<uint32_t>(location);
  if (at >= ctx.begin && at <= ctx.end) s.begin = at;
  return s;
}

void State::Error(std::string_view id, std::string message, ir::SourceSpan span,
                  std::vector<ir::DiagnosticNote> notes) {
  ir::Diagnostic d;
  d.severity = ir::Severity::Error;
  d.id = std::string(id);
  d.message = std::move(message);
  d.span = span;
  d.notes = std::move(notes);
  diags.Add(std::move(d));
}

void State::Warning(std::string_view id, std::string message, ir::SourceSpan span) {
  ir::Diagnostic d;
  d.severity = ir::Severity::Warning;
  d.id = std::string(id);
  d.message = std::move(message);
  d.span = span;
  diags.Add(std::move(d));
}

void State::Unsupported(const std::string& what, ir::SourceSpan span) {
  Error(ir::diag::kUnsupported, "not yet supported: " + what, span);
}

std::vector<std::string> State::Candidates(const std::string& schema) const {
  if (!schema.empty()) return {schema};
  return ctx.search_path;
}

ir::QualifiedName State::CreateName(const PgQuery__RangeVar* rv) const {
  ir::QualifiedName q;
  q.schema = rv->schemaname && *rv->schemaname ? rv->schemaname : CreationSchema();
  q.name = rv->relname ? rv->relname : "";
  return q;
}

bool State::SplitName(const std::vector<std::string>& parts, std::string* schema, std::string* name,
                      ir::SourceSpan span) {
  if (parts.size() == 1) {
    schema->clear();
    *name = parts[0];
    return true;
  }
  if (parts.size() == 2) {
    *schema = parts[0];
    *name = parts[1];
    return true;
  }
  std::string joined;
  for (const std::string& p : parts) joined += (joined.empty() ? "" : ".") + p;
  Unsupported(fmt::format("cross-database or improper qualified name \"{}\"", joined), span);
  return false;
}

bool State::EnsureSchema(const std::string& schema) {
  // `public` is present from the start (see the Compiler constructor), as in a fresh database;
  // any other schema needs its CREATE SCHEMA.
  return db.schemas.count(schema) > 0;
}

ir::Table* State::FindTable(const std::string& schema, const std::string& name) {
  auto it = db.tables.find({schema, name});
  return it == db.tables.end() ? nullptr : &it->second;
}

ir::Table* State::FindTable(const PgQuery__RangeVar* rv) {
  std::string schema = rv->schemaname ? rv->schemaname : "";
  for (const std::string& s : Candidates(schema)) {
    if (ir::Table* t = FindTable(s, rv->relname ? rv->relname : "")) return t;
  }
  return nullptr;
}

ir::Sequence* State::FindSequence(const std::string& schema, const std::string& name) {
  auto it = db.sequences.find({schema, name});
  return it == db.sequences.end() ? nullptr : &it->second;
}

ir::EnumType* State::FindEnum(const std::string& schema, const std::string& name) {
  auto it = db.enums.find({schema, name});
  return it == db.enums.end() ? nullptr : &it->second;
}

void State::NoteRelation(const ir::QualifiedName& table, const std::string& name) {
  relation_names_.emplace(std::make_pair(table.schema, name), table);
}

void State::NoteConstraint(const ir::QualifiedName& table, const std::string& name) {
  constraint_names_.emplace(std::make_pair(table.schema, name), table);
}

std::pair<ir::Table*, ir::Index*> State::FindIndex(const std::string& schema, const std::string& name) {
  auto [lo, hi] = relation_names_.equal_range({schema, name});
  for (auto it = lo; it != hi; ++it) {
    ir::Table* t = FindTable(it->second.schema, it->second.name);
    if (!t) continue;
    if (auto ix = t->indexes.find(name); ix != t->indexes.end()) return {t, &ix->second};
  }
  return {nullptr, nullptr};
}

std::optional<RelationHit> State::FindRelation(const std::string& schema, const std::string& name) const {
  if (auto it = db.tables.find({schema, name}); it != db.tables.end()) {
    return RelationHit{ir::ObjectKind::Table, it->second.span};
  }
  if (auto it = db.sequences.find({schema, name}); it != db.sequences.end()) {
    return RelationHit{ir::ObjectKind::Sequence, it->second.span};
  }
  if (auto it = db.views.find({schema, name}); it != db.views.end()) {
    return RelationHit{it->second.materialized ? ir::ObjectKind::MaterializedView : ir::ObjectKind::View,
                       it->second.span};
  }
  auto [lo, hi] = relation_names_.equal_range({schema, name});
  for (auto rit = lo; rit != hi; ++rit) {
    auto tit = db.tables.find(rit->second);
    if (tit == db.tables.end()) continue;
    const ir::Table& t = tit->second;
    if (auto it = t.indexes.find(name); it != t.indexes.end()) {
      return RelationHit{ir::ObjectKind::Index, it->second.span};
    }
    if (auto it = t.constraints.find(name); it != t.constraints.end() &&
                                            (it->second.kind == ir::ConstraintKind::PrimaryKey ||
                                             it->second.kind == ir::ConstraintKind::Unique)) {
      return RelationHit{ir::ObjectKind::Index, it->second.span};
    }
    for (const ir::Column& c : t.columns) {
      if (c.identity && c.identity->sequence_name == name) return RelationHit{ir::ObjectKind::Sequence, c.span};
    }
  }
  return std::nullopt;
}

bool State::ConstraintNameTaken(const std::string& schema, const std::string& name) const {
  auto [lo, hi] = constraint_names_.equal_range({schema, name});
  for (auto it = lo; it != hi; ++it) {
    auto tit = db.tables.find(it->second);
    if (tit != db.tables.end() && tit->second.constraints.count(name)) return true;
  }
  return false;
}

bool State::CheckRelationFree(const ir::QualifiedName& name, ir::ObjectKind kind, ir::SourceSpan span) {
  std::optional<RelationHit> hit = FindRelation(name.schema, name.name);
  if (!hit) return false;
  std::vector<ir::DiagnosticNote> notes;
  if (hit->span.Known()) notes.push_back({"previous definition is here", hit->span});
  if (hit->kind == kind) {
    Error(ir::diag::kDuplicate,
          fmt::format("{} \"{}\" is defined more than once", ir::ObjectKindName(kind), ir::DisplayName(name)), span,
          std::move(notes));
  } else {
    Error(ir::diag::kConflict,
          fmt::format("{} \"{}\" conflicts with {} of the same name (relations share one namespace per schema)",
                      ir::ObjectKindName(kind), ir::DisplayName(name), ir::ObjectKindName(hit->kind)),
          span, std::move(notes));
  }
  return true;
}

StmtResult State::Missing(const std::string& what, ir::SourceSpan span) {
  if (!ctx.final_pass) return StmtResult::Defer;
  Error(ir::diag::kUndefined, what + " does not exist", span);
  return StmtResult::Done;
}

}  // namespace schemac::sql
