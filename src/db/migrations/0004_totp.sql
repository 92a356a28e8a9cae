-- 0004 second factor: TOTP (RFC 6238) for national and administrator roles.
ALTER TABLE users ADD COLUMN totp_enabled BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;  -- replay protection
-- a session of a user who must enrol may only enrol, read /me and log out
ALTER TABLE sessions ADD COLUMN mfa_pending BIGINT NOT NULL DEFAULT 0;
