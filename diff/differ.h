// The differ: two schema states -> element changes (unordered; see order.h).
#pragma once

#include <vector>

#include "compiler/ir/schema.h"
#include "compiler/ir/source.h"
#include "diff/change.h"
#include "diff/match.h"

namespace schemac::diff {

struct DiffOptions {
  bool owners = false;  // compare and change owners
};

/// Computes the element changes turning `from` into `to`, using `matching` for object identity.
/// Changes that have no plan are reported to `diags` ("plan.unsupported") and left out.
std::vector<Change> ComputeChanges(const ir::Database& from, const ir::Database& to,
                                   const Matching& matching, const DiffOptions& options,
                                   ir::Diagnostics& diags);

/// The sequences an expression calls nextval() on, found as nextval('<qualified name>'::regclass)
/// (the canonical text of a serial-style default), in order of appearance.
std::vector<ir::QualifiedName> SequenceReferences(const ir::Expr& expr);

/// The options PostgreSQL gives a sequence of `data_type` (int2, int4, int8) with `increment`
/// when nothing else is written.
ir::SequenceOptions DefaultSequenceOptions(const ir::TypeRef& data_type, int64_t increment);

/// Identity sequence options as PostgreSQL leaves them after ALTER COLUMN TYPE `type`: the
/// sequence follows the column type, and a min/max that was the old type's default becomes the
/// new type's default.
ir::SequenceOptions IdentityOptionsAfterTypeChange(const ir::SequenceOptions& options,
                                                   const ir::TypeRef& type);

/// Reads a quoted text (a 'literal' or an "identifier", the quote doubled inside it) whose
/// content starts at `start` (just past the opening `quote`): the content, unescaped, goes to
/// `content`; returns the index of the closing quote (text.size() when there is none).
std::size_t ReadQuoted(const std::string& text, std::size_t start, char quote, std::string* content);

/// True when `text` mentions `name` as a whole identifier (conservative: may over-report).
bool MentionsIdentifier(const std::string& text, const std::string& name);

}  // namespace schemac::diff
