-- 0196 the feeds central publishes to its nodes (issue 12,
-- docs/internals/exchange.md "Pull") are ordered by when a row reached
-- central, not by its own updated_at. A row that came from a node keeps the
-- node's updated_at: when it reached central after another node's cursor had
-- passed that time (a node that synced an hour late), the feed never served
-- it to that node. fed_at is central's clock each time a row of a fed table
-- is inserted or changed, whoever writes it (the apply path of a node's
-- batch, central's routes, any job), set by trigger; the feeds' cursors are
-- fed_at. It is never sent (neither in a batch, schema.c's omit lists, nor in
-- a feed's record, feeds.c). Existing rows: their updated_at, or, for a row
-- a node sent, the time central applied it if later (xchg_rows.applied_at):
-- a cursor a node holds from before (an updated_at) stays valid, and the
-- rows it may have missed are served once more.

ALTER TABLE persons ADD COLUMN fed_at BIGINT;
ALTER TABLE wanted_notices ADD COLUMN fed_at BIGINT;
ALTER TABLE stolen_vehicles ADD COLUMN fed_at BIGINT;
ALTER TABLE stolen_documents ADD COLUMN fed_at BIGINT;
ALTER TABLE stolen_phones ADD COLUMN fed_at BIGINT;
-- @sqlite
UPDATE persons SET fed_at = max(updated_at, COALESCE((SELECT applied_at FROM xchg_rows r WHERE r.tbl = 'persons' AND r.id = persons.id), 0));
UPDATE wanted_notices SET fed_at = max(updated_at, COALESCE((SELECT applied_at FROM xchg_rows r WHERE r.tbl = 'wanted_notices' AND r.id = wanted_notices.id), 0));
UPDATE stolen_vehicles SET fed_at = max(updated_at, COALESCE((SELECT applied_at FROM xchg_rows r WHERE r.tbl = 'stolen_vehicles' AND r.id = stolen_vehicles.id), 0));
UPDATE stolen_documents SET fed_at = max(updated_at, COALESCE((SELECT applied_at FROM xchg_rows r WHERE r.tbl = 'stolen_documents' AND r.id = stolen_documents.id), 0));
UPDATE stolen_phones SET fed_at = max(updated_at, COALESCE((SELECT applied_at FROM xchg_rows r WHERE r.tbl = 'stolen_phones' AND r.id = stolen_phones.id), 0));
CREATE TRIGGER fed_persons_insert AFTER INSERT ON persons FOR EACH ROW BEGIN
  UPDATE persons SET fed_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) WHERE id = NEW.id;
END;
CREATE TRIGGER fed_persons_update AFTER UPDATE ON persons FOR EACH ROW WHEN NEW.fed_at IS OLD.fed_at BEGIN
  UPDATE persons SET fed_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) WHERE id = NEW.id;
END;
CREATE TRIGGER fed_wanted_notices_insert AFTER INSERT ON wanted_notices FOR EACH ROW BEGIN
  UPDATE wanted_notices SET fed_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) WHERE id = NEW.id;
END;
CREATE TRIGGER fed_wanted_notices_update AFTER UPDATE ON wanted_notices FOR EACH ROW WHEN NEW.fed_at IS OLD.fed_at BEGIN
  UPDATE wanted_notices SET fed_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) WHERE id = NEW.id;
END;
CREATE TRIGGER fed_stolen_vehicles_insert AFTER INSERT ON stolen_vehicles FOR EACH ROW BEGIN
  UPDATE stolen_vehicles SET fed_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) WHERE id = NEW.id;
END;
CREATE TRIGGER fed_stolen_vehicles_update AFTER UPDATE ON stolen_vehicles FOR EACH ROW WHEN NEW.fed_at IS OLD.fed_at BEGIN
  UPDATE stolen_vehicles SET fed_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) WHERE id = NEW.id;
END;
CREATE TRIGGER fed_stolen_documents_insert AFTER INSERT ON stolen_documents FOR EACH ROW BEGIN
  UPDATE stolen_documents SET fed_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) WHERE id = NEW.id;
END;
CREATE TRIGGER fed_stolen_documents_update AFTER UPDATE ON stolen_documents FOR EACH ROW WHEN NEW.fed_at IS OLD.fed_at BEGIN
  UPDATE stolen_documents SET fed_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) WHERE id = NEW.id;
END;
CREATE TRIGGER fed_stolen_phones_insert AFTER INSERT ON stolen_phones FOR EACH ROW BEGIN
  UPDATE stolen_phones SET fed_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) WHERE id = NEW.id;
END;
CREATE TRIGGER fed_stolen_phones_update AFTER UPDATE ON stolen_phones FOR EACH ROW WHEN NEW.fed_at IS OLD.fed_at BEGIN
  UPDATE stolen_phones SET fed_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) WHERE id = NEW.id;
END;
-- @end
-- @pg
UPDATE persons SET fed_at = GREATEST(updated_at, COALESCE((SELECT applied_at FROM xchg_rows r WHERE r.tbl = 'persons' AND r.id = persons.id), 0));
UPDATE wanted_notices SET fed_at = GREATEST(updated_at, COALESCE((SELECT applied_at FROM xchg_rows r WHERE r.tbl = 'wanted_notices' AND r.id = wanted_notices.id), 0));
UPDATE stolen_vehicles SET fed_at = GREATEST(updated_at, COALESCE((SELECT applied_at FROM xchg_rows r WHERE r.tbl = 'stolen_vehicles' AND r.id = stolen_vehicles.id), 0));
UPDATE stolen_documents SET fed_at = GREATEST(updated_at, COALESCE((SELECT applied_at FROM xchg_rows r WHERE r.tbl = 'stolen_documents' AND r.id = stolen_documents.id), 0));
UPDATE stolen_phones SET fed_at = GREATEST(updated_at, COALESCE((SELECT applied_at FROM xchg_rows r WHERE r.tbl = 'stolen_phones' AND r.id = stolen_phones.id), 0));
-- an update that changes nothing but fed_at keeps it (nothing to serve again)
CREATE FUNCTION fed_at_stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  IF TG_OP = 'UPDATE' THEN
    NEW.fed_at := OLD.fed_at;
    IF NEW IS NOT DISTINCT FROM OLD THEN RETURN NEW; END IF;
  END IF;
  NEW.fed_at := (extract(epoch FROM clock_timestamp()) * 1000)::bigint; RETURN NEW; END $$;
CREATE TRIGGER fed_persons BEFORE INSERT OR UPDATE ON persons FOR EACH ROW EXECUTE FUNCTION fed_at_stamp();
CREATE TRIGGER fed_wanted_notices BEFORE INSERT OR UPDATE ON wanted_notices FOR EACH ROW EXECUTE FUNCTION fed_at_stamp();
CREATE TRIGGER fed_stolen_vehicles BEFORE INSERT OR UPDATE ON stolen_vehicles FOR EACH ROW EXECUTE FUNCTION fed_at_stamp();
CREATE TRIGGER fed_stolen_documents BEFORE INSERT OR UPDATE ON stolen_documents FOR EACH ROW EXECUTE FUNCTION fed_at_stamp();
CREATE TRIGGER fed_stolen_phones BEFORE INSERT OR UPDATE ON stolen_phones FOR EACH ROW EXECUTE FUNCTION fed_at_stamp();
-- @end
CREATE INDEX persons_fed_at ON persons(fed_at);
CREATE INDEX wanted_notices_fed_at ON wanted_notices(fed_at);
CREATE INDEX stolen_vehicles_fed_at ON stolen_vehicles(fed_at);
CREATE INDEX stolen_documents_fed_at ON stolen_documents(fed_at);
CREATE INDEX stolen_phones_fed_at ON stolen_phones(fed_at);
