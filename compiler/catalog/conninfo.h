// libpq connection strings: building them and swapping the database of one.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace schemac::catalog {

/// A key/value conninfo string ("host='/tmp/x' port='5432' ..."), every value quoted as libpq
/// requires (single quotes, with ' and \ escaped).
std::string MakeConninfo(const std::vector<std::pair<std::string, std::string>>& params);

/// The parameters that are set in `conninfo` (key/value form or a postgresql:// URI), in
/// libpq's order. Throws std::invalid_argument with libpq's message when it does not parse.
std::vector<std::pair<std::string, std::string>> ParseConninfo(const std::string& conninfo);

/// The same connection with `dbname` replaced, as a key/value string.
std::string ConninfoWithDatabase(const std::string& conninfo, const std::string& dbname);

/// The database `conninfo` names, or "" when it names none (libpq then defaults to the user).
std::string ConninfoDatabase(const std::string& conninfo);

}  // namespace schemac::catalog
