// Output files are written whole or not at all.
#pragma once

#include <string>

namespace schemac::cli {

/// Writes `content` to `path` via a temporary file in the same directory and rename(2), so a
/// reader never sees a partial file and a failure leaves any previous file untouched. Returns
/// false and sets `error` on failure.
bool WriteFileAtomically(const std::string& path, const std::string& content, std::string& error);

}  // namespace schemac::cli
