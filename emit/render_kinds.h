// The registered object renderers of emit/render_objects.h: one per kind, each defined in its
// own file. A new kind adds its declaration here and its line in Renderers()
// (emit/render_objects.cpp).
#pragma once

#include "emit/render_objects.h"

namespace schemac::emit {

const ObjectRenderer& ViewRenderer();  // emit/render_view.cpp

const ObjectRenderer& FunctionRenderer();  // emit/render_function.cpp

}  // namespace schemac::emit
