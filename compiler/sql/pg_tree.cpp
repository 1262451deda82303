#include "compiler/sql/pg_tree.h"

#include <array>
#include <cstring>
#include <deque>
#include <vector>

namespace schemac::sql {

void* Arena::Alloc(void* self, size_t size) { return static_cast<Arena*>(self)->Allocate(size); }

void* Arena::Allocate(std::size_t size) {
  size = (size + 15) & ~static_cast<std::size_t>(15);
  if (blocks_.empty() || used_ + size > capacity_) {
    std::size_t cap = size > 64 * 1024 ? size : 64 * 1024;
    blocks_.push_back(std::make_unique<char[]>(cap));
    used_ = 0;
    capacity_ = cap;
  }
  void* p = blocks_.back().get() + used_;
  used_ += size;
  return p;
}

char* Arena::Strdup(const std::string& s) {
  char* p = static_cast<char*>(Allocate(s.size() + 1));
  std::memcpy(p, s.c_str(), s.size() + 1);
  return p;
}

std::size_t CharPosToByteOffset(const std::string& text, int cursorpos) {
  // cursorpos counts characters (PostgreSQL's pg_mbstrlen_with_len), 1-based.
  if (cursorpos <= 1) return 0;
  int chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (chars == cursorpos - 1) return i;
    ++chars;
  }
  return text.size();
}

ParsedText Parse(const std::string& text) {
  ParsedText out;
  out.arena = std::make_shared<Arena>();
  PgQueryProtobufParseResult r = pg_query_parse_protobuf(text.c_str());
  if (r.error) {
    out.error_message = r.error->message ? r.error->message : "syntax error";
    out.error_offset = CharPosToByteOffset(text, r.error->cursorpos);
  } else {
    out.tree = pg_query__parse_result__unpack(out.arena->allocator(), r.parse_tree.len,
                                              reinterpret_cast<const uint8_t*>(r.parse_tree.data));
    if (!out.tree) out.error_message = "cannot decode the parse tree";
  }
  pg_query_free_protobuf_parse_result(r);
  return out;
}

std::string StrVal(const PgQuery__Node* node) {
  if (node && node->node_case == PG_QUERY__NODE__NODE_STRING && node->string && node->string->sval) {
    return node->string->sval;
  }
  return "";
}

std::vector<std::string> StrList(PgQuery__Node* const* items, std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(StrVal(items[i]));
  return out;
}

std::string NodeKindName(const PgQuery__Node* node) {
  if (!node) return "empty statement";
  const ProtobufCFieldDescriptor* f =
      protobuf_c_message_descriptor_get_field(&pg_query__node__descriptor, node->node_case);
  if (!f) return "unknown";
  // Field names are snake_case ("create_stmt"); show the C struct name instead ("CreateStmt").
  const ProtobufCMessageDescriptor* md = static_cast<const ProtobufCMessageDescriptor*>(f->descriptor);
  return md ? md->short_name : f->name;
}

std::string DeparseStatement(PgQuery__Node* stmt, const char* fallback_error, std::string* error) {
  PgQuery__RawStmt raw = PG_QUERY__RAW_STMT__INIT;
  raw.stmt = stmt;
  PgQuery__RawStmt* raws[] = {&raw};
  PgQuery__ParseResult result = PG_QUERY__PARSE_RESULT__INIT;
  result.version = PG_VERSION_NUM;
  result.n_stmts = 1;
  result.stmts = raws;

  std::string buf(pg_query__parse_result__get_packed_size(&result), '\0');
  pg_query__parse_result__pack(&result, reinterpret_cast<uint8_t*>(buf.data()));
  PgQueryProtobuf pb{buf.size(), buf.data()};
  PgQueryDeparseResult d = pg_query_deparse_protobuf(pb);
  std::string out;
  if (d.error) {
    if (error) *error = d.error->message ? d.error->message : fallback_error;
  } else {
    out = d.query;
  }
  pg_query_free_deparse_result(d);
  return out;
}

namespace {

// One-part spellings of built-in types that are not SQL keywords (`x::int4`): PostgreSQL resolves
// them in pg_catalog, and prints them as `x::integer`, which the deparser prints as `x::int` only
// when the name is qualified.
bool IsPlainCatalogTypeAlias(const std::string& name) {
  static const char* const kAliases[] = {"int2", "int4", "int8", "float4", "float8", "bool", "timestamptz", "timetz"};
  for (const char* a : kAliases) {
    if (name == a) return true;
  }
  return false;
}

std::string DeparseExprAsIs(PgQuery__Node* expr, std::string* error);

}  // namespace

std::string DeparseExpr(PgQuery__Node* expr, std::string* error) {
  // Casts to a one-part alias of a built-in type are qualified for the deparse (and restored after,
  // the tree is the caller's), so that `::int4` and `::integer` print alike.
  PgQuery__String catalog_str = PG_QUERY__STRING__INIT;
  catalog_str.sval = const_cast<char*>("pg_catalog");
  PgQuery__Node catalog_node = PG_QUERY__NODE__INIT;
  catalog_node.node_case = PG_QUERY__NODE__NODE_STRING;
  catalog_node.string = &catalog_str;
  struct Saved {
    PgQuery__TypeName* type;
    PgQuery__Node** names;
  };
  std::vector<Saved> saved;
  std::deque<std::array<PgQuery__Node*, 2>> qualified;
  WalkNodes(expr, [&](PgQuery__Node* n) {
    if (n->node_case != PG_QUERY__NODE__NODE_TYPE_CAST || !n->type_cast->type_name) return;
    PgQuery__TypeName* t = n->type_cast->type_name;
    if (t->n_names != 1 || !IsPlainCatalogTypeAlias(StrVal(t->names[0]))) return;
    qualified.push_back({&catalog_node, t->names[0]});
    saved.push_back({t, t->names});
    t->names = qualified.back().data();
    t->n_names = 2;
  });
  std::string out = DeparseExprAsIs(expr, error);
  for (const Saved& s : saved) {
    s.type->names = s.names;
    s.type->n_names = 1;
  }
  return out;
}

namespace {

std::string DeparseExprAsIs(PgQuery__Node* expr, std::string* error) {
  PgQuery__ResTarget target = PG_QUERY__RES_TARGET__INIT;
  target.val = expr;
  PgQuery__Node target_node = PG_QUERY__NODE__INIT;
  target_node.node_case = PG_QUERY__NODE__NODE_RES_TARGET;
  target_node.res_target = &target;
  PgQuery__Node* targets[] = {&target_node};
  PgQuery__SelectStmt select = PG_QUERY__SELECT_STMT__INIT;
  select.n_target_list = 1;
  select.target_list = targets;
  select.limit_option = PG_QUERY__LIMIT_OPTION__LIMIT_OPTION_DEFAULT;
  select.op = PG_QUERY__SET_OPERATION__SETOP_NONE;
  PgQuery__Node stmt_node = PG_QUERY__NODE__INIT;
  stmt_node.node_case = PG_QUERY__NODE__NODE_SELECT_STMT;
  stmt_node.select_stmt = &select;
  std::string out = DeparseStatement(&stmt_node, "cannot deparse expression", error);
  constexpr std::string_view kPrefix = "SELECT ";
  if (out.compare(0, kPrefix.size(), kPrefix) == 0) out.erase(0, kPrefix.size());
  return out;
}

}  // namespace

namespace {

void WalkMessage(ProtobufCMessage* msg, const std::function<void(PgQuery__Node*)>& fn) {
  if (!msg) return;
  if (msg->descriptor == &pg_query__node__descriptor) fn(reinterpret_cast<PgQuery__Node*>(msg));
  const ProtobufCMessageDescriptor* d = msg->descriptor;
  char* base = reinterpret_cast<char*>(msg);
  for (unsigned i = 0; i < d->n_fields; ++i) {
    const ProtobufCFieldDescriptor& f = d->fields[i];
    if (f.type != PROTOBUF_C_TYPE_MESSAGE) continue;
    if (f.label == PROTOBUF_C_LABEL_REPEATED) {
      std::size_t n = *reinterpret_cast<std::size_t*>(base + f.quantifier_offset);
      ProtobufCMessage** arr = *reinterpret_cast<ProtobufCMessage***>(base + f.offset);
      for (std::size_t k = 0; k < n; ++k) WalkMessage(arr[k], fn);
    } else {
      if (f.flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
        if (*reinterpret_cast<uint32_t*>(base + f.quantifier_offset) != f.id) continue;
      }
      WalkMessage(*reinterpret_cast<ProtobufCMessage**>(base + f.offset), fn);
    }
  }
}

}  // namespace

void WalkNodes(PgQuery__Node* node, const std::function<void(PgQuery__Node*)>& fn) {
  WalkMessage(reinterpret_cast<ProtobufCMessage*>(node), fn);
}

std::string QuoteIdent(const std::string& name) {
  bool safe = !name.empty() && ((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_');
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) safe = false;
  }
  if (safe) {
    // Because quote_identifier also quotes every keyword that is not UNRESERVED, ask the
    // scanner (which knows PostgreSQL's keyword list) what kind of token the name is.
    PgQueryScanResult r = pg_query_scan(name.c_str());
    if (!r.error) {
      PgQuery__ScanResult* s = pg_query__scan_result__unpack(nullptr, r.pbuf.len,
                                                             reinterpret_cast<const uint8_t*>(r.pbuf.data));
      if (s && s->n_tokens == 1 && s->tokens[0]->keyword_kind != PG_QUERY__KEYWORD_KIND__NO_KEYWORD &&
          s->tokens[0]->keyword_kind != PG_QUERY__KEYWORD_KIND__UNRESERVED_KEYWORD) {
        safe = false;
      }
      if (s) pg_query__scan_result__free_unpacked(s, nullptr);
    }
    pg_query_free_scan_result(r);
  }
  if (safe) return name;
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// psql meta-commands (pg_dump writes \restrict, \connect, \unrestrict) are not SQL: blank each
// such line with spaces so that every byte offset of the remaining text stays the same.
std::string BlankMetaCommands(const std::string& text) {
  std::string out = text;
  std::size_t i = 0;
  while (i < out.size()) {
    std::size_t eol = out.find('\n', i);
    if (eol == std::string::npos) eol = out.size();
    std::size_t j = i;
    while (j < eol && (out[j] == ' ' || out[j] == '\t')) ++j;
    if (j < eol && out[j] == '\\') {
      for (std::size_t k = j; k < eol; ++k) {
        if (out[k] != '\r') out[k] = ' ';
      }
    }
    i = eol + 1;
  }
  return out;
}

// The first byte of a statement, past whitespace and comments (RawStmt.stmt_location points
// just after the previous semicolon).
uint32_t SkipBlank(const std::string& text, uint32_t at, uint32_t end) {
  while (at < end) {
    char c = text[at];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      ++at;
    } else if (c == '-' && at + 1 < end && text[at + 1] == '-') {
      while (at < end && text[at] != '\n') ++at;
    } else if (c == '/' && at + 1 < end && text[at + 1] == '*') {
      std::size_t close = text.find("*/", at + 2);
      at = close == std::string::npos || close + 2 > end ? end : static_cast<uint32_t>(close + 2);
    } else {
      break;
    }
  }
  return at;
}

}  // namespace schemac::sql
