#include "compiler/sql/migration.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "compiler/sql/pg_tree.h"

namespace schemac::sql {

namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

ir::QualifiedName Relation(const PgQuery__RangeVar* rv) {
  if (rv == nullptr) return {};
  return {rv->schemaname ? rv->schemaname : "", rv->relname ? rv->relname : ""};
}

// A dotted name list ({"s", "t"} or {"t"}) as a relation name.
ir::QualifiedName Dotted(const std::vector<std::string>& parts) {
  if (parts.empty()) return {};
  if (parts.size() == 1) return {"", parts[0]};
  return {parts[parts.size() - 2], parts.back()};
}

bool DefElemNamed(PgQuery__Node* const* items, std::size_t n, const std::string& name) {
  for (std::size_t i = 0; i < n; ++i) {
    if (items[i]->node_case == PG_QUERY__NODE__NODE_DEF_ELEM && items[i]->def_elem->defname &&
        Lower(items[i]->def_elem->defname) == name) {
      return true;
    }
  }
  return false;
}

std::string ObjectTypeWord(PgQuery__ObjectType t) {
  switch (t) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE: return "table";
    case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX: return "index";
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW: return "view";
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW: return "materialized view";
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE: return "sequence";
    case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE: return "type";
    case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN: return "domain";
    case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION: return "function";
    case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE: return "procedure";
    case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE: return "routine";
    case PG_QUERY__OBJECT_TYPE__OBJECT_AGGREGATE: return "aggregate";
    case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER: return "trigger";
    case PG_QUERY__OBJECT_TYPE__OBJECT_EXTENSION: return "extension";
    case PG_QUERY__OBJECT_TYPE__OBJECT_POLICY: return "policy";
    case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA: return "schema";
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN: return "column";
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT: return "constraint";
    case PG_QUERY__OBJECT_TYPE__OBJECT_RULE: return "rule";
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE: return "foreign table";
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLLATION: return "collation";
    case PG_QUERY__OBJECT_TYPE__OBJECT_EVENT_TRIGGER: return "event trigger";
    default: return "object";
  }
}

// The functions an expression calls (lower-cased, without schema), for volatility rules.
std::vector<std::string> Calls(PgQuery__Node* expr) {
  std::vector<std::string> out;
  WalkNodes(expr, [&](PgQuery__Node* n) {
    if (n->node_case == PG_QUERY__NODE__NODE_FUNC_CALL) {
      std::vector<std::string> name = StrList(n->func_call->funcname, n->func_call->n_funcname);
      if (!name.empty()) out.push_back(Lower(name.back()));
    } else if (n->node_case == PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION) {
      out.push_back("current_timestamp");
    }
  });
  return out;
}

void ReadTypeName(const PgQuery__TypeName* tn, ColumnFacts& c) {
  if (tn == nullptr) return;
  for (std::string& part : StrList(tn->names, tn->n_names)) c.type_name.push_back(Lower(part));
  std::vector<std::string> mods;
  for (std::size_t i = 0; i < tn->n_typmods; ++i) {
    PgQuery__Node* m = tn->typmods[i];
    if (m->node_case == PG_QUERY__NODE__NODE_A_CONST && m->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
      mods.push_back(std::to_string(m->a_const->ival->ival));
    } else {
      std::string error;
      mods.push_back(DeparseExpr(m, &error));
    }
  }
  for (std::size_t i = 0; i < mods.size(); ++i) c.type_modifiers += (i ? "," : "") + mods[i];
  c.array = tn->n_array_bounds > 0;
}

char ConstraintLetter(PgQuery__ConstrType t) {
  switch (t) {
    case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK: return 'c';
    case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN: return 'f';
    case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE: return 'u';
    case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY: return 'p';
    case PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION: return 'x';
    case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL: return 'n';
    default: return 0;
  }
}

ColumnFacts ReadColumn(const PgQuery__ColumnDef& def) {
  ColumnFacts c;
  c.name = def.colname ? def.colname : "";
  ReadTypeName(def.type_name, c);
  c.not_null = def.is_not_null;
  auto set_default = [&](PgQuery__Node* expr) {
    if (expr == nullptr) return;
    c.has_default = true;
    std::string error;
    c.default_text = DeparseExpr(expr, &error);
    c.default_calls = Calls(expr);
  };
  set_default(def.raw_default);
  for (std::size_t i = 0; i < def.n_constraints; ++i) {
    if (def.constraints[i]->node_case != PG_QUERY__NODE__NODE_CONSTRAINT) continue;
    const PgQuery__Constraint& k = *def.constraints[i]->constraint;
    switch (k.contype) {
      case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL: c.not_null = true; break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT: set_default(k.raw_expr); break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY: c.primary_key = c.not_null = true; break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE: c.unique = true; break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY: c.identity = c.not_null = true; break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED: c.generated_stored = true; break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK: c.check = true; break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN: c.references = true; break;
      default: break;
    }
    if (k.contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY || k.contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE ||
        k.contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN || k.contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK) {
      c.constraints.push_back(ConstraintFacts{ConstraintLetter(k.contype), k.conname ? k.conname : "", {c.name},
                                              Relation(k.pktable)});
    }
  }
  return c;
}

void ReadConstraint(const PgQuery__Constraint& k, Action& a) {
  a.constraint_type = ConstraintLetter(k.contype);
  a.name = k.conname ? k.conname : "";
  a.not_valid = k.skip_validation;
  a.using_index = k.indexname && *k.indexname;
  if (a.using_index) a.index_name = k.indexname;
  if (k.raw_expr) {
    std::string error;
    a.expression = DeparseExpr(k.raw_expr, &error);
  }
  a.columns = StrList(k.contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN ? k.fk_attrs : k.keys,
                      k.contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN ? k.n_fk_attrs : k.n_keys);
  a.ref_table = Relation(k.pktable);
}

void ReadAlterTable(const PgQuery__AlterTableStmt& stmt, MigrationStatement& out) {
  ir::QualifiedName rel = Relation(stmt.relation);
  bool only = stmt.relation && !stmt.relation->inh;
  for (std::size_t i = 0; i < stmt.n_cmds; ++i) {
    if (stmt.cmds[i]->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) continue;
    const PgQuery__AlterTableCmd& cmd = *stmt.cmds[i]->alter_table_cmd;
    Action a;
    a.relation = rel;
    a.object_type = ObjectTypeWord(stmt.objtype);
    a.only = only;
    a.name = cmd.name ? cmd.name : "";
    a.if_exists = cmd.missing_ok;
    a.cascade = cmd.behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
    switch (cmd.subtype) {
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
        a.kind = ActionKind::AddColumn;
        if (cmd.def && cmd.def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
          a.column = ReadColumn(*cmd.def->column_def);
          a.name = a.column.name;
        }
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn: a.kind = ActionKind::DropColumn; break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
        a.kind = ActionKind::AlterColumnType;
        if (cmd.def && cmd.def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
          a.column = ReadColumn(*cmd.def->column_def);
          a.column.name = a.name;
          a.has_using = cmd.def->column_def->raw_default != nullptr;
        }
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault:
        a.kind = ActionKind::SetDefault;
        if (cmd.def) {
          a.column.has_default = true;
          a.column.default_calls = Calls(cmd.def);
        }
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull: a.kind = ActionKind::SetNotNull; break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull: a.kind = ActionKind::DropNotNull; break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddIdentity: a.kind = ActionKind::AddIdentity; break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
        a.kind = ActionKind::AddConstraint;
        if (cmd.def && cmd.def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) ReadConstraint(*cmd.def->constraint, a);
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint: a.kind = ActionKind::ValidateConstraint; break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint: a.kind = ActionKind::DropConstraint; break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetLogged: a.kind = ActionKind::SetLogged; break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetUnLogged:
        a.kind = ActionKind::SetLogged;
        a.unlogged = true;
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetTableSpace:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetAccessMethod: a.kind = ActionKind::SetTablespace; break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetRelOptions:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetRelOptions:
        a.kind = ActionKind::SetStorageOptions;
        if (cmd.def && cmd.def->node_case == PG_QUERY__NODE__NODE_LIST) {
          for (std::size_t j = 0; j < cmd.def->list->n_items; ++j) {
            PgQuery__Node* item = cmd.def->list->items[j];
            if (item->node_case != PG_QUERY__NODE__NODE_DEF_ELEM || !item->def_elem->defname) continue;
            const PgQuery__DefElem& d = *item->def_elem;
            std::string space = d.defnamespace && *d.defnamespace ? Lower(d.defnamespace) + "." : "";
            a.options.push_back(space + Lower(d.defname));
          }
        }
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ClusterOn:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropCluster: a.kind = ActionKind::ClusterOn; break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetOptions:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetOptions:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStatistics: a.kind = ActionKind::SetStorageOptions; break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition:
        a.kind = ActionKind::AttachPartition;
        if (cmd.def && cmd.def->node_case == PG_QUERY__NODE__NODE_PARTITION_CMD) {
          a.name = Relation(cmd.def->partition_cmd->name).name;
        }
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartitionFinalize:
        a.kind = ActionKind::DetachPartition;
        if (cmd.def && cmd.def->node_case == PG_QUERY__NODE__NODE_PARTITION_CMD) {
          a.name = Relation(cmd.def->partition_cmd->name).name;
          a.concurrent = cmd.def->partition_cmd->concurrent;
        }
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrig:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysTrig:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaTrig:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigAll:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigUser:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrig:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigAll:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigUser: a.kind = ActionKind::TriggerChange; break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableRowSecurity:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableRowSecurity:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ForceRowSecurity:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_NoForceRowSecurity: a.kind = ActionKind::RowSecurity; break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ReplicaIdentity: a.kind = ActionKind::ReplicaIdentity; break;
      default: a.kind = ActionKind::OtherAlterTable; break;
    }
    out.actions.push_back(std::move(a));
  }
}

void ReadCreateTable(const PgQuery__CreateStmt& stmt, MigrationStatement& out) {
  Action table;
  table.kind = ActionKind::CreateTable;
  table.relation = Relation(stmt.relation);
  table.if_exists = stmt.if_not_exists;
  table.derived = stmt.n_inh_relations > 0 || stmt.partbound != nullptr || stmt.of_typename != nullptr;
  for (std::size_t i = 0; i < stmt.n_table_elts; ++i) {
    PgQuery__Node* e = stmt.table_elts[i];
    if (e->node_case == PG_QUERY__NODE__NODE_TABLE_LIKE_CLAUSE) table.derived = true;
    if (e->node_case != PG_QUERY__NODE__NODE_CONSTRAINT) continue;
    Action k;
    ReadConstraint(*e->constraint, k);
    if (k.constraint_type == 0 || k.constraint_type == 'n') continue;
    table.constraints.push_back(ConstraintFacts{k.constraint_type, k.name, k.columns, k.ref_table});
  }
  out.actions.push_back(table);
  for (std::size_t i = 0; i < stmt.n_table_elts; ++i) {
    PgQuery__Node* e = stmt.table_elts[i];
    if (e->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF) continue;
    // The columns, for the design advice on types (as ADD COLUMN's would be).
    Action col = table;
    col.constraints.clear();
    col.column = ReadColumn(*e->column_def);
    col.name = col.column.name;
    out.actions.push_back(std::move(col));
  }
}

void ReadDrop(const PgQuery__DropStmt& stmt, MigrationStatement& out) {
  for (std::size_t i = 0; i < stmt.n_objects; ++i) {
    PgQuery__Node* o = stmt.objects[i];
    Action a;
    a.if_exists = stmt.missing_ok;
    a.concurrent = stmt.concurrent;
    a.cascade = stmt.behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
    a.object_type = ObjectTypeWord(stmt.remove_type);
    if (o->node_case == PG_QUERY__NODE__NODE_LIST) {
      std::vector<std::string> names = StrList(o->list->items, o->list->n_items);
      // DROP POLICY / TRIGGER / RULE name ON table: the table's name, then the object's.
      bool on_table = stmt.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_POLICY ||
                      stmt.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER ||
                      stmt.remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_RULE;
      if (on_table && names.size() >= 2) {
        a.name = names.back();
        names.pop_back();
      }
      a.relation = Dotted(names);
    } else if (o->node_case == PG_QUERY__NODE__NODE_STRING) {
      a.relation = {"", StrVal(o)};
    } else if (o->node_case == PG_QUERY__NODE__NODE_TYPE_NAME) {
      a.relation = Dotted(StrList(o->type_name->names, o->type_name->n_names));
    }
    switch (stmt.remove_type) {
      case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
      case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE: a.kind = ActionKind::DropTable; break;
      case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX: a.kind = ActionKind::DropIndex; break;
      case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA: a.kind = ActionKind::DropSchema; break;
      case PG_QUERY__OBJECT_TYPE__OBJECT_POLICY: a.kind = ActionKind::RowSecurity; break;
      default: a.kind = ActionKind::DropOther; break;
    }
    out.actions.push_back(std::move(a));
  }
}

void ReadRename(const PgQuery__RenameStmt& stmt, MigrationStatement& out) {
  Action a;
  a.relation = Relation(stmt.relation);
  a.name = stmt.subname ? stmt.subname : "";
  a.new_name = stmt.newname ? stmt.newname : "";
  a.if_exists = stmt.missing_ok;
  a.object_type = ObjectTypeWord(stmt.rename_type);
  switch (stmt.rename_type) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN: a.kind = ActionKind::RenameColumn; break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE: a.kind = ActionKind::RenameTable; break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA:
      a.kind = ActionKind::RenameSchema;
      a.relation = {"", a.name};
      break;
    default: a.kind = ActionKind::RenameOther; break;
  }
  out.actions.push_back(std::move(a));
}

std::string SetValue(const PgQuery__VariableSetStmt& stmt) {
  std::string out;
  for (std::size_t i = 0; i < stmt.n_args; ++i) {
    PgQuery__Node* v = stmt.args[i];
    std::string piece;
    if (v->node_case == PG_QUERY__NODE__NODE_A_CONST) {
      const PgQuery__AConst& c = *v->a_const;
      if (c.val_case == PG_QUERY__A__CONST__VAL_SVAL) piece = c.sval->sval;
      if (c.val_case == PG_QUERY__A__CONST__VAL_IVAL) piece = std::to_string(c.ival->ival);
      if (c.val_case == PG_QUERY__A__CONST__VAL_FVAL) piece = c.fval->fval;
    }
    out += (i ? ", " : "") + piece;
  }
  return out;
}

void ReadStatement(PgQuery__Node* node, MigrationStatement& out) {
  out.node_kind = NodeKindName(node);
  Action a;
  switch (node->node_case) {
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT: ReadAlterTable(*node->alter_table_stmt, out); return;
    case PG_QUERY__NODE__NODE_CREATE_STMT: ReadCreateTable(*node->create_stmt, out); return;
    case PG_QUERY__NODE__NODE_DROP_STMT: ReadDrop(*node->drop_stmt, out); return;
    case PG_QUERY__NODE__NODE_RENAME_STMT: ReadRename(*node->rename_stmt, out); return;
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
      a.kind = node->create_table_as_stmt->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW ? ActionKind::Other
                                                                                              : ActionKind::CreateTable;
      if (node->create_table_as_stmt->into) a.relation = Relation(node->create_table_as_stmt->into->rel);
      if (a.kind == ActionKind::Other) a.object_type = "materialized view";
      break;
    case PG_QUERY__NODE__NODE_INDEX_STMT: {
      const PgQuery__IndexStmt& s = *node->index_stmt;
      a.kind = ActionKind::CreateIndex;
      a.relation = Relation(s.relation);
      a.only = s.relation && !s.relation->inh;
      a.name = s.idxname ? s.idxname : "";
      a.concurrent = s.concurrent;
      a.if_exists = s.if_not_exists;
      a.unique = s.unique;
      for (std::size_t i = 0; i < s.n_index_params; ++i) {
        PgQuery__Node* p = s.index_params[i];
        bool column = p->node_case == PG_QUERY__NODE__NODE_INDEX_ELEM && p->index_elem->name;
        a.columns.push_back(column ? p->index_elem->name : "");
      }
      if (s.where_clause) {
        std::string error;
        a.expression = DeparseExpr(s.where_clause, &error);
      }
      break;
    }
    case PG_QUERY__NODE__NODE_REINDEX_STMT: {
      const PgQuery__ReindexStmt& s = *node->reindex_stmt;
      a.kind = ActionKind::Reindex;
      a.concurrent = DefElemNamed(s.params, s.n_params, "concurrently");
      switch (s.kind) {
        case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_INDEX: a.object_type = "index"; break;
        case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_TABLE: a.object_type = "table"; break;
        case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_SCHEMA: a.object_type = "schema"; break;
        case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_SYSTEM: a.object_type = "system"; break;
        default: a.object_type = "database"; break;
      }
      // An index or a table is a relation; a schema, the system or a database only a name.
      if (s.relation) a.relation = Relation(s.relation);
      if (!s.relation && s.name) a.name = s.name;
      break;
    }
    case PG_QUERY__NODE__NODE_TRUNCATE_STMT: {
      const PgQuery__TruncateStmt& s = *node->truncate_stmt;
      for (std::size_t i = 0; i < s.n_relations; ++i) {
        Action t;
        t.kind = ActionKind::Truncate;
        if (s.relations[i]->node_case == PG_QUERY__NODE__NODE_RANGE_VAR) t.relation = Relation(s.relations[i]->range_var);
        t.cascade = s.behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
        out.actions.push_back(std::move(t));
      }
      return;
    }
    case PG_QUERY__NODE__NODE_ALTER_OBJECT_SCHEMA_STMT: {
      const PgQuery__AlterObjectSchemaStmt& s = *node->alter_object_schema_stmt;
      a.kind = ActionKind::SetSchema;
      a.relation = Relation(s.relation);
      a.new_name = s.newschema ? s.newschema : "";
      a.object_type = ObjectTypeWord(s.object_type);
      break;
    }
    case PG_QUERY__NODE__NODE_ALTER_ENUM_STMT: {
      const PgQuery__AlterEnumStmt& s = *node->alter_enum_stmt;
      a.relation = Dotted(StrList(s.type_name, s.n_type_name));
      if (s.old_val && *s.old_val) {
        a.kind = ActionKind::EnumRenameValue;
        a.name = s.old_val;
        a.new_name = s.new_val ? s.new_val : "";
      } else {
        a.kind = ActionKind::EnumAddValue;
        a.value = s.new_val ? s.new_val : "";
        a.neighbor = s.new_val_neighbor && *s.new_val_neighbor;
        a.if_exists = s.skip_if_new_val_exists;
      }
      break;
    }
    case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT:
      a.kind = ActionKind::CreateEnum;
      a.relation = Dotted(StrList(node->create_enum_stmt->type_name, node->create_enum_stmt->n_type_name));
      break;
    case PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT: {
      const PgQuery__CreateDomainStmt& s = *node->create_domain_stmt;
      a.kind = ActionKind::CreateDomain;
      a.relation = Dotted(StrList(s.domainname, s.n_domainname));
      for (std::size_t i = 0; i < s.n_constraints; ++i) {
        if (s.constraints[i]->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
            s.constraints[i]->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK) {
          a.constraint_type = 'c';
        }
      }
      break;
    }
    case PG_QUERY__NODE__NODE_ALTER_DOMAIN_STMT: {
      const PgQuery__AlterDomainStmt& s = *node->alter_domain_stmt;
      a.relation = Dotted(StrList(s.type_name, s.n_type_name));
      a.kind = ActionKind::Other;
      if (s.subtype && std::string(s.subtype) == "C") {
        a.kind = ActionKind::DomainAddConstraint;
        if (s.def && s.def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) ReadConstraint(*s.def->constraint, a);
      }
      break;
    }
    case PG_QUERY__NODE__NODE_DROPDB_STMT:
      a.kind = ActionKind::DropDatabase;
      a.relation = {"", node->dropdb_stmt->dbname ? node->dropdb_stmt->dbname : ""};
      break;
    case PG_QUERY__NODE__NODE_VACUUM_STMT: {
      const PgQuery__VacuumStmt& s = *node->vacuum_stmt;
      a.kind = ActionKind::Vacuum;
      a.full = s.is_vacuumcmd && DefElemNamed(s.options, s.n_options, "full");
      a.name = s.is_vacuumcmd ? "vacuum" : "analyze";
      for (std::size_t i = 0; i < s.n_rels; ++i) {
        if (s.rels[i]->node_case == PG_QUERY__NODE__NODE_VACUUM_RELATION) {
          Action v = a;
          v.relation = Relation(s.rels[i]->vacuum_relation->relation);
          out.actions.push_back(std::move(v));
        }
      }
      if (s.n_rels == 0) out.actions.push_back(a);
      return;
    }
    case PG_QUERY__NODE__NODE_CLUSTER_STMT:
      a.kind = ActionKind::Cluster;
      a.relation = Relation(node->cluster_stmt->relation);
      break;
    case PG_QUERY__NODE__NODE_REFRESH_MAT_VIEW_STMT:
      a.kind = ActionKind::RefreshMatView;
      a.relation = Relation(node->refresh_mat_view_stmt->relation);
      a.concurrent = node->refresh_mat_view_stmt->concurrent;
      break;
    case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT:
      a.kind = ActionKind::TriggerChange;
      a.relation = Relation(node->create_trig_stmt->relation);
      a.name = node->create_trig_stmt->trigname ? node->create_trig_stmt->trigname : "";
      break;
    case PG_QUERY__NODE__NODE_CREATE_POLICY_STMT:
      a.kind = ActionKind::RowSecurity;
      a.relation = Relation(node->create_policy_stmt->table);
      break;
    case PG_QUERY__NODE__NODE_ALTER_POLICY_STMT:
      a.kind = ActionKind::RowSecurity;
      a.relation = Relation(node->alter_policy_stmt->table);
      break;
    case PG_QUERY__NODE__NODE_GRANT_STMT:
      a.kind = ActionKind::Grant;
      a.name = node->grant_stmt->is_grant ? "grant" : "revoke";
      break;
    case PG_QUERY__NODE__NODE_CREATE_EXTENSION_STMT:
    case PG_QUERY__NODE__NODE_ALTER_EXTENSION_STMT: a.kind = ActionKind::Extension; break;
    case PG_QUERY__NODE__NODE_COMMENT_STMT: a.kind = ActionKind::Comment; break;
    case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT: {
      const PgQuery__VariableSetStmt& s = *node->variable_set_stmt;
      a.kind = ActionKind::SetVariable;
      a.name = s.name ? Lower(s.name) : "";
      a.local = s.is_local;
      a.reset = s.kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET || s.kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL ||
                s.kind == PG_QUERY__VARIABLE_SET_KIND__VAR_SET_DEFAULT;
      a.value = SetValue(s);
      break;
    }
    case PG_QUERY__NODE__NODE_TRANSACTION_STMT:
      switch (node->transaction_stmt->kind) {
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN:
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START: a.kind = ActionKind::Begin; break;
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT: a.kind = ActionKind::Commit; break;
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK: a.kind = ActionKind::Rollback; break;
        default: a.kind = ActionKind::Savepoint; break;
      }
      break;
    case PG_QUERY__NODE__NODE_INSERT_STMT:
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
    case PG_QUERY__NODE__NODE_DELETE_STMT:
    case PG_QUERY__NODE__NODE_MERGE_STMT:
    case PG_QUERY__NODE__NODE_COPY_STMT: a.kind = ActionKind::Data; break;
    case PG_QUERY__NODE__NODE_SELECT_STMT: {
      // SELECT INTO creates a table; any other SELECT reads (or calls functions of unknown effect).
      const PgQuery__SelectStmt& s = *node->select_stmt;
      if (s.into_clause) {
        a.kind = ActionKind::CreateTable;
        a.relation = Relation(s.into_clause->rel);
      } else {
        a.kind = ActionKind::Data;
      }
      break;
    }
    case PG_QUERY__NODE__NODE_DO_STMT:
    case PG_QUERY__NODE__NODE_CALL_STMT: a.kind = ActionKind::Opaque; break;
    default: a.kind = ActionKind::Other; break;
  }
  out.actions.push_back(std::move(a));
}

}  // namespace

std::vector<PlacedDirective> ScanTokens(int32_t file, const std::string& text, ir::Diagnostics& diags,
                                        std::vector<std::pair<uint32_t, std::string>>& long_identifiers) {
  std::vector<PlacedDirective> out;
  PgQueryScanResult r = pg_query_scan(text.c_str());
  if (!r.error) {
    PgQuery__ScanResult* s =
        pg_query__scan_result__unpack(nullptr, r.pbuf.len, reinterpret_cast<const uint8_t*>(r.pbuf.data));
    std::size_t placed = 0;  // directives before this one have their target
    for (std::size_t i = 0; s && i < s->n_tokens; ++i) {
      const PgQuery__ScanToken& t = *s->tokens[i];
      if (t.token != PG_QUERY__TOKEN__SQL_COMMENT && t.token != PG_QUERY__TOKEN__C_COMMENT) {
        for (; placed < out.size(); ++placed) out[placed].target = static_cast<uint32_t>(t.start);
      }
      if (t.token == PG_QUERY__TOKEN__IDENT) {
        std::string written = text.substr(t.start, t.end - t.start);
        std::string name = written;
        if (name.size() >= 2 && name.front() == '"') {
          name = name.substr(1, name.size() - 2);
          for (std::size_t k = name.find("\"\""); k != std::string::npos; k = name.find("\"\"", k + 1)) name.erase(k, 1);
        }
        if (name.size() > ir::kMaxIdentifierBytes) long_identifiers.push_back({static_cast<uint32_t>(t.start), name});
        continue;
      }
      if (t.token != PG_QUERY__TOKEN__SQL_COMMENT) continue;
      uint32_t begin = static_cast<uint32_t>(t.start), end = static_cast<uint32_t>(t.end);
      std::string comment = text.substr(begin + 2, end - begin - 2);  // past "--"
      grammar::DirectiveParse p = grammar::ParseDirective(comment);
      if (!p.is_directive) continue;
      if (!p.ok) {
        uint32_t at = begin + 2 + static_cast<uint32_t>(p.error_offset);
        diags.Report(ir::diag::kDirective, "malformed schemac directive: expected " + p.error,
                     ir::SourceSpan{file, at, at});
        continue;
      }
      out.push_back(PlacedDirective{std::move(p.directive), ir::SourceSpan{file, begin, end},
                                    static_cast<uint32_t>(text.size())});
    }
    if (s) pg_query__scan_result__free_unpacked(s, nullptr);
  }
  pg_query_free_scan_result(r);
  return out;
}

MigrationFile ReadMigration(int32_t file, const ir::SourceManager& sources, ir::Diagnostics& diags) {
  MigrationFile result;
  std::vector<MigrationStatement>& out = result.statements;
  const std::string text = BlankMetaCommands(sources.Text(file));
  std::vector<std::pair<uint32_t, std::string>> long_identifiers;
  result.directives = ScanTokens(file, text, diags, long_identifiers);
  for (const PlacedDirective& d : result.directives) {
    if (grammar::IsDesiredStateDirective(d.directive.kind)) {
      diags.Report(ir::diag::kDirectiveNoEffect,
                   "this directive belongs in desired-state files (schemac plan and diff read it); in a migration "
                   "file it has no effect",
                   d.span);
    }
  }
  ParsedText parsed = Parse(text);
  if (!parsed.tree) {
    uint32_t at = static_cast<uint32_t>(std::min(parsed.error_offset, text.size()));
    diags.Report(ir::diag::kSyntax, "syntax error: " + parsed.error_message, ir::SourceSpan{file, at, at});
    // The statements before the error still count: parse the text up to the last semicolon
    // before it.
    std::size_t cut = at == 0 ? std::string::npos : text.rfind(';', at - 1);
    if (cut == std::string::npos) return result;
    parsed = Parse(text.substr(0, cut + 1));
    if (!parsed.tree) return result;
  }
  for (std::size_t i = 0; i < parsed.tree->n_stmts; ++i) {
    PgQuery__RawStmt* raw = parsed.tree->stmts[i];
    uint32_t begin = static_cast<uint32_t>(raw->stmt_location);
    uint32_t end = raw->stmt_len ? begin + static_cast<uint32_t>(raw->stmt_len) : static_cast<uint32_t>(text.size());
    MigrationStatement st;
    st.span = ir::SourceSpan{file, SkipBlank(text, begin, end), end};
    ReadStatement(raw->stmt, st);
    for (const auto& [at, name] : long_identifiers) {
      if (at >= st.span.begin && at < st.span.end) st.long_identifiers.push_back(name);
    }
    out.push_back(std::move(st));
  }
  return result;
}

}  // namespace schemac::sql
