// RapidCheck generators of schema states (ir::Database) that PostgreSQL 15 accepts, of pairs
// (a, b) where b is a mutation of a whose data migration is defined, and the helpers the
// properties share: rendering a state as SQL, and the rows each table can hold.
//
// The generated IR is only a rendering device: a state is turned into SQL with the planner
// (emit::BuildPlans from an empty database), and the properties compare what schemac makes of
// that SQL. So the IR here need not be in the front ends' canonical form, only valid.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include <rapidcheck.h>

#include "compiler/ir/schema.h"

namespace schemac::property {

/// Which features the generators use. Every flag is on unless a bug keeps it off (see the
/// comments at the definition of DefaultFeatures in generators.cpp).
/// The roles generated policies name (sorted); the property tests create them on the server.
inline const std::vector<std::string> kPolicyRoles = {"Schemac Writer", "schemac_reader"};

struct Features {
  bool extra_schema = true;
  bool enums = true;
  bool sequences = true;
  bool identity = true;
  bool generated = true;
  bool checks = true;
  bool foreign_keys = true;
  bool indexes = true;
  bool expression_indexes = true;
  bool partial_indexes = true;
  bool comments = true;
  bool defaults = true;
  /// char(n), numeric without typmod, timestamp, time, inet columns.
  bool more_types = true;
  /// COLLATE "C" on text, varchar and char columns, and changes of it.
  bool column_collations = true;
  /// Index methods other than btree: hash, gin (jsonb, arrays), brin, gist (inet_ops).
  bool index_methods = true;
  /// Non-default operator classes (text_pattern_ops, jsonb_path_ops, ...) and COLLATE "C" on
  /// index keys.
  bool index_opclasses = true;
  /// WITH (...) on indexes (fillfactor, pages_per_range, fastupdate) and tables (fillfactor,
  /// autovacuum_enabled).
  bool storage_params = true;
  /// UNLOGGED tables, and SET LOGGED / SET UNLOGGED.
  bool unlogged = true;
  /// CHECK and FOREIGN KEY constraints NOT VALID, and validating them.
  bool not_valid = true;
  /// CHECK ... NO INHERIT.
  bool no_inherit = true;
  /// DEFERRABLE [INITIALLY DEFERRED] PRIMARY KEY and UNIQUE constraints; INCLUDE on primary keys.
  bool deferrable_keys = true;
  /// FOREIGN KEY ... MATCH FULL and ON DELETE SET NULL / SET DEFAULT (columns).
  bool fk_options = true;
  /// Expressions also as a user writes them (DEFAULT 'x' on varchar, CHECK (n > 0) on numeric,
  /// lower(varchar_col)), which PostgreSQL stores with added casts. Only a database side can
  /// decide these, so P3 (offline parity) turns this off.
  bool written_forms = false;
  /// Domains (CHECK, DEFAULT, NOT NULL) and table columns of domain types.
  bool domains = true;
  /// Composite types (CREATE TYPE ... AS (...)), used by function arguments and results.
  bool composite_types = true;
  /// Functions and procedures (SQL and PL/pgSQL, overloads, argument defaults, attributes), and
  /// the helper functions column defaults and CHECK constraints call.
  bool functions = true;
  /// Triggers (row and statement, WHEN, UPDATE OF, constraint triggers, enabled state) and their
  /// trigger functions.
  bool triggers = true;
  /// Views and materialized views (also over other views), with comments and matview indexes.
  bool views = true;
  /// Changes of a view's query text. P3 turns this off: the offline plan cannot decide a view
  /// query change (docs/canonicalization.md "View queries": offline, a difference is planned as
  /// drop and create), while the server plan may use CREATE OR REPLACE VIEW; by design.
  bool view_query_changes = true;
  /// Range types (CREATE TYPE ... AS RANGE over int4, int8, numeric), used by table columns and
  /// routine arguments.
  bool range_types = true;
  /// CREATE COLLATION (libc C / POSIX, ICU), used by textual table columns.
  bool collations = true;
  /// Triggers on views: INSTEAD OF row triggers and BEFORE / AFTER statement triggers.
  bool view_triggers = true;
  /// Rules on tables and views (ON UPDATE / DELETE DO INSTEAD NOTHING).
  bool rules = true;
  /// Row-level security policies (roles: kPolicyRoles, which must exist on the server).
  bool policies = true;
  /// Event triggers and their functions.
  bool event_triggers = true;
  /// Aggregates (CREATE AGGREGATE over a built-in or a user state function).
  bool aggregates = true;
  /// SQL-standard function bodies (RETURN ..., BEGIN ATOMIC ... END), also reading a table.
  bool sql_bodies = true;
  /// Extensions from PostgreSQL's contrib set (pgcrypto, citext) in a schema of the state.
  bool extensions = true;
  /// Changes of an extension's comment. P3 turns this off: only a database knows the control
  /// file's comment an unwritten one stands for, so the server rollback of a written comment
  /// restores it and the offline one cannot (docs/ir.md, extension); by design.
  bool extension_comment_changes = true;
  /// Partitioned tables (RANGE and LIST with a DEFAULT partition, HASH) with partitions, keys and
  /// indexes attached to the parent's; partitions added, dropped, moved to other bounds and
  /// detached; parent indexes and columns added and dropped. They are kept apart from the other
  /// tables (no generic mutation, view, trigger or foreign key touches them).
  bool partitions = true;
  /// Foreign-data wrappers (no handler: nothing is ever read through them), servers, user
  /// mappings for PUBLIC and foreign tables, with options; kept apart from the other tables like
  /// partition groups, and changed by their own mutations.
  bool foreign_data = true;
  /// GRANT / REVOKE on tables, views, columns, sequences, routines, types and schemas, to PUBLIC
  /// and the test roles (kPolicyRoles), with and without GRANT OPTION; changes of them.
  bool privileges = true;
};

/// Whether `table` is partitioned or a partition (the generators' partition groups).
bool InPartitionGroup(const ir::Table& table);

/// The features the suite runs with by default.
Features DefaultFeatures();

/// The state every database starts in: schema public with PostgreSQL's comment on it.
ir::Database EmptyDatabase();

/// A random state: 1-2 schemas, 1-4 tables, enums, sequences, constraints, indexes, comments,
/// domains, composite, range types, collations, functions, procedures and aggregates (also with
/// SQL-standard bodies), triggers on tables and views, rules, event triggers, views and
/// materialized views, extensions. Not generated: EXCLUDE constraints (the IR has no fields for them; the
/// front ends and the differ reject them as not yet supported), partitioning, inheritance.
/// Every expression is written as PostgreSQL stores it (pg_get_expr under search_path = ''),
/// so that offline and server canonicalization agree on it.
rc::Gen<ir::Database> GenDatabase(const Features& features);

/// A random pair (a, b): b is a with 1-3 mutations applied whose data migration is defined
/// for the rows RowsFor gives (no narrowing, no NOT NULL over NULLs, no UNIQUE over duplicates).
struct StatePair {
  ir::Database a;
  ir::Database b;
};
rc::Gen<StatePair> GenStatePair(const Features& features);

/// The state as a SQL script (the planner's forward plan from EmptyDatabase()). Throws when
/// planning fails: the generators only produce states the planner must handle.
std::string RenderDatabase(const ir::Database& db);

/// INSERT statements putting two rows into `table` of `db`, or an empty list when the table is
/// left empty (it has a foreign key). Values satisfy every CHECK the generators write, are
/// distinct per row (UNIQUE), and are never NULL; identity and generated columns are left to
/// PostgreSQL.
std::vector<std::string> RowsFor(const ir::Database& db, const ir::Table& table);

}  // namespace schemac::property

namespace schemac::ir {
/// How RapidCheck prints a counterexample: the state as SQL.
void showValue(const Database& db, std::ostream& os);
}  // namespace schemac::ir

namespace schemac::property {
void showValue(const StatePair& pair, std::ostream& os);
}  // namespace schemac::property
