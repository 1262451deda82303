// Functions and procedures (pg_proc) in SQL and PL/pgSQL, with their argument defaults
// (pg_get_function_arg_default), SQL-standard bodies (pg_get_function_sqlbody), comments and
// dependencies (pg_depend: types, and what SQL-standard bodies and defaults use). Bodies given
// as strings are opaque: PostgreSQL records nothing for them.
#include "compiler/catalog/introspect_context.h"

#include <algorithm>
#include <map>
#include <string>

#include <fmt/format.h>

namespace schemac::catalog::internal {

namespace {

// A type as the IR holds it in function signatures: pg_catalog types by typname, arrays as
// their element with array = true, no modifiers.
ir::TypeRef TypeOf(const std::string& schema, const std::string& name, const std::string& elem_schema,
                   const std::string& elem_name) {
  if (!elem_name.empty()) return {elem_schema, elem_name, "", true};
  return {schema, name, "", false};
}

// Text that may hold quotes travels hex-encoded: libpqxx 6.4's array parser mangles single
// quotes inside array elements.
std::string Unhex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

// proconfig "name=value" entries.
std::vector<ir::StorageParam> Config(const pqxx::field& f) {
  std::vector<ir::StorageParam> out;
  for (const std::string& hex : TextArray(f)) {
    std::string item = Unhex(hex);
    std::size_t eq = item.find('=');
    ir::StorageParam p;
    p.name = item.substr(0, eq);
    p.value = eq == std::string::npos ? "" : item.substr(eq + 1);
    out.push_back(p);
  }
  return out;
}

// pg_aggregate for the aggregates read by ReadFunctions: support functions by schema and name,
// types like argument types, the sort operator by schema and name.
void ReadAggregates(Context& ctx, const std::map<std::int64_t, ir::QualifiedName>& aggregates) {
  auto func = [](const char* column, const char* alias) {
    return fmt::format(
        "(SELECT fn.nspname FROM pg_catalog.pg_proc f JOIN pg_catalog.pg_namespace fn ON fn.oid = f.pronamespace "
        "WHERE f.oid = a.{0}::pg_catalog.oid) AS {1}_schema, "
        "(SELECT f.proname FROM pg_catalog.pg_proc f WHERE f.oid = a.{0}::pg_catalog.oid) AS {1}_name",
        column, alias);
  };
  auto type = [](const char* column, const char* alias) {
    return fmt::format(
        "(SELECT tn.nspname FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace "
        "WHERE t.oid = a.{0}) AS {1}_schema, "
        "(SELECT t.typname FROM pg_catalog.pg_type t WHERE t.oid = a.{0}) AS {1}_name, "
        "(SELECT en.nspname FROM pg_catalog.pg_type t JOIN pg_catalog.pg_type e ON t.typelem <> 0 "
        "  AND e.oid = t.typelem AND e.typarray = t.oid JOIN pg_catalog.pg_namespace en ON en.oid = e.typnamespace "
        "WHERE t.oid = a.{0}) AS {1}_elem_schema, "
        "(SELECT e.typname FROM pg_catalog.pg_type t JOIN pg_catalog.pg_type e ON t.typelem <> 0 "
        "  AND e.oid = t.typelem AND e.typarray = t.oid WHERE t.oid = a.{0}) AS {1}_elem_name",
        column, alias);
  };
  std::string oids;
  for (const auto& [oid, key] : aggregates) oids += (oids.empty() ? "" : ",") + std::to_string(oid);
  pqxx::result rows = ctx.Query(fmt::format(
      "SELECT a.aggfnoid::pg_catalog.oid::pg_catalog.int8 AS oid, a.aggkind, a.aggnumdirectargs, "
      "  {}, {}, {}, {}, {}, {}, {}, {}, "
      "  a.aggfinalextra, a.aggfinalmodify, a.aggmfinalextra, a.aggmfinalmodify, a.aggtransspace, "
      "  a.aggmtransspace, a.agginitval, a.aggminitval, {}, {}, "
      "  (SELECT on_.nspname FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace on_ "
      "    ON on_.oid = o.oprnamespace WHERE o.oid = a.aggsortop) AS sortop_schema, "
      "  (SELECT o.oprname FROM pg_catalog.pg_operator o WHERE o.oid = a.aggsortop) AS sortop_name "
      "FROM pg_catalog.pg_aggregate a WHERE a.aggfnoid::pg_catalog.oid IN ({})",
      func("aggtransfn", "sfunc"), func("aggfinalfn", "finalfunc"), func("aggcombinefn", "combinefunc"),
      func("aggserialfn", "serialfunc"), func("aggdeserialfn", "deserialfunc"), func("aggmtransfn", "msfunc"),
      func("aggminvtransfn", "minvfunc"), func("aggmfinalfn", "mfinalfunc"), type("aggtranstype", "stype"),
      type("aggmtranstype", "mstype"), oids));
  for (const auto& row : rows) {
    auto found = aggregates.find(Int(row["oid"]));
    if (found == aggregates.end()) continue;
    auto fn = [&](const std::string& alias) -> std::optional<ir::QualifiedName> {
      if (row[alias + "_name"].is_null()) return std::nullopt;
      return ir::QualifiedName{Text(row[alias + "_schema"]), Text(row[alias + "_name"])};
    };
    auto ty = [&](const std::string& alias) -> std::optional<ir::TypeRef> {
      if (row[alias + "_name"].is_null()) return std::nullopt;
      return TypeOf(Text(row[alias + "_schema"]), Text(row[alias + "_name"]),
                    row[alias + "_elem_schema"].is_null() ? "" : Text(row[alias + "_elem_schema"]),
                    row[alias + "_elem_name"].is_null() ? "" : Text(row[alias + "_elem_name"]));
    };
    ir::Aggregate g;
    g.kind = Text(row["aggkind"])[0];
    g.num_direct_args = static_cast<int>(Int(row["aggnumdirectargs"]));
    g.sfunc = *fn("sfunc");
    g.stype = *ty("stype");
    g.sspace = static_cast<int>(Int(row["aggtransspace"]));
    g.finalfunc = fn("finalfunc");
    g.finalfunc_extra = Bool(row["aggfinalextra"]);
    g.finalfunc_modify = Text(row["aggfinalmodify"])[0];
    g.combinefunc = fn("combinefunc");
    g.serialfunc = fn("serialfunc");
    g.deserialfunc = fn("deserialfunc");
    g.initcond = OptText(row["agginitval"]);
    g.msfunc = fn("msfunc");
    g.minvfunc = fn("minvfunc");
    g.mstype = ty("mstype");
    g.msspace = static_cast<int>(Int(row["aggmtransspace"]));
    g.mfinalfunc = fn("mfinalfunc");
    g.mfinalfunc_extra = Bool(row["aggmfinalextra"]);
    g.mfinalfunc_modify = Text(row["aggmfinalmodify"])[0];
    g.minitcond = OptText(row["aggminitval"]);
    if (!row["sortop_name"].is_null()) g.sortop = ir::QualifiedName{Text(row["sortop_schema"]), Text(row["sortop_name"])};
    ctx.db.functions.at(found->second).aggregate = g;
  }
}

}  // namespace

void ReadFunctions(Context& ctx) {
  std::map<std::int64_t, ir::QualifiedName> aggregates;  // pg_proc oid -> key in ctx.db.functions
  // One row per routine; its arguments as parallel arrays (names and defaults hex-encoded) (all arguments when proallargtypes is
  // set, else the input arguments), each type with its schema, name and array element.
  pqxx::result rows = ctx.Query(fmt::format(
      "SELECT p.oid::pg_catalog.int8 AS oid, n.nspname, p.proname, p.prokind, l.lanname, "
      "  p.prosrc, p.prosqlbody IS NOT NULL AS std_body, p.probin IS NOT NULL AS has_bin, "
      "  p.provolatile, p.proisstrict, p.prosecdef, p.proleakproof, p.proparallel, "
      "  p.procost::pg_catalog.float8 AS procost, p.prorows::pg_catalog.float8 AS prorows, "
      "  p.proretset, ARRAY(SELECT pg_catalog.encode(pg_catalog.convert_to(c.c, 'UTF8'), 'hex') "
      "        FROM pg_catalog.unnest(p.proconfig) WITH ORDINALITY AS c(c, i) ORDER BY c.i) AS proconfig, "
      "  pg_catalog.pg_get_userbyid(p.proowner) AS owner, d.description, "
      "  rn.nspname AS ret_schema, rt.typname AS ret_name, ren.nspname AS ret_elem_schema, "
      "  ret.typname AS ret_elem_name, "
      "  ARRAY(SELECT tn.nspname FROM pg_catalog.unnest(COALESCE(p.proallargtypes, p.proargtypes::pg_catalog.oid[])) "
      "        WITH ORDINALITY AS a(t, i) JOIN pg_catalog.pg_type ty ON ty.oid = a.t "
      "        JOIN pg_catalog.pg_namespace tn ON tn.oid = ty.typnamespace ORDER BY a.i) AS arg_schemas, "
      "  ARRAY(SELECT ty.typname::pg_catalog.text FROM pg_catalog.unnest(COALESCE(p.proallargtypes, "
      "        p.proargtypes::pg_catalog.oid[])) WITH ORDINALITY AS a(t, i) "
      "        JOIN pg_catalog.pg_type ty ON ty.oid = a.t ORDER BY a.i) AS arg_types, "
      "  ARRAY(SELECT COALESCE(en.nspname::pg_catalog.text, '') FROM pg_catalog.unnest(COALESCE(p.proallargtypes, "
      "        p.proargtypes::pg_catalog.oid[])) WITH ORDINALITY AS a(t, i) "
      "        JOIN pg_catalog.pg_type ty ON ty.oid = a.t "
      "        LEFT JOIN pg_catalog.pg_type et ON ty.typelem <> 0 AND et.oid = ty.typelem AND et.typarray = ty.oid "
      "        LEFT JOIN pg_catalog.pg_namespace en ON en.oid = et.typnamespace ORDER BY a.i) AS arg_elem_schemas, "
      "  ARRAY(SELECT COALESCE(et.typname::pg_catalog.text, '') FROM pg_catalog.unnest(COALESCE(p.proallargtypes, "
      "        p.proargtypes::pg_catalog.oid[])) WITH ORDINALITY AS a(t, i) "
      "        JOIN pg_catalog.pg_type ty ON ty.oid = a.t "
      "        LEFT JOIN pg_catalog.pg_type et ON ty.typelem <> 0 AND et.oid = ty.typelem AND et.typarray = ty.oid "
      "        ORDER BY a.i) AS arg_elem_types, "
      "  p.proargmodes::pg_catalog.text[] AS arg_modes, "
      "  ARRAY(SELECT pg_catalog.encode(pg_catalog.convert_to(a.n, 'UTF8'), 'hex') "
      "        FROM pg_catalog.unnest(p.proargnames) WITH ORDINALITY AS a(n, i) ORDER BY a.i) AS arg_names, "
      "  ARRAY(SELECT COALESCE(pg_catalog.encode(pg_catalog.convert_to(pg_catalog.pg_get_function_arg_default(p.oid, "
      "          i::pg_catalog.int4), 'UTF8'), 'hex'), '-') "
      "        FROM pg_catalog.generate_series(1, COALESCE(pg_catalog.array_length(p.proallargtypes, 1), "
      "        p.pronargs::pg_catalog.int4)) AS i ORDER BY i) AS arg_defaults, "
      "  ARRAY(SELECT DISTINCT CASE WHEN r.relkind IS NOT NULL THEN 'rel:' ELSE 'type:' END || "
      "          dn.nspname || '.' || COALESCE(r.relname, dt.typname) "
      "        FROM pg_catalog.pg_depend dep "
      "        JOIN pg_catalog.pg_type t0 ON dep.refclassid = 'pg_catalog.pg_type'::pg_catalog.regclass "
      "          AND t0.oid = dep.refobjid "
      "        JOIN pg_catalog.pg_type dt ON dt.oid = CASE WHEN t0.typelem <> 0 AND EXISTS (SELECT 1 FROM "
      "          pg_catalog.pg_type e WHERE e.oid = t0.typelem AND e.typarray = t0.oid) THEN t0.typelem ELSE t0.oid END "
      "        JOIN pg_catalog.pg_namespace dn ON dn.oid = dt.typnamespace "
      "        LEFT JOIN pg_catalog.pg_class r ON r.oid = dt.typrelid AND r.relkind <> 'c' "
      "        WHERE dep.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND dep.objid = p.oid "
      "          AND dep.deptype = 'n' AND dn.nspname <> 'pg_catalog' "
      // What a SQL-standard body (or an argument default, or an aggregate's support functions)
      // uses: relations and their columns, functions.
      "        UNION SELECT 'rel:' || cn.nspname || '.' || c.relname "
      "        FROM pg_catalog.pg_depend dep JOIN pg_catalog.pg_class c "
      "          ON dep.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND c.oid = dep.refobjid "
      "        JOIN pg_catalog.pg_namespace cn ON cn.oid = c.relnamespace "
      "        WHERE dep.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND dep.objid = p.oid "
      "          AND dep.deptype = 'n' AND cn.nspname NOT IN ('pg_catalog', 'information_schema') "
      "        UNION SELECT 'col:' || cn.nspname || '.' || c.relname || '.' || a.attname "
      "        FROM pg_catalog.pg_depend dep JOIN pg_catalog.pg_class c "
      "          ON dep.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND c.oid = dep.refobjid "
      "        JOIN pg_catalog.pg_namespace cn ON cn.oid = c.relnamespace "
      "        JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = dep.refobjsubid "
      "        WHERE dep.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND dep.objid = p.oid "
      "          AND dep.deptype = 'n' AND dep.refobjsubid > 0 "
      "          AND cn.nspname NOT IN ('pg_catalog', 'information_schema') "
      "        UNION SELECT 'func:' || fn.nspname || '.' || f.proname "
      "        FROM pg_catalog.pg_depend dep JOIN pg_catalog.pg_proc f "
      "          ON dep.refclassid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND f.oid = dep.refobjid "
      "        JOIN pg_catalog.pg_namespace fn ON fn.oid = f.pronamespace "
      "        WHERE dep.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND dep.objid = p.oid "
      "          AND dep.deptype = 'n' AND fn.nspname NOT IN ('pg_catalog', 'information_schema') "
      "        ORDER BY 1) AS deps, "
      "  pg_catalog.pg_get_function_sqlbody(p.oid) AS sql_body "
      "FROM pg_catalog.pg_proc p "
      "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
      "JOIN pg_catalog.pg_language l ON l.oid = p.prolang "
      "JOIN pg_catalog.pg_type rt ON rt.oid = p.prorettype "
      "JOIN pg_catalog.pg_namespace rn ON rn.oid = rt.typnamespace "
      "LEFT JOIN pg_catalog.pg_type ret ON rt.typelem <> 0 AND ret.oid = rt.typelem AND ret.typarray = rt.oid "
      "LEFT JOIN pg_catalog.pg_namespace ren ON ren.oid = ret.typnamespace "
      "LEFT JOIN pg_catalog.pg_description d ON d.objoid = p.oid "
      "  AND d.classoid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objsubid = 0 "
      "WHERE p.prokind IN ('f', 'p', 'a') AND {} AND {} "
      // A range type's constructor functions belong to the type (an internal dependency).
      "  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend i WHERE i.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass "
      "    AND i.objid = p.oid AND i.deptype = 'i') "
      "ORDER BY n.nspname, p.proname, p.oid",
      kUserSchema, NotExtensionMember("pg_proc", "p.oid")));
  for (const auto& row : rows) {
    std::string schema = Text(row["nspname"]);
    if (!ctx.InScope(schema)) continue;
    ir::Function f;
    f.name = {schema, Text(row["proname"])};
    std::string prokind = Text(row["prokind"]);
    f.kind = prokind == "p"   ? ir::FunctionKind::Procedure
             : prokind == "a" ? ir::FunctionKind::Aggregate
                              : ir::FunctionKind::Function;
    f.language = Text(row["lanname"]);
    std::vector<std::string> arg_schemas = TextArray(row["arg_schemas"]);
    std::vector<std::string> arg_types = TextArray(row["arg_types"]);
    std::vector<std::string> elem_schemas = TextArray(row["arg_elem_schemas"]);
    std::vector<std::string> elem_types = TextArray(row["arg_elem_types"]);
    std::vector<std::string> modes = row["arg_modes"].is_null() ? std::vector<std::string>{} : TextArray(row["arg_modes"]);
    std::vector<std::string> names = TextArray(row["arg_names"]);
    std::vector<std::string> defaults = TextArray(row["arg_defaults"]);
    for (std::size_t i = 0; i < arg_types.size(); ++i) {
      ir::FunctionArg a;
      char mode = i < modes.size() ? modes[i][0] : 'i';
      a.mode = mode == 'o'   ? ir::ArgMode::Out
               : mode == 'b' ? ir::ArgMode::InOut
               : mode == 'v' ? ir::ArgMode::Variadic
               : mode == 't' ? ir::ArgMode::Table
                             : ir::ArgMode::In;
      a.name = i < names.size() ? Unhex(names[i]) : "";
      a.type = TypeOf(arg_schemas[i], arg_types[i], elem_schemas[i], elem_types[i]);
      if (i < defaults.size() && defaults[i] != "-") a.default_expr = ir::Expr{Unhex(defaults[i])};
      f.args.push_back(a);
    }
    // The signature names the function in messages, so it is computed before the checks.
    std::string display = ir::DisplayName(ir::QualifiedName{schema, ir::Signature(f)});
    if (f.kind != ir::FunctionKind::Aggregate && f.language != "sql" && f.language != "plpgsql") {
      ctx.Unsupported(fmt::format("function in language {}", f.language), display);
      continue;
    }
    if (f.kind == ir::FunctionKind::Function) {
      f.return_type = TypeOf(Text(row["ret_schema"]), Text(row["ret_name"]),
                             row["ret_elem_schema"].is_null() ? "" : Text(row["ret_elem_schema"]),
                             row["ret_elem_name"].is_null() ? "" : Text(row["ret_elem_name"]));
      f.returns_set = Bool(row["proretset"]);
    }
    f.body = Text(row["prosrc"]);
    // As printed (names qualified: search_path is empty); canon::NormalizeCatalogExpressions
    // brings it to the SQL front end's canonical form.
    if (Bool(row["std_body"])) f.sql_body = Text(row["sql_body"]);
    f.volatility = Text(row["provolatile"])[0];
    f.strict = Bool(row["proisstrict"]);
    f.security_definer = Bool(row["prosecdef"]);
    f.leakproof = Bool(row["proleakproof"]);
    f.parallel = Text(row["proparallel"])[0];
    f.cost = row["procost"].as<double>();
    f.rows = row["prorows"].as<double>();
    f.config = Config(row["proconfig"]);
    f.comment = OptText(row["description"]);
    f.owner = OptText(row["owner"]);
    f.deps.keys = TextArray(row["deps"]);
    std::sort(f.deps.keys.begin(), f.deps.keys.end());
    ir::QualifiedName key{schema, ir::Signature(f)};
    ctx.functions[Int(row["oid"])] = key;
    if (f.kind == ir::FunctionKind::Aggregate) {
      f.return_type.reset();  // follows from the final function or the state type
      aggregates[Int(row["oid"])] = key;
    }
    ctx.db.functions[key] = std::move(f);
  }
  if (!aggregates.empty()) ReadAggregates(ctx, aggregates);
}

}  // namespace schemac::catalog::internal
