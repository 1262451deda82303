// The registered object renderers of emit/render_objects.h: one per kind, each defined in its
// own file. A new kind adds its declaration here and its line in Renderers()
// (emit/render_objects.cpp).
#pragma once

#include "emit/render_objects.h"

namespace schemac::emit {

const ObjectRenderer& ViewRenderer();  // emit/render_view.cpp

const ObjectRenderer& FunctionRenderer();  // emit/render_function.cpp
/// "FUNCTION public.f(integer)" (or PROCEDURE, AGGREGATE): the routine as ALTER names it.
std::string RoutineTargetSql(const ir::Function& f);  // emit/render_function.cpp

const ObjectRenderer& ExtensionRenderer();  // emit/render_extension.cpp

const ObjectRenderer& TriggerRenderer();  // emit/render_trigger.cpp
const ObjectRenderer& RuleRenderer();  // emit/render_rule.cpp
const ObjectRenderer& PolicyRenderer();  // emit/render_policy.cpp
const ObjectRenderer& EventTriggerRenderer();  // emit/render_event_trigger.cpp

const ObjectRenderer& DomainRenderer();         // emit/render_domain.cpp
const ObjectRenderer& CompositeTypeRenderer();  // emit/render_domain.cpp
const ObjectRenderer& RangeTypeRenderer();      // emit/render_range.cpp
const ObjectRenderer& CollationRenderer();      // emit/render_collation.cpp

const ObjectRenderer& ForeignDataWrapperRenderer();  // emit/render_foreign.cpp
const ObjectRenderer& ForeignServerRenderer();       // emit/render_foreign.cpp
const ObjectRenderer& UserMappingRenderer();         // emit/render_foreign.cpp

}  // namespace schemac::emit
