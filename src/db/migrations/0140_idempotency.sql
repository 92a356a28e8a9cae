-- 0140 idempotency_keys: the first result of a write sent with an
-- Idempotency-Key header (idem module, docs/internals/idem.md), stored in the
-- same transaction as the write; a retry with the same key by the same user
-- gets it back instead of a second write. Expired rows are purged as new ones
-- are stored (setting idempotency.ttl_hours).
CREATE TABLE idempotency_keys (
  id           TEXT PRIMARY KEY,       -- hex BLAKE2b-256(user_id, 0x00, key)
  user_id      TEXT NOT NULL REFERENCES users(id),
  idem_key     TEXT NOT NULL,
  fingerprint  TEXT NOT NULL,          -- hex BLAKE2b-256 of method, path, query, body
  status       BIGINT NOT NULL,
  body         TEXT NOT NULL,          -- the exact JSON text first sent
  action       TEXT,                   -- the audit action of the first request
  object_id    TEXT,
  request_id   TEXT NOT NULL,
  created_at   BIGINT NOT NULL,
  expires_at   BIGINT NOT NULL
);
CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at);
