-- 0001 foundation: units, users, sessions, rate limits, the audit chain.
-- Portable SQL: TEXT and BIGINT only; times are UTC milliseconds.
-- Lines between "-- @sqlite" / "-- @pg" and "-- @end" run on that backend only.

CREATE TABLE units (
  id          TEXT PRIMARY KEY,
  code        TEXT NOT NULL UNIQUE,
  kind        TEXT NOT NULL,
  parent_id   TEXT REFERENCES units(id),
  name_fr     TEXT NOT NULL,
  name_ar     TEXT NOT NULL,
  city        TEXT,
  path        TEXT NOT NULL,          -- "/NAT/PP-CASA/AR-CASA-MAARIF/": scope is a prefix test
  created_at  BIGINT NOT NULL
);
CREATE INDEX units_parent ON units(parent_id);
CREATE INDEX units_path ON units(path);

CREATE TABLE users (
  id             TEXT PRIMARY KEY,
  badge          TEXT NOT NULL UNIQUE,
  name           TEXT NOT NULL,
  role           TEXT NOT NULL,
  unit_id        TEXT NOT NULL REFERENCES units(id),
  password_hash  TEXT NOT NULL,
  status         TEXT NOT NULL DEFAULT 'active',   -- active | disabled
  failed_count   BIGINT NOT NULL DEFAULT 0,
  locked_until   BIGINT NOT NULL DEFAULT 0,
  lang           TEXT NOT NULL DEFAULT 'ar',
  totp_secret    TEXT,
  demo           BIGINT NOT NULL DEFAULT 0,
  password_set_at BIGINT NOT NULL,
  created_at     BIGINT NOT NULL,
  updated_at     BIGINT NOT NULL
);
CREATE INDEX users_unit ON users(unit_id);

CREATE TABLE sessions (
  id           TEXT PRIMARY KEY,      -- hex BLAKE2b-256 of the token; the token itself is never stored
  user_id      TEXT NOT NULL REFERENCES users(id),
  kind         TEXT NOT NULL,         -- browser | machine
  csrf         TEXT NOT NULL,
  created_at   BIGINT NOT NULL,
  last_seen    BIGINT NOT NULL,
  idle_ms      BIGINT NOT NULL,       -- 0: no idle expiry (machine tokens)
  expires_at   BIGINT NOT NULL,       -- absolute expiry
  revoked_at   BIGINT,
  ip           TEXT,
  label        TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE rate_limits (
  key          TEXT PRIMARY KEY,      -- "login-ip:127.0.0.1", "lookup:<user>"
  window_start BIGINT NOT NULL,
  count        BIGINT NOT NULL
);

CREATE TABLE audit_log (
  seq          BIGINT PRIMARY KEY,
  id           TEXT NOT NULL UNIQUE,
  at           BIGINT NOT NULL,
  actor_id     TEXT,
  badge        TEXT,
  role         TEXT,
  unit_code    TEXT,
  action       TEXT NOT NULL,
  object_type  TEXT,
  object_id    TEXT,
  purpose      TEXT,
  outcome      TEXT NOT NULL,         -- ok | refused | failed
  request_id   TEXT,
  ip           TEXT,
  detail       TEXT,                  -- canonical JSON or NULL
  leaf         TEXT NOT NULL,         -- hex BLAKE2b(0x00 || canonical entry)
  head         TEXT NOT NULL          -- hex BLAKE2b(0x01 || previous head || leaf)
);
CREATE INDEX audit_actor ON audit_log(actor_id, at);
CREATE INDEX audit_object ON audit_log(object_type, object_id);
CREATE INDEX audit_at ON audit_log(at);

CREATE TABLE audit_head (
  id    BIGINT PRIMARY KEY,           -- always 1
  seq   BIGINT NOT NULL,
  head  TEXT NOT NULL
);

CREATE TABLE audit_checkpoints (
  seq        BIGINT PRIMARY KEY,
  head       TEXT NOT NULL,
  at         BIGINT NOT NULL,
  key_id     TEXT NOT NULL,
  signature  TEXT NOT NULL           -- hex Ed25519 over "sijill-audit-v1|<seq>|<head>"
);

CREATE TABLE settings (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL
);

INSERT INTO audit_head (id, seq, head)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
