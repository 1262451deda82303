#include "compiler/sql/compile.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <filesystem>
#include <fstream>
#include <future>
#include <optional>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "compiler/ir/partition.h"
#include "compiler/sql/directives.h"
#include "compiler/sql/expr.h"
#include "compiler/sql/pg_tree.h"
#include "compiler/sql/state.h"
#include "compiler/sql/transform.h"
#include "compiler/sql/types.h"

namespace schemac::sql {

namespace {

bool SplitAtSemicolons(const std::string& text, std::vector<std::pair<uint32_t, uint32_t>>* pieces) {
  PgQueryScanResult r = pg_query_scan(text.c_str());
  bool ok = !r.error;
  if (ok) {
    PgQuery__ScanResult* s =
        pg_query__scan_result__unpack(nullptr, r.pbuf.len, reinterpret_cast<const uint8_t*>(r.pbuf.data));
    ok = s != nullptr;
    uint32_t begin = 0;
    for (std::size_t i = 0; s && i < s->n_tokens; ++i) {
      if (s->tokens[i]->token != PG_QUERY__TOKEN__ASCII_59) continue;
      uint32_t end = static_cast<uint32_t>(s->tokens[i]->end);
      pieces->push_back({begin, end});
      begin = end;
    }
    if (begin < text.size()) pieces->push_back({begin, static_cast<uint32_t>(text.size())});
    if (s) pg_query__scan_result__free_unpacked(s, nullptr);
  }
  pg_query_free_scan_result(r);
  return ok;
}

/// One file's text with its meta-commands blanked, and the parse of it. Made without touching
/// the compiler's state, so that several files can be parsed at once.
struct ParsedFile {
  int32_t file = -1;
  std::string text;
  ParsedText parsed;
};

ParsedFile ParseFile(const ir::SourceManager& sources, int32_t file) {
  ParsedFile out;
  out.file = file;
  out.text = BlankMetaCommands(sources.Text(file));
  out.parsed = Parse(out.text);
  return out;
}

// Because libpg_query keeps all of its parser state in thread-local storage (thread-safe since
// 9.5-1.4.0; every global of libpg_query.so is a TLS symbol) and each parse gets its own arena,
// files parse on one thread per core. Only the parse runs there: the results are compiled one
// file after the other, in order, so the IR and the diagnostics do not depend on the threads.
std::vector<ParsedFile> ParseFiles(const ir::SourceManager& sources, const std::vector<int32_t>& files) {
  std::vector<ParsedFile> out(files.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < files.size();) out[i] = ParseFile(sources, files[i]);
  };
  std::size_t threads = std::min<std::size_t>(std::max(1u, std::thread::hardware_concurrency()), files.size());
  std::vector<std::future<void>> helpers;
  for (std::size_t t = 1; t < threads; ++t) helpers.push_back(std::async(std::launch::async, work));
  work();
  for (std::future<void>& h : helpers) h.get();  // rethrows a helper's exception
  return out;
}

struct QueuedStatement {
  StmtContext ctx;
  PgQuery__Node* stmt = nullptr;
};

class Compiler {
 public:
  Compiler(ir::SourceManager& sources, ir::Diagnostics& diags, const CompileOptions& options)
      : state_(sources, diags, options) {
    // Files describe the database they produce when run on a fresh one, and every fresh
    // database (from template1) has the schema `public` with this comment. Starting from that
    // state makes files and catalog agree without special cases; DROP SCHEMA public or
    // COMMENT ON SCHEMA public change it like any other object.
    ir::Schema public_schema;
    public_schema.name = "public";
    public_schema.comment = std::string(kPublicSchemaComment);
    state_.db.schemas.emplace("public", public_schema);
    state_.implicit_schemas.insert("public");
  }

  void AddFile(int32_t file) { AddParsed(ParseFile(state_.sources, file)); }

  void AddParsed(const ParsedFile& parsed_file) {
    const int32_t file = parsed_file.file;
    const std::string& text = parsed_file.text;
    const ParsedText& parsed = parsed_file.parsed;
    if (text.find("schemac:") != std::string::npos) {
      // Scanned only where a directive may be: most files have none.
      directive_texts_.push_back(text);
      std::vector<std::pair<uint32_t, std::string>> long_identifiers;
      directives_.push_back(FileDirectives{file, &directive_texts_.back(),
                                           ScanTokens(file, text, state_.diags, long_identifiers)});
    }
    if (parsed.tree) {
      Queue(file, text, parsed, 0, static_cast<uint32_t>(text.size()));
      return;
    }
    // Report every syntax error of the file, and still compile the statements that parse: split
    // at every semicolon token (the scanner knows strings, comments and dollar quotes; unlike
    // pg_query_split_with_scanner it does not give up after unbalanced parentheses).
    std::vector<std::pair<uint32_t, uint32_t>> pieces;
    if (!SplitAtSemicolons(text, &pieces)) {
      ReportSyntax(file, parsed.error_message, static_cast<uint32_t>(parsed.error_offset));
      return;
    }
    for (const auto& [begin, end] : pieces) {
      ParsedText p = Parse(text.substr(begin, end - begin));
      if (!p.tree) {
        ReportSyntax(file, p.error_message, begin + static_cast<uint32_t>(p.error_offset));
        continue;
      }
      Queue(file, text, p, begin, end);
    }
  }

  ir::Database Finish() {
    // Statements in file order; one whose target is defined later is retried until nothing
    // changes, and only then reported.
    std::vector<QueuedStatement> deferred;
    for (QueuedStatement& q : statements_) {
      if (q.ctx.file != current_file_) {
        current_file_ = q.ctx.file;
        state_.ctx = q.ctx;
        SetSearchPath(state_, {});
      }
      std::vector<std::string> path = state_.ctx.search_path;
      state_.ctx = q.ctx;
      state_.ctx.search_path = path;
      q.ctx.search_path = path;  // what this statement sees, kept for a retry
      if (TransformStatementCreating(state_, q.stmt) == StmtResult::Defer) deferred.push_back(q);
    }
    for (bool progress = true; progress && !deferred.empty();) {
      progress = false;
      std::vector<QueuedStatement> again;
      for (QueuedStatement& q : deferred) {
        state_.ctx = q.ctx;
        if (TransformStatementCreating(state_, q.stmt) == StmtResult::Defer) {
          again.push_back(q);
        } else {
          progress = true;
        }
      }
      deferred.swap(again);
    }
    for (QueuedStatement& q : deferred) {
      state_.ctx = q.ctx;
      state_.ctx.final_pass = true;
      TransformStatementCreating(state_, q.stmt);
    }
    ResolveTypes();
    ResolveForeignKeys();
    ResolveOwners();
    QualifyLateFunctionCalls(state_);
    PrunePrivileges(state_.db);
    ir::NormalizeCheckCopies(state_.db);
    ResolveDirectives(directives_, state_.db, state_.diags);
    return std::move(state_.db);
  }

 private:
  std::deque<std::string> directive_texts_;  // stable addresses for directives_
  std::vector<FileDirectives> directives_;

  void ReportSyntax(int32_t file, const std::string& message, uint32_t offset) {
    state_.Error(ir::diag::kSyntax, message, ir::SourceSpan{file, offset, offset});
  }

  void Queue(int32_t file, const std::string& text, const ParsedText& parsed, uint32_t base, uint32_t limit) {
    arenas_.push_back(parsed.arena);
    for (std::size_t i = 0; i < parsed.tree->n_stmts; ++i) {
      PgQuery__RawStmt* raw = parsed.tree->stmts[i];
      QueuedStatement q;
      q.ctx.file = file;
      q.ctx.base = base;
      q.ctx.arena = parsed.arena.get();
      uint32_t begin = base + static_cast<uint32_t>(raw->stmt_location);
      uint32_t end = raw->stmt_len ? begin + static_cast<uint32_t>(raw->stmt_len) : limit;
      q.ctx.begin = SkipBlank(text, begin, end);
      q.ctx.end = end;
      q.stmt = raw->stmt;
      statements_.push_back(q);
    }
  }

  void ResolveTypes() {
    for (const auto& [key, p] : state_.pending_types) {
      ir::Table* t = state_.FindTable(key.first.schema, key.first.name);
      if (!t) continue;
      ir::Column* col = nullptr;
      for (ir::Column& c : t->columns) {
        if (c.name == key.second) col = &c;
      }
      if (!col) continue;
      std::string subject = fmt::format("{}: column \"{}\"", TableSubject(t->name), col->name);
      const ir::EnumType* found = nullptr;
      std::optional<ir::QualifiedName> other;  // a domain or composite type
      for (const std::string& s : p.candidates) {
        if ((found = state_.FindEnum(s, p.name))) break;
        if (state_.db.domains.count({s, p.name}) || state_.db.composite_types.count({s, p.name}) ||
            IsRangeOrMultirange(state_, {s, p.name})) {
          other = ir::QualifiedName{s, p.name};
          break;
        }
      }
      if (other) {
        if (p.has_typmods) {
          state_.Error(ir::diag::kInvalid,
                       fmt::format("{}: type modifier is not allowed for type \"{}\"", subject, p.written), p.span);
        }
        col->type = {other->schema, other->name, "", col->type.array};
        continue;
      }
      if (!found) {
        state_.Error(ir::diag::kUndefined, fmt::format("{}: type \"{}\" does not exist", subject, p.written),
                     p.span);
        continue;
      }
      if (p.has_typmods) {
        state_.Error(ir::diag::kInvalid, fmt::format("{}: type modifiers are not allowed for enum types", subject),
                     p.span);
      }
      col->type = {found->name.schema, found->name.name, "", col->type.array};
    }
  }

  void ResolveForeignKeys() {
    for (const auto& [key, ref] : state_.pending_fks) {
      ir::Table* t = state_.FindTable(key.first.schema, key.first.name);
      if (!t) continue;
      auto it = t->constraints.find(key.second);
      if (it == t->constraints.end()) continue;
      ir::Constraint& k = it->second;
      std::string subject = fmt::format("{}: constraint \"{}\"", TableSubject(t->name), k.name);
      const ir::Table* target = nullptr;
      for (const std::string& s : ref.candidates) {
        if ((target = state_.FindTable(s, ref.name))) break;
      }
      if (!target) {
        std::string shown = ref.candidates.size() == 1 ? ref.candidates[0] + "." + ref.name : ref.name;
        state_.Error(ir::diag::kUndefined, fmt::format("{}: referenced table \"{}\" does not exist", subject, shown),
                     ref.span);
        continue;
      }
      k.ref_table = target->name;
      if (k.ref_columns.empty()) {
        for (const auto& [n, other] : target->constraints) {
          if (other.kind == ir::ConstraintKind::PrimaryKey) k.ref_columns = other.columns;
        }
        if (k.ref_columns.empty()) {
          state_.Error(ir::diag::kInvalid,
                       fmt::format("{}: there is no primary key for referenced table \"{}\"", subject,
                                   ir::DisplayName(target->name)),
                       ref.span);
          continue;
        }
      }
      bool ok = true;
      for (const std::string& c : k.ref_columns) {
        if (!target->FindColumn(c)) {
          state_.Error(ir::diag::kUndefined,
                       fmt::format("{}: referenced column \"{}\" of table \"{}\" does not exist", subject, c,
                                   ir::DisplayName(target->name)),
                       ref.span);
          ok = false;
        }
      }
      if (!ok) continue;
      if (k.ref_columns.size() != k.columns.size()) {
        state_.Error(ir::diag::kInvalid,
                     fmt::format("{}: number of referencing and referenced columns for foreign key disagree", subject),
                     ref.span);
        continue;
      }
      // transformFkeyCheckAttrs: the referenced columns must carry a unique constraint or a
      // plain (non-partial, non-expression) unique index, in any column order.
      std::vector<std::string> want = k.ref_columns;
      std::sort(want.begin(), want.end());
      auto same = [&](std::vector<std::string> cols) {
        std::sort(cols.begin(), cols.end());
        return cols == want;
      };
      bool unique = false;
      for (const auto& [n, other] : target->constraints) {
        if ((other.kind == ir::ConstraintKind::PrimaryKey || other.kind == ir::ConstraintKind::Unique) &&
            !other.deferrable && same(other.columns)) {
          unique = true;
        }
      }
      for (const auto& [n, ix] : target->indexes) {
        if (!ix.unique || ix.predicate) continue;
        std::vector<std::string> cols;
        bool plain = true;
        for (const ir::IndexElement& e : ix.elements) {
          if (e.column) cols.push_back(*e.column);
          else plain = false;
        }
        if (plain && same(cols)) unique = true;
      }
      if (!unique) {
        state_.Error(ir::diag::kInvalid,
                     fmt::format("{}: there is no unique constraint matching given keys for referenced table \"{}\"",
                                 subject, ir::DisplayName(target->name)),
                     ref.span);
      }
    }
  }

  void ResolveOwners() {
    for (const auto& [seq_name, ref] : state_.pending_owners) {
      ir::Sequence* seq = state_.FindSequence(seq_name.schema, seq_name.name);
      if (!seq) continue;
      std::string subject = fmt::format("sequence \"{}\"", ir::DisplayName(seq_name));
      const ir::Table* target = nullptr;
      for (const std::string& s : ref.candidates) {
        if ((target = state_.FindTable(s, ref.name))) break;
      }
      if (!target) {
        state_.Error(ir::diag::kUndefined,
                     fmt::format("{}: OWNED BY table \"{}\" does not exist", subject, ref.name), ref.span);
        continue;
      }
      if (!target->FindColumn(ref.column)) {
        state_.Error(ir::diag::kUndefined,
                     fmt::format("{}: OWNED BY column \"{}\" of table \"{}\" does not exist", subject, ref.column,
                                 ir::DisplayName(target->name)),
                     ref.span);
        continue;
      }
      if (target->name.schema != seq_name.schema) {
        state_.Error(ir::diag::kInvalid,
                     fmt::format("{}: sequence must be in same schema as table it is linked to", subject), ref.span);
        continue;
      }
      seq->owned_by = ir::SequenceOwner{target->name, ref.column};
    }
  }

  State state_;
  std::vector<QueuedStatement> statements_;
  std::vector<std::shared_ptr<Arena>> arenas_;
  int32_t current_file_ = -1;
};

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

}  // namespace

ir::Database CompilePaths(const std::vector<std::string>& paths, const CompileOptions& options,
                          ir::SourceManager& sources, ir::Diagnostics& diags) {
  namespace fs = std::filesystem;
  Compiler compiler(sources, diags, options);
  // Files are read in order, parsed in parallel (ParseFiles), then compiled in order; each item
  // is a file to compile or a problem to report at that point of the sequence.
  struct Item {
    int32_t file = -1;
    std::optional<ir::Diagnostic> problem;
  };
  std::vector<Item> items;
  for (const std::string& path : paths) {
    std::error_code ec;
    std::vector<std::string> files;
    if (fs::is_directory(path, ec)) {
      for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec) && it->path().extension() == ".sql") files.push_back(it->path().string());
      }
      std::sort(files.begin(), files.end());
    } else if (fs::is_regular_file(path, ec)) {
      files.push_back(path);
    }
    if (ec || files.empty()) {
      if (ec || !fs::is_directory(path)) {
        ir::Diagnostic d;
        d.id = std::string(ir::diag::kIo);
        std::error_code exists_ec;
        d.message = fmt::format("cannot read \"{}\": {}", path,
                                !fs::exists(path, exists_ec) ? std::string("no such file or directory")
                                : ec                         ? ec.message()
                                                             : std::string("not a regular file"));
        d.object = path;
        items.push_back({-1, std::move(d)});
      }
      continue;
    }
    for (const std::string& f : files) {
      std::string text;
      if (!ReadFile(f, &text)) {
        ir::Diagnostic d;
        d.id = std::string(ir::diag::kIo);
        d.message = fmt::format("cannot read \"{}\"", f);
        d.object = f;
        items.push_back({-1, std::move(d)});
        continue;
      }
      items.push_back({sources.Add(f, std::move(text)), std::nullopt});
    }
  }
  std::vector<int32_t> files;
  for (const Item& item : items) {
    if (!item.problem) files.push_back(item.file);
  }
  std::vector<ParsedFile> parsed = ParseFiles(sources, files);
  std::size_t next = 0;
  for (Item& item : items) {
    if (item.problem) {
      diags.Add(std::move(*item.problem));
    } else {
      compiler.AddParsed(parsed[next]);
      std::string().swap(parsed[next++].text);  // statements keep offsets into the text, not this copy
    }
  }
  return compiler.Finish();
}

ir::Database CompileText(const std::string& path, const std::string& text, const CompileOptions& options,
                         ir::SourceManager& sources, ir::Diagnostics& diags) {
  Compiler compiler(sources, diags, options);
  compiler.AddFile(sources.Add(path, text));
  return compiler.Finish();
}

}  // namespace schemac::sql
