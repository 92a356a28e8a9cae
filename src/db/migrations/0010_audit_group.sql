-- 0010 the audit chain's group commit and signed heads (issue 21).
-- Entries a write commits on PostgreSQL while the committer runs wait here,
-- committed with their record, until the committer chains them (in order of
-- at, then id) and deletes them in the same transaction. Same columns as
-- audit_log but seq, leaf and head.
CREATE TABLE audit_pending (
  id           TEXT PRIMARY KEY,
  at           BIGINT NOT NULL,
  actor_id     TEXT,
  badge        TEXT,
  role         TEXT,
  unit_code    TEXT,
  action       TEXT NOT NULL,
  object_type  TEXT,
  object_id    TEXT,
  purpose      TEXT,
  outcome      TEXT NOT NULL,
  request_id   TEXT,
  ip           TEXT,
  detail       TEXT
);
CREATE INDEX audit_pending_order ON audit_pending(at, id);

-- Why a head was signed: count | time | start | stop | clock | adopt | unit.
-- The v2 signature covers seq, head, at and kind; NULL marks a v1
-- checkpoint (signature over seq and head only).
ALTER TABLE audit_checkpoints ADD COLUMN kind TEXT;
