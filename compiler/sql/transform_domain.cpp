// CREATE DOMAIN, ALTER DOMAIN, CREATE TYPE ... AS (...) (composite types) and ALTER TYPE ...
// ADD / DROP / ALTER / RENAME ATTRIBUTE, and the COMMENT ON, DROP and OWNER TO forms of both;
// the helpers of transform_types.h shared with range types and collations.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "compiler/ir/expression_keys.h"
#include "compiler/sql/expr.h"
#include "compiler/sql/names.h"
#include "compiler/sql/transform.h"
#include "compiler/sql/transform_types.h"
#include "compiler/sql/types.h"

namespace schemac::sql {

namespace {

// The collation of a COLLATE clause (nullopt: none, or the default collation).
TypeOutcome CollationOf(State& state, const PgQuery__CollateClause* cc, const std::string& subject,
                        std::optional<ir::QualifiedName>* out, std::vector<std::string>* deps) {
  out->reset();
  if (!cc) return TypeOutcome::Ok;
  return ResolveCollation(state, StrList(cc->collname, cc->n_collname), subject, state.Span(cc->location), out, deps);
}

}  // namespace

TypeOutcome UserOrBuiltinType(State& state, const PgQuery__TypeName* tn, const std::string& subject, ir::TypeRef* out,
                              std::vector<std::string>* deps) {
  ResolvedType r = ResolveType(state, tn, subject);
  if (!r.ok) return TypeOutcome::Failed;
  if (r.serial_bytes) {
    state.Error(ir::diag::kUndefined,
                fmt::format("{}: type \"{}\" does not exist", subject,
                            r.serial_bytes == 2 ? "smallserial" : r.serial_bytes == 4 ? "serial" : "bigserial"),
                state.Span(tn->location));
    return TypeOutcome::Failed;
  }
  if (!r.pending) {
    *out = r.type;
    return TypeOutcome::Ok;
  }
  const PendingType& p = *r.pending;
  for (const std::string& s : p.candidates) {
    ir::QualifiedName q{s, p.name};
    if (state.db.enums.count(q) || state.db.domains.count(q) || state.db.composite_types.count(q) ||
        RangeOrMultirange(state, q)) {
      if (p.has_typmods) {
        state.Error(ir::diag::kInvalid,
                    fmt::format("{}: type modifier is not allowed for type \"{}\"", subject, p.written), p.span);
        return TypeOutcome::Failed;
      }
      *out = {s, p.name, "", r.type.array};
      deps->push_back(ir::TypeKey(q));
      return TypeOutcome::Ok;
    }
    if (state.db.tables.count(q) || state.db.views.count(q)) {
      state.Unsupported(fmt::format("{}: the row type of relation \"{}\"", subject, ir::DisplayName(q)), p.span);
      return TypeOutcome::Failed;
    }
  }
  return state.Missing(fmt::format("{}: type \"{}\"", subject, p.written), p.span) == StmtResult::Defer
             ? TypeOutcome::Defer
             : TypeOutcome::Failed;
}

const ir::RangeType* RangeOrMultirange(const State& state, const ir::QualifiedName& qn) {
  if (auto it = state.db.range_types.find(qn); it != state.db.range_types.end()) return &it->second;
  for (const auto& [name, r] : state.db.range_types) {
    if (r.multirange == qn) return &r;
  }
  return nullptr;
}

bool IsRangeOrMultirange(const State& state, const ir::QualifiedName& name) {
  return RangeOrMultirange(state, name) != nullptr;
}

TypeOutcome ResolveCollation(State& state, const std::vector<std::string>& parts, const std::string& subject,
                             ir::SourceSpan span, std::optional<ir::QualifiedName>* out,
                             std::vector<std::string>* deps) {
  out->reset();
  if (parts.empty()) return TypeOutcome::Ok;
  std::string schema;
  std::string name;
  if (!state.SplitName(parts, &schema, &name, span)) return TypeOutcome::Failed;
  ir::QualifiedName q{"pg_catalog", name};
  if (schema.empty()) {
    // Because pg_catalog comes first in the effective search path, these names are always the
    // built-in collations.
    static const std::set<std::string> kAlwaysBuiltin = {"default", "C", "POSIX", "ucs_basic"};
    bool found = false;
    if (!kAlwaysBuiltin.count(name)) {
      for (const std::string& s : state.Candidates("")) {
        if (state.db.collations.count({s, name})) {
          q = {s, name};
          found = true;
          break;
        }
      }
      // Possibly a user collation defined by a statement not read yet: wait for it.
      if (!found && !state.ctx.final_pass) return TypeOutcome::Defer;
    }
  } else {
    q = {schema, name};
    if (schema != "pg_catalog" && !state.db.collations.count(q)) {
      return state.Missing(fmt::format("{}: collation \"{}\"", subject, ir::DisplayName(q)), span) == StmtResult::Defer
                 ? TypeOutcome::Defer
                 : TypeOutcome::Failed;
    }
  }
  if (q == ir::QualifiedName{"pg_catalog", "default"}) return TypeOutcome::Ok;
  if (q.schema != "pg_catalog") deps->push_back(ir::CollationKey(q));
  *out = q;
  return TypeOutcome::Ok;
}

bool CollationWaits(State& state, const std::vector<std::string>& parts, ir::SourceSpan span) {
  if (state.ctx.final_pass || parts.empty()) return false;
  std::optional<ir::QualifiedName> out;
  std::vector<std::string> deps;
  return ResolveCollation(state, parts, "", span, &out, &deps) == TypeOutcome::Defer;
}

std::optional<ir::QualifiedName> WrittenCollation(State& state, const std::vector<std::string>& parts,
                                                  const std::string& subject, ir::SourceSpan span) {
  std::optional<ir::QualifiedName> out;
  std::vector<std::string> deps;
  if (ResolveCollation(state, parts, subject, span, &out, &deps) != TypeOutcome::Ok) return std::nullopt;
  return out;
}

std::vector<std::string> DefElemNames(const PgQuery__DefElem& d) {
  const PgQuery__Node* a = d.arg;
  if (!a) return {};
  switch (a->node_case) {
    case PG_QUERY__NODE__NODE_TYPE_NAME: return StrList(a->type_name->names, a->type_name->n_names);
    case PG_QUERY__NODE__NODE_LIST: return StrList(a->list->items, a->list->n_items);
    case PG_QUERY__NODE__NODE_STRING: return {a->string->sval};
    default: return {};
  }
}

namespace {

std::string DomainSubject(const ir::QualifiedName& name) { return fmt::format("domain \"{}\"", ir::DisplayName(name)); }

}  // namespace

bool TypeNameTaken(State& state, const ir::QualifiedName& qn, const std::string& kind, ir::SourceSpan span) {
  std::string subject = fmt::format("{} \"{}\"", kind, ir::DisplayName(qn));
  const ir::SourceSpan* prev = nullptr;
  if (auto it = state.db.domains.find(qn); it != state.db.domains.end()) prev = &it->second.span;
  if (auto it = state.db.composite_types.find(qn); it != state.db.composite_types.end()) prev = &it->second.span;
  if (const ir::RangeType* r = RangeOrMultirange(state, qn)) prev = &r->span;
  if (ir::EnumType* e = state.FindEnum(qn.schema, qn.name)) prev = &e->span;
  if (prev) {
    state.Error(ir::diag::kDuplicate, fmt::format("type \"{}\" is defined more than once", ir::DisplayName(qn)), span,
                {{"previous definition is here", *prev}});
    return true;
  }
  if (ir::Table* t = state.FindTable(qn.schema, qn.name)) {
    state.Error(ir::diag::kConflict, subject + " conflicts with the row type of the table of the same name", span,
                {{"previous definition is here", t->span}});
    return true;
  }
  if (ir::View* v = FindView(state, qn.schema, qn.name)) {
    state.Error(ir::diag::kConflict, subject + " conflicts with the row type of the view of the same name", span,
                {{"previous definition is here", v->span}});
    return true;
  }
  return false;
}

namespace {

// ChooseConstraintName(domain, NULL, "check", namespace): unique among the schema's constraint
// names, which domain constraints share with table constraints.
std::string DomainCheckName(const State& state, const ir::Domain& d) {
  std::set<std::string> taken;
  for (const auto& [name, other] : state.db.domains) {
    if (name.schema != d.name.schema) continue;
    for (const auto& [cname, k] : other.checks) taken.insert(cname);
  }
  for (const auto& [cname, k] : d.checks) taken.insert(cname);
  return ChooseConstraintName(state, d.name.schema, d.name.name, "", "check", taken);
}

// A CHECK constraint of CREATE DOMAIN / ALTER DOMAIN ADD into `d` (false on errors).
bool AddDomainCheck(State& state, ir::Domain& d, PgQuery__Constraint& c, bool allow_not_valid) {
  ir::SourceSpan span = state.Span(c.location);
  std::string subject = DomainSubject(d.name);
  if (c.skip_validation && !allow_not_valid) {
    state.Error(ir::diag::kInvalid, subject + ": check constraints for domains cannot be marked NOT VALID", span);
    return false;
  }
  if (c.deferrable || c.initdeferred) {
    state.Error(ir::diag::kInvalid, subject + ": check constraints cannot be marked DEFERRABLE", span);
    return false;
  }
  if (c.is_no_inherit) {
    state.Error(ir::diag::kInvalid, subject + ": check constraints for domains cannot be marked NO INHERIT", span);
    return false;
  }
  ir::Constraint k;
  k.kind = ir::ConstraintKind::Check;
  k.span = span;
  k.check = TransformExpr(state, c.raw_expr, subject);
  if (!k.check) return false;
  k.validated = !c.skip_validation;
  k.name = c.conname && *c.conname ? std::string(c.conname) : DomainCheckName(state, d);
  if (d.checks.count(k.name)) {
    state.Error(ir::diag::kDuplicate,
                fmt::format("{}: constraint \"{}\" already exists", subject, k.name), span);
    return false;
  }
  d.checks[k.name] = std::move(k);
  return true;
}

// Deps of a domain: its base type (set by the caller) plus the functions its expressions call.
void DomainExpressionDeps(ir::Domain& d) {
  std::vector<std::string>& keys = d.deps.keys;
  if (d.base_type.schema != "pg_catalog") keys.push_back(ir::TypeKey({d.base_type.schema, d.base_type.name}));
  if (d.collation && d.collation->schema != "pg_catalog") keys.push_back(ir::CollationKey(*d.collation));
  if (d.default_expr) {
    for (std::string& k : ir::ExpressionKeys(d.default_expr->text)) keys.push_back(std::move(k));
  }
  for (const auto& [n, k] : d.checks) {
    for (std::string& key : ir::ExpressionKeys(k.check->text)) keys.push_back(std::move(key));
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
}

StmtResult FindDomainTarget(State& state, const std::vector<std::string>& names, ir::SourceSpan span,
                            ir::Domain** out) {
  std::string schema;
  std::string name;
  *out = nullptr;
  if (!state.SplitName(names, &schema, &name, span)) return StmtResult::Done;
  if ((*out = FindDomain(state, schema, name))) return StmtResult::Done;
  return state.Missing(fmt::format("domain \"{}\"", schema.empty() ? name : schema + "." + name), span);
}

}  // namespace

ir::Domain* FindDomain(State& state, const std::string& schema, const std::string& name) {
  for (const std::string& s : state.Candidates(schema)) {
    auto it = state.db.domains.find({s, name});
    if (it != state.db.domains.end()) return &it->second;
  }
  return nullptr;
}

ir::CompositeType* FindCompositeType(State& state, const std::string& schema, const std::string& name) {
  for (const std::string& s : state.Candidates(schema)) {
    auto it = state.db.composite_types.find({s, name});
    if (it != state.db.composite_types.end()) return &it->second;
  }
  return nullptr;
}

StmtResult TransformCreateDomain(State& state, PgQuery__CreateDomainStmt& stmt) {
  ir::SourceSpan span = state.Span();
  std::string schema;
  std::string name;
  if (!state.SplitName(StrList(stmt.domainname, stmt.n_domainname), &schema, &name, span)) return StmtResult::Done;
  if (schema.empty()) schema = state.CreationSchema();
  if (!state.EnsureSchema(schema)) return state.Missing(fmt::format("schema \"{}\"", schema), span);
  ir::Domain d;
  d.name = {schema, name};
  d.span = span;
  std::string subject = DomainSubject(d.name);
  std::vector<std::string> type_deps;
  switch (UserOrBuiltinType(state, stmt.type_name, subject, &d.base_type, &type_deps)) {
    case TypeOutcome::Ok: break;
    case TypeOutcome::Defer: return StmtResult::Defer;
    case TypeOutcome::Failed: return StmtResult::Done;
  }
  if (TypeNameTaken(state, d.name, "domain", span)) return StmtResult::Done;
  std::vector<std::string> coll_deps;  // DomainExpressionDeps adds the collation's key
  switch (CollationOf(state, stmt.coll_clause, subject, &d.collation, &coll_deps)) {
    case TypeOutcome::Ok: break;
    case TypeOutcome::Defer: return StmtResult::Defer;
    case TypeOutcome::Failed: return StmtResult::Done;
  }
  bool saw_null = false;
  bool saw_not_null = false;
  for (std::size_t i = 0; i < stmt.n_constraints; ++i) {
    PgQuery__Constraint& c = *stmt.constraints[i]->constraint;
    ir::SourceSpan cspan = state.Span(c.location);
    switch (c.contype) {
      case PG_QUERY__CONSTR_TYPE__CONSTR_NULL:
      case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL: {
        bool not_null = c.contype == PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL;
        if ((not_null && saw_null) || (!not_null && saw_not_null)) {
          state.Error(ir::diag::kInvalid, subject + ": conflicting NULL/NOT NULL constraints", cspan);
          return StmtResult::Done;
        }
        (not_null ? saw_not_null : saw_null) = true;
        d.not_null = not_null;
        break;
      }
      case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT:
        if (d.default_expr) {
          state.Error(ir::diag::kInvalid, subject + ": multiple default expressions", cspan);
          return StmtResult::Done;
        }
        d.default_expr = TransformExpr(state, c.raw_expr, subject);
        if (!d.default_expr) return StmtResult::Done;
        break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
        if (!AddDomainCheck(state, d, c, false)) return StmtResult::Done;
        break;
      default:
        state.Error(ir::diag::kInvalid, subject + ": this constraint is not allowed on a domain", cspan);
        return StmtResult::Done;
    }
  }
  DomainExpressionDeps(d);
  state.db.domains[d.name] = std::move(d);
  return StmtResult::Done;
}

StmtResult TransformAlterDomain(State& state, PgQuery__AlterDomainStmt& stmt) {
  ir::SourceSpan span = state.Span();
  ir::Domain* d = nullptr;
  if (StmtResult r = FindDomainTarget(state, StrList(stmt.type_name, stmt.n_type_name), span, &d); !d) return r;
  std::string subject = DomainSubject(d->name);
  char sub = stmt.subtype && *stmt.subtype ? stmt.subtype[0] : '?';
  switch (sub) {
    case 'T':  // SET DEFAULT / DROP DEFAULT
      if (stmt.def) {
        std::optional<ir::Expr> e = TransformExpr(state, stmt.def, subject);
        if (!e) return StmtResult::Done;
        d->default_expr = e;
      } else {
        d->default_expr.reset();
      }
      break;
    case 'N': d->not_null = false; break;  // DROP NOT NULL
    case 'O': d->not_null = true; break;   // SET NOT NULL
    case 'C': {                            // ADD CONSTRAINT
      if (!stmt.def || stmt.def->node_case != PG_QUERY__NODE__NODE_CONSTRAINT ||
          stmt.def->constraint->contype != PG_QUERY__CONSTR_TYPE__CONSTR_CHECK) {
        state.Unsupported(subject + ": ALTER DOMAIN ADD of a constraint other than CHECK", span);
        return StmtResult::Done;
      }
      if (!AddDomainCheck(state, *d, *stmt.def->constraint, true)) return StmtResult::Done;
      break;
    }
    case 'X': {  // DROP CONSTRAINT
      std::string name = stmt.name ? stmt.name : "";
      if (!d->checks.erase(name) && !stmt.missing_ok) {
        state.Error(ir::diag::kUndefined, fmt::format("{}: constraint \"{}\" does not exist", subject, name), span);
        return StmtResult::Done;
      }
      break;
    }
    case 'V': {  // VALIDATE CONSTRAINT
      std::string name = stmt.name ? stmt.name : "";
      auto it = d->checks.find(name);
      if (it == d->checks.end()) {
        state.Error(ir::diag::kUndefined, fmt::format("{}: constraint \"{}\" does not exist", subject, name), span);
        return StmtResult::Done;
      }
      it->second.validated = true;
      break;
    }
    default: state.Unsupported(subject + ": this form of ALTER DOMAIN", span); return StmtResult::Done;
  }
  d->deps.keys.clear();
  DomainExpressionDeps(*d);
  return StmtResult::Done;
}

namespace {

std::string CompositeSubject(const ir::QualifiedName& name) { return fmt::format("type \"{}\"", ir::DisplayName(name)); }

ir::CompositeAttribute* FindAttribute(ir::CompositeType& t, const std::string& name) {
  for (ir::CompositeAttribute& a : t.attributes) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

// The type and collation of an attribute (CREATE TYPE ... AS, ADD ATTRIBUTE, ALTER ATTRIBUTE ...
// TYPE) into `a`.
TypeOutcome AttributeType(State& state, PgQuery__ColumnDef& def, const std::string& subject, ir::CompositeAttribute& a) {
  std::vector<std::string> deps;  // recomputed from the attributes by CompositeDeps
  if (TypeOutcome r = UserOrBuiltinType(state, def.type_name, subject, &a.type, &deps); r != TypeOutcome::Ok) return r;
  return CollationOf(state, def.coll_clause, subject, &a.collation, &deps);
}

// Deps of a composite type: the user types and collations of its attributes.
void CompositeDeps(ir::CompositeType& t) {
  std::vector<std::string>& keys = t.deps.keys;
  keys.clear();
  for (const ir::CompositeAttribute& a : t.attributes) {
    if (a.type.schema != "pg_catalog") keys.push_back(ir::TypeKey({a.type.schema, a.type.name}));
    if (a.collation && a.collation->schema != "pg_catalog") keys.push_back(ir::CollationKey(*a.collation));
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
}

// The composite type an ALTER TYPE / RENAME ATTRIBUTE targets; `out` null when there is none.
StmtResult FindCompositeTarget(State& state, const PgQuery__RangeVar* rv, ir::SourceSpan span, ir::CompositeType** out) {
  std::string schema = rv && rv->schemaname ? rv->schemaname : "";
  std::string name = rv && rv->relname ? rv->relname : "";
  *out = FindCompositeType(state, schema, name);
  if (*out) return StmtResult::Done;
  ir::QualifiedName shown{schema, name};
  for (const std::string& s : state.Candidates(schema)) {
    ir::QualifiedName q{s, name};
    if (state.FindEnum(s, name) || state.db.domains.count(q) || RangeOrMultirange(state, q)) {
      state.Error(ir::diag::kInvalid, fmt::format("type \"{}\" is not a composite type", ir::DisplayName(q)), span);
      return StmtResult::Done;
    }
  }
  return state.Missing(fmt::format("type \"{}\"", schema.empty() ? name : ir::DisplayName(shown)), span);
}

}  // namespace

StmtResult TransformCreateCompositeType(State& state, PgQuery__CompositeTypeStmt& stmt) {
  ir::SourceSpan span = state.Span();
  ir::QualifiedName qn = state.CreateName(stmt.typevar);
  if (!state.EnsureSchema(qn.schema)) return state.Missing(fmt::format("schema \"{}\"", qn.schema), span);
  ir::CompositeType t;
  t.name = qn;
  t.span = span;
  std::string subject = CompositeSubject(qn);
  for (std::size_t i = 0; i < stmt.n_coldeflist; ++i) {
    if (stmt.coldeflist[i]->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF) continue;
    PgQuery__ColumnDef& def = *stmt.coldeflist[i]->column_def;
    ir::CompositeAttribute a;
    a.name = def.colname;
    std::string asubject = fmt::format("{}: attribute \"{}\"", subject, a.name);
    if (FindAttribute(t, a.name)) {
      state.Error(ir::diag::kDuplicate, fmt::format("{} specified more than once", asubject), state.Span(def.location));
      return StmtResult::Done;
    }
    switch (AttributeType(state, def, asubject, a)) {
      case TypeOutcome::Ok: break;
      case TypeOutcome::Defer: return StmtResult::Defer;
      case TypeOutcome::Failed: return StmtResult::Done;
    }
    t.attributes.push_back(std::move(a));
  }
  if (TypeNameTaken(state, qn, "type", span)) return StmtResult::Done;
  // The type's relation (relkind 'c') shares the relation namespace.
  if (state.CheckRelationFree(qn, ir::ObjectKind::CompositeType, span)) return StmtResult::Done;
  CompositeDeps(t);
  state.db.composite_types[qn] = std::move(t);
  return StmtResult::Done;
}

StmtResult TransformAlterCompositeType(State& state, PgQuery__AlterTableStmt& stmt) {
  ir::SourceSpan span = state.Span();
  ir::CompositeType* target = nullptr;
  if (StmtResult r = FindCompositeTarget(state, stmt.relation, span, &target); !target) return r;
  // Applied to a copy, so that a command that must wait for a later statement leaves the type
  // untouched until the whole statement is retried.
  ir::CompositeType t = *target;
  std::string subject = CompositeSubject(t.name);
  for (std::size_t i = 0; i < stmt.n_cmds; ++i) {
    if (stmt.cmds[i]->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) continue;
    PgQuery__AlterTableCmd& cmd = *stmt.cmds[i]->alter_table_cmd;
    std::string name = cmd.name ? cmd.name : "";
    switch (cmd.subtype) {
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn: {
        if (!cmd.def || cmd.def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF) break;
        PgQuery__ColumnDef& def = *cmd.def->column_def;
        ir::CompositeAttribute a;
        a.name = def.colname;
        std::string asubject = fmt::format("{}: attribute \"{}\"", subject, a.name);
        if (FindAttribute(t, a.name)) {
          state.Error(ir::diag::kDuplicate, asubject + " already exists", state.Span(def.location));
          return StmtResult::Done;
        }
        switch (AttributeType(state, def, asubject, a)) {
          case TypeOutcome::Ok: break;
          case TypeOutcome::Defer: return StmtResult::Defer;
          case TypeOutcome::Failed: return StmtResult::Done;
        }
        t.attributes.push_back(std::move(a));
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn: {
        auto it = std::find_if(t.attributes.begin(), t.attributes.end(),
                               [&](const ir::CompositeAttribute& a) { return a.name == name; });
        if (it != t.attributes.end()) {
          t.attributes.erase(it);
        } else if (!cmd.missing_ok) {
          state.Error(ir::diag::kUndefined, fmt::format("{}: attribute \"{}\" does not exist", subject, name), span);
          return StmtResult::Done;
        }
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType: {
        ir::CompositeAttribute* a = FindAttribute(t, name);
        if (!a) {
          state.Error(ir::diag::kUndefined, fmt::format("{}: attribute \"{}\" does not exist", subject, name), span);
          return StmtResult::Done;
        }
        if (!cmd.def || cmd.def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF) break;
        // Because ALTER ... TYPE without COLLATE gives the new type's default collation, the
        // old collation is not kept.
        ir::CompositeAttribute changed = *a;
        switch (AttributeType(state, *cmd.def->column_def,
                              fmt::format("{}: attribute \"{}\"", subject, name), changed)) {
          case TypeOutcome::Ok: break;
          case TypeOutcome::Defer: return StmtResult::Defer;
          case TypeOutcome::Failed: return StmtResult::Done;
        }
        *a = std::move(changed);
        break;
      }
      default:
        state.Unsupported(subject + ": this form of ALTER TYPE", state.Span());
        return StmtResult::Done;
    }
  }
  CompositeDeps(t);
  *target = std::move(t);
  return StmtResult::Done;
}

StmtResult TransformRenameAttribute(State& state, PgQuery__RenameStmt& stmt) {
  ir::SourceSpan span = state.Span();
  ir::CompositeType* t = nullptr;
  if (StmtResult r = FindCompositeTarget(state, stmt.relation, span, &t); !t) return r;
  std::string subject = CompositeSubject(t->name);
  std::string from = stmt.subname ? stmt.subname : "";
  std::string to = stmt.newname ? stmt.newname : "";
  ir::CompositeAttribute* a = FindAttribute(*t, from);
  if (!a) {
    if (!stmt.missing_ok) {
      state.Error(ir::diag::kUndefined, fmt::format("{}: attribute \"{}\" does not exist", subject, from), span);
    }
    return StmtResult::Done;
  }
  if (FindAttribute(*t, to)) {
    state.Error(ir::diag::kDuplicate, fmt::format("{}: attribute \"{}\" already exists", subject, to), span);
    return StmtResult::Done;
  }
  a->name = to;
  return StmtResult::Done;
}

StmtResult CommentOnDomainConstraint(State& state, PgQuery__CommentStmt& stmt) {
  ir::SourceSpan span = state.Span();
  // object: List [TypeName domain, String constraint]
  if (!stmt.object || stmt.object->node_case != PG_QUERY__NODE__NODE_LIST || stmt.object->list->n_items != 2 ||
      stmt.object->list->items[0]->node_case != PG_QUERY__NODE__NODE_TYPE_NAME) {
    state.Error(ir::diag::kInvalid, "COMMENT ON CONSTRAINT ... ON DOMAIN needs a domain and a constraint", span);
    return StmtResult::Done;
  }
  PgQuery__TypeName* tn = stmt.object->list->items[0]->type_name;
  std::string cname = StrVal(stmt.object->list->items[1]);
  ir::Domain* d = nullptr;
  if (StmtResult r = FindDomainTarget(state, StrList(tn->names, tn->n_names), span, &d); !d) return r;
  auto it = d->checks.find(cname);
  if (it == d->checks.end()) {
    return state.Missing(fmt::format("{}: constraint \"{}\"", DomainSubject(d->name), cname), span);
  }
  if (stmt.comment && *stmt.comment) it->second.comment = std::string(stmt.comment);
  else it->second.comment.reset();
  return StmtResult::Done;
}

}  // namespace schemac::sql
