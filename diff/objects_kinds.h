// The registered object kinds of diff/objects.h: one handler per kind, each defined in its own
// file. A new kind adds its declaration here and its line in ObjectKindHandlers()
// (diff/objects.cpp).
#pragma once

#include <optional>
#include <string>

#include "diff/objects.h"

namespace schemac::diff {

const ObjectKindHandler& ViewHandler();  // diff/objects_view.cpp (views, materialized views)

const ObjectKindHandler& FunctionHandler();    // diff/objects_function.cpp (functions, procedures)
/// Reports (plan.unsupported) every function the changes drop while a column default, generation
/// expression, CHECK or index expression that stays in place calls it: PostgreSQL refuses such a
/// drop (a changed signature or result type). Meant to run after DiffObjects.
void CheckFunctionDropsUnderTables(const ir::Database& from, const ir::Database& to, const std::vector<Change>& changes,
                                   ir::Diagnostics& diags);

const ObjectKindHandler& DomainHandler();         // diff/objects_domain.cpp
const ObjectKindHandler& CompositeTypeHandler();  // diff/objects_domain.cpp
/// True when ALTER TYPE ... ADD / DROP / ALTER ATTRIBUTE can turn `before` into `after`: the
/// attributes kept keep their order and new ones come after them.
bool CompositeAttributesAlterable(const ir::CompositeType& before, const ir::CompositeType& after);
/// Reports (plan.unsupported) every domain, composite or range type the changes drop (a rebuild)
/// and every composite attribute they retype while a column of a table that stays uses the type
/// (or a range's multirange type), and every collation they drop while a kept column or index
/// uses it: PostgreSQL refuses all of these. Meant to run after DiffObjects.
void CheckTypeChangesUnderTables(const ir::Database& from, const ir::Database& to, const std::vector<Change>& changes,
                                 ir::Diagnostics& diags);

/// What an AlterObject of a composite type destroys: the values of the attributes it drops
/// (ALTER TYPE ... DROP ATTRIBUTE), in every column of the type; nullopt when it drops none.
std::optional<std::string> CompositeDataLoss(const Change& c);

const ObjectKindHandler& RangeTypeHandler();  // diff/objects_range.cpp
const ObjectKindHandler& CollationHandler();  // diff/objects_collation.cpp

const ObjectKindHandler& ExtensionHandler();  // diff/objects_extension.cpp

const ObjectKindHandler& TriggerHandler();  // diff/objects_trigger.cpp (triggers of tables and views)
const ObjectKindHandler& RuleHandler();  // diff/objects_rule.cpp
const ObjectKindHandler& PolicyHandler();  // diff/objects_policy.cpp
const ObjectKindHandler& EventTriggerHandler();  // diff/objects_event_trigger.cpp

const ObjectKindHandler& ForeignDataWrapperHandler();  // diff/objects_foreign.cpp
const ObjectKindHandler& ForeignServerHandler();       // diff/objects_foreign.cpp
const ObjectKindHandler& UserMappingHandler();         // diff/objects_foreign.cpp
/// True when server `server` is in both states but must be dropped and created again (its
/// wrapper or type changes): its foreign tables are then recreated too.
bool ServerRebuilt(const ir::Database& from, const ir::Database& to, const std::string& server);

}  // namespace schemac::diff
