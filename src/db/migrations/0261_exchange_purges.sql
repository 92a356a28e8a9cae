-- 0261 a node's retention purge reaches central (issue 12,
-- docs/internals/exchange.md "A node's purge"). The retention job
-- (src/procedure/retention.c) leaves a tombstone, then deletes the rows past
-- their time; a DELETE had no outbox trigger, so central kept its copies.
-- Now each purgeable table (exchange.h's xchg_table_purgeable) has an AFTER
-- DELETE trigger that appends, in the purge's own transaction, the row's
-- deletion in place of its snapshot: its id, "_deleted": 1, the tombstone the
-- purge left for its record (custody register: the custody; main courante:
-- the sealed day), and that tombstone's rule with the rule's version. Central
-- refuses a deletion without a tombstone it holds from the node, and applies
-- the others to its copy (xchg_rows keeps the deletion in place of the row,
-- as the node's outbox does: the digests stay equal) and to its own table.
-- SQLite only: nodes are SQLite (central's own purges are central's).
-- @sqlite
CREATE TRIGGER xchg_custody_sessions_delete AFTER DELETE ON custody_sessions FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('custody_sessions', OLD.id, (SELECT code FROM units WHERE id = OLD.unit_id), sj_row_json('id', OLD.id, '_deleted', 1, '_tombstone', (SELECT t.id FROM retention_tombstones t WHERE t.kind = 'custody_register' AND t.record_id = OLD.custody_id ORDER BY t.purged_at DESC, t.id DESC LIMIT 1), '_rule', (SELECT t.rule_code FROM retention_tombstones t WHERE t.kind = 'custody_register' AND t.record_id = OLD.custody_id ORDER BY t.purged_at DESC, t.id DESC LIMIT 1), '_rule_version', (SELECT r.version FROM retention_rules r WHERE r.code = (SELECT t.rule_code FROM retention_tombstones t WHERE t.kind = 'custody_register' AND t.record_id = OLD.custody_id ORDER BY t.purged_at DESC, t.id DESC LIMIT 1))), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_custody_rights_notices_delete AFTER DELETE ON custody_rights_notices FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('custody_rights_notices', OLD.id, (SELECT code FROM units WHERE id = OLD.unit_id), sj_row_json('id', OLD.id, '_deleted', 1, '_tombstone', (SELECT t.id FROM retention_tombstones t WHERE t.kind = 'custody_register' AND t.record_id = OLD.custody_id ORDER BY t.purged_at DESC, t.id DESC LIMIT 1), '_rule', (SELECT t.rule_code FROM retention_tombstones t WHERE t.kind = 'custody_register' AND t.record_id = OLD.custody_id ORDER BY t.purged_at DESC, t.id DESC LIMIT 1), '_rule_version', (SELECT r.version FROM retention_rules r WHERE r.code = (SELECT t.rule_code FROM retention_tombstones t WHERE t.kind = 'custody_register' AND t.record_id = OLD.custody_id ORDER BY t.purged_at DESC, t.id DESC LIMIT 1))), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_main_courante_delete AFTER DELETE ON main_courante FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('main_courante', OLD.id, (SELECT code FROM units WHERE id = OLD.unit_id), sj_row_json('id', OLD.id, '_deleted', 1, '_tombstone', (SELECT t.id FROM retention_tombstones t WHERE t.kind = 'main_courante' AND t.record_id = (SELECT d.id FROM main_courante_days d WHERE d.unit_id = OLD.unit_id AND d.day = OLD.day) ORDER BY t.purged_at DESC, t.id DESC LIMIT 1), '_rule', (SELECT t.rule_code FROM retention_tombstones t WHERE t.kind = 'main_courante' AND t.record_id = (SELECT d.id FROM main_courante_days d WHERE d.unit_id = OLD.unit_id AND d.day = OLD.day) ORDER BY t.purged_at DESC, t.id DESC LIMIT 1), '_rule_version', (SELECT r.version FROM retention_rules r WHERE r.code = (SELECT t.rule_code FROM retention_tombstones t WHERE t.kind = 'main_courante' AND t.record_id = (SELECT d.id FROM main_courante_days d WHERE d.unit_id = OLD.unit_id AND d.day = OLD.day) ORDER BY t.purged_at DESC, t.id DESC LIMIT 1))), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
-- @end
