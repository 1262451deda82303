// Internal to compiler/sql: PostgreSQL's rules for the names it chooses itself
// (src/backend/commands/indexcmds.c ChooseRelationName / ChooseIndexNameAddition,
//  src/backend/catalog/pg_constraint.c ChooseConstraintName, makeObjectName).
#pragma once

#include <set>
#include <string>
#include <vector>

namespace schemac::sql {

class State;

/// makeObjectName: "name1[_name2][_label]", where name1 and name2 (not the label) are truncated
/// (the longer one first, a character at a time) so that the result fits in 63 bytes.
std::string MakeObjectName(const std::string& name1, const std::string& name2, const std::string& label);

/// ChooseIndexNameAddition / ChooseForeignKeyConstraintNameAddition: names joined by "_",
/// stopping once the text reaches NAMEDATALEN bytes.
std::string NameAddition(const std::vector<std::string>& names);

/// ChooseRelationName: the first of name, name1, name2, ... (label, label1, label2, ...) not
/// used by a relation in `schema` (nor, when `is_constraint`, by a constraint) nor in `taken`.
std::string ChooseRelationName(const State& state, const std::string& schema, const std::string& name1,
                               const std::string& name2, const std::string& label, bool is_constraint,
                               const std::set<std::string>& taken = {});

/// ChooseConstraintName: as ChooseRelationName but unique among the schema's constraint names.
std::string ChooseConstraintName(const State& state, const std::string& schema, const std::string& name1,
                                 const std::string& name2, const std::string& label,
                                 const std::set<std::string>& taken = {});

}  // namespace schemac::sql
