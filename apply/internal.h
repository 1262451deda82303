// Private to apply/: helpers shared by its files.
#pragma once

#include <string>
#include <vector>

namespace schemac::apply::internal {

/// A PostgreSQL array literal of text values ('{"a","b\"c"}'), to pass a list as one parameter.
std::string ArrayLiteral(const std::vector<std::string>& values);

}  // namespace schemac::apply::internal
