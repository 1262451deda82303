// ALTER TABLE [ONLY] [IF EXISTS]: every sub-command pg_dump emits folds into the table (and
// ALTER SEQUENCE / ALTER INDEX ... OWNER TO, which arrive as ALTER TABLE).
#include "compiler/sql/transform.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "compiler/ir/partition.h"
#include "compiler/sql/expr.h"
#include "compiler/sql/names.h"
#include "compiler/sql/transform_types.h"
#include "compiler/sql/types.h"

namespace schemac::sql {

namespace {

std::string SubtypeName(PgQuery__AlterTableType t) {
  const ProtobufCEnumValue* v = protobuf_c_enum_descriptor_get_value(&pg_query__alter_table_type__descriptor, t);
  return v ? v->name : "unknown";
}

ir::Column* FindColumn(ir::Table& t, const std::string& name) {
  for (ir::Column& c : t.columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// Because DROP COLUMN also drops the indexes and constraints that use the column, and the
// sequence the column owns, those go too.
void DropColumn(State& state, ir::Table& t, const std::string& column) {
  std::erase_if(t.columns, [&](const ir::Column& c) { return c.name == column; });
  std::erase_if(t.constraints, [&](const auto& kv) {
    const ir::Constraint& k = kv.second;
    if (Contains(k.columns, column) || Contains(k.include, column)) return true;
    return k.check && Contains(ExprTextColumns(k.check->text), column);
  });
  std::erase_if(t.indexes, [&](const auto& kv) {
    const ir::Index& ix = kv.second;
    if (Contains(ix.include, column)) return true;
    if (ix.predicate && Contains(ExprTextColumns(ix.predicate->text), column)) return true;
    for (const ir::IndexElement& e : ix.elements) {
      if (e.column == column) return true;
      if (e.expression && Contains(ExprTextColumns(e.expression->text), column)) return true;
    }
    return false;
  });
  std::erase_if(state.db.sequences, [&](const auto& kv) {
    return kv.second.owned_by && kv.second.owned_by->table == t.name && kv.second.owned_by->column == column;
  });
  state.pending_types.erase({t.name, column});
}

void AlterColumnType(State& state, ir::Table& t, ir::Column& col, PgQuery__ColumnDef& def) {
  std::string subject = fmt::format("{}: column \"{}\"", TableSubject(t.name), col.name);
  ResolvedType rt = ResolveType(state, def.type_name, subject);
  if (!rt.ok) return;
  if (rt.serial_bytes) {
    state.Error(ir::diag::kInvalid, subject + ": cannot change a column's type to a serial type",
                state.Span(def.location));
    return;
  }
  col.type = rt.type;
  if (def.coll_clause) {
    col.collation = WrittenCollation(state, StrList(def.coll_clause->collname, def.coll_clause->n_collname), subject,
                                     state.Span(def.location));
  }
  if (rt.pending) {
    state.pending_types[{t.name, col.name}] = *rt.pending;
  } else {
    state.pending_types.erase({t.name, col.name});
  }
  // Because ALTER COLUMN TYPE also alters an identity's sequence (AS the new type), its bounds
  // follow the type when they were the old type's limits.
  if (col.identity) ChangeSequenceType(col.identity->options, col.type);
}

// ALTER TABLE ... REPLICA IDENTITY, with the checks of PostgreSQL's ATExecReplicaIdentity on the
// index: unique, immediate, not partial, no expressions, every key column NOT NULL.
void SetReplicaIdentity(State& state, ir::Table& t, const PgQuery__ReplicaIdentityStmt& ri,
                        const std::string& subject, const ir::SourceSpan& span) {
  switch (ri.identity_type[0]) {
    case 'd': t.replica_identity = ir::ReplicaIdentity::Default; t.replica_identity_index.clear(); return;
    case 'f': t.replica_identity = ir::ReplicaIdentity::Full; t.replica_identity_index.clear(); return;
    case 'n': t.replica_identity = ir::ReplicaIdentity::Nothing; t.replica_identity_index.clear(); return;
    default: break;
  }
  std::string name = ri.name;
  std::vector<std::string> columns;
  std::string problem;
  if (auto it = t.constraints.find(name);
      it != t.constraints.end() &&
      (it->second.kind == ir::ConstraintKind::PrimaryKey || it->second.kind == ir::ConstraintKind::Unique)) {
    if (it->second.deferrable) problem = "cannot use non-immediate index";
    columns = it->second.columns;
  } else if (auto ix = t.indexes.find(name); ix != t.indexes.end()) {
    if (!ix->second.unique) problem = "cannot use non-unique index";
    if (ix->second.predicate) problem = "cannot use partial index";
    for (const ir::IndexElement& e : ix->second.elements) {
      if (e.column) columns.push_back(*e.column);
      else problem = "cannot use expression index";
    }
  } else {
    state.Error(ir::diag::kUndefined, fmt::format("{}: index \"{}\" for table does not exist", subject, name), span);
    return;
  }
  for (const std::string& c : columns) {
    const ir::Column* col = t.FindColumn(c);
    if (problem.empty() && col && !col->not_null) {
      problem = fmt::format("column \"{}\" is nullable", c);
    }
  }
  if (!problem.empty()) {
    state.Error(ir::diag::kInvalid,
                fmt::format("{}: index \"{}\" cannot be used as replica identity: {}", subject, name, problem), span);
    return;
  }
  t.replica_identity = ir::ReplicaIdentity::Index;
  t.replica_identity_index = name;
}

}  // namespace

StmtResult TransformAlterTable(State& state, PgQuery__AlterTableStmt& stmt) {
  ir::SourceSpan span = state.Span();
  std::string schema = stmt.relation->schemaname ? stmt.relation->schemaname : "";
  std::string shown = (schema.empty() ? "" : schema + ".") + stmt.relation->relname;

  if (stmt.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX) {
    for (std::size_t i = 0; i < stmt.n_cmds; ++i) {
      if (stmt.cmds[i]->alter_table_cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition) {
        return TransformAttachIndex(state, stmt);
      }
    }
  }
  // ALTER SEQUENCE / ALTER TABLE on a sequence: only OWNER TO is meaningful here.
  if (stmt.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE || !state.FindTable(stmt.relation)) {
    bool only_owner = stmt.n_cmds > 0;
    for (std::size_t i = 0; i < stmt.n_cmds; ++i) {
      only_owner &= stmt.cmds[i]->alter_table_cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_ChangeOwner;
    }
    if (only_owner) {
      for (const std::string& s : state.Candidates(schema)) {
        if (ir::Sequence* q = state.FindSequence(s, stmt.relation->relname)) {
          std::string owner;
          for (std::size_t i = 0; i < stmt.n_cmds; ++i) {
            if (RoleName(state, stmt.cmds[i]->alter_table_cmd->newowner, &owner)) q->owner = owner;
          }
          return StmtResult::Done;
        }
      }
    }
    if (stmt.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
      if (stmt.missing_ok) return StmtResult::Done;
      return state.Missing(fmt::format("table \"{}\"", shown), span);
    }
    if (stmt.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE) {
      if (stmt.missing_ok) return StmtResult::Done;
      return state.Missing(fmt::format("sequence \"{}\"", shown), span);
    }
  }
  if (stmt.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE) {
    ir::Table* ft = state.FindTable(stmt.relation);
    if (!ft) {
      if (stmt.missing_ok) return StmtResult::Done;
      return state.Missing(fmt::format("foreign table \"{}\"", shown), span);
    }
    if (!ft->foreign) {
      state.Error(ir::diag::kInvalid, fmt::format("{} is not a foreign table", TableSubject(ft->name)), span);
      return StmtResult::Done;
    }
  } else if (stmt.objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
    state.Error(ir::diag::kUnsupportedStatement, "not yet supported: ALTER of this kind of relation", span);
    return StmtResult::Done;
  }
  ir::Table& t = *state.FindTable(stmt.relation);
  std::string subject = TableSubject(t.name);
  if (t.foreign) {
    // What ALTER [FOREIGN] TABLE can change on a foreign table that the IR models; PostgreSQL
    // refuses most of the rest (storage, keys, partitions), and schemac does not model the others.
    for (std::size_t i = 0; i < stmt.n_cmds; ++i) {
      PgQuery__AlterTableCmd& cmd = *stmt.cmds[i]->alter_table_cmd;
      switch (cmd.subtype) {
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
        case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault:
        case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
        case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
        case PG_QUERY__ALTER_TABLE_TYPE__AT_ChangeOwner:
        case PG_QUERY__ALTER_TABLE_TYPE__AT_GenericOptions:
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnGenericOptions: break;
        default:
          state.Unsupported(fmt::format("{}: ALTER FOREIGN TABLE sub-command {}", subject, SubtypeName(cmd.subtype)),
                            span);
          return StmtResult::Done;
      }
    }
  }
  // ADD ... USING INDEX needs its index, which a later statement or file may create: the whole
  // statement waits (before any of its sub-commands is applied) until the index exists.
  for (std::size_t i = 0; i < stmt.n_cmds && !state.ctx.final_pass; ++i) {
    PgQuery__AlterTableCmd& cmd = *stmt.cmds[i]->alter_table_cmd;
    if (cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint || !cmd.def->constraint) continue;
    const char* index = cmd.def->constraint->indexname;
    if (index && *index && !t.indexes.count(index)) return StmtResult::Defer;
  }
  // REPLICA IDENTITY USING INDEX waits the same way for its index or key.
  for (std::size_t i = 0; i < stmt.n_cmds && !state.ctx.final_pass; ++i) {
    PgQuery__AlterTableCmd& cmd = *stmt.cmds[i]->alter_table_cmd;
    if (cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_ReplicaIdentity || !cmd.def->replica_identity_stmt) continue;
    const PgQuery__ReplicaIdentityStmt& ri = *cmd.def->replica_identity_stmt;
    if (std::string(ri.identity_type) == "i" && !t.indexes.count(ri.name) && !t.constraints.count(ri.name)) {
      return StmtResult::Defer;
    }
  }

  // A column added or retyped with a user collation defined by a later statement waits for it.
  for (std::size_t i = 0; i < stmt.n_cmds && !state.ctx.final_pass; ++i) {
    PgQuery__AlterTableCmd& cmd = *stmt.cmds[i]->alter_table_cmd;
    if ((cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn &&
         cmd.subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType) ||
        !cmd.def || cmd.def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF || !cmd.def->column_def->coll_clause) {
      continue;
    }
    const PgQuery__CollateClause& cc = *cmd.def->column_def->coll_clause;
    if (CollationWaits(state, StrList(cc.collname, cc.n_collname), span)) return StmtResult::Defer;
  }

  // ATTACH PARTITION waits the same way for the table attached.
  for (std::size_t i = 0; i < stmt.n_cmds && !state.ctx.final_pass; ++i) {
    PgQuery__AlterTableCmd& cmd = *stmt.cmds[i]->alter_table_cmd;
    if (cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition && !state.FindTable(cmd.def->partition_cmd->name)) {
      return StmtResult::Defer;
    }
  }

  // ENABLE / DISABLE TRIGGER waits the same way for its trigger.
  for (std::size_t i = 0; i < stmt.n_cmds && !state.ctx.final_pass; ++i) {
    if (WaitsForTrigger(t, *stmt.cmds[i]->alter_table_cmd)) return StmtResult::Defer;
  }

  // Without ONLY, column changes to a partitioned table recurse to its partitions.
  const bool recurse = t.partition_key && stmt.relation->inh;
  const ir::Table before = recurse ? t : ir::Table{};
  std::vector<ConstraintWork> work;
  for (std::size_t i = 0; i < stmt.n_cmds; ++i) {
    PgQuery__AlterTableCmd& cmd = *stmt.cmds[i]->alter_table_cmd;
    std::string colname = cmd.name ? cmd.name : "";
    ir::Column* col = nullptr;
    auto need_column = [&]() {
      col = FindColumn(t, colname);
      if (!col) {
        state.Error(ir::diag::kUndefined, fmt::format("{}: column \"{}\" does not exist", subject, colname), span);
      }
      return col != nullptr;
    };
    switch (cmd.subtype) {
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn: {
        PgQuery__ColumnDef& def = *cmd.def->column_def;
        if (cmd.missing_ok && FindColumn(t, def.colname)) break;  // ADD COLUMN IF NOT EXISTS
        std::size_t before = t.columns.size();
        AddColumnDef(state, t, def, &work);
        if (t.columns.size() > before) CheckGenerated(state, t, t.columns.back());
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
        if (!FindColumn(t, colname)) {
          if (!cmd.missing_ok) need_column();
          break;
        }
        DropColumn(state, t, colname);
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault:
        if (!need_column()) break;
        if (cmd.def) {
          if (col->identity) {
            state.Error(ir::diag::kInvalid, fmt::format("{}: column \"{}\" is an identity column", subject, colname),
                        span);
            break;
          }
          col->default_expr = TransformExpr(state, cmd.def, subject);
        } else {
          col->default_expr.reset();
        }
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
        if (need_column()) col->not_null = true;
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
        if (!need_column()) break;
        for (const auto& [n, k] : t.constraints) {
          if (k.kind == ir::ConstraintKind::PrimaryKey && Contains(k.columns, colname)) {
            state.Error(ir::diag::kInvalid, fmt::format("{}: column \"{}\" is in a primary key", subject, colname),
                        span);
          }
        }
        if (col->identity) {
          state.Error(ir::diag::kInvalid, fmt::format("{}: column \"{}\" is an identity column", subject, colname),
                      span);
        }
        col->not_null = false;
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddIdentity: {
        if (!need_column()) break;
        PgQuery__Constraint& c = *cmd.def->constraint;
        if (col->identity) {
          state.Error(ir::diag::kInvalid, fmt::format("{}: column \"{}\" is already an identity column", subject,
                                                      colname), span);
          break;
        }
        if (col->default_expr) {
          state.Error(ir::diag::kInvalid, fmt::format("{}: column \"{}\" already has a default value", subject,
                                                      colname), span);
          break;
        }
        if (!col->not_null) {
          state.Error(ir::diag::kInvalid,
                      fmt::format("{}: column \"{}\" must be declared NOT NULL before identity can be added", subject,
                                  colname), span);
          break;
        }
        ir::TypeRef type_ref = col->type;
        if (type_ref.schema != "pg_catalog" || type_ref.array ||
            (type_ref.name != "int2" && type_ref.name != "int4" && type_ref.name != "int8")) {
          state.Error(ir::diag::kInvalid,
                      fmt::format("{}: identity column type must be smallint, integer, or bigint", subject), span);
          break;
        }
        ir::Identity id;
        id.kind = c.generated_when && std::string(c.generated_when) == "a" ? ir::IdentityKind::Always
                                                                             : ir::IdentityKind::ByDefault;
        std::vector<std::string> seq_name;
        std::string csubject = fmt::format("{}: column \"{}\"", subject, colname);
        if (!ApplySequenceOptions(state, id.options, c.options, c.n_options, false, csubject, &type_ref, nullptr,
                                  &seq_name)) {
          break;
        }
        if (!seq_name.empty()) {
          if (seq_name.size() == 2 && seq_name[0] != t.name.schema) {
            state.Error(ir::diag::kInvalid, csubject + ": identity sequence must be in the table's schema", span);
            break;
          }
          id.sequence_name = seq_name.back();
        } else {
          id.sequence_name = ChooseRelationName(state, t.name.schema, t.name.name, colname, "seq", false);
        }
        if (state.CheckRelationFree({t.name.schema, id.sequence_name}, ir::ObjectKind::Sequence, span)) break;
        col->identity = id;
        state.NoteRelation(t.name, id.sequence_name);
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetIdentity: {
        if (!need_column()) break;
        if (!col->identity) {
          state.Error(ir::diag::kInvalid, fmt::format("{}: column \"{}\" is not an identity column", subject, colname),
                      span);
          break;
        }
        std::vector<PgQuery__Node*> seq_opts;
        PgQuery__List* list = cmd.def->list;
        for (std::size_t k = 0; k < list->n_items; ++k) {
          PgQuery__DefElem* d = list->items[k]->def_elem;
          if (std::string(d->defname) == "generated") {
            col->identity->kind = d->arg->integer->ival == 'a' ? ir::IdentityKind::Always : ir::IdentityKind::ByDefault;
          } else {
            seq_opts.push_back(list->items[k]);
          }
        }
        ir::SequenceOptions opts = col->identity->options;
        if (ApplySequenceOptions(state, opts, seq_opts.data(), seq_opts.size(), true, subject, &col->type, nullptr,
                                 nullptr)) {
          col->identity->options = opts;
        }
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropIdentity:
        if (!need_column()) break;
        if (!col->identity && !cmd.missing_ok) {
          state.Error(ir::diag::kInvalid, fmt::format("{}: column \"{}\" is not an identity column", subject, colname),
                      span);
        }
        col->identity.reset();
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
        if (!need_column()) break;
        AlterColumnType(state, t, *col, *cmd.def->column_def);
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint: {
        PgQuery__Constraint* c = cmd.def->constraint;
        if (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION) {
          state.Unsupported(subject + ": EXCLUDE constraint", span);
          break;
        }
        work.push_back({c, ""});
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint: {
        auto it = t.constraints.find(colname);
        if (it == t.constraints.end()) {
          if (!cmd.missing_ok) {
            state.Error(ir::diag::kUndefined, fmt::format("{}: constraint \"{}\" does not exist", subject, colname),
                        span);
          }
          break;
        }
        state.pending_fks.erase({t.name, colname});
        t.constraints.erase(it);
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint: {
        auto it = t.constraints.find(colname);
        if (it == t.constraints.end()) {
          // A CHECK a partition inherits: validated on this partition (and its own partitions).
          if (ir::CheckValidated(state.db, t, colname).has_value()) {
            t.valid_check_copies.insert(colname);
            break;
          }
          state.Error(ir::diag::kUndefined, fmt::format("{}: constraint \"{}\" does not exist", subject, colname), span);
          break;
        }
        it->second.validated = true;
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ChangeOwner: {
        std::string owner;
        if (RoleName(state, cmd.newowner, &owner)) t.owner = owner;
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetRelOptions: {
        std::vector<ir::StorageParam> params;
        StorageParams(state, cmd.def->list->items, cmd.def->list->n_items, subject, &params);
        // As PostgreSQL's transformRelOptions: a parameter set again leaves its old place and
        // joins the new ones at the end.
        for (const ir::StorageParam& p : params) {
          std::erase_if(t.options, [&](const ir::StorageParam& o) { return o.name == p.name; });
          t.options.push_back(p);
        }
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetRelOptions:
        for (std::size_t k = 0; k < cmd.def->list->n_items; ++k) {
          std::string name = cmd.def->list->items[k]->def_elem->defname;
          std::erase_if(t.options, [&](const ir::StorageParam& o) { return o.name == name; });
        }
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_GenericOptions:
        if (!t.foreign) {
          state.Error(ir::diag::kInvalid, subject + " is not a foreign table", span);
          break;
        }
        FdwOptionChanges(state, cmd.def->list->items, cmd.def->list->n_items, subject, t.foreign->options, false);
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnGenericOptions:
        if (!need_column()) break;
        if (!t.foreign) {
          state.Error(ir::diag::kInvalid, subject + " is not a foreign table", span);
          break;
        }
        FdwOptionChanges(state, cmd.def->list->items, cmd.def->list->n_items,
                         fmt::format("{}: column \"{}\"", subject, colname), col->fdw_options, false);
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ReplicaIdentity:
        SetReplicaIdentity(state, t, *cmd.def->replica_identity_stmt, subject, span);
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableRowSecurity: t.row_security = true; break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableRowSecurity: t.row_security = false; break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ForceRowSecurity: t.force_row_security = true; break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_NoForceRowSecurity: t.force_row_security = false; break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetLogged: t.unlogged = false; break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetUnLogged: t.unlogged = true; break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrig:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysTrig:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaTrig:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrig:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigUser:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigUser: SetTriggerEnabled(state, t, cmd, span); break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableRule:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysRule:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaRule:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableRule: SetRuleEnabled(state, t, cmd, span); break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition:
        if (!t.partition_key) {
          state.Error(ir::diag::kInvalid, subject + " is not partitioned", span);
          break;
        }
        TransformAttachPartition(state, t, *cmd.def->partition_cmd,
                                 cmd.subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition, span);
        break;
      default:
        state.Unsupported(fmt::format("{}: ALTER TABLE sub-command {}", subject, SubtypeName(cmd.subtype)), span);
        break;
    }
  }
  std::set<std::string> had;
  for (const auto& [kname, k] : t.constraints) had.insert(kname);
  AddConstraints(state, t, work);
  if (recurse) {
    RecurseColumnChanges(state, before, t);
    // New keys: PostgreSQL gives every partition one (or attaches an equal one).
    for (const auto& [kname, k] : t.constraints) {
      if (!had.count(kname) && (k.kind == ir::ConstraintKind::PrimaryKey || k.kind == ir::ConstraintKind::Unique)) {
        CloneToPartitions(state, t, kname);
      }
    }
  }
  return StmtResult::Done;
}

}  // namespace schemac::sql
