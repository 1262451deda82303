# Finds libpg_query (Debian's libpg-query-dev ships neither a .pc file nor a CMake config).
# Also checks for the protobuf-c header that pg_query.pb-c.h includes; we never link libprotobuf-c
# because libpg_query.so carries (and exports) its own copy of the runtime.
find_path(PgQuery_INCLUDE_DIR NAMES pg_query.h)
find_path(PgQuery_PROTOBUF_C_INCLUDE_DIR NAMES protobuf-c/protobuf-c.h)
find_library(PgQuery_LIBRARY NAMES pg_query)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(PgQuery REQUIRED_VARS
  PgQuery_LIBRARY PgQuery_INCLUDE_DIR PgQuery_PROTOBUF_C_INCLUDE_DIR)
if(PgQuery_FOUND AND NOT TARGET PgQuery::PgQuery)
  add_library(PgQuery::PgQuery UNKNOWN IMPORTED)
  set_target_properties(PgQuery::PgQuery PROPERTIES
    IMPORTED_LOCATION "${PgQuery_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${PgQuery_INCLUDE_DIR};${PgQuery_PROTOBUF_C_INCLUDE_DIR}")
endif()
