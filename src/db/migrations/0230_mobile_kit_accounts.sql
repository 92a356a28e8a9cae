-- 0230_mobile_kit_accounts.sql — the accounts a mobile kit was provisioned with
-- (issue 14): central's, made by the kit feed (src/mobile/feeds.c). They follow
-- central afterwards: a password changed or an account disabled at central
-- reaches the kit at its next exchange. An account the kit had of its own is
-- not listed here and stays the kit's.

CREATE TABLE mob_kit_accounts (
  user_id         TEXT PRIMARY KEY REFERENCES users(id),
  provisioned_at  BIGINT NOT NULL
);
