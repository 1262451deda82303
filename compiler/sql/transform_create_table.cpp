// CREATE TABLE, and the column / constraint building shared with ALTER TABLE.
#include "compiler/sql/transform.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "compiler/sql/expr.h"
#include "compiler/sql/names.h"
#include "compiler/sql/transform_types.h"
#include "compiler/sql/types.h"

namespace schemac::sql {

namespace {

std::string ColumnSubject(const ir::Table& t, const std::string& column) {
  return fmt::format("{}: column \"{}\"", TableSubject(t.name), column);
}

std::vector<std::string> CollationParts(const PgQuery__CollateClause* cc) {
  return cc ? StrList(cc->collname, cc->n_collname) : std::vector<std::string>{};
}

bool CheckColumns(State& state, const ir::Table& t, const std::vector<std::string>& cols, const std::string& what,
                  ir::SourceSpan span) {
  bool ok = true;
  for (const std::string& c : cols) {
    if (!t.FindColumn(c)) {
      state.Error(ir::diag::kUndefined,
                  fmt::format("{}: column \"{}\" named in {} does not exist", TableSubject(t.name), c, what), span);
      ok = false;
    }
  }
  return ok;
}

void AddIdentity(State& state, ir::Table& table, ir::Column& col, PgQuery__Constraint& c) {
  std::string subject = ColumnSubject(table, col.name);
  if (col.type.schema != "pg_catalog" || col.type.array ||
      (col.type.name != "int2" && col.type.name != "int4" && col.type.name != "int8")) {
    state.Error(ir::diag::kInvalid, subject + ": identity column type must be smallint, integer, or bigint",
                state.Span(c.location));
    return;
  }
  if (col.default_expr || col.identity || col.generated) {
    state.Error(ir::diag::kInvalid, subject + ": both default and identity specified", state.Span(c.location));
    return;
  }
  ir::Identity id;
  id.kind = c.generated_when && std::string(c.generated_when) == "a" ? ir::IdentityKind::Always
                                                                       : ir::IdentityKind::ByDefault;
  std::vector<std::string> seq_name;
  if (!ApplySequenceOptions(state, id.options, c.options, c.n_options, false, subject, &col.type, nullptr,
                            &seq_name)) {
    return;
  }
  if (!seq_name.empty()) {
    std::string schema = seq_name.size() == 2 ? seq_name[0] : table.name.schema;
    if (schema != table.name.schema) {
      state.Error(ir::diag::kInvalid, subject + ": identity sequence must be in the table's schema",
                  state.Span(c.location));
      return;
    }
    id.sequence_name = seq_name.back();
  } else {
    id.sequence_name = ChooseRelationName(state, table.name.schema, table.name.name, col.name, "seq", false);
  }
  if (state.CheckRelationFree({table.name.schema, id.sequence_name}, ir::ObjectKind::Sequence,
                              state.Span(c.location))) {
    return;
  }
  col.identity = id;
  col.not_null = true;  // identity columns are implicitly NOT NULL
  state.NoteRelation(table.name, id.sequence_name);
}

// Because CREATE TABLE expands serial into a sequence owned by the column, a nextval default
// and NOT NULL (transformColumnDefinition), the IR holds exactly those.
void ExpandSerial(State& state, ir::Table& table, ir::Column& col, int bytes) {
  ir::Sequence seq;
  seq.name = {table.name.schema, ChooseRelationName(state, table.name.schema, table.name.name, col.name, "seq", false)};
  ir::TypeRef type{"pg_catalog", bytes == 2 ? "int2" : bytes == 4 ? "int4" : "int8", "", false};
  ApplySequenceOptions(state, seq.options, nullptr, 0, false, "", &type, nullptr, nullptr);
  seq.owned_by = ir::SequenceOwner{table.name, col.name};
  seq.span = col.span;
  std::string literal = QuoteIdent(seq.name.schema) + "." + QuoteIdent(seq.name.name);
  std::string escaped;
  for (char ch : literal) escaped += ch == '\'' ? std::string("''") : std::string(1, ch);
  col.default_expr = ir::Expr{"nextval('" + escaped + "'::regclass)"};
  col.not_null = true;
  state.db.sequences[seq.name] = seq;
}

}  // namespace

void CheckGenerated(State& state, const ir::Table& table, const ir::Column& column) {
  if (!column.generated) return;
  std::vector<std::string> refs = ExprTextColumns(column.generated->text);
  CheckColumns(state, table, refs, "a generation expression", column.span);
  for (const std::string& r : refs) {
    const ir::Column* other = table.FindColumn(r);
    if (other && other->generated) {
      state.Error(ir::diag::kInvalid,
                  fmt::format("{}: cannot use generated column \"{}\" in column generation expression",
                              ColumnSubject(table, column.name), r),
                  column.span);
    }
  }
}

void AddColumnDef(State& state, ir::Table& table, PgQuery__ColumnDef& def, std::vector<ConstraintWork>* work) {
  ir::Column col;
  col.name = def.colname ? def.colname : "";
  col.span = state.Span(def.location);
  std::string subject = ColumnSubject(table, col.name);
  if (table.FindColumn(col.name)) {
    state.Error(ir::diag::kDuplicate, subject + " is specified more than once", col.span);
    return;
  }
  if (def.compression && *def.compression) state.Unsupported(subject + ": COMPRESSION", col.span);
  if (def.storage && *def.storage) state.Unsupported(subject + ": STORAGE", col.span);
  if (!def.type_name) {
    state.Error(ir::diag::kInvalid, subject + ": missing data type", col.span);
    return;
  }
  ResolvedType rt = ResolveType(state, def.type_name, subject);
  if (!rt.ok) return;
  col.type = rt.type;
  if (def.coll_clause) col.collation = WrittenCollation(state, CollationParts(def.coll_clause), subject, col.span);

  bool saw_null = false;
  bool saw_not_null = def.is_not_null;
  PgQuery__Constraint* previous = nullptr;
  for (std::size_t i = 0; i < def.n_constraints; ++i) {
    PgQuery__Constraint* c = def.constraints[i]->constraint;
    ir::SourceSpan span = state.Span(c->location);
    switch (c->contype) {
      case PG_QUERY__CONSTR_TYPE__CONSTR_NULL: saw_null = true; break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL: saw_not_null = true; break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT:
        if (col.default_expr) {
          state.Error(ir::diag::kInvalid, subject + ": multiple default values specified", span);
          break;
        }
        col.default_expr = TransformExpr(state, c->raw_expr, subject);
        break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY: AddIdentity(state, table, col, *c); break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED:
        // Its column references are checked once every column of the table exists.
        col.generated = TransformExpr(state, c->raw_expr, subject);
        break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
      case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
      case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
      case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN: work->push_back({c, col.name}); break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION: state.Unsupported(subject + ": EXCLUDE constraint", span); break;
      // Constraint attributes follow the constraint they modify (transformConstraintAttrs).
      case PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_DEFERRABLE:
      case PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_NOT_DEFERRABLE:
      case PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_DEFERRED:
      case PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_IMMEDIATE:
        if (!previous) {
          state.Error(ir::diag::kInvalid, subject + ": misplaced constraint attribute", span);
          break;
        }
        if (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_DEFERRABLE) previous->deferrable = true;
        if (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_NOT_DEFERRABLE) previous->deferrable = false;
        if (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_DEFERRED) previous->initdeferred = true;
        if (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_IMMEDIATE) previous->initdeferred = false;
        if (previous->initdeferred) previous->deferrable = true;
        break;
      default: state.Unsupported(subject + ": constraint kind", span); break;
    }
    if (c->contype < PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_DEFERRABLE) previous = c;
  }
  if (table.foreign) {
    // OPTIONS (...) of a foreign table's column; what schemac does not model on one is refused.
    FdwOptionChanges(state, def.fdwoptions, def.n_fdwoptions, subject, col.fdw_options, false);
    if (col.identity || col.generated || rt.serial_bytes) {
      state.Unsupported(subject + ": identity, generated or serial column of a foreign table", col.span);
      return;
    }
  }
  if (saw_null && saw_not_null) {
    state.Error(ir::diag::kInvalid, subject + ": conflicting NULL/NOT NULL declarations", col.span);
  }
  if (saw_not_null) col.not_null = true;
  if (col.generated && (col.default_expr || col.identity)) {
    state.Error(ir::diag::kInvalid, subject + ": both default and generation expression specified", col.span);
  }
  if (rt.serial_bytes) {
    if (col.default_expr || col.identity) {
      state.Error(ir::diag::kInvalid, subject + ": multiple default values specified (serial)", col.span);
    } else {
      ExpandSerial(state, table, col, rt.serial_bytes);
    }
  }
  if (rt.pending) {
    state.pending_types[{table.name, col.name}] = *rt.pending;
  } else {
    state.pending_types.erase({table.name, col.name});
  }
  table.columns.push_back(std::move(col));
}

namespace {

bool ConstraintNameFree(State& state, ir::Table& table, const std::string& name, ir::SourceSpan span) {
  auto it = table.constraints.find(name);
  if (it == table.constraints.end()) return true;
  std::vector<ir::DiagnosticNote> notes;
  if (it->second.span.Known()) notes.push_back({"previous definition is here", it->second.span});
  state.Error(ir::diag::kDuplicate,
              fmt::format("{}: constraint \"{}\" is defined more than once", TableSubject(table.name), name), span,
              std::move(notes));
  return false;
}

void AddCheck(State& state, ir::Table& table, const ConstraintWork& w) {
  PgQuery__Constraint& c = *w.constraint;
  ir::SourceSpan span = state.Span(c.location);
  ir::Constraint k;
  k.kind = ir::ConstraintKind::Check;
  k.span = span;
  std::vector<std::string> cols = ExprColumns(c.raw_expr);
  if (!CheckColumns(state, table, cols, "a CHECK constraint", span)) return;
  k.check = TransformExpr(state, c.raw_expr, TableSubject(table.name));
  if (!k.check) return;
  k.no_inherit = c.is_no_inherit;
  k.validated = w.always_valid || !c.skip_validation;
  if (c.deferrable) state.Error(ir::diag::kInvalid, "CHECK constraints cannot be marked DEFERRABLE", span);
  if (c.conname && *c.conname) {
    k.name = c.conname;
  } else {
    // AddRelationNewConstraints: "<table>_<col>_check" when the expression uses exactly one
    // column, else "<table>_check" (whether written on a column or the table).
    k.name = ChooseConstraintName(state, table.name.schema, table.name.name, cols.size() == 1 ? cols[0] : "",
                                  "check");
  }
  if (!ConstraintNameFree(state, table, k.name, span)) return;
  state.NoteConstraint(table.name, k.name);
  table.constraints[k.name] = k;
}

bool HasPrimaryKey(State& state, const ir::Table& table, const std::string& subject, ir::SourceSpan span) {
  for (const auto& [n, other] : table.constraints) {
    if (other.kind == ir::ConstraintKind::PrimaryKey) {
      state.Error(ir::diag::kInvalid, subject + ": multiple primary keys are not allowed", span,
                  {{"previous definition is here", other.span}});
      return true;
    }
  }
  return false;
}

// ALTER TABLE ... ADD [CONSTRAINT name] { PRIMARY KEY | UNIQUE } USING INDEX index: the existing
// index becomes the constraint's index, renamed to the constraint's name (index_check_primary_key
// and ATExecAddIndexConstraint). PostgreSQL accepts only a plain unique btree index on columns
// with default sorting, and a primary key sets its columns NOT NULL.
void AddKeyUsingIndex(State& state, ir::Table& table, const ConstraintWork& w) {
  PgQuery__Constraint& c = *w.constraint;
  ir::SourceSpan span = state.Span(c.location);
  bool primary = c.contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY;
  std::string subject = TableSubject(table.name);
  std::string iname = c.indexname;
  auto it = table.indexes.find(iname);
  if (it == table.indexes.end()) {
    auto [other, ix] = state.FindIndex(table.name.schema, iname);
    state.Error(ir::diag::kUndefined,
                ix != nullptr ? fmt::format("{}: index \"{}\" does not belong to this table", subject, iname)
                              : fmt::format("{}: index \"{}\" does not exist", subject, iname),
                span);
    return;
  }
  const ir::Index& idx = it->second;
  auto invalid = [&](const std::string& why) {
    state.Error(ir::diag::kInvalid, fmt::format("{}: index \"{}\" {}", subject, iname, why), span,
                {{"the index is defined here", idx.span}});
  };
  if (!idx.unique) return invalid("is not a unique index");
  if (idx.predicate) return invalid("is a partial index");
  if (idx.method != "btree") return invalid("is not a btree");
  std::vector<std::string> columns;
  for (const ir::IndexElement& e : idx.elements) {
    if (!e.column) return invalid("contains expressions");
    if (e.descending || e.nulls_first || e.opclass || e.collation) return invalid("does not have default sorting behavior");
    columns.push_back(*e.column);
  }
  if (!idx.options.empty()) {
    state.Unsupported(subject + ": USING INDEX of an index with storage parameters", span);
    return;
  }
  if (idx.comment) {
    state.Unsupported(subject + ": USING INDEX of an index with a comment", span);
    return;
  }
  if (primary && HasPrimaryKey(state, table, subject, span)) return;
  ir::Constraint k;
  k.kind = primary ? ir::ConstraintKind::PrimaryKey : ir::ConstraintKind::Unique;
  k.span = span;
  k.columns = std::move(columns);
  k.include = idx.include;
  k.nulls_not_distinct = !primary && idx.nulls_not_distinct;
  k.deferrable = c.deferrable;
  k.initially_deferred = c.initdeferred;
  k.name = c.conname && *c.conname ? std::string(c.conname) : iname;
  k.parent_index = idx.parent_index;
  // The index is renamed to the constraint's name: that name must be free among relations too.
  ir::Index removed = idx;
  table.indexes.erase(it);
  if ((k.name != iname && state.CheckRelationFree({table.name.schema, k.name}, ir::ObjectKind::Index, span)) ||
      !ConstraintNameFree(state, table, k.name, span)) {
    table.indexes[iname] = std::move(removed);
    return;
  }
  if (primary) {
    for (ir::Column& col : table.columns) {
      if (std::find(k.columns.begin(), k.columns.end(), col.name) != k.columns.end()) col.not_null = true;
    }
  }
  state.NoteConstraint(table.name, k.name);
  state.NoteRelation(table.name, k.name);
  table.constraints[k.name] = k;
}

// A key created by the current statement, and whether its name was chosen by default.
struct BatchKey {
  std::string name;
  bool default_name = false;
};

void AddKey(State& state, ir::Table& table, const ConstraintWork& w, std::vector<BatchKey>* batch) {
  PgQuery__Constraint& c = *w.constraint;
  ir::SourceSpan span = state.Span(c.location);
  bool primary = c.contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY;
  std::string subject = TableSubject(table.name);
  if (c.indexname && *c.indexname) {
    AddKeyUsingIndex(state, table, w);
    return;
  }
  if (c.indexspace && *c.indexspace && std::string(c.indexspace) != "pg_default") {
    state.Unsupported(subject + ": USING INDEX TABLESPACE", span);
    return;
  }
  if (c.n_options) {
    state.Unsupported(subject + ": WITH (...) on a constraint index", span);
    return;
  }
  ir::Constraint k;
  k.kind = primary ? ir::ConstraintKind::PrimaryKey : ir::ConstraintKind::Unique;
  k.span = span;
  k.columns = w.column.empty() ? StrList(c.keys, c.n_keys) : std::vector<std::string>{w.column};
  k.include = StrList(c.including, c.n_including);
  k.nulls_not_distinct = c.nulls_not_distinct;
  k.deferrable = c.deferrable;
  k.initially_deferred = c.initdeferred;
  if (!CheckColumns(state, table, k.columns, primary ? "a PRIMARY KEY" : "a UNIQUE constraint", span)) return;
  if (!CheckColumns(state, table, k.include, "INCLUDE", span)) return;
  if (primary && HasPrimaryKey(state, table, subject, span)) return;
  // transformIndexConstraints: a key identical to one declared earlier in the same statement
  // (same columns, INCLUDE, NULLS NOT DISTINCT and deferrability) is not created twice; when the
  // earlier one was unnamed and this one is named, the earlier one takes this name (so
  // PRIMARY KEY (id) with CONSTRAINT u UNIQUE (id) is one primary key named u).
  for (BatchKey& earlier : *batch) {
    auto it = table.constraints.find(earlier.name);
    if (it == table.constraints.end()) continue;
    const ir::Constraint& o = it->second;
    if (o.columns == k.columns && o.include == k.include && o.nulls_not_distinct == k.nulls_not_distinct &&
        o.deferrable == k.deferrable && o.initially_deferred == k.initially_deferred) {
      if (earlier.default_name && c.conname && *c.conname) {
        std::string name = c.conname;
        if (state.CheckRelationFree({table.name.schema, name}, ir::ObjectKind::Index, span)) return;
        if (!ConstraintNameFree(state, table, name, span)) return;
        ir::Constraint renamed = it->second;
        table.constraints.erase(it);
        renamed.name = name;
        table.constraints[name] = renamed;
        state.NoteConstraint(table.name, name);
        state.NoteRelation(table.name, name);
        earlier = BatchKey{name, false};
      }
      return;
    }
  }
  if (c.conname && *c.conname) {
    k.name = c.conname;
    if (state.CheckRelationFree({table.name.schema, k.name}, ir::ObjectKind::Index, span)) return;
  } else {
    // ChooseIndexName: "<table>_pkey", or "<table>_<key and INCLUDE columns>_key".
    std::vector<std::string> names = k.columns;
    names.insert(names.end(), k.include.begin(), k.include.end());
    k.name = primary ? ChooseRelationName(state, table.name.schema, table.name.name, "", "pkey", true)
                     : ChooseRelationName(state, table.name.schema, table.name.name, NameAddition(names), "key", true);
  }
  if (!ConstraintNameFree(state, table, k.name, span)) return;
  if (primary) {
    for (ir::Column& col : table.columns) {
      if (std::find(k.columns.begin(), k.columns.end(), col.name) != k.columns.end()) col.not_null = true;
    }
  }
  batch->push_back(BatchKey{k.name, !(c.conname && *c.conname)});
  state.NoteConstraint(table.name, k.name);
  state.NoteRelation(table.name, k.name);
  table.constraints[k.name] = k;
}

ir::FkAction Action(const char* code) {
  switch (code && *code ? *code : 'a') {
    case 'r': return ir::FkAction::Restrict;
    case 'c': return ir::FkAction::Cascade;
    case 'n': return ir::FkAction::SetNull;
    case 'd': return ir::FkAction::SetDefault;
    default: return ir::FkAction::NoAction;
  }
}

void AddForeignKey(State& state, ir::Table& table, const ConstraintWork& w) {
  PgQuery__Constraint& c = *w.constraint;
  ir::SourceSpan span = state.Span(c.location);
  std::string subject = TableSubject(table.name);
  ir::Constraint k;
  k.kind = ir::ConstraintKind::ForeignKey;
  k.span = span;
  k.columns = w.column.empty() ? StrList(c.fk_attrs, c.n_fk_attrs) : std::vector<std::string>{w.column};
  k.ref_columns = StrList(c.pk_attrs, c.n_pk_attrs);
  k.on_update = Action(c.fk_upd_action);
  k.on_delete = Action(c.fk_del_action);
  k.on_delete_columns = StrList(c.fk_del_set_cols, c.n_fk_del_set_cols);
  char match = c.fk_matchtype && *c.fk_matchtype ? *c.fk_matchtype : 's';
  if (match == 'p') {
    state.Unsupported(subject + ": MATCH PARTIAL", span);
    return;
  }
  k.match = match == 'f' ? ir::FkMatch::Full : ir::FkMatch::Simple;
  k.deferrable = c.deferrable;
  k.initially_deferred = c.initdeferred;
  k.validated = w.always_valid || !c.skip_validation;
  if (!CheckColumns(state, table, k.columns, "a FOREIGN KEY", span)) return;
  if (!CheckColumns(state, table, k.on_delete_columns, "ON DELETE SET", span)) return;
  for (const std::string& col : k.on_delete_columns) {
    if (std::find(k.columns.begin(), k.columns.end(), col) == k.columns.end()) {
      state.Error(ir::diag::kInvalid,
                  fmt::format("{}: column \"{}\" referenced in ON DELETE SET action must be part of foreign key",
                              subject, col),
                  span);
      return;
    }
  }
  if (c.conname && *c.conname) {
    k.name = c.conname;
  } else {
    k.name = ChooseConstraintName(state, table.name.schema, table.name.name, NameAddition(k.columns), "fkey");
  }
  if (!ConstraintNameFree(state, table, k.name, span)) return;
  PendingTableRef ref;
  ref.candidates = state.Candidates(c.pktable->schemaname ? c.pktable->schemaname : "");
  ref.name = c.pktable->relname;
  ref.span = span;
  k.ref_table = {ref.candidates.front(), ref.name};
  state.pending_fks[{table.name, k.name}] = ref;
  state.NoteConstraint(table.name, k.name);
  table.constraints[k.name] = k;
}

}  // namespace

void AddConstraints(State& state, ir::Table& table, std::vector<ConstraintWork>& work) {
  std::vector<BatchKey> batch;
  if (table.foreign) {
    // As PostgreSQL: a foreign table has CHECK constraints only.
    std::erase_if(work, [&](const ConstraintWork& w) {
      if (w.constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK) return false;
      const char* kind = w.constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY  ? "primary key"
                         : w.constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE ? "unique"
                                                                                          : "foreign key";
      state.Error(ir::diag::kInvalid,
                  fmt::format("{}: {} constraints are not supported on foreign tables", TableSubject(table.name), kind),
                  state.Span(w.constraint->location));
      return true;
    });
  }
  for (const ConstraintWork& w : work) {
    if (w.constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK) AddCheck(state, table, w);
  }
  for (const ConstraintWork& w : work) {
    if (w.constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY) AddKey(state, table, w, &batch);
  }
  for (const ConstraintWork& w : work) {
    if (w.constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE) AddKey(state, table, w, &batch);
  }
  for (const ConstraintWork& w : work) {
    if (w.constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN) AddForeignKey(state, table, w);
  }
}

namespace {

// CREATE TABLE, or CREATE FOREIGN TABLE when `foreign` is set.
StmtResult CreateTable(State& state, PgQuery__CreateStmt& stmt, const std::optional<ir::ForeignTableOf>& foreign) {
  ir::QualifiedName name = state.CreateName(stmt.relation);
  std::string subject = TableSubject(name);
  ir::SourceSpan span = state.Span();
  if (!state.EnsureSchema(name.schema)) return state.Missing(fmt::format("schema \"{}\"", name.schema), span);
  if (stmt.if_not_exists && state.FindRelation(name.schema, name.name)) return StmtResult::Done;
  if (state.CheckRelationFree(name, ir::ObjectKind::Table, span)) return StmtResult::Done;
  // Because a table's row type shares pg_type's namespace, a table may not be named like a type.
  if (const ir::EnumType* e = state.FindEnum(name.schema, name.name)) {
    state.Error(ir::diag::kConflict, subject + " conflicts with the type of the same name", span,
                {{"previous definition is here", e->span}});
    return StmtResult::Done;
  }

  std::string persistence = stmt.relation->relpersistence ? stmt.relation->relpersistence : "p";
  if (persistence == "t") {
    state.Unsupported(subject + ": temporary table", span);
    return StmtResult::Done;
  }
  if (stmt.n_inh_relations && !stmt.partbound) state.Unsupported(subject + ": table inheritance (INHERITS)", span);
  if (stmt.of_typename) state.Unsupported(subject + ": typed table (OF type)", span);
  if (stmt.tablespacename && *stmt.tablespacename && std::string(stmt.tablespacename) != "pg_default") {
    state.Unsupported(subject + ": TABLESPACE other than pg_default", span);
  }
  if (stmt.access_method && *stmt.access_method && std::string(stmt.access_method) != "heap") {
    state.Unsupported(subject + ": table access method \"" + std::string(stmt.access_method) + "\"", span);
  }

  ir::Table table;
  table.name = name;
  table.span = span;
  table.foreign = foreign;
  if (foreign && stmt.partbound) {
    state.Unsupported(subject + ": a foreign table as a partition", span);
    return StmtResult::Done;
  }
  table.unlogged = persistence == "u";
  StorageParams(state, stmt.options, stmt.n_options, subject, &table.options);
  if (stmt.partbound) {
    if (stmt.partspec) {
      // A partition that is partitioned itself: its key names the parent's columns.
      ir::Table* parent = stmt.n_inh_relations == 1 && stmt.inh_relations[0]->node_case == PG_QUERY__NODE__NODE_RANGE_VAR
                              ? state.FindTable(stmt.inh_relations[0]->range_var)
                              : nullptr;
      if (!parent) return TransformCreatePartition(state, stmt, table);  // reports the missing parent
      ir::Table probe;
      probe.name = name;
      probe.columns = parent->columns;
      if (!ApplyPartitionSpec(state, probe, *stmt.partspec, subject, span)) return StmtResult::Done;
      table.partition_key = probe.partition_key;
    }
    return TransformCreatePartition(state, stmt, table);
  }

  // A user collation defined by a later statement: the whole statement waits for it.
  for (std::size_t i = 0; i < stmt.n_table_elts; ++i) {
    PgQuery__Node* e = stmt.table_elts[i];
    if (e->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF && e->column_def->coll_clause &&
        CollationWaits(state, CollationParts(e->column_def->coll_clause), span)) {
      return StmtResult::Defer;
    }
  }

  std::vector<ConstraintWork> work;
  for (std::size_t i = 0; i < stmt.n_table_elts; ++i) {
    PgQuery__Node* e = stmt.table_elts[i];
    if (e->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
      AddColumnDef(state, table, *e->column_def, &work);
    } else if (e->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
      if (e->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION) {
        state.Unsupported(subject + ": EXCLUDE constraint", state.Span(e->constraint->location));
      } else {
        work.push_back({e->constraint, ""});
      }
    } else if (e->node_case == PG_QUERY__NODE__NODE_TABLE_LIKE_CLAUSE) {
      state.Unsupported(subject + ": LIKE clause", span);
    } else {
      state.Unsupported(subject + ": table element " + NodeKindName(e), span);
    }
  }
  for (const ir::Column& col : table.columns) CheckGenerated(state, table, col);
  if (stmt.partspec && !ApplyPartitionSpec(state, table, *stmt.partspec, subject, span)) return StmtResult::Done;
  for (ConstraintWork& w : work) w.always_valid = true;
  // Register the table before naming constraints so that its own names count as taken.
  ir::Table& stored = state.db.tables[name] = std::move(table);
  AddConstraints(state, stored, work);
  return StmtResult::Done;
}

}  // namespace

StmtResult TransformCreateTable(State& state, PgQuery__CreateStmt& stmt) { return CreateTable(state, stmt, std::nullopt); }

StmtResult TransformCreateForeignTable(State& state, PgQuery__CreateForeignTableStmt& stmt) {
  ir::SourceSpan span = state.Span();
  ir::ForeignTableOf foreign;
  foreign.server = stmt.servername;
  std::string subject = fmt::format("foreign table \"{}\"", stmt.base_stmt->relation->relname);
  if (!state.db.foreign_servers.count(foreign.server)) {
    return state.Missing(fmt::format("{}: server \"{}\"", subject, foreign.server), span);
  }
  if (!FdwOptionChanges(state, stmt.options, stmt.n_options, subject, foreign.options, false)) return StmtResult::Done;
  return CreateTable(state, *stmt.base_stmt, foreign);
}

}  // namespace schemac::sql
