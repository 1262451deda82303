// Whole objects beyond tables: views, materialized views, functions, procedures, triggers,
// domains, composite and range types, extensions and collations. Each kind plugs into the
// differ through one ObjectKindHandler (its own file, diff/objects_<kind>.cpp); the generic part
// (diff/objects.cpp) lists the objects of both states, creates, drops, replaces or alters them,
// and rebuilds dependents: an object whose dependency (ir::Dependencies) is dropped, recreated
// or retyped is dropped before and created after, with the reason in the plan. Ordering uses the
// same reference keys (ProvidedKeys / RequiredKeys) in the generic rules of diff/rules.cpp.
#pragma once

#include <string>
#include <vector>

#include "compiler/ir/schema.h"
#include "diff/change.h"

namespace schemac::diff {

/// How two versions of one object relate.
enum class Verdict {
  Same,     // nothing to do
  Alter,    // AlterObject: in-place statements (ALTER ..., COMMENT ON ...)
  Replace,  // ReplaceObject: CREATE OR REPLACE keeps the object's identity and its dependents
  Rebuild,  // DropObject then CreateObject, dependents rebuilt too
};

struct Comparison {
  Verdict verdict = Verdict::Same;
  std::string reason;  // for Rebuild and Replace: what differs ("the view's columns change")
};

/// One object of a state, as the generic differ sees it.
struct ObjectEntry {
  ir::ObjectId id;
  ElementRef ref;
};

/// What one object kind contributes to the differ.
struct ObjectKindHandler {
  ir::ObjectKind kind;
  /// Appends every object of this kind in `db` (in a deterministic order).
  void (*list)(const ir::Database& db, std::vector<ObjectEntry>& out);
  /// Compares two versions with the same identity. `owners`: also compare owners.
  Comparison (*compare)(const ElementRef& before, const ElementRef& after, bool owners);
  /// The reference keys the object's definition uses (ir::Dependencies::keys).
  const std::vector<std::string>& (*deps)(const ElementRef& object);
  /// The reference keys the object provides to others ("rel:s.v", "func:s.f", "type:s.t", ...).
  std::vector<std::string> (*provides)(const ElementRef& object);
};

/// The key every extension provides and every table element and other object requires: the
/// types, operator classes and functions an extension brings are not modelled, so anything may
/// use any extension; extensions are created first and dropped last.
inline constexpr const char* kAnyExtensionKey = "ext:*";

/// Every registered kind, in the order their changes are listed.
const std::vector<ObjectKindHandler>& ObjectKindHandlers();

/// Appends the Create/Drop/Replace/AlterObject changes turning the objects of `from` into
/// those of `to`, and the rebuilds they force, given the table and type changes already in
/// `changes` (those too can force rebuilds: a column retyped under a view).
void DiffObjects(const ir::Database& from, const ir::Database& to, bool owners, std::vector<Change>& changes);

/// Reference keys a change makes available (creates or alters), for ordering: CreateTable
/// provides the table and each of its columns, AddColumn the column and its table, CreateEnum
/// the type, CreateObject the object's provides(), ...
std::vector<std::string> ProvidedKeys(const Change& c);

/// Reference keys the element a change creates or alters uses: a CreateObject's deps; a
/// column's type and the functions its default calls; ...
std::vector<std::string> RequiredKeys(const Change& c, bool before_state);

}  // namespace schemac::diff
