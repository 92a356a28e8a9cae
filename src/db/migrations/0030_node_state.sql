-- 0030 node_state: bookkeeping sijill maintains itself (settings module).
-- The exchange with central writes exchange.last_ack_seq / exchange.last_ack_at;
-- `sijill restore` refuses a copy older than the node's last acknowledged exchange.
CREATE TABLE node_state (
  key         TEXT PRIMARY KEY,
  value       BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL
);
