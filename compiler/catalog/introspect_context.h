// Private to compiler/catalog: the state shared by the introspect_*.cpp files while one
// transaction reads the catalog. Includes libpqxx, so it must never be included by a public
// header.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "compiler/catalog/introspect.h"
#include "compiler/ir/schema.h"
#include "compiler/ir/source.h"

namespace schemac::catalog::internal {

/// SQL condition (on a pg_namespace aliased `n`) that excludes system schemas and `schemac`.
/// The include/exclude patterns are applied afterwards in C++, so that the query text, and the
/// number of queries, never depend on the options.
inline constexpr const char* kUserSchema =
    "n.nspname NOT IN ('pg_catalog', 'information_schema', 'schemac') "
    "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'";

/// SQL condition: the object `objid` of catalog `catalog` is not a member of an extension.
std::string NotExtensionMember(const std::string& catalog, const std::string& objid);
/// A text[] expression of the dependency keys (rel:, col:, func:, type:) of the object `objid`
/// (an SQL expression) of system catalog `catalog` ("pg_rewrite", ...): its normal pg_depend
/// rows, system schemas left out.
std::string DependencyKeysSql(const std::string& catalog, const std::string& objid);

/// Introspect, in a transaction the caller opened (Session::Introspect); `conninfo` only names
/// the database for a lock-timeout message.
ir::Database IntrospectIn(pqxx::transaction_base& tx, const std::string& conninfo, const IntrospectOptions& options,
                          ir::Diagnostics& diags);

/// One introspection run: the open transaction, the options, and what has been read so far.
struct Context {
  Context(pqxx::transaction_base& t, const IntrospectOptions& o, ir::Diagnostics& d, ir::Database& database)
      : tx(t), options(o), diags(d), db(database) {}

  pqxx::transaction_base& tx;
  const IntrospectOptions& options;
  ir::Diagnostics& diags;
  ir::Database& db;
  int server_version_num = 0;
  int queries = 0;
  /// Schemas in the managed scope (after include/exclude patterns).
  std::set<std::string> schemas;
  /// Ordinary tables in scope, by pg_class oid.
  std::map<int64_t, ir::QualifiedName> tables;
  /// Routines in scope, by pg_proc oid: their keys in db.functions.
  std::map<int64_t, ir::QualifiedName> functions;
  /// Tables the current role may SELECT from, hence lock in ACCESS SHARE mode.
  std::set<int64_t> selectable;

  /// Every query goes through here, so that the count is exact.
  pqxx::result Query(const std::string& sql);

  bool InScope(const std::string& schema) const { return schemas.count(schema) > 0; }
  ir::Table* TableByOid(int64_t oid);
  /// Reports "not yet supported: <what> <name>" (catalog.unsupported) for `object`, the
  /// qualified name shown as the location (defaults to `name`).
  void Unsupported(const std::string& what, const std::string& name, const std::string& object = {});
};

// Field helpers. libpqxx 6.4 on Debian breaks std::optional on NULL (TOOLCHAIN.md item 18),
// so NULLs are always tested with is_null() first.
std::string Text(const pqxx::field& f);
std::optional<std::string> OptText(const pqxx::field& f);
bool Bool(const pqxx::field& f);
int64_t Int(const pqxx::field& f);
std::vector<std::string> TextArray(const pqxx::field& f);
/// reloptions ("name=value" strings) as sorted storage parameters.
std::vector<ir::StorageParam> StorageParams(const pqxx::field& f);

/// OPTIONS arrays (pg_foreign_*.*options, attfdwoptions: "name=value" strings).
ir::FdwOptions FdwOptions(const pqxx::field& f);

/// For the lock_timeout message: tables other sessions hold in ACCESS EXCLUSIVE mode.
std::string DescribeExclusiveLocks(const std::string& conninfo);

// One reader per object family, each running a fixed number of queries.
void ReadSchemas(Context& ctx);
void ReadRelations(Context& ctx);  // tables, plus unsupported relation kinds
void LockTables(Context& ctx);
void ReadColumns(Context& ctx);
void ReadPartitionKeys(Context& ctx);  // PARTITION BY of partitioned tables (introspect_tables.cpp)
void ReadConstraints(Context& ctx);
void ReadIndexes(Context& ctx);
/// One key element of an index from a row of the index-elements query (attnum, attname, def,
/// coll_schema, collname, opc_schema, opcname, option), shared by table and matview indexes.
ir::IndexElement IndexElementOf(const pqxx::row& row);
void ReadSequences(Context& ctx);
void ReadEnums(Context& ctx);
void ReadViews(Context& ctx);  // views and materialized views
void ReadFunctions(Context& ctx);
void ReadExtensions(Context& ctx);  // introspect_extensions.cpp  // functions and procedures (introspect_functions.cpp)
void ReadTriggers(Context& ctx);  // triggers of tables and views (introspect_triggers.cpp)
void ReadRules(Context& ctx);  // rules of tables and views (introspect_rules.cpp)
void ReadPolicies(Context& ctx);  // row-level security policies of tables (introspect_policies.cpp)
void ReadEventTriggers(Context& ctx);  // introspect_event_triggers.cpp
/// Foreign-data wrappers, servers and user mappings (introspect_foreign.cpp).
void ReadForeignObjects(Context& ctx);
void ReadTypes(Context& ctx);  // domains and composite types (introspect_types.cpp)
void ReadCollations(Context& ctx);  // introspect_collations.cpp
void ReadUnsupportedObjects(Context& ctx);
void ReadPrivileges(Context& ctx);  // GRANTs of every object read so far (introspect_privileges.cpp)

}  // namespace schemac::catalog::internal
