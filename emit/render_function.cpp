// CREATE [OR REPLACE] FUNCTION / PROCEDURE with every attribute written out (a SQL-standard body
// as its canonical text), CREATE AGGREGATE with the options that differ from the defaults, DROP,
// COMMENT ON and ALTER ... OWNER TO. Each CREATE is preceded by SET LOCAL check_function_bodies = false:
// bodies are opaque to the planner (a SQL body may use a table created later in the plan, as
// in pg_dump output), and object changes always run inside a transaction, so the setting ends
// with it.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "emit/quote.h"
#include "emit/render_kinds.h"

namespace schemac::emit {

namespace {

bool IsInput(const ir::FunctionArg& a) { return a.mode != ir::ArgMode::Out && a.mode != ir::ArgMode::Table; }

bool IsProcedure(const ir::Function& f) { return f.kind == ir::FunctionKind::Procedure; }

bool IsAggregate(const ir::Function& f) { return f.kind == ir::FunctionKind::Aggregate; }

std::string AggregateArgSql(const ir::FunctionArg& a, bool with_name) {
  std::string out = a.mode == ir::ArgMode::Variadic ? "VARIADIC " : "";
  if (with_name && !a.name.empty()) out += QuoteIdentifier(a.name) + " ";
  return out + RenderType(a.type);
}

// An aggregate's argument list: "*" for none, the ordered-set form "direct ORDER BY aggregated"
// (a VARIADIC direct argument that also stands for the aggregated ones is written on both sides).
std::string AggregateArgsSql(const ir::Function& f, bool with_names) {
  if (f.args.empty()) return "*";
  const ir::Aggregate& g = *f.aggregate;
  auto join = [&](std::size_t from, std::size_t to) {
    std::string out;
    for (std::size_t i = from; i < to; ++i) out += (i > from ? ", " : "") + AggregateArgSql(f.args[i], with_names);
    return out;
  };
  if (g.kind == 'n') return join(0, f.args.size());
  std::size_t direct = static_cast<std::size_t>(g.num_direct_args);
  if (direct >= f.args.size()) {
    return join(0, f.args.size()) + " ORDER BY " + AggregateArgSql(f.args.back(), false);
  }
  return (direct > 0 ? join(0, direct) + " " : "") + "ORDER BY " + join(direct, f.args.size());
}

// "public.f(integer, text)": the routine as DROP / COMMENT ON / ALTER name it.
std::string SignatureSql(const ir::Function& f) {
  if (IsAggregate(f)) return QuoteQualified(f.name) + "(" + AggregateArgsSql(f, false) + ")";
  std::string out = QuoteQualified(f.name) + "(";
  bool first = true;
  for (const ir::FunctionArg& a : f.args) {
    if (!IsInput(a)) continue;
    out += (first ? "" : ", ") + RenderType(a.type);
    first = false;
  }
  return out + ")";
}

std::string Target(const diff::ElementRef& ref) {
  const ir::Function& f = *ref.function;
  return (IsProcedure(f) ? "PROCEDURE " : IsAggregate(f) ? "AGGREGATE " : "FUNCTION ") + SignatureSql(f);
}

std::string ArgSql(const ir::FunctionArg& a) {
  std::string out;
  switch (a.mode) {
    case ir::ArgMode::Out: out = "OUT "; break;
    case ir::ArgMode::InOut: out = "INOUT "; break;
    case ir::ArgMode::Variadic: out = "VARIADIC "; break;
    default: break;
  }
  if (!a.name.empty()) out += QuoteIdentifier(a.name) + " ";
  out += RenderType(a.type);
  if (a.default_expr) out += " DEFAULT " + a.default_expr->text;
  return out;
}

// Settings whose value is a list of identifiers: proconfig holds them quoted as identifiers and
// joined by ", "; each element is written as its own literal (as pg_dump does).
bool IsListSetting(const std::string& name) {
  return name == "search_path" || name == "temp_tablespaces" || name == "session_preload_libraries" ||
         name == "shared_preload_libraries" || name == "local_preload_libraries";
}

std::string SettingValueSql(const ir::StorageParam& p) {
  if (!IsListSetting(p.name)) return QuoteLiteral(p.value);
  std::vector<std::string> items;
  std::string cur;
  bool quoted = false;
  for (std::size_t i = 0; i < p.value.size(); ++i) {
    char c = p.value[i];
    if (c == '"') {
      if (quoted && i + 1 < p.value.size() && p.value[i + 1] == '"') {
        cur += '"';
        ++i;
      } else {
        quoted = !quoted;
      }
      continue;
    }
    if (!quoted && c == ',') {
      items.push_back(cur);
      cur.clear();
      while (i + 1 < p.value.size() && p.value[i + 1] == ' ') ++i;
      continue;
    }
    cur += c;
  }
  items.push_back(cur);
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + QuoteLiteral(item);
  return out;
}

// A dollar-quote tag that does not occur in the body.
std::string DollarTag(const ir::Function& f) {
  std::string base = IsProcedure(f) ? "procedure" : "function";
  std::string tag = "$" + base + "$";
  for (int n = 1; f.body.find(tag) != std::string::npos; ++n) tag = fmt::format("${}_{}$", base, n);
  return tag;
}

std::string Number(double v) { return fmt::format("{}", v); }

std::string ModifySql(char m) { return m == 's' ? "SHAREABLE" : m == 'w' ? "READ_WRITE" : "READ_ONLY"; }

// CREATE AGGREGATE with the options that differ from PostgreSQL's defaults.
std::string CreateAggregateSql(const ir::Function& f, bool or_replace) {
  const ir::Aggregate& g = *f.aggregate;
  char default_modify = g.kind == 'n' ? 'r' : 'w';
  std::vector<std::string> opts;
  auto fn = [&](const char* what, const std::optional<ir::QualifiedName>& q) {
    if (q) opts.push_back(std::string(what) + " = " + QuoteQualified(*q));
  };
  opts.push_back("SFUNC = " + QuoteQualified(g.sfunc));
  opts.push_back("STYPE = " + RenderType(g.stype));
  if (g.sspace != 0) opts.push_back(fmt::format("SSPACE = {}", g.sspace));
  fn("FINALFUNC", g.finalfunc);
  if (g.finalfunc_extra) opts.push_back("FINALFUNC_EXTRA");
  if (g.finalfunc_modify != default_modify) opts.push_back("FINALFUNC_MODIFY = " + ModifySql(g.finalfunc_modify));
  fn("COMBINEFUNC", g.combinefunc);
  fn("SERIALFUNC", g.serialfunc);
  fn("DESERIALFUNC", g.deserialfunc);
  if (g.initcond) opts.push_back("INITCOND = " + QuoteLiteral(*g.initcond));
  fn("MSFUNC", g.msfunc);
  fn("MINVFUNC", g.minvfunc);
  if (g.mstype) opts.push_back("MSTYPE = " + RenderType(*g.mstype));
  if (g.msspace != 0) opts.push_back(fmt::format("MSSPACE = {}", g.msspace));
  fn("MFINALFUNC", g.mfinalfunc);
  if (g.mfinalfunc_extra) opts.push_back("MFINALFUNC_EXTRA");
  if (g.mfinalfunc_modify != default_modify) opts.push_back("MFINALFUNC_MODIFY = " + ModifySql(g.mfinalfunc_modify));
  if (g.minitcond) opts.push_back("MINITCOND = " + QuoteLiteral(*g.minitcond));
  if (g.sortop) opts.push_back("SORTOP = OPERATOR(" + QuoteIdentifier(g.sortop->schema) + "." + g.sortop->name + ")");
  if (f.parallel != 'u') opts.push_back(f.parallel == 's' ? "PARALLEL = SAFE" : "PARALLEL = RESTRICTED");
  if (g.kind == 'h') opts.push_back("HYPOTHETICAL");
  std::string out = std::string(or_replace ? "CREATE OR REPLACE AGGREGATE " : "CREATE AGGREGATE ") + QuoteQualified(f.name) + "(" + AggregateArgsSql(f, true) + ") (";
  for (std::size_t i = 0; i < opts.size(); ++i) out += (i ? ",\n    " : "\n    ") + opts[i];
  return out + "\n)";
}

std::string CreateSql(const ir::Function& f, bool or_replace) {
  if (IsAggregate(f) && f.aggregate) return CreateAggregateSql(f, or_replace);
  std::string out = fmt::format("CREATE {}{} {}(", or_replace ? "OR REPLACE " : "",
                                IsProcedure(f) ? "PROCEDURE" : "FUNCTION", QuoteQualified(f.name));
  bool first = true;
  std::vector<const ir::FunctionArg*> table_columns;
  for (const ir::FunctionArg& a : f.args) {
    if (a.mode == ir::ArgMode::Table) {
      table_columns.push_back(&a);
      continue;
    }
    out += (first ? "" : ", ") + ArgSql(a);
    first = false;
  }
  out += ")";
  if (!IsProcedure(f) && f.return_type) {
    if (!table_columns.empty()) {
      out += "\n    RETURNS TABLE(";
      for (std::size_t i = 0; i < table_columns.size(); ++i) {
        out += (i ? ", " : "") + QuoteIdentifier(table_columns[i]->name) + " " + RenderType(table_columns[i]->type);
      }
      out += ")";
    } else {
      out += "\n    RETURNS " + std::string(f.returns_set ? "SETOF " : "") + RenderType(*f.return_type);
    }
  }
  out += "\n    LANGUAGE " + QuoteIdentifier(f.language);
  if (!IsProcedure(f)) {
    out += f.volatility == 'i' ? " IMMUTABLE" : f.volatility == 's' ? " STABLE" : " VOLATILE";
    out += f.leakproof ? " LEAKPROOF" : " NOT LEAKPROOF";
    out += f.strict ? " STRICT" : " CALLED ON NULL INPUT";
  }
  out += f.security_definer ? " SECURITY DEFINER" : " SECURITY INVOKER";
  if (!IsProcedure(f)) {
    out += f.parallel == 's' ? " PARALLEL SAFE" : f.parallel == 'r' ? " PARALLEL RESTRICTED" : " PARALLEL UNSAFE";
    out += " COST " + Number(f.cost);
    if (f.returns_set) out += " ROWS " + Number(f.rows);
  }
  for (const ir::StorageParam& p : f.config) {
    out += "\n    SET " + QuoteIdentifier(p.name) + " TO " + SettingValueSql(p);
  }
  if (f.sql_body) {  // RETURN expr / BEGIN ATOMIC ... END, canonical text
    out += "\n" + *f.sql_body;
    return out;
  }
  std::string tag = DollarTag(f);
  out += "\n    AS " + tag + f.body + tag;
  return out;
}

// Comment and owner statements going from `before` (null: a new routine) to `after`.
void CommentAndOwner(const ir::Function* before, const diff::ElementRef& after, std::vector<std::string>& out) {
  const ir::Function& f = *after.function;
  std::optional<std::string> old_comment = before ? before->comment : std::nullopt;
  if (f.comment != old_comment) {
    out.push_back("COMMENT ON " + Target(after) + " IS " + (f.comment ? QuoteLiteral(*f.comment) : "NULL") + ";");
  }
  if (before && f.owner && before->owner != f.owner) {
    out.push_back("ALTER " + Target(after) + " OWNER TO " + QuoteIdentifier(*f.owner) + ";");
  }
}

const char* kNoBodyChecks = "SET LOCAL check_function_bodies = false;";

std::vector<std::string> Create(const diff::ElementRef& ref) {
  std::vector<std::string> out;
  if (!IsAggregate(*ref.function)) out.push_back(kNoBodyChecks);  // an aggregate has no body
  out.push_back(CreateSql(*ref.function, false) + ";");
  CommentAndOwner(nullptr, ref, out);
  return out;
}

std::vector<std::string> Drop(const diff::ElementRef& ref) { return {"DROP " + Target(ref) + ";"}; }

std::vector<std::string> Replace(const diff::ElementRef& before, const diff::ElementRef& after) {
  std::vector<std::string> out;
  if (!IsAggregate(*after.function)) out.push_back(kNoBodyChecks);
  out.push_back(CreateSql(*after.function, true) + ";");
  CommentAndOwner(before.function, after, out);
  return out;
}

std::vector<std::string> Alter(const diff::ElementRef& before, const diff::ElementRef& after) {
  std::vector<std::string> out;
  CommentAndOwner(before.function, after, out);
  return out;
}

}  // namespace

const ObjectRenderer& FunctionRenderer() {
  static const ObjectRenderer renderer{ir::ObjectKind::Function, Create, Drop, Replace, Alter, Target};
  return renderer;
}

std::string RoutineTargetSql(const ir::Function& f) {
  diff::ElementRef ref;
  ref.function = &f;
  return Target(ref);
}

}  // namespace schemac::emit
