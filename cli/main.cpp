// The schemac command line. This is the only translation unit that includes CLI11.
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  using namespace schemac::cli;
  CLI::App app{"schemac: a declarative schema-as-code compiler for PostgreSQL"};
  app.set_version_flag("--version", "schemac 0.1.0");
  app.require_subcommand(1);

  DiffOptions diff;
  std::string format = "sql";
  CLI::App* diff_cmd = app.add_subcommand("diff", "plan the migration from one schema state to another");
  diff_cmd->add_option("from", diff.from, "source: a .sql file or directory")->required()->expected(1);
  diff_cmd->add_option("to", diff.to, "target: a .sql file or directory")->required()->expected(1);
  diff_cmd->add_option("-o,--output", diff.output, "write the plan to FILE (atomically) instead of stdout");
  diff_cmd->add_option("--rollback-output", diff.rollback_output,
                       "write the rollback script to FILE (always SQL; empty when there are no changes)");
  diff_cmd->add_option("--format", format, "output format")->check(CLI::IsMember({"sql", "json"}));
  diff_cmd->add_flag("--exit-code", diff.exit_code, "exit 1 when there are changes");
  diff_cmd->add_flag("--owners", diff.owners, "compare and apply object owners (OWNER TO)");

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
      diff.format = format == "json" ? OutputFormat::Json : OutputFormat::Sql;
      return RunDiff(diff);
    }
  } catch (const std::exception& e) {
    std::cerr << "schemac: error: " << e.what() << "\n";
    return kExitEnvironment;
  }
  return kExitInvalid;
}
