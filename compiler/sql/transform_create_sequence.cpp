// CREATE SEQUENCE, ALTER SEQUENCE, and the sequence options shared with identity columns.
#include "compiler/sql/transform.h"

#include <cerrno>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>

#include "compiler/sql/types.h"

namespace schemac::sql {

namespace {

struct TypeRange {
  int64_t min;
  int64_t max;
};

TypeRange RangeOf(const ir::TypeRef& t) {
  if (t.name == "int2") return {std::numeric_limits<int16_t>::min(), std::numeric_limits<int16_t>::max()};
  if (t.name == "int4") return {std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()};
  return {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()};
}

bool IntArg(State& state, const PgQuery__DefElem* d, const std::string& subject, int64_t* out) {
  const PgQuery__Node* a = d->arg;
  if (a && a->node_case == PG_QUERY__NODE__NODE_INTEGER) {
    *out = a->integer->ival;
    return true;
  }
  if (a && a->node_case == PG_QUERY__NODE__NODE_FLOAT) {
    errno = 0;
    char* end = nullptr;
    long long v = std::strtoll(a->float_->fval, &end, 10);
    if (errno == 0 && end && *end == '\0') {
      *out = v;
      return true;
    }
  }
  state.Error(ir::diag::kInvalid, fmt::format("{}: {} requires an integer value that fits in bigint", subject,
                                              d->defname),
              state.Span(d->location));
  return false;
}

}  // namespace

void ChangeSequenceType(ir::SequenceOptions& opts, const ir::TypeRef& type) {
  TypeRange old_range = RangeOf(opts.data_type);
  TypeRange range = RangeOf(type);
  if (opts.max_value == old_range.max) opts.max_value = range.max;
  if (opts.min_value == old_range.min) opts.min_value = range.min;
  opts.data_type = type;
}

bool ApplySequenceOptions(State& state, ir::SequenceOptions& opts, PgQuery__Node** options, std::size_t n,
                          bool altering, const std::string& subject, const ir::TypeRef* identity_type,
                          std::vector<std::string>* owned_by, std::vector<std::string>* sequence_name) {
  const PgQuery__DefElem* as_type = nullptr;
  const PgQuery__DefElem* increment = nullptr;
  const PgQuery__DefElem* min_value = nullptr;
  const PgQuery__DefElem* max_value = nullptr;
  const PgQuery__DefElem* start = nullptr;
  const PgQuery__DefElem* cache = nullptr;
  const PgQuery__DefElem* cycle = nullptr;
  bool ok = true;
  for (std::size_t i = 0; i < n; ++i) {
    if (options[i]->node_case != PG_QUERY__NODE__NODE_DEF_ELEM) continue;
    const PgQuery__DefElem* d = options[i]->def_elem;
    std::string name = d->defname;
    if (name == "as") {
      as_type = d;
    } else if (name == "increment") {
      increment = d;
    } else if (name == "minvalue") {
      min_value = d;
    } else if (name == "maxvalue") {
      max_value = d;
    } else if (name == "start") {
      start = d;
    } else if (name == "cache") {
      cache = d;
    } else if (name == "cycle") {
      cycle = d;
    } else if (name == "restart" && altering) {
      // RESTART changes the sequence's current value, which is data, not schema.
    } else if (name == "owned_by" && owned_by) {
      *owned_by = StrList(d->arg->list->items, d->arg->list->n_items);
    } else if (name == "sequence_name" && sequence_name) {
      *sequence_name = StrList(d->arg->list->items, d->arg->list->n_items);
    } else {
      state.Error(ir::diag::kInvalid, fmt::format("{}: option \"{}\" not recognized here", subject, name),
                  state.Span(d->location));
      ok = false;
    }
  }
  if (!ok) return false;

  ir::TypeRef old_type = opts.data_type;
  if (!altering) opts.data_type = identity_type ? *identity_type : ir::TypeRef{"pg_catalog", "int8", "", false};
  if (as_type) {
    if (identity_type) {
      state.Error(ir::diag::kInvalid, subject + ": identity sequence type follows the column type (AS not allowed)",
                  state.Span(as_type->location));
      return false;
    }
    ResolvedType rt = ResolveType(state, as_type->arg->type_name, subject);
    if (!rt.ok) return false;
    if (rt.type.schema != "pg_catalog" || rt.type.array || rt.serial_bytes ||
        (rt.type.name != "int2" && rt.type.name != "int4" && rt.type.name != "int8")) {
      state.Error(ir::diag::kInvalid, subject + ": sequence type must be smallint, integer, or bigint",
                  state.Span(as_type->location));
      return false;
    }
    opts.data_type = rt.type;
  }
  TypeRange range = RangeOf(opts.data_type);
  TypeRange old_range = RangeOf(old_type);
  // sequence.c init_params: changing the type resets bounds that were the old type's limits.
  bool reset_max = altering && as_type && opts.max_value == old_range.max;
  bool reset_min = altering && as_type && opts.min_value == old_range.min;

  if (increment && !IntArg(state, increment, subject, &opts.increment)) return false;
  if (!altering && !increment) opts.increment = 1;
  if (opts.increment == 0) {
    state.Error(ir::diag::kInvalid, subject + ": INCREMENT must not be zero", state.Span(increment->location));
    return false;
  }
  if (max_value && max_value->arg) {
    if (!IntArg(state, max_value, subject, &opts.max_value)) return false;
  } else if (!altering || max_value || reset_max) {
    opts.max_value = (opts.increment > 0 || reset_max) ? range.max : -1;
  }
  if (min_value && min_value->arg) {
    if (!IntArg(state, min_value, subject, &opts.min_value)) return false;
  } else if (!altering || min_value || reset_min) {
    opts.min_value = (opts.increment > 0 && !reset_min) ? 1 : range.min;
  }
  if (start) {
    if (!IntArg(state, start, subject, &opts.start)) return false;
  } else if (!altering) {
    opts.start = opts.increment > 0 ? opts.min_value : opts.max_value;
  }
  if (cache && !IntArg(state, cache, subject, &opts.cache)) return false;
  if (!altering && !cache) opts.cache = 1;
  if (cycle) {
    opts.cycle = cycle->arg && cycle->arg->node_case == PG_QUERY__NODE__NODE_BOOLEAN ? cycle->arg->boolean->boolval
                                                                                     : true;
  } else if (!altering) {
    opts.cycle = false;
  }

  ir::SourceSpan span = state.Span();
  if (opts.max_value > range.max || opts.max_value < range.min) {
    state.Error(ir::diag::kInvalid, fmt::format("{}: MAXVALUE ({}) is out of range for sequence data type", subject,
                                                opts.max_value), span);
    return false;
  }
  if (opts.min_value > range.max || opts.min_value < range.min) {
    state.Error(ir::diag::kInvalid, fmt::format("{}: MINVALUE ({}) is out of range for sequence data type", subject,
                                                opts.min_value), span);
    return false;
  }
  if (opts.min_value >= opts.max_value) {
    state.Error(ir::diag::kInvalid, fmt::format("{}: MINVALUE ({}) must be less than MAXVALUE ({})", subject,
                                                opts.min_value, opts.max_value), span);
    return false;
  }
  if (opts.start < opts.min_value || opts.start > opts.max_value) {
    state.Error(ir::diag::kInvalid, fmt::format("{}: START value ({}) must be between MINVALUE ({}) and MAXVALUE ({})",
                                                subject, opts.start, opts.min_value, opts.max_value), span);
    return false;
  }
  if (opts.cache < 1) {
    state.Error(ir::diag::kInvalid, fmt::format("{}: CACHE ({}) must be greater than zero", subject, opts.cache), span);
    return false;
  }
  return true;
}

namespace {

void SetOwnedBy(State& state, const ir::QualifiedName& seq, const std::vector<std::string>& owned_by,
                ir::SourceSpan span) {
  ir::Sequence& s = state.db.sequences[seq];
  if (owned_by.size() == 1 && owned_by[0] == "none") {
    s.owned_by.reset();
    state.pending_owners.erase(seq);
    return;
  }
  if (owned_by.size() < 2 || owned_by.size() > 3) {
    state.Error(ir::diag::kInvalid,
                fmt::format("sequence \"{}\": OWNED BY must name a table column", ir::DisplayName(seq)), span);
    return;
  }
  PendingTableRef ref;
  ref.candidates = state.Candidates(owned_by.size() == 3 ? owned_by[0] : "");
  ref.name = owned_by[owned_by.size() - 2];
  ref.column = owned_by.back();
  ref.span = span;
  s.owned_by = ir::SequenceOwner{{ref.candidates.front(), ref.name}, ref.column};
  state.pending_owners[seq] = ref;
}

}  // namespace

StmtResult TransformCreateSequence(State& state, PgQuery__CreateSeqStmt& stmt) {
  ir::QualifiedName name = state.CreateName(stmt.sequence);
  std::string subject = fmt::format("sequence \"{}\"", ir::DisplayName(name));
  ir::SourceSpan span = state.Span();
  if (!state.EnsureSchema(name.schema)) return state.Missing(fmt::format("schema \"{}\"", name.schema), span);
  std::string persistence = stmt.sequence->relpersistence ? stmt.sequence->relpersistence : "p";
  if (persistence != "p") {
    state.Unsupported(subject + (persistence == "u" ? ": unlogged sequence" : ": temporary sequence"), span);
    return StmtResult::Done;
  }
  if (stmt.if_not_exists && state.FindRelation(name.schema, name.name)) return StmtResult::Done;
  if (state.CheckRelationFree(name, ir::ObjectKind::Sequence, span)) return StmtResult::Done;
  ir::Sequence seq;
  seq.name = name;
  seq.span = span;
  std::vector<std::string> owned_by;
  if (!ApplySequenceOptions(state, seq.options, stmt.options, stmt.n_options, false, subject, nullptr, &owned_by,
                            nullptr)) {
    return StmtResult::Done;
  }
  state.db.sequences[name] = seq;
  if (!owned_by.empty()) SetOwnedBy(state, name, owned_by, span);
  return StmtResult::Done;
}

StmtResult TransformAlterSequence(State& state, PgQuery__AlterSeqStmt& stmt) {
  ir::SourceSpan span = state.Span();
  std::string schema = stmt.sequence->schemaname ? stmt.sequence->schemaname : "";
  std::string rel = stmt.sequence->relname;
  for (const std::string& s : state.Candidates(schema)) {
    if (ir::Sequence* seq = state.FindSequence(s, rel)) {
      std::string subject = fmt::format("sequence \"{}\"", ir::DisplayName(seq->name));
      std::vector<std::string> owned_by;
      ir::SequenceOptions opts = seq->options;
      if (!ApplySequenceOptions(state, opts, stmt.options, stmt.n_options, true, subject, nullptr, &owned_by,
                                nullptr)) {
        return StmtResult::Done;
      }
      seq->options = opts;
      if (!owned_by.empty()) SetOwnedBy(state, seq->name, owned_by, span);
      return StmtResult::Done;
    }
    for (auto& [qn, t] : state.db.tables) {
      if (qn.schema != s) continue;
      for (ir::Column& c : t.columns) {
        if (!c.identity || c.identity->sequence_name != rel) continue;
        std::string subject = fmt::format("sequence \"{}\"", ir::DisplayName(ir::QualifiedName{s, rel}));
        ir::SequenceOptions opts = c.identity->options;
        if (ApplySequenceOptions(state, opts, stmt.options, stmt.n_options, true, subject, &c.type, nullptr,
                                 nullptr)) {
          c.identity->options = opts;
        }
        return StmtResult::Done;
      }
    }
  }
  if (stmt.missing_ok) return StmtResult::Done;
  return state.Missing(fmt::format("sequence \"{}\"", ir::DisplayName(ir::QualifiedName{schema, rel})), span);
}

}  // namespace schemac::sql
