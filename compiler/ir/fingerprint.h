// A stable fingerprint of a schema state, recorded in JSON plans so that a plan can later be
// checked against the live database it was made for.
#pragma once

#include <string>
#include <string_view>

#include "compiler/ir/schema.h"

namespace schemac::ir {

/// Hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

/// "sha256:<hex>" of DebugPrint(db): equal states have equal fingerprints, and every IR field
/// that DebugPrint shows takes part.
std::string Fingerprint(const Database& db);

/// Fingerprint of `db` with each table's columns taken in name order: equal for two databases
/// that differ only in column order, which no migration can restore (ALTER TABLE adds a column
/// at the end). `schemac rollback` checks the states it starts from and returns to with it.
std::string StateFingerprint(const Database& db);

}  // namespace schemac::ir
