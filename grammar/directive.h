// schemac's own directives in SQL comments: `-- schemac:ignore MG402 reason="..."` in migration
// files, `-- schemac:renamed-from old_name` and `-- schemac:using "expression"` in desired-state
// files. The only comment syntax schemac reads; one grammar (Boost.Spirit X3, kept in
// directive.cpp), std types here.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace schemac::grammar {

enum class DirectiveKind {
  Ignore,      // schemac:ignore MG101[,MG102...] reason="..."   (the next statement)
  IgnoreFile,  // schemac:ignore-file MG101[,...] reason="..."   (the whole file)
  RenamedFrom, // schemac:renamed-from old_name | "Old Name" | 'old value'  (the next object)
  Using,       // schemac:using "expression"                      (the next column)
};

/// True for the directives of desired-state files (renamed-from, using); the others belong to
/// migration files.
bool IsDesiredStateDirective(DirectiveKind kind);

struct Directive {
  DirectiveKind kind = DirectiveKind::Ignore;
  std::vector<std::string> rules;  // "MG402"
  std::string reason;
  /// RenamedFrom: the old name, as PostgreSQL stores it: a bare identifier folded to lower case
  /// (ASCII letters only, as PostgreSQL folds), a "quoted" identifier or a 'quoted' literal (an
  /// enum value) taken as written.
  std::string name;
  /// Using: the expression, its \" and \\ escapes undone.
  std::string expression;
};

/// The outcome of reading one comment's text (after `--`).
struct DirectiveParse {
  bool is_directive = false;  // the comment starts with `schemac:` (after blanks)
  bool ok = false;            // and is well formed: `directive` holds it
  Directive directive;
  std::size_t error_offset = 0;  // where it goes wrong, as an offset into the comment text
  std::string error;             // what was expected there
};

/// Reads the text of one `--` comment (without the dashes). A comment that does not start with
/// `schemac:` is not a directive; one that does must be well formed.
DirectiveParse ParseDirective(const std::string& comment);

}  // namespace schemac::grammar
