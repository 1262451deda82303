// Source locations and diagnostics shared by every front end and layer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace schemac::ir {

/// A byte range in one registered source file. Spans are never part of object equality: two
/// objects declared in different places are still the same object.
struct SourceSpan {
  int32_t file = -1;      // index into SourceManager; -1: not from a file (catalog, generated)
  uint32_t begin = 0;     // byte offset of the first byte
  uint32_t end = 0;       // byte offset one past the last byte

  bool Known() const { return file >= 0; }
  friend bool operator==(const SourceSpan&, const SourceSpan&) { return true; }
};

/// 1-based line and column (column counted in bytes).
struct LineCol {
  uint32_t line = 0;
  uint32_t column = 0;
};

/// Owns the text of every input file so that spans can be printed as path:line:col.
class SourceManager {
 public:
  /// Registers a file and returns its id for SourceSpan::file.
  int32_t Add(std::string path, std::string text);
  const std::string& Path(int32_t file) const;
  const std::string& Text(int32_t file) const;
  LineCol Resolve(int32_t file, uint32_t offset) const;
  std::size_t size() const { return files_.size(); }

 private:
  struct File {
    std::string path;
    std::string text;
    std::vector<uint32_t> line_starts;
  };
  std::vector<File> files_;
};

enum class Severity { Note, Warning, Error };

/// A secondary location attached to a diagnostic ("previous definition is here").
struct DiagnosticNote {
  std::string message;
  SourceSpan span;
};

/// One user-facing problem. `id` is the stable identifier shown in brackets, e.g.
/// "compile.syntax"; ids are declared once in diagnostic_kinds.def.
struct Diagnostic {
  Severity severity = Severity::Error;
  std::string id;
  std::string message;      // lower-case start, no trailing period, names the object
  SourceSpan span;
  std::string object;       // qualified object name when there is no file location
  std::vector<DiagnosticNote> notes;
};

/// Stable diagnostic ids. Every id used anywhere is listed in diagnostic_kinds.def.
namespace diag {
#define SCHEMAC_DIAG(ident, text, severity) inline constexpr std::string_view ident = text;
#include "compiler/ir/diagnostic_kinds.def"
#undef SCHEMAC_DIAG
}  // namespace diag

/// Default severity of a declared diagnostic id (Error for unknown ids).
Severity DefaultSeverity(std::string_view id);

/// Collects diagnostics: user-input problems are reported, not thrown, so one run shows all.
class Diagnostics {
 public:
  void Add(Diagnostic d) { items_.push_back(std::move(d)); }
  /// Adds a diagnostic with the id's declared default severity.
  void Report(std::string_view id, std::string message, SourceSpan span = {},
              std::string object = {}, std::vector<DiagnosticNote> notes = {});
  bool HasErrors() const;
  std::size_t ErrorCount() const;
  const std::vector<Diagnostic>& items() const { return items_; }
  void Append(const Diagnostics& other);

 private:
  std::vector<Diagnostic> items_;
};

/// "path:line:col: error: message [id]" plus one line per note. `sm` may be null.
std::string FormatDiagnostic(const Diagnostic& d, const SourceManager* sm);

}  // namespace schemac::ir
