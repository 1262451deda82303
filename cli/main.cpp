// The schemac command line. This is the only translation unit that includes CLI11.
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/apply_command.h"
#include "cli/commands.h"
#include "cli/lint_command.h"
#include "compiler/catalog/run_with_cluster.h"

namespace {

using namespace schemac::cli;

/// Options shared by `diff` and `plan`.
void AddPlanningOptions(CLI::App* cmd, DiffOptions& o, std::string& format) {
  cmd->add_option("-o,--output", o.output, "write the plan to FILE (atomically) instead of stdout");
  cmd->add_option("--rollback-output", o.rollback_output,
                  "write the rollback script to FILE (always SQL; empty when there are no changes)");
  cmd->add_option("--format", format, "output format: sql (default) or json")->check(CLI::IsMember({"sql", "json"}));
  cmd->add_flag("--exit-code", o.exit_code, "exit 1 when there are changes");
  cmd->add_flag("--owners", o.owners, "compare and apply object owners (OWNER TO)");
  cmd->add_flag("--offline", o.offline, "never use a scratch database to canonicalize expressions");
  cmd->add_option("--dev-db", o.dev_db, "an empty scratch database for canonicalization (default: an embedded one)");
  cmd->add_option("--include-schema", o.include_schemas, "manage only schemas matching PATTERN (repeatable)");
  cmd->add_option("--exclude-schema", o.exclude_schemas, "do not manage schemas matching PATTERN (repeatable)");
  cmd->add_option("--lock-timeout", o.lock_timeout, "lock_timeout of every database session (default 2s)");
  cmd->add_option("--small-table-rows", o.small_table_rows,
                  "a blocking step on a table of fewer estimated rows counts as locks (default 10000)")
      ->each([&o](const std::string&) { o.small_table_rows_given = true; });
  cmd->add_option("--config", o.config, "the settings file (default: ./schemac.toml when there is one)");
  cmd->add_flag("--online", o.online,
                "online-safe recipes: indexes of existing tables built and dropped CONCURRENTLY, CHECKs and foreign "
                "keys added NOT VALID then validated, timeouts set in the plan");
  cmd->add_option("--statement-timeout", o.statement_timeout,
                  "online plans: SET LOCAL statement_timeout in their transactions (index builds and validations run "
                  "without one)");
  cmd->add_flag("--timings", o.timings, "print each phase's wall time and the peak RSS to stderr");
  cmd->add_flag("--strict-coverage,!--no-strict-coverage", o.strict_coverage,
                "refuse to plan against a database holding objects schemac does not model (default); with "
                "--no-strict-coverage they are warnings and the plan leaves them alone");
  cmd->add_flag("--explain", o.explain,
                "number the steps and print, for each, the steps it must follow and the rule or dependency why");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"schemac: a declarative schema-as-code compiler for PostgreSQL"};
  app.set_version_flag("--version", "schemac 0.1.0");
  app.require_subcommand(1);

  DiffOptions diff;
  std::string diff_format = "sql";
  CLI::App* diff_cmd = app.add_subcommand("diff", "plan the migration from one schema state to another");
  std::string diff_from, diff_to;
  diff_cmd->add_option("from", diff_from, "source: a .sql file or directory, or a database DSN")->required();
  diff_cmd->add_option("to", diff_to, "target: a .sql file or directory, or a database DSN")->required();
  AddPlanningOptions(diff_cmd, diff, diff_format);

  DiffOptions plan;
  std::string plan_format = "sql";
  std::string plan_db;
  CLI::App* plan_cmd = app.add_subcommand("plan", "plan the migration from a live database to desired-state files");
  plan_cmd->add_option("--db", plan_db, "the database to migrate (DSN or postgresql:// URI)")->required();
  plan_cmd->add_option("paths", plan.to, "desired-state .sql files or directories")->required();
  AddPlanningOptions(plan_cmd, plan, plan_format);

  LintCommandOptions lint;
  std::string lint_format = "text", lint_fail_on = "error";
  CLI::App* lint_cmd = app.add_subcommand("lint", "classify the statements of hand-written migration files by risk");
  lint_cmd->add_option("files", lint.files, "migration .sql files, in the order they run")->required();
  lint_cmd->add_option("--schema", lint.schema,
                       "desired-state files or directories describing the database before the migration "
                       "(repeatable): makes type-change and NOT NULL rules precise");
  lint_cmd->add_option("--format", lint_format, "output format: text (default), json, sarif, github or gitlab")
      ->check(CLI::IsMember({"text", "json", "sarif", "github", "gitlab"}));
  lint_cmd->add_option("--fail-on", lint_fail_on, "exit 1 when a finding has this severity or higher (default error)")
      ->check(CLI::IsMember({"error", "warning", "info"}));
  lint_cmd->add_flag("--assume-in-transaction", lint.lint.assume_in_transaction,
                     "the files run inside a transaction the tool opens (as psql -1 does)");
  lint_cmd->add_option("--db", lint.db,
                       "the database the files will run on (read only): its schema is the context, as --schema gives it");
  lint_cmd->add_option("--against", lint.against,
                       "desired-state files or directories (repeatable): with --db, run the files on a scratch copy of "
                       "the database's schema and report what differs from this state (MG712)");
  lint_cmd->add_option("--dev-db", lint.dev_db,
                       "--against: a server to create the scratch copy on (default: an embedded one)");
  lint_cmd->add_option("--lock-timeout", lint.lock_timeout, "lock_timeout for reading --db (default 2s)");
  lint_cmd->add_option("--small-table-rows", lint.small_table_rows,
                       "with --db: a blocking finding on a table of fewer estimated rows counts as locks (default 10000)")
      ->each([&lint](const std::string&) { lint.small_table_rows_given = true; });
  lint_cmd->add_option("--config", lint.config, "the settings file (default: ./schemac.toml when there is one)");
  lint_cmd->add_option("--pg-version", lint.lint.pg_version, "the PostgreSQL major version targeted (default 15)");

  ApplyOptions apply;
  CLI::App* apply_cmd =
      app.add_subcommand("apply", "migrate a live database to desired-state files: locked, time-bounded, verified, recorded");
  apply_cmd->add_option("--db", apply.db, "the database to migrate (DSN or postgresql:// URI)")->required();
  apply_cmd->add_option("paths", apply.planning.to,
                        "desired-state .sql files or directories (with --plan: what the result is verified against; "
                        "default: the files the plan was made from)");
  apply_cmd->add_option("--plan", apply.plan_file,
                        "run this plan (plan --format json) instead of planning, if the database is still in the state "
                        "it was made for");
  apply_cmd->add_option("--allow", apply.allow,
                        "risk classes allowed to run, comma-separated: safe, locks, blocking, data-loss, breaking "
                        "(default safe,locks)")
      ->delimiter(',');
  apply_cmd->add_flag("--online", apply.planning.online, "plan with the online-safe recipes, as plan --online does");
  apply_cmd->add_option("--lock-timeout", apply.settings.lock_timeout,
                        "lock_timeout of every session, introspection included (default 2s)");
  apply_cmd->add_option("--statement-timeout", apply.settings.statement_timeout,
                        "statement_timeout of every session (default none; index builds and validations run without)");
  apply_cmd->add_option("--retries", apply.settings.retries,
                        "retries of a transaction or step that fails on lock_timeout (default 3)");
  apply_cmd->add_option("--lock-wait", apply.lock_wait,
                        "how long to wait for another schemac run on the same database (default 60s)");
  apply_cmd->add_flag("--resume", apply.resume,
                      "finish an interrupted run: wait for its session, finish pending detaches, plan the rest");
  apply_cmd->add_flag("--dry-run", apply.dry_run,
                      "run the first transaction and roll it back, reporting each step's time and locks (it takes the "
                      "same locks: use a staging copy)");
  apply_cmd->add_flag("--batch", apply.batch,
                      "split a transaction too large for the server's lock table into several (atomicity is lost)");
  apply_cmd->add_option("--backup", apply.backup_dir,
                        "before running data-loss steps, save the tables they touch with pg_dump into DIR (recorded in "
                        "the history)");
  apply_cmd->add_option("--report", apply.report, "write the run as JSON to FILE");
  apply_cmd->add_option("--summary", apply.summary, "write the run as Markdown to FILE (for CI or a pull request)");
  apply_cmd->add_flag("--owners", apply.planning.owners, "compare and apply object owners (OWNER TO)");
  apply_cmd->add_flag("--offline", apply.planning.offline, "never use a scratch database to canonicalize expressions");
  apply_cmd->add_option("--dev-db", apply.planning.dev_db,
                        "an empty scratch database for canonicalization (default: an embedded one)");
  apply_cmd->add_option("--include-schema", apply.planning.include_schemas, "manage only schemas matching PATTERN");
  apply_cmd->add_option("--exclude-schema", apply.planning.exclude_schemas, "do not manage schemas matching PATTERN");
  apply_cmd->add_option("--small-table-rows", apply.planning.small_table_rows,
                        "a blocking step on a table of fewer estimated rows counts as locks (default 10000)")
      ->each([&apply](const std::string&) { apply.planning.small_table_rows_given = true; });
  apply_cmd->add_option("--config", apply.planning.config, "the settings file (default: ./schemac.toml when there is one)");
  apply_cmd->add_flag("--strict-coverage,!--no-strict-coverage", apply.planning.strict_coverage,
                      "refuse to run against a database holding objects schemac does not model (default)");

  ApplyOptions rollback;
  int64_t rollback_to = 0;
  CLI::App* rollback_cmd = app.add_subcommand(
      "rollback", "run the recorded rollback of an applied run, with apply's safeguards (lock, policy, verification)");
  rollback_cmd->add_option("--db", rollback.db, "the database (DSN or postgresql:// URI)")->required();
  rollback_cmd->add_option("--to", rollback_to, "the run to undo (default: the newest applied run)");
  rollback_cmd->add_option("--allow", rollback.allow,
                           "risk classes allowed to run (default safe,locks; undoing a CREATE TABLE is data-loss)")
      ->delimiter(',');
  rollback_cmd->add_option("--lock-timeout", rollback.settings.lock_timeout, "lock_timeout of every session (default 2s)");
  rollback_cmd->add_option("--statement-timeout", rollback.settings.statement_timeout,
                           "statement_timeout of every session (default none)");
  rollback_cmd->add_option("--retries", rollback.settings.retries, "retries on lock_timeout (default 3)");
  rollback_cmd->add_option("--lock-wait", rollback.lock_wait, "how long to wait for another schemac run (default 60s)");
  rollback_cmd->add_flag("--dry-run", rollback.dry_run, "run the first transaction and roll it back");
  rollback_cmd->add_flag("--batch", rollback.batch,
                         "split a transaction too large for the server's lock table into several (not atomic)");
  rollback_cmd->add_option("--backup", rollback.backup_dir,
                           "before running data-loss steps, save the tables they touch with pg_dump into DIR");
  rollback_cmd->add_option("--report", rollback.report, "write the run as JSON to FILE");
  rollback_cmd->add_option("--summary", rollback.summary, "write the run as Markdown to FILE");

  HistoryOptions history;
  CLI::App* history_cmd = app.add_subcommand("history", "list the runs schemac apply recorded in schemac.history");
  history_cmd->add_option("--db", history.db, "the database (DSN or postgresql:// URI)")->required();
  history_cmd->add_option("--format", history.format, "text (default) or json")->check(CLI::IsMember({"text", "json"}));
  history_cmd->add_option("--limit", history.limit, "the newest N runs (default 20; 0: all)");
  history_cmd->add_option("--id", history.id, "one run, with its steps");

  // `schemac sandbox -- CMD ARGS...` passes everything after `--` through untouched, so it is
  // handled before CLI11 sees (and would try to parse) the command's own options.
  app.add_subcommand("sandbox",
                     "sandbox -- CMD [ARGS...]: run CMD against a throwaway PostgreSQL (PGHOST, PGPORT, PGUSER, "
                     "PGDATABASE and SCHEMAC_SANDBOX_DSN set), removed when CMD exits");
  if (argc >= 2 && std::string(argv[1]) == "sandbox") {
    std::vector<std::string> command(argv + 2, argv + argc);
    if (!command.empty() && command.front() == "--") command.erase(command.begin());
    if (command.empty()) {
      std::cerr << "schemac: error: sandbox needs a command: schemac sandbox -- CMD [ARGS...]\n";
      return kExitInvalid;
    }
    return schemac::catalog::RunWithCluster(command, "SCHEMAC_SANDBOX_DSN", "schemac sandbox");
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitInvalid;
  }

  try {
    if (diff_cmd->parsed()) {
      diff.format = diff_format == "json" ? OutputFormat::Json : OutputFormat::Sql;
      diff.classify = true;
      diff.from = {diff_from};
      diff.to = {diff_to};
      return RunDiff(diff);
    }
    if (lint_cmd->parsed()) {
      lint.format = lint_format == "json"    ? LintFormat::Json
                    : lint_format == "sarif"  ? LintFormat::Sarif
                    : lint_format == "github" ? LintFormat::Github
                    : lint_format == "gitlab" ? LintFormat::Gitlab
                                              : LintFormat::Text;
      lint.fail_on = *schemac::lint::ParseSeverity(lint_fail_on);
      return RunLint(lint, std::cout, std::cerr);
    }
    if (apply_cmd->parsed()) return RunApply(apply);
    if (history_cmd->parsed()) return RunHistory(history);
    if (rollback_cmd->parsed()) return RunRollback(rollback, rollback_to);
    if (plan_cmd->parsed()) {
      plan.format = plan_format == "json" ? OutputFormat::Json : OutputFormat::Sql;
      plan.classify = true;
      plan.command = "plan";
      plan.from = {plan_db};
      if (!IsDatabaseSpec(plan_db)) {
        std::cerr << "schemac: error: --db must be a DSN (key=value ...) or a postgres:// URI, not \"" << plan_db
                  << "\" [compile.invalid]\n";
        return kExitInvalid;
      }
      return RunDiff(plan);
    }
  } catch (const std::exception& e) {
    std::cerr << "schemac: error: " << e.what() << "\n";
    return kExitEnvironment;
  }
  return kExitInvalid;
}
