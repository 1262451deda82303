// Internal to compiler/sql: one function per statement kind, dispatched by TransformStatement
// (the only switch over statement node kinds). Each returns Defer when an object it targets is
// not defined yet; such statements are retried once every file was read.
#pragma once

#include <string>
#include <vector>

#include "compiler/sql/pg_tree.h"
#include "compiler/sql/state.h"

namespace schemac::sql {

StmtResult TransformStatement(State& state, PgQuery__Node* stmt);

StmtResult TransformCreateSchema(State& state, PgQuery__CreateSchemaStmt& stmt);
StmtResult TransformCreateTable(State& state, PgQuery__CreateStmt& stmt);
StmtResult TransformCreateIndex(State& state, PgQuery__IndexStmt& stmt);
StmtResult TransformAlterTable(State& state, PgQuery__AlterTableStmt& stmt);
StmtResult TransformCreateSequence(State& state, PgQuery__CreateSeqStmt& stmt);
StmtResult TransformAlterSequence(State& state, PgQuery__AlterSeqStmt& stmt);
StmtResult TransformCreateEnum(State& state, PgQuery__CreateEnumStmt& stmt);
StmtResult TransformAlterEnum(State& state, PgQuery__AlterEnumStmt& stmt);
StmtResult TransformComment(State& state, PgQuery__CommentStmt& stmt);
StmtResult TransformDrop(State& state, PgQuery__DropStmt& stmt);
StmtResult TransformAlterOwner(State& state, PgQuery__AlterOwnerStmt& stmt);
StmtResult TransformVariableSet(State& state, PgQuery__VariableSetStmt& stmt);
StmtResult TransformSelect(State& state, PgQuery__SelectStmt& stmt);
StmtResult TransformCreateExtension(State& state, PgQuery__CreateExtensionStmt& stmt);
// Functions and procedures (transform_function.cpp).
StmtResult TransformCreateFunction(State& state, PgQuery__CreateFunctionStmt& stmt);
StmtResult TransformDropFunctions(State& state, PgQuery__DropStmt& stmt);
StmtResult CommentOnFunction(State& state, PgQuery__CommentStmt& stmt);
StmtResult AlterFunctionOwner(State& state, PgQuery__AlterOwnerStmt& stmt, const std::string& owner);
// Aggregates (transform_aggregate.cpp); DROP / COMMENT ON / OWNER TO go through the function code.
StmtResult TransformCreateAggregate(State& state, PgQuery__DefineStmt& stmt);
// Triggers (transform_trigger.cpp).
StmtResult TransformCreateTrigger(State& state, PgQuery__CreateTrigStmt& stmt);
StmtResult TransformDropTriggers(State& state, PgQuery__DropStmt& stmt);
StmtResult CommentOnTrigger(State& state, PgQuery__CommentStmt& stmt);
/// True when `cmd` is ENABLE / DISABLE TRIGGER (or RULE) name and the table has no such
/// trigger (rule) yet.
bool WaitsForTrigger(const ir::Table& table, const PgQuery__AlterTableCmd& cmd);
/// ALTER TABLE ... ENABLE [REPLICA | ALWAYS] / DISABLE TRIGGER name | USER.
void SetTriggerEnabled(State& state, ir::Table& table, const PgQuery__AlterTableCmd& cmd, ir::SourceSpan span);
/// The table or view a trigger or rule is attached to (all null / empty when not found).
struct TriggerRelation {
  ir::QualifiedName name;
  ir::Table* table = nullptr;
  ir::View* view = nullptr;
  std::map<std::string, ir::Trigger>* triggers = nullptr;
  std::map<std::string, ir::Rule>* rules = nullptr;
};
/// [schema.]name resolved through the search path among tables and views.
TriggerRelation FindTriggerRelation(State& state, const std::vector<std::string>& parts);
/// The relations (tables, views) the queries below `roots` and the DML `targets` name, other than
/// CTEs and system catalogs: schema-qualified in the tree through the search path, their keys
/// added to `keys`. False (and `missing` set) when one is not defined yet.
bool QualifyQueryRelations(State& state, const std::vector<PgQuery__Node*>& roots,
                           const std::vector<PgQuery__RangeVar*>& targets, std::vector<std::string>* keys,
                           std::string* missing);
/// Schema-qualifies the unqualified calls of functions defined so far (first match on the
/// search path) in the parse tree below `node`.
void QualifyUserFunctionCalls(State& state, PgQuery__Node* node);
// Rules (transform_rule.cpp): CREATE RULE, DROP RULE, COMMENT ON RULE, ALTER TABLE ... RULE.
StmtResult TransformCreateRule(State& state, PgQuery__RuleStmt& stmt);
StmtResult TransformDropRules(State& state, PgQuery__DropStmt& stmt);
StmtResult CommentOnRule(State& state, PgQuery__CommentStmt& stmt);
/// True when `cmd` is ENABLE / DISABLE RULE name and the table has no such rule (yet).
bool WaitsForRule(const ir::Table& table, const PgQuery__AlterTableCmd& cmd);
/// ALTER TABLE ... ENABLE [REPLICA | ALWAYS] / DISABLE RULE name.
void SetRuleEnabled(State& state, ir::Table& table, const PgQuery__AlterTableCmd& cmd, ir::SourceSpan span);
// Row-level security policies (transform_policy.cpp): CREATE / ALTER / DROP POLICY, COMMENT ON
// POLICY.
StmtResult TransformCreatePolicy(State& state, PgQuery__CreatePolicyStmt& stmt);
StmtResult TransformAlterPolicy(State& state, PgQuery__AlterPolicyStmt& stmt);
StmtResult TransformDropPolicies(State& state, PgQuery__DropStmt& stmt);
StmtResult CommentOnPolicy(State& state, PgQuery__CommentStmt& stmt);
// Event triggers (transform_event_trigger.cpp).
StmtResult TransformCreateEventTrigger(State& state, PgQuery__CreateEventTrigStmt& stmt);
StmtResult TransformAlterEventTrigger(State& state, PgQuery__AlterEventTrigStmt& stmt);
StmtResult TransformDropEventTriggers(State& state, PgQuery__DropStmt& stmt);
StmtResult CommentOnEventTrigger(State& state, PgQuery__CommentStmt& stmt);
StmtResult AlterEventTriggerOwner(State& state, const std::string& name, const std::string& owner);
// Foreign-data wrappers, servers and user mappings (transform_foreign.cpp).
StmtResult TransformCreateWrapper(State& state, PgQuery__CreateFdwStmt& stmt);
StmtResult TransformAlterWrapper(State& state, PgQuery__AlterFdwStmt& stmt);
StmtResult TransformCreateServer(State& state, PgQuery__CreateForeignServerStmt& stmt);
StmtResult TransformAlterServer(State& state, PgQuery__AlterForeignServerStmt& stmt);
StmtResult TransformCreateUserMapping(State& state, PgQuery__CreateUserMappingStmt& stmt);
StmtResult TransformAlterUserMapping(State& state, PgQuery__AlterUserMappingStmt& stmt);
StmtResult TransformDropUserMapping(State& state, PgQuery__DropUserMappingStmt& stmt);
/// DROP FOREIGN DATA WRAPPER / DROP SERVER.
StmtResult TransformDropForeignObjects(State& state, PgQuery__DropStmt& stmt);
/// COMMENT ON FOREIGN DATA WRAPPER / SERVER.
StmtResult CommentOnForeignObject(State& state, PgQuery__CommentStmt& stmt);
/// ALTER FOREIGN DATA WRAPPER / SERVER ... OWNER TO.
StmtResult AlterForeignObjectOwner(State& state, PgQuery__AlterOwnerStmt& stmt, const std::string& owner);
/// OPTIONS (name 'value', ...) of CREATE (`items` all plain) or OPTIONS (ADD / SET / DROP ...) of
/// ALTER, applied to `options` with PostgreSQL's checks. `secrets`: a user mapping's, whose
/// secret options (ir::IsSecretOption) are reported and left out. False after an error.
bool FdwOptionChanges(State& state, PgQuery__Node** items, std::size_t n, const std::string& subject,
                      ir::FdwOptions& options, bool secrets);
/// CREATE FOREIGN TABLE (transform_create_table.cpp).
StmtResult TransformCreateForeignTable(State& state, PgQuery__CreateForeignTableStmt& stmt);

// Domains and composite types (transform_domain.cpp).
StmtResult TransformCreateDomain(State& state, PgQuery__CreateDomainStmt& stmt);
StmtResult TransformAlterDomain(State& state, PgQuery__AlterDomainStmt& stmt);
StmtResult TransformCreateCompositeType(State& state, PgQuery__CompositeTypeStmt& stmt);
StmtResult CommentOnDomainConstraint(State& state, PgQuery__CommentStmt& stmt);
/// ALTER TYPE ... ADD / DROP / ALTER ATTRIBUTE and RENAME ATTRIBUTE on a composite type.
StmtResult TransformAlterCompositeType(State& state, PgQuery__AlterTableStmt& stmt);
StmtResult TransformRenameAttribute(State& state, PgQuery__RenameStmt& stmt);
/// True when [schema.]name is a range type or the multirange type of one.
bool IsRangeOrMultirange(const State& state, const ir::QualifiedName& name);
// Range types (transform_range.cpp) and collations (transform_collation.cpp).
StmtResult TransformCreateRange(State& state, PgQuery__CreateRangeStmt& stmt);
StmtResult TransformCreateCollation(State& state, PgQuery__DefineStmt& stmt);
StmtResult CommentOnCollation(State& state, PgQuery__CommentStmt& stmt, const std::vector<std::string>& names);
StmtResult AlterCollationOwner(State& state, const std::vector<std::string>& names, const std::string& owner);
/// Removes the collation schema.name; false when there is none.
bool DropCollation(State& state, const std::string& schema, const std::string& name);
/// The domain / composite type called [schema.]name through the search path, or null.
ir::Domain* FindDomain(State& state, const std::string& schema, const std::string& name);
ir::CompositeType* FindCompositeType(State& state, const std::string& schema, const std::string& name);
StmtResult TransformCreateView(State& state, PgQuery__ViewStmt& stmt);
StmtResult TransformCreateMaterializedView(State& state, PgQuery__CreateTableAsStmt& stmt);
/// ALTER VIEW / MATERIALIZED VIEW (and ALTER TABLE on a view): OWNER TO only.
StmtResult TransformAlterView(State& state, PgQuery__AlterTableStmt& stmt);
/// The view or materialized view called schema.name, or null (transform_view.cpp).
ir::View* FindView(State& state, const std::string& schema, const std::string& name);

// GRANT / REVOKE (transform_grant.cpp).
StmtResult TransformGrant(State& state, PgQuery__GrantStmt& stmt);
/// ALTER DEFAULT PRIVILEGES, into Database::default_privileges.
StmtResult TransformAlterDefaultPrivileges(State& state, PgQuery__AlterDefaultPrivilegesStmt& stmt);
/// TransformStatement, then: every object the statement created gets the privileges the default
/// privileges of the role that runs the files give it (ir::CreatedPrivileges), as PostgreSQL
/// does when it runs the files top to bottom.
StmtResult TransformStatementCreating(State& state, PgQuery__Node* stmt);
/// Drops the privileges of objects the files dropped again (an object's privileges go with it),
/// and the default privileges of schemas dropped again.
void PrunePrivileges(ir::Database& db);
/// The function, procedure or aggregate an ObjectWithArgs names (any kind): its key in
/// Database::functions; Defer when not defined yet, an error when ambiguous.
StmtResult FindRoutine(State& state, PgQuery__ObjectWithArgs& o, ir::QualifiedName* out);

// Declarative partitioning (transform_partition.cpp).
/// PARTITION BY into table.partition_key (the table's columns must be there); false on error.
bool ApplyPartitionSpec(State& state, ir::Table& table, PgQuery__PartitionSpec& spec, const std::string& subject,
                        ir::SourceSpan span);
/// `parent` and a partition bound in the text pg_get_expr prints for it (see ir::PartitionOf), or
/// with `written` set, the values as written when only PostgreSQL can print them; nullopt after
/// reporting.
std::optional<ir::PartitionOf> PartitionBoundText(State& state, const ir::Table& parent, PgQuery__PartitionBoundSpec& bound,
                                              const std::string& subject, ir::SourceSpan span);
/// CREATE TABLE `table` PARTITION OF ...: `table` holds the name and settings; stores it.
StmtResult TransformCreatePartition(State& state, PgQuery__CreateStmt& stmt, ir::Table& table);
/// ALTER TABLE parent ATTACH PARTITION / DETACH PARTITION.
StmtResult TransformAttachPartition(State& state, ir::Table& parent, PgQuery__PartitionCmd& cmd, bool detach,
                                    ir::SourceSpan span);
/// ALTER INDEX parent ATTACH PARTITION child.
StmtResult TransformAttachIndex(State& state, PgQuery__AlterTableStmt& stmt);
/// The index (or PRIMARY KEY / UNIQUE constraint) `index_name` just created on partitioned table
/// `parent`, without ONLY: PostgreSQL attaches an equal index of each partition or creates one.
void CloneToPartitions(State& state, ir::Table& parent, const std::string& index_name);
/// The column changes an ALTER TABLE (without ONLY) made to partitioned table `after` (which was
/// `before`), applied to its partitions as PostgreSQL's recursion does.
void RecurseColumnChanges(State& state, const ir::Table& before, const ir::Table& after);

/// A PRIMARY KEY / UNIQUE / CHECK / FOREIGN KEY written on a column or the table, applied after
/// the columns exist. `column` is set for column constraints (their implied key).
struct ConstraintWork {
  PgQuery__Constraint* constraint = nullptr;
  std::string column;
  /// Because CREATE TABLE validates constraints on the (empty) new table, NOT VALID is ignored
  /// there and the constraint is stored as validated.
  bool always_valid = false;
};

/// Adds a column (CREATE TABLE element or ALTER TABLE ADD COLUMN); its key/check/FK constraints
/// are appended to `work`. Serial columns get their owned sequence here.
void AddColumnDef(State& state, ir::Table& table, PgQuery__ColumnDef& def, std::vector<ConstraintWork>* work);

/// Checks that a generated column's expression names existing, non-generated columns.
void CheckGenerated(State& state, const ir::Table& table, const ir::Column& column);

/// Applies constraints in PostgreSQL's naming order: CHECKs, then PRIMARY KEY / UNIQUE, then
/// FOREIGN KEYs (CREATE TABLE names them in that order, which decides numeric suffixes).
void AddConstraints(State& state, ir::Table& table, std::vector<ConstraintWork>& work);

/// Parses CREATE/ALTER SEQUENCE (or identity) options into `opts`. `explicit_type` is the
/// column type for identities. `owned_by` and `sequence_name` receive those options when
/// non-null (else they are reported as invalid here). `altering` keeps unspecified values.
bool ApplySequenceOptions(State& state, ir::SequenceOptions& opts, PgQuery__Node** options, std::size_t n,
                          bool altering, const std::string& subject, const ir::TypeRef* identity_type,
                          std::vector<std::string>* owned_by, std::vector<std::string>* sequence_name);

/// Changes a sequence's data type as ALTER SEQUENCE ... AS does: bounds that were the old
/// type's limits become the new type's limits.
void ChangeSequenceType(ir::SequenceOptions& opts, const ir::TypeRef& type);

/// Storage parameters (WITH (...)) in canonical form, sorted by name.
bool StorageParams(State& state, PgQuery__Node** options, std::size_t n, const std::string& subject,
                   std::vector<ir::StorageParam>* out);

/// A role name from a RoleSpec ("CURRENT_USER" etc. are not resolvable offline: reported).
bool RoleName(State& state, const PgQuery__RoleSpec* role, std::string* out);

/// Sets the current file's search_path from its written entries (empty: the default).
void SetSearchPath(State& state, const std::vector<std::string>& raw);

/// Message prefix for a table: `table "public.t"`.
std::string TableSubject(const ir::QualifiedName& name);

}  // namespace schemac::sql
