#include "compiler/sql/directives.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include <fmt/format.h>

namespace schemac::sql {

namespace {

using grammar::DirectiveKind;

// A 'quoted' literal at `at` ('' for a quote); nullopt when none starts there.
std::optional<std::string> LiteralAt(const std::string& text, uint32_t at) {
  if (at >= text.size() || text[at] != '\'') return std::nullopt;
  std::string out;
  for (std::size_t i = at + 1; i < text.size(); ++i) {
    if (text[i] != '\'') {
      out += text[i];
    } else if (i + 1 < text.size() && text[i + 1] == '\'') {
      out += '\'';
      ++i;
    } else {
      return out;
    }
  }
  return std::nullopt;
}

// What a directive stands before: the object it speaks of, with its name in this state.
struct Target {
  ir::ObjectKind kind;
  ir::QualifiedName object;
  std::string sub;
  std::string name;     // the element's (or object's) current name: what `from` must differ from
  std::string display;  // for messages: "column public.users.full_name"
};

std::optional<Target> FindTarget(const ir::Database& db, int32_t file, uint32_t at, const std::string& text) {
  auto here = [&](const ir::SourceSpan& s) { return s.file == file && s.begin == at; };
  // Whole objects first: a partition's cloned keys and indexes carry its statement's span.
  for (const auto& [name, t] : db.tables) {
    if (here(t.span)) return Target{ir::ObjectKind::Table, name, "", name.name, "table " + ir::DisplayName(name)};
  }
  for (const auto& [name, v] : db.views) {
    if (here(v.span)) {
      auto kind = v.materialized ? ir::ObjectKind::MaterializedView : ir::ObjectKind::View;
      return Target{kind, name, "", name.name, (v.materialized ? "materialized view " : "view ") + ir::DisplayName(name)};
    }
  }
  for (const auto& [key, f] : db.functions) {
    if (here(f.span)) return Target{ir::ObjectKind::Function, key, "", f.name.name, "function " + ir::DisplayName(key)};
  }
  for (const auto& [name, t] : db.tables) {
    for (const ir::Column& c : t.columns) {
      if (here(c.span)) {
        return Target{ir::ObjectKind::Column, name, c.name, c.name, "column " + ir::DisplayName(name) + "." + c.name};
      }
    }
    for (const auto& [cname, c] : t.constraints) {
      if (here(c.span)) {
        return Target{ir::ObjectKind::Constraint, name, cname, cname,
                      fmt::format("constraint {} of {}", cname, ir::DisplayName(name))};
      }
    }
    for (const auto& [iname, i] : t.indexes) {
      if (here(i.span)) {
        return Target{ir::ObjectKind::Index, name, iname, iname, "index " + ir::DisplayName({name.schema, iname})};
      }
    }
  }
  for (const auto& [name, v] : db.views) {
    for (const auto& [iname, i] : v.indexes) {
      if (here(i.span)) {
        return Target{ir::ObjectKind::Index, name, iname, iname, "index " + ir::DisplayName({name.schema, iname})};
      }
    }
  }
  for (const auto& [name, e] : db.enums) {
    if (e.span.file != file || at <= e.span.begin || at >= e.span.end) continue;
    std::optional<std::string> value = LiteralAt(text, at);
    if (!value) continue;
    for (const std::string& v : e.values) {
      if (v == *value) return Target{ir::ObjectKind::Enum, name, v, v, fmt::format("value '{}' of {}", v, ir::DisplayName(name))};
    }
  }
  return std::nullopt;
}

// True when the desired state itself still has an element (or object) named `name` beside the
// target: the rename would have to keep both.
bool AlsoDefined(const ir::Database& db, const Target& t, const std::string& name) {
  switch (t.kind) {
    case ir::ObjectKind::Table:
    case ir::ObjectKind::View:
    case ir::ObjectKind::MaterializedView: {
      ir::QualifiedName q{t.object.schema, name};
      return db.tables.count(q) > 0 || db.views.count(q) > 0 || db.sequences.count(q) > 0;
    }
    case ir::ObjectKind::Function: {
      const ir::Function& f = db.functions.at(t.object);
      ir::Function renamed = f;
      renamed.name.name = name;
      return db.functions.count({t.object.schema, ir::Signature(renamed)}) > 0;
    }
    case ir::ObjectKind::Column: return db.tables.at(t.object).FindColumn(name) != nullptr;
    case ir::ObjectKind::Constraint: return db.tables.at(t.object).constraints.count(name) > 0;
    case ir::ObjectKind::Index:
      for (const auto& [tname, table] : db.tables) {
        if (tname.schema == t.object.schema && (table.indexes.count(name) || table.constraints.count(name))) return true;
      }
      for (const auto& [vname, view] : db.views) {
        if (vname.schema == t.object.schema && view.indexes.count(name)) return true;
      }
      return false;
    case ir::ObjectKind::Enum: {
      const std::vector<std::string>& values = db.enums.at(t.object).values;
      return std::find(values.begin(), values.end(), name) != values.end();
    }
    default: return false;
  }
}

}  // namespace

void ResolveDirectives(const std::vector<FileDirectives>& files, ir::Database& db, ir::Diagnostics& diags) {
  // (kind, object, sub) -> the directive that renames it; (kind, container, old name) -> the same.
  std::map<std::tuple<ir::ObjectKind, ir::QualifiedName, std::string>, ir::SourceSpan> renamed, sources;
  std::set<std::pair<ir::QualifiedName, std::string>> converted;
  for (const FileDirectives& f : files) {
    for (const PlacedDirective& d : f.directives) {
      const grammar::Directive& dir = d.directive;
      if (!grammar::IsDesiredStateDirective(dir.kind)) {
        diags.Report(ir::diag::kDirectiveNoEffect,
                     "schemac:ignore belongs in migration files (schemac lint reads it); in a desired-state file it "
                     "has no effect",
                     d.span);
        continue;
      }
      std::optional<Target> target = FindTarget(db, f.file, d.target, *f.text);
      if (dir.kind == DirectiveKind::Using) {
        if (!target || target->kind != ir::ObjectKind::Column) {
          diags.Report(ir::diag::kDirective, "schemac:using must stand right before a column of a CREATE TABLE",
                       d.span);
          continue;
        }
        if (!converted.insert({target->object, target->sub}).second) {
          diags.Report(ir::diag::kDirective, fmt::format("{} has more than one schemac:using", target->display), d.span);
          continue;
        }
        db.directives.usings.push_back(ir::UsingHint{target->object, target->sub, dir.expression, d.span});
        continue;
      }
      if (!target) {
        diags.Report(ir::diag::kDirective,
                     "schemac:renamed-from must stand right before what it renames: CREATE TABLE, a column or a "
                     "constraint in it, CREATE INDEX, CREATE [MATERIALIZED] VIEW, CREATE FUNCTION or PROCEDURE, or "
                     "a value of CREATE TYPE ... AS ENUM",
                     d.span);
        continue;
      }
      if (dir.name == target->name) {
        diags.Report(ir::diag::kDirective,
                     fmt::format("{} is renamed from its own name \"{}\"", target->display, dir.name), d.span);
        continue;
      }
      if (AlsoDefined(db, *target, dir.name)) {
        diags.Report(ir::diag::kDirective,
                     fmt::format("{} is renamed from \"{}\", which the desired state also defines: a rename "
                                 "cannot keep its old name (not supported: rename and re-create in one plan)",
                                 target->display, dir.name),
                     d.span);
        continue;
      }
      // Columns, constraints and values are named within their table or type; the rest within
      // their schema (a function by its name: its overloads are told apart by the signature).
      ir::QualifiedName container = target->object;
      if (target->kind != ir::ObjectKind::Column && target->kind != ir::ObjectKind::Constraint &&
          target->kind != ir::ObjectKind::Enum) {
        container.name.clear();
      }
      std::string source_key = dir.name;
      if (target->kind == ir::ObjectKind::Function) {
        ir::Function old = db.functions.at(target->object);
        old.name.name = dir.name;
        source_key = ir::Signature(old);
      }
      if (!renamed.emplace(std::make_tuple(target->kind, target->object, target->sub), d.span).second) {
        diags.Report(ir::diag::kDirective, fmt::format("{} has more than one schemac:renamed-from", target->display),
                     d.span);
        continue;
      }
      if (!sources.emplace(std::make_tuple(target->kind, container, source_key), d.span)
               .second) {
        diags.Report(ir::diag::kDirective,
                     fmt::format("\"{}\" is named as the old name of two objects by schemac:renamed-from", dir.name),
                     d.span);
        continue;
      }
      db.directives.renames.push_back(ir::RenameHint{target->kind, target->object, target->sub, dir.name, d.span});
    }
  }
}

}  // namespace schemac::sql
