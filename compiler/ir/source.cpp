#include "compiler/ir/source.h"

#include <algorithm>
#include <cassert>

#include <fmt/format.h>

namespace schemac::ir {

int32_t SourceManager::Add(std::string path, std::string text) {
  File f{std::move(path), std::move(text), {0}};
  for (uint32_t i = 0; i < f.text.size(); ++i) {
    if (f.text[i] == '\n') f.line_starts.push_back(i + 1);
  }
  files_.push_back(std::move(f));
  return static_cast<int32_t>(files_.size() - 1);
}

const std::string& SourceManager::Path(int32_t file) const {
  assert(file >= 0 && static_cast<std::size_t>(file) < files_.size() && "unknown file id");
  return files_[file].path;
}

const std::string& SourceManager::Text(int32_t file) const {
  assert(file >= 0 && static_cast<std::size_t>(file) < files_.size() && "unknown file id");
  return files_[file].text;
}

LineCol SourceManager::Resolve(int32_t file, uint32_t offset) const {
  const File& f = files_.at(file);
  auto it = std::upper_bound(f.line_starts.begin(), f.line_starts.end(), offset);
  uint32_t line = static_cast<uint32_t>(it - f.line_starts.begin());
  uint32_t line_start = f.line_starts[line - 1];
  return LineCol{line, offset - line_start + 1};
}

Severity DefaultSeverity(std::string_view id) {
#define SCHEMAC_DIAG(ident, text, severity) \
  if (id == text) return Severity::severity;
#include "compiler/ir/diagnostic_kinds.def"
#undef SCHEMAC_DIAG
  return Severity::Error;
}

void Diagnostics::Report(std::string_view id, std::string message, SourceSpan span,
                         std::string object, std::vector<DiagnosticNote> notes) {
  items_.push_back(Diagnostic{DefaultSeverity(id), std::string(id), std::move(message), span,
                              std::move(object), std::move(notes)});
}

bool Diagnostics::HasErrors() const { return ErrorCount() > 0; }

std::size_t Diagnostics::ErrorCount() const {
  return static_cast<std::size_t>(std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) {
    return d.severity == Severity::Error;
  }));
}

void Diagnostics::Append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

namespace {

const char* SeverityName(Severity s) {
  switch (s) {
    case Severity::Note: return "note";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
  }
  return "error";
}

std::string Where(const SourceSpan& span, const std::string& object, const SourceManager* sm) {
  if (span.Known() && sm != nullptr && static_cast<std::size_t>(span.file) < sm->size()) {
    LineCol lc = sm->Resolve(span.file, span.begin);
    return fmt::format("{}:{}:{}: ", sm->Path(span.file), lc.line, lc.column);
  }
  if (!object.empty()) return object + ": ";
  return "schemac: ";
}

}  // namespace

std::string FormatDiagnostic(const Diagnostic& d, const SourceManager* sm) {
  std::string out = fmt::format("{}{}: {} [{}]", Where(d.span, d.object, sm), SeverityName(d.severity),
                                d.message, d.id);
  for (const DiagnosticNote& n : d.notes) {
    out += fmt::format("\n{}note: {}", Where(n.span, {}, sm), n.message);
  }
  return out;
}

}  // namespace schemac::ir
