#include "emit/render_objects.h"

#include <stdexcept>

#include "emit/render_kinds.h"

namespace schemac::emit {

namespace {

const std::vector<const ObjectRenderer*>& Renderers() {
  static const std::vector<const ObjectRenderer*> renderers = [] {
    std::vector<const ObjectRenderer*> r;
    // One line per kind (declared in render_kinds.h).
    r.push_back(&ExtensionRenderer());
    r.push_back(&FunctionRenderer());
    r.push_back(&ViewRenderer());
    r.push_back(&DomainRenderer());
    r.push_back(&CompositeTypeRenderer());
    r.push_back(&RangeTypeRenderer());
    r.push_back(&CollationRenderer());
    r.push_back(&ForeignDataWrapperRenderer());
    r.push_back(&ForeignServerRenderer());
    r.push_back(&UserMappingRenderer());
    r.push_back(&TriggerRenderer());
    r.push_back(&RuleRenderer());
    r.push_back(&PolicyRenderer());
    r.push_back(&EventTriggerRenderer());
    return r;
  }();
  return renderers;
}

}  // namespace

const ObjectRenderer& RendererFor(ir::ObjectKind kind) {
  if (kind == ir::ObjectKind::MaterializedView) kind = ir::ObjectKind::View;
  for (const ObjectRenderer* r : Renderers()) {
    if (r->kind == kind) return *r;
  }
  throw std::logic_error(std::string("no renderer for object kind ") + ir::ObjectKindName(kind));
}

std::vector<std::string> RenderObjectChange(const diff::Change& c) {
  const ObjectRenderer& r = RendererFor(c.object.kind);
  switch (c.kind) {
    case diff::ChangeKind::CreateObject: return r.create(c.after);
    case diff::ChangeKind::DropObject: return r.drop(c.before);
    case diff::ChangeKind::ReplaceObject: return r.replace(c.before, c.after);
    case diff::ChangeKind::AlterObject: return r.alter(c.before, c.after);
    default: break;
  }
  throw std::logic_error("not an object change: " + diff::Describe(c));
}

}  // namespace schemac::emit
