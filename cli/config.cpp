#include "cli/config.h"

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <regex>

#include <fmt/format.h>
#include <toml++/toml.h>

namespace schemac::cli {

namespace {

std::string Where(const std::string& path, const toml::source_region& r) {
  return fmt::format("{}:{}:{}", path, r.begin.line, r.begin.column);
}

// [lint.naming]: kind = "ECMAScript regular expression", checked here so that the linter can
// compile it without failing.
bool LoadNaming(const std::string& path, const toml::table& naming, lint::LintOptions& options, std::ostream& err) {
  bool ok = true;
  for (const auto& [key, value] : naming) {
    std::string kind(key.str());
    if (std::find_if(std::begin(lint::kNamingKinds), std::end(lint::kNamingKinds),
                     [&](const char* k) { return kind == k; }) == std::end(lint::kNamingKinds)) {
      err << fmt::format("{}: error: unknown setting lint.naming.{}: [lint.naming] has table, column, index and "
                         "constraint [config.invalid]\n",
                         Where(path, key.source()), kind);
      ok = false;
      continue;
    }
    std::optional<std::string> pattern = value.value<std::string>();
    if (!pattern) {
      err << fmt::format("{}: error: lint.naming.{}: the pattern must be a string [config.invalid]\n",
                         Where(path, value.source()), kind);
      ok = false;
      continue;
    }
    try {
      std::regex check(*pattern);
    } catch (const std::regex_error& e) {
      err << fmt::format("{}: error: lint.naming.{}: \"{}\" is not a valid regular expression: {} [config.invalid]\n",
                         Where(path, value.source()), kind, *pattern, e.what());
      ok = false;
      continue;
    }
    options.naming[kind] = *pattern;
  }
  return ok;
}

}  // namespace

bool LoadLintConfig(const std::string& path, lint::LintOptions& options, std::ostream& err) {
  ProjectConfig config;
  config.lint = options;
  if (!LoadConfig(path, config, err)) return false;
  options = config.lint;
  return true;
}

std::optional<std::string> ConfigPath(const std::string& given, std::ostream& err) {
  if (given.empty()) return std::filesystem::exists("schemac.toml") ? std::string("schemac.toml") : std::string();
  if (!std::filesystem::exists(given)) {
    err << fmt::format("schemac: error: cannot read {} [input.io]\n", given);
    return std::nullopt;
  }
  return given;
}

bool LoadConfig(const std::string& path, ProjectConfig& project, std::ostream& err) {
  lint::LintOptions& options = project.lint;
  toml::table config;
  try {
    config = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    err << fmt::format("{}: error: {} [config.invalid]\n", Where(path, e.source()), e.description());
    return false;
  }
  bool ok = true;
  for (const auto& [key, value] : config) {
    if (key.str() != "lint" && key.str() != "risk" && key.str() != "plan") {
      err << fmt::format("{}: error: unknown section [{}]: schemac.toml has [lint], [plan] and [risk] [config.invalid]\n",
                         Where(path, key.source()), key.str());
      ok = false;
    }
  }
  if (const toml::table* plan = config["plan"].as_table()) {
    for (const auto& [key, value] : *plan) {
      if (key.str() != "online") {
        err << fmt::format("{}: error: unknown setting plan.{}: [plan] has online [config.invalid]\n",
                           Where(path, key.source()), key.str());
        ok = false;
        continue;
      }
      if (!value.is_boolean()) {
        err << fmt::format("{}: error: plan.online must be true or false [config.invalid]\n", Where(path, value.source()));
        ok = false;
        continue;
      }
      project.online = value.value<bool>();
    }
  }
  if (const toml::table* risk = config["risk"].as_table()) {
    for (const auto& [key, value] : *risk) {
      if (key.str() != "small_table_rows") {
        err << fmt::format("{}: error: unknown setting risk.{}: [risk] has small_table_rows [config.invalid]\n",
                           Where(path, key.source()), key.str());
        ok = false;
        continue;
      }
      std::optional<int64_t> rows = value.value<int64_t>();
      if (!rows || *rows < 0 || !value.is_integer()) {
        err << fmt::format("{}: error: risk.small_table_rows must be a non-negative integer [config.invalid]\n",
                           Where(path, value.source()));
        ok = false;
        continue;
      }
      project.small_table_rows = *rows;
    }
  }
  const toml::table* lint_table = config["lint"].as_table();
  if (lint_table == nullptr) return ok;
  for (const auto& [key, value] : *lint_table) {
    if (key.str() != "rules" && key.str() != "naming") {
      err << fmt::format("{}: error: unknown setting lint.{}: [lint] has rules and naming [config.invalid]\n",
                         Where(path, key.source()), key.str());
      ok = false;
    }
  }
  if (const toml::table* naming = (*lint_table)["naming"].as_table()) {
    ok = LoadNaming(path, *naming, options, err) && ok;
  }
  const toml::table* rules = (*lint_table)["rules"].as_table();
  if (rules == nullptr) return ok;
  for (const auto& [key, value] : *rules) {
    std::string id(key.str());
    if (lint::FindRule(id) == nullptr) {
      err << fmt::format("{}: error: unknown rule {} [config.invalid]\n", Where(path, key.source()), id);
      ok = false;
      continue;
    }
    std::optional<std::string> text = value.value<std::string>();
    std::optional<lint::Severity> severity = text ? lint::ParseSeverity(*text) : std::nullopt;
    if (!severity) {
      err << fmt::format("{}: error: rule {}: the severity must be \"off\", \"info\", \"warning\" or \"error\" "
                         "[config.invalid]\n",
                         Where(path, value.source()), id);
      ok = false;
      continue;
    }
    options.severities[id] = *severity;
  }
  return ok;
}

}  // namespace schemac::cli
