-- 0060 seals (issue 10, items 1–3): each OPJ's key bound to its user by a
-- record signed with the node's binding key (outside the database); a seal
-- verifies only by a key bound to its sealer at the sealed time. Referral
-- bundles signed at transmission.
CREATE TABLE opj_key_bindings (
  id            TEXT PRIMARY KEY,
  key_id        TEXT NOT NULL REFERENCES opj_keys(key_id),
  user_id       TEXT NOT NULL REFERENCES users(id),
  enrolled_at   BIGINT NOT NULL,
  enrolled_by   TEXT,
  signature     TEXT NOT NULL,            -- Ed25519 by the node key over "sijill-opj-bind-v1|id|key|user|pk|enrolled_at"
  revoked_at    BIGINT,
  revoked_by    TEXT,
  revoke_reason TEXT
);
CREATE INDEX opj_key_bindings_key ON opj_key_bindings (key_id);
CREATE INDEX opj_key_bindings_user ON opj_key_bindings (user_id);
ALTER TABLE referrals ADD COLUMN bundle_signature TEXT;
