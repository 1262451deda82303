// The history schema (`schemac.history`, `schemac.history_step`) and the run lock.
#include "apply/apply.h"

#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "apply/internal.h"
#include "compiler/ir/fingerprint.h"
#include "compiler/ir/schema.h"

namespace schemac::apply {

namespace {

// Layout version 1 (docs/apply.md#history). Created with IF NOT EXISTS under the run lock.
constexpr const char* kHistoryDdl = R"sql(
CREATE SCHEMA IF NOT EXISTS schemac;
COMMENT ON SCHEMA schemac IS 'schemac apply history (layout 1); managed by schemac, never by a plan';
CREATE TABLE IF NOT EXISTS schemac.history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL,
  status text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
  finished_at timestamptz,
  db_user text NOT NULL DEFAULT CURRENT_USER,
  application_name text NOT NULL DEFAULT pg_catalog.current_setting('application_name'),
  client_host text NOT NULL DEFAULT COALESCE(pg_catalog.host(pg_catalog.inet_client_addr()), 'local'),
  backend_pid integer NOT NULL DEFAULT pg_catalog.pg_backend_pid(),
  work_pid integer,
  schemac_version text NOT NULL,
  target text NOT NULL,
  source_fingerprint text NOT NULL,
  target_fingerprint text NOT NULL,
  plan_fingerprint text NOT NULL,
  forward_sql text NOT NULL,
  rollback_sql text NOT NULL,
  plan jsonb,
  include_schemas text[] NOT NULL,
  exclude_schemas text[] NOT NULL,
  before_state text NOT NULL,
  after_state text,
  error text,
  resumes bigint REFERENCES schemac.history (id),
  resumed_by bigint REFERENCES schemac.history (id),
  rolls_back bigint REFERENCES schemac.history (id),
  backup text
);
CREATE TABLE IF NOT EXISTS schemac.history_step (
  run_id bigint NOT NULL REFERENCES schemac.history (id) ON DELETE CASCADE,
  step integer NOT NULL,
  segment integer NOT NULL,
  transactional boolean NOT NULL,
  object text NOT NULL,
  change text NOT NULL,
  sql text NOT NULL,
  status text NOT NULL DEFAULT 'pending',
  started_at timestamptz,
  seconds double precision,
  error text,
  PRIMARY KEY (run_id, step)
);
)sql";

}  // namespace

std::string internal::ArrayLiteral(const std::vector<std::string>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

namespace {

using internal::ArrayLiteral;

std::string Field(const catalog::Row& row, std::size_t i) { return row.at(i).value_or(""); }

/// A text[] value as PostgreSQL prints it ({a,"b c"}), back to its elements.
std::vector<std::string> TextArray(const std::string& text) {
  std::vector<std::string> out;
  if (text.size() < 2) return out;
  std::string cur;
  bool quoted = false, any = false;
  for (std::size_t i = 1; i + 1 < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '\\' && i + 2 < text.size()) cur += text[++i];
      else if (c == '"') quoted = false;
      else cur += c;
    } else if (c == '"') {
      quoted = any = true;
    } else if (c == ',') {
      out.push_back(cur);
      cur.clear();
      any = false;
    } else {
      cur += c;
      any = true;
    }
  }
  if (any || !cur.empty() || !out.empty()) out.push_back(cur);
  return out;
}

std::optional<int64_t> OptInt(const catalog::Row& row, std::size_t i) {
  if (!row.at(i)) return std::nullopt;
  return std::stoll(*row[i]);
}

constexpr const char* kRunColumns =
    "id, kind, status, started_at::text, COALESCE(finished_at::text, ''), db_user, application_name, client_host, "
    "backend_pid, COALESCE(work_pid, 0), source_fingerprint, target_fingerprint, plan_fingerprint, target, "
    "forward_sql, rollback_sql, COALESCE(plan::text, ''), COALESCE(error, ''), resumes, rolls_back, "
    "COALESCE(backup, ''), include_schemas, exclude_schemas, before_state, COALESCE(after_state, '')";

RunRecord ReadRun(const catalog::Row& r) {
  RunRecord run;
  run.id = std::stoll(Field(r, 0));
  run.kind = Field(r, 1);
  run.status = Field(r, 2);
  run.started_at = Field(r, 3);
  run.finished_at = Field(r, 4);
  run.db_user = Field(r, 5);
  run.application_name = Field(r, 6);
  run.client_host = Field(r, 7);
  run.backend_pid = std::stoi(Field(r, 8));
  run.work_pid = std::stoi(Field(r, 9));
  run.source_fingerprint = Field(r, 10);
  run.target_fingerprint = Field(r, 11);
  run.plan_fingerprint = Field(r, 12);
  run.target = Field(r, 13);
  run.forward_sql = Field(r, 14);
  run.rollback_sql = Field(r, 15);
  run.plan_json = Field(r, 16);
  run.error = Field(r, 17);
  run.resumes = OptInt(r, 18);
  run.rolls_back = OptInt(r, 19);
  run.backup = Field(r, 20);
  run.include_schemas = TextArray(Field(r, 21));
  run.exclude_schemas = TextArray(Field(r, 22));
  run.before_state = Field(r, 23);
  run.after_state = Field(r, 24);
  return run;
}

}  // namespace

void AcquireRunLock(catalog::Session& session, double wait_seconds) {
  const std::string key = fmt::format("{}, {}", kRunLockClass, kRunLockObject);
  bool got = false;
  if (wait_seconds <= 0) {
    got = Field(session.Query("SELECT pg_catalog.pg_try_advisory_lock(" + key + ")::text").at(0), 0) == "true";
  } else {
    // A session-level lock taken inside a transaction outlives it; lock_timeout bounds the wait
    // (and keeps the waiters in the server's queue, first come first served).
    session.Execute("BEGIN");
    try {
      // statement_timeout (--statement-timeout) must not cut the wait short.
      session.Query("SELECT pg_catalog.set_config('lock_timeout', $1, true), "
                    "pg_catalog.set_config('statement_timeout', '0', true)",
                    {fmt::format("{}ms", static_cast<int64_t>(wait_seconds * 1000))});
      session.Query("SELECT pg_catalog.pg_advisory_lock(" + key + ")");
      session.Execute("COMMIT");
      got = true;
    } catch (const catalog::SqlError& e) {
      session.Execute("ROLLBACK");
      if (e.sqlstate != "55P03") throw;
    }
  }
  if (got) return;
  // Who holds it: the session's pid and application, and since when (its history record when
  // there is one, else when its session started).
  bool has_history =
      Field(session.Query("SELECT (pg_catalog.to_regclass('schemac.history') IS NOT NULL)::text").at(0), 0) == "true";
  std::string since = has_history ? "(SELECT h.started_at::text FROM schemac.history h WHERE h.backend_pid = l.pid "
                                    "AND h.status = 'running' ORDER BY h.id DESC LIMIT 1)"
                                  : "NULL";
  auto rows = session.Query(
      "SELECT l.pid::text, COALESCE(a.application_name, ''), COALESCE(a.usename::text, ''), "
      "COALESCE(" + since + ", a.backend_start::text, '') "
      "FROM pg_catalog.pg_locks l LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid "
      "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = " + std::to_string(kRunLockClass) +
      " AND l.objid = " + std::to_string(kRunLockObject) + " AND l.objsubid = 2 "
      "AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())");
  std::string holder = "another session";
  if (!rows.empty()) {
    holder = fmt::format("pid {} (application_name \"{}\", user \"{}\", since {})", Field(rows[0], 0),
                         Field(rows[0], 1), Field(rows[0], 2), Field(rows[0], 3));
  }
  throw LockBusy(fmt::format("another schemac run holds this database's run lock after waiting {}s: {}",
                             wait_seconds, holder));
}

void EnsureHistory(catalog::Session& session) {
  auto rows = session.Query("SELECT (pg_catalog.to_regclass('schemac.history_step') IS NOT NULL)::text");
  if (Field(rows.at(0), 0) == "true") return;
  session.Execute("BEGIN");
  try {
    session.Execute("SET LOCAL client_min_messages = warning");
    session.Execute(kHistoryDdl);
    session.Execute("COMMIT");
  } catch (...) {
    session.Execute("ROLLBACK");
    throw;
  }
}

int64_t StartRun(catalog::Session& session, const RunRecord& run, const emit::Plan& plan) {
  std::vector<std::string> steps, segments, transactional, objects, changes, sqls;
  int n = 0;
  for (std::size_t si = 0; si < plan.segments.size(); ++si) {
    for (const emit::Step& step : plan.segments[si].steps) {
      steps.push_back(std::to_string(++n));
      segments.push_back(std::to_string(si + 1));
      transactional.push_back(plan.segments[si].transactional ? "true" : "false");
      objects.push_back(ir::DisplayName(step.object));
      changes.push_back(step.change);
      std::string sql;
      for (const std::string& s : step.sql) sql += (sql.empty() ? "" : "\n") + s;
      sqls.push_back(sql);
    }
  }
  session.Execute("BEGIN");
  try {
    auto rows = session.Query(
        "INSERT INTO schemac.history (kind, status, schemac_version, target, source_fingerprint, target_fingerprint, "
        "plan_fingerprint, forward_sql, rollback_sql, plan, resumes, rolls_back, include_schemas, exclude_schemas, "
        "before_state) "
        "VALUES ($1, 'running', '0.1.0', $2, $3, $4, $5, $6, $7, NULLIF($8, '')::jsonb, NULLIF($9, '')::bigint, "
        "NULLIF($10, '')::bigint, $11::text[], $12::text[], $13) RETURNING id::text",
        {run.kind, run.target, run.source_fingerprint, run.target_fingerprint, run.plan_fingerprint, run.forward_sql,
         run.rollback_sql, run.plan_json, run.resumes ? std::to_string(*run.resumes) : "",
         run.rolls_back ? std::to_string(*run.rolls_back) : "", ArrayLiteral(run.include_schemas),
         ArrayLiteral(run.exclude_schemas), run.before_state});
    int64_t id = std::stoll(Field(rows.at(0), 0));
    if (!steps.empty()) {
      session.Query(
          "INSERT INTO schemac.history_step (run_id, step, segment, transactional, object, change, sql) "
          "SELECT $1::bigint, s.step, s.segment, s.transactional, s.object, s.change, s.sql "
          "FROM ROWS FROM (pg_catalog.unnest($2::int[]), pg_catalog.unnest($3::int[]), pg_catalog.unnest($4::bool[]), "
          "pg_catalog.unnest($5::text[]), pg_catalog.unnest($6::text[]), pg_catalog.unnest($7::text[])) "
          "AS s(step, segment, transactional, object, change, sql)",
          {std::to_string(id), ArrayLiteral(steps), ArrayLiteral(segments), ArrayLiteral(transactional),
           ArrayLiteral(objects), ArrayLiteral(changes), ArrayLiteral(sqls)});
    }
    if (run.resumes) {
      session.Query("UPDATE schemac.history SET resumed_by = $1::bigint, status = 'resumed' WHERE id = $2::bigint",
                    {std::to_string(id), std::to_string(*run.resumes)});
    }
    session.Execute("COMMIT");
    return id;
  } catch (...) {
    session.Execute("ROLLBACK");
    throw;
  }
}

void FinishRun(catalog::Session& session, int64_t id, const std::string& status, const std::string& error,
               const std::string& after_state) {
  session.Query(
      "UPDATE schemac.history SET status = $2, error = NULLIF($3, ''), finished_at = pg_catalog.clock_timestamp(), "
      "after_state = NULLIF($4, '') WHERE id = $1::bigint",
      {std::to_string(id), status, error, after_state});
}

void MarkRolledBack(catalog::Session& session, int64_t id) {
  session.Query("UPDATE schemac.history SET status = 'rolled_back' WHERE id = $1::bigint", {std::to_string(id)});
}

std::vector<RunRecord> ListRuns(catalog::Session& session, int limit) {
  std::string sql = std::string("SELECT ") + kRunColumns + " FROM schemac.history ORDER BY id DESC";
  if (limit > 0) sql += " LIMIT " + std::to_string(limit);
  std::vector<RunRecord> out;
  for (const catalog::Row& r : session.Query(sql)) out.push_back(ReadRun(r));
  return out;
}

std::optional<RunRecord> FindRun(catalog::Session& session, int64_t id) {
  auto rows = session.Query(std::string("SELECT ") + kRunColumns + " FROM schemac.history WHERE id = $1::bigint",
                            {std::to_string(id)});
  if (rows.empty()) return std::nullopt;
  return ReadRun(rows.front());
}

std::vector<StepRecord> ListSteps(catalog::Session& session, int64_t id) {
  std::vector<StepRecord> out;
  for (const catalog::Row& r : session.Query(
           "SELECT step, segment, object, change, sql, status, seconds::text, COALESCE(error, '') "
           "FROM schemac.history_step WHERE run_id = $1::bigint ORDER BY step",
           {std::to_string(id)})) {
    StepRecord s;
    s.run_id = id;
    s.step = std::stoi(Field(r, 0));
    s.segment = std::stoi(Field(r, 1));
    s.object = Field(r, 2);
    s.change = Field(r, 3);
    s.sql = Field(r, 4);
    s.status = Field(r, 5);
    if (r.at(6)) s.seconds = std::stod(*r[6]);
    s.error = Field(r, 7);
    out.push_back(std::move(s));
  }
  return out;
}

std::optional<RunRecord> InterruptedRun(catalog::Session& session) {
  if (Field(session.Query("SELECT (pg_catalog.to_regclass('schemac.history_step') IS NOT NULL)::text").at(0), 0) !=
      "true") {
    return std::nullopt;
  }
  // Under the run lock no other run is alive: a "running" record is a run whose client died.
  // With no step done or under way outside a transaction, the server rolled back everything it
  // ran: the run simply failed.
  session.Execute(
      "UPDATE schemac.history h SET finished_at = pg_catalog.clock_timestamp(), "
      "status = CASE WHEN EXISTS (SELECT FROM schemac.history_step s WHERE s.run_id = h.id "
      "AND s.status IN ('done', 'running')) THEN 'interrupted' ELSE 'failed' END, "
      "error = COALESCE(error, 'the client stopped before the run finished') WHERE status = 'running'");
  auto rows = session.Query(std::string("SELECT ") + kRunColumns +
                            " FROM schemac.history WHERE status = 'interrupted' AND resumed_by IS NULL "
                            "ORDER BY id DESC LIMIT 1");
  if (rows.empty()) return std::nullopt;
  return ReadRun(rows.front());
}

std::string PlanFingerprint(const emit::Plan& plan) {
  std::string text;
  for (const emit::Segment& segment : plan.segments) {
    text += segment.transactional ? "segment\n" : "segment outside a transaction\n";
    for (const emit::Step& step : segment.steps) {
      for (const std::string& sql : step.sql) text += sql + "\n";
    }
  }
  return "sha256:" + ir::Sha256Hex(text);
}

bool WaitForBackendExit(catalog::Session& session, int pid, double wait_seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(wait_seconds);
  while (true) {
    auto rows = session.Query("SELECT count(*)::text FROM pg_catalog.pg_stat_activity WHERE pid = $1::int",
                              {std::to_string(pid)});
    if (Field(rows.at(0), 0) == "0") return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace schemac::apply
