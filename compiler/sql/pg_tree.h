// Internal to compiler/sql: thin, typed access to libpg_query's protobuf parse tree.
// This header (and the .cpp files of this folder) are the only places that see pg_query.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

extern "C" {
#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>
}

namespace schemac::sql {

/// A bump allocator handed to protobuf-c's unpack: freeing is a no-op, so subtrees may be
/// rearranged (the offline canonicalizer rewrites casts) without ownership bookkeeping.
class Arena {
 public:
  void* Allocate(std::size_t size);
  ProtobufCAllocator* allocator() { return &allocator_; }
  template <typename T>
  T* New(const T& init) {
    T* p = static_cast<T*>(Allocate(sizeof(T)));
    *p = init;
    return p;
  }
  char* Strdup(const std::string& s);

 private:
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::size_t used_ = 0;
  std::size_t capacity_ = 0;
  ProtobufCAllocator allocator_{&Arena::Alloc, &Arena::Free, this};
  static void* Alloc(void* self, size_t size);
  static void Free(void*, void*) {}
};

/// The outcome of parsing one text. On failure `tree` is null and `error_message` /
/// `error_offset` (a byte offset into the text) describe the first syntax error.
struct ParsedText {
  std::shared_ptr<Arena> arena;
  PgQuery__ParseResult* tree = nullptr;
  std::string error_message;
  std::size_t error_offset = 0;
};

/// Parses SQL text into a protobuf tree allocated in a fresh arena.
ParsedText Parse(const std::string& text);

/// Converts PgQueryError.cursorpos (1-based, counted in characters) into a byte offset.
std::size_t CharPosToByteOffset(const std::string& text, int cursorpos);

/// The string value of a String node ("" for anything else).
std::string StrVal(const PgQuery__Node* node);
/// The dotted list of String nodes, e.g. {"public","t"}.
std::vector<std::string> StrList(PgQuery__Node* const* items, std::size_t n);
/// The name of a node kind as in libpg_query's protobuf schema ("CreateStmt", "ViewStmt", ...).
std::string NodeKindName(const PgQuery__Node* node);

/// Deparses one statement node to SQL text via libpg_query. On failure sets `error` (to
/// libpg_query's message, else `fallback_error`) and returns "".
std::string DeparseStatement(PgQuery__Node* stmt, const char* fallback_error, std::string* error);

/// Deparses one expression node to canonical text (parse tree -> SQL via libpg_query, with
/// the `SELECT ` prefix of the carrier statement removed; casts to one-part aliases of built-in
/// types such as `int4` print as PostgreSQL's own spelling would, `::int`). Sets `error` on failure.
std::string DeparseExpr(PgQuery__Node* expr, std::string* error);

/// Calls `fn` for every Node in the tree below `node` (pre-order, including `node`).
void WalkNodes(PgQuery__Node* node, const std::function<void(PgQuery__Node*)>& fn);

/// Quotes an identifier exactly as PostgreSQL's quote_identifier does: bare when it is a
/// lower-case identifier that is not a reserved (non-unreserved) keyword, else double-quoted.
std::string QuoteIdent(const std::string& name);

/// psql meta-commands (pg_dump writes \restrict, \connect, \unrestrict) are not SQL: the text with
/// each such line blanked with spaces, so that every byte offset of the rest stays the same.
std::string BlankMetaCommands(const std::string& text);

/// The first byte of a statement at or after `at`, past whitespace and comments
/// (RawStmt.stmt_location points just after the previous semicolon).
uint32_t SkipBlank(const std::string& text, uint32_t at, uint32_t end);

}  // namespace schemac::sql
