// SQL of the object changes of diff/objects.h (CreateObject, DropObject, ReplaceObject,
// AlterObject), one ObjectRenderer per kind in its own file (emit/render_<kind>.cpp).
#pragma once

#include <string>
#include <vector>

#include "diff/change.h"

namespace schemac::emit {

struct ObjectRenderer {
  ir::ObjectKind kind;
  /// CREATE statement(s) of the object in `ref`, with its comments (and, for a materialized
  /// view, its indexes; for a function, its SET of check_function_bodies is the caller's).
  std::vector<std::string> (*create)(const diff::ElementRef& ref);
  std::vector<std::string> (*drop)(const diff::ElementRef& ref);
  /// CREATE OR REPLACE from `before` to `after` (only called for Verdict::Replace).
  std::vector<std::string> (*replace)(const diff::ElementRef& before, const diff::ElementRef& after);
  /// In-place statements from `before` to `after` (only called for Verdict::Alter).
  std::vector<std::string> (*alter)(const diff::ElementRef& before, const diff::ElementRef& after);
  /// "VIEW public.v", "FUNCTION public.f(integer)", "TRIGGER t ON public.tab", ...: the target
  /// of COMMENT ON / ALTER ... OWNER TO.
  std::string (*target)(const diff::ElementRef& ref);
};

/// The renderer of `kind`; throws std::logic_error for a kind without one.
const ObjectRenderer& RendererFor(ir::ObjectKind kind);

/// The statements of an object change.
std::vector<std::string> RenderObjectChange(const diff::Change& change);

}  // namespace schemac::emit
