// CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS].
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

// ChooseIndexColumnNames: a repeated name gets a numeric suffix ("a", "a1").
std::vector<std::string> IndexColumnNames(const std::vector<std::string>& orig) {
  std::vector<std::string> out;
  for (const std::string& name : orig) {
    std::string cur = name;
    for (int i = 1; std::find(out.begin(), out.end(), cur) != out.end(); ++i) {
      std::string suffix = std::to_string(i);
      std::string base = name;
      while (base.size() + suffix.size() > ir::kMaxIdentifierBytes) base.pop_back();
      cur = base + suffix;
    }
    out.push_back(cur);
  }
  return out;
}

}  // namespace

StmtResult TransformCreateIndex(State& state, PgQuery__IndexStmt& stmt) {
  ir::SourceSpan span = state.Span();
  ir::Table* table = state.FindTable(stmt.relation);
  if (table && table->foreign) {
    state.Error(ir::diag::kInvalid, fmt::format("cannot create index on foreign table \"{}\"", ir::DisplayName(table->name)),
                span);
    return StmtResult::Done;
  }
  // An index on a materialized view: built against a stand-in table without columns (the
  // view's output is known only to PostgreSQL, which checks the column names), then stored
  // in the view.
  ir::View* matview = nullptr;
  ir::Table stand_in;
  if (!table) {
    for (const std::string& s : state.Candidates(stmt.relation->schemaname ? stmt.relation->schemaname : "")) {
      if (ir::View* v = FindView(state, s, stmt.relation->relname)) {
        if (!v->materialized) {
          state.Error(ir::diag::kInvalid, fmt::format("cannot create an index on view \"{}\"", ir::DisplayName(v->name)),
                      span);
          return StmtResult::Done;
        }
        matview = v;
        stand_in.name = v->name;
        table = &stand_in;
        break;
      }
    }
  }
  if (!table) {
    std::string shown = stmt.relation->schemaname && *stmt.relation->schemaname ? std::string(stmt.relation->schemaname) + "." : "";
    return state.Missing(fmt::format("table \"{}{}\"", shown, stmt.relation->relname), span);
  }
  std::string subject = TableSubject(table->name);
  if (stmt.table_space && *stmt.table_space && std::string(stmt.table_space) != "pg_default") {
    state.Unsupported(subject + ": index TABLESPACE other than pg_default", span);
    return StmtResult::Done;
  }
  if (stmt.n_exclude_op_names) {
    state.Unsupported(subject + ": exclusion index", span);
    return StmtResult::Done;
  }
  ir::Index ix;
  ix.span = span;
  ix.unique = stmt.unique;
  ix.nulls_not_distinct = stmt.nulls_not_distinct;
  ix.method = stmt.access_method && *stmt.access_method ? stmt.access_method : "btree";
  static const std::set<std::string> kMethods = {"btree", "hash", "gin", "gist", "spgist", "brin"};
  if (!kMethods.count(ix.method)) {
    state.Unsupported(fmt::format("{}: index access method \"{}\"", subject, ix.method), span);
    return StmtResult::Done;
  }
  std::vector<std::string> colnames;
  bool ok = true;
  // A user collation defined by a later statement: the index waits for it.
  for (std::size_t i = 0; i < stmt.n_index_params; ++i) {
    PgQuery__IndexElem* e = stmt.index_params[i]->index_elem;
    if (e->n_collation && CollationWaits(state, StrList(e->collation, e->n_collation), span)) return StmtResult::Defer;
  }
  for (std::size_t i = 0; i < stmt.n_index_params; ++i) {
    PgQuery__IndexElem* e = stmt.index_params[i]->index_elem;
    ir::IndexElement el;
    PgQuery__Node* expr = e->expr;
    // Because DefineIndex treats an expression that is a plain column reference as that
    // column, CREATE INDEX ON t ((a)) is an index on column a.
    if (expr && expr->node_case == PG_QUERY__NODE__NODE_COLUMN_REF && expr->column_ref->n_fields == 1 &&
        expr->column_ref->fields[0]->node_case == PG_QUERY__NODE__NODE_STRING) {
      el.column = StrVal(expr->column_ref->fields[0]);
      expr = nullptr;
    } else if (e->name && *e->name) {
      el.column = e->name;
    }
    const ir::Column* col = nullptr;
    if (el.column) {
      col = table->FindColumn(*el.column);
      if (!col && !matview) {
        state.Error(ir::diag::kUndefined,
                    fmt::format("{}: column \"{}\" named in an index does not exist", subject, *el.column), span);
        ok = false;
        continue;
      }
      colnames.push_back(*el.column);
    } else {
      std::vector<std::string> refs = ExprColumns(expr);
      for (const std::string& r : refs) {
        if (!matview && !table->FindColumn(r)) {
          state.Error(ir::diag::kUndefined,
                      fmt::format("{}: column \"{}\" named in an index expression does not exist", subject, r), span);
          ok = false;
        }
      }
      std::string figured = FigureIndexColname(expr);
      colnames.push_back(figured.empty() ? "expr" : figured);
      el.expression = TransformExpr(state, expr, subject);
      if (!el.expression) ok = false;
    }
    if (e->n_collation) {
      // PostgreSQL records an element's collation only where it differs from the column's
      // (COLLATE "default" too, on a column with another collation).
      std::optional<ir::QualifiedName> q =
          WrittenCollation(state, StrList(e->collation, e->n_collation), subject, span);
      ir::QualifiedName written = q ? *q : ir::QualifiedName{"pg_catalog", "default"};
      bool same_as_column = col && ((col->collation && *col->collation == written) ||
                                    (!col->collation && !q));
      if (!same_as_column) el.collation = written;
    }
    if (e->n_opclassopts) {
      state.Unsupported(subject + ": operator class parameters", span);
      ok = false;
    }
    if (e->n_opclass) {
      std::vector<std::string> c = StrList(e->opclass, e->n_opclass);
      ir::QualifiedName q = OpclassName(state, c);
      bool is_enum = col && state.pending_types.count({table->name, col->name});
      bool is_default = col && q.schema == "pg_catalog" && q.name == DefaultOpclass(ix.method, col->type, is_enum);
      if (!is_default) el.opclass = q;
    }
    if (e->ordering == PG_QUERY__SORT_BY_DIR__SORTBY_USING) {
      state.Unsupported(subject + ": index ordering USING operator", span);
      ok = false;
    }
    bool ordered = (e->ordering != PG_QUERY__SORT_BY_DIR__SORTBY_DEFAULT &&
                    e->ordering != PG_QUERY__SORT_BY_DIR__SORT_BY_DIR_UNDEFINED) ||
                   (e->nulls_ordering != PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_DEFAULT &&
                    e->nulls_ordering != PG_QUERY__SORT_BY_NULLS__SORT_BY_NULLS_UNDEFINED);
    if (ordered && ix.method != "btree") {
      state.Error(ir::diag::kInvalid,
                  fmt::format("{}: access method \"{}\" does not support ASC/DESC/NULLS options", subject, ix.method),
                  span);
      ok = false;
    }
    el.descending = e->ordering == PG_QUERY__SORT_BY_DIR__SORTBY_DESC;
    el.nulls_first = e->nulls_ordering == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_FIRST ||
                     (e->nulls_ordering != PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_LAST && el.descending);
    ix.elements.push_back(el);
  }
  for (std::size_t i = 0; i < stmt.n_index_including_params; ++i) {
    PgQuery__IndexElem* e = stmt.index_including_params[i]->index_elem;
    if (!e->name || !*e->name) {
      state.Unsupported(subject + ": expression in INCLUDE", span);
      ok = false;
      continue;
    }
    if (!matview && !table->FindColumn(e->name)) {
      state.Error(ir::diag::kUndefined,
                  fmt::format("{}: column \"{}\" named in INCLUDE does not exist", subject, e->name), span);
      ok = false;
      continue;
    }
    ix.include.push_back(e->name);
    colnames.push_back(e->name);
  }
  if (stmt.where_clause) {
    for (const std::string& r : ExprColumns(stmt.where_clause)) {
      if (!matview && !table->FindColumn(r)) {
        state.Error(ir::diag::kUndefined,
                    fmt::format("{}: column \"{}\" named in an index predicate does not exist", subject, r), span);
        ok = false;
      }
    }
    ix.predicate = TransformExpr(state, stmt.where_clause, subject);
  }
  if (!StorageParams(state, stmt.options, stmt.n_options, subject, &ix.options)) ok = false;
  if (!ok) return StmtResult::Done;

  if (stmt.idxname && *stmt.idxname) {
    ix.name = stmt.idxname;
    if (stmt.if_not_exists && state.FindRelation(table->name.schema, ix.name)) return StmtResult::Done;
    if (state.CheckRelationFree({table->name.schema, ix.name}, ir::ObjectKind::Index, span)) return StmtResult::Done;
  } else {
    // ChooseIndexName: "<table>_<key and INCLUDE column names>_idx", even for UNIQUE indexes.
    ix.name = ChooseRelationName(state, table->name.schema, table->name.name, NameAddition(IndexColumnNames(colnames)),
                                 "idx", false);
  }
  if (matview) {
    if (matview->indexes.count(ix.name)) {
      if (stmt.if_not_exists) return StmtResult::Done;
      state.Error(ir::diag::kDuplicate, fmt::format("index \"{}\" is defined more than once", ix.name), span);
      return StmtResult::Done;
    }
    matview->indexes[ix.name] = ix;
    return StmtResult::Done;
  }
  state.NoteRelation(table->name, ix.name);
  state.index_colnames[{table->name.schema, ix.name}] = IndexColumnNames(colnames);
  std::string created = ix.name;
  table->indexes[ix.name] = ix;
  // Without ONLY, an index on a partitioned table is also one on each partition.
  if (table->partition_key && stmt.relation->inh) CloneToPartitions(state, *table, created);
  return StmtResult::Done;
}

}  // namespace schemac::sql
