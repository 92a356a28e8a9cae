-- 0091 comms enums: the enum columns of the comms records (0090) constrained
-- to their descriptions' values, as 0040 does for the others (triggers on
-- SQLite, CHECK ... NOT VALID on PostgreSQL; held to the descriptions by
-- tests/unit/test_records.c), and users.role extended with the two
-- communication roles (communication, comm_head).
-- @sqlite
DROP TRIGGER IF EXISTS users_role_enum_insert;
DROP TRIGGER IF EXISTS users_role_enum_update;
CREATE TRIGGER users_role_enum_insert BEFORE INSERT ON users FOR EACH ROW WHEN NEW.role NOT IN ('admin', 'chief', 'opj', 'officer', 'analyst', 'auditor', 'monitor', 'communication', 'comm_head')
BEGIN SELECT RAISE(ABORT, 'users.role: not one of the accepted values'); END;
CREATE TRIGGER users_role_enum_update BEFORE UPDATE OF role ON users FOR EACH ROW WHEN NEW.role NOT IN ('admin', 'chief', 'opj', 'officer', 'analyst', 'auditor', 'monitor', 'communication', 'comm_head')
BEGIN SELECT RAISE(ABORT, 'users.role: not one of the accepted values'); END;
CREATE TRIGGER comms_activities_kind_enum_insert BEFORE INSERT ON comms_activities FOR EACH ROW WHEN NEW.kind NOT IN ('communique', 'press_item', 'truth_statement', 'filmed_report', 'awareness', 'interview', 'event_coverage', 'open_days')
BEGIN SELECT RAISE(ABORT, 'comms_activities.kind: not one of the accepted values'); END;
CREATE TRIGGER comms_activities_kind_enum_update BEFORE UPDATE OF kind ON comms_activities FOR EACH ROW WHEN NEW.kind NOT IN ('communique', 'press_item', 'truth_statement', 'filmed_report', 'awareness', 'interview', 'event_coverage', 'open_days')
BEGIN SELECT RAISE(ABORT, 'comms_activities.kind: not one of the accepted values'); END;
CREATE TRIGGER comms_activities_status_enum_insert BEFORE INSERT ON comms_activities FOR EACH ROW WHEN NEW.status NOT IN ('draft', 'reviewed', 'approved', 'published', 'cancelled')
BEGIN SELECT RAISE(ABORT, 'comms_activities.status: not one of the accepted values'); END;
CREATE TRIGGER comms_activities_status_enum_update BEFORE UPDATE OF status ON comms_activities FOR EACH ROW WHEN NEW.status NOT IN ('draft', 'reviewed', 'approved', 'published', 'cancelled')
BEGIN SELECT RAISE(ABORT, 'comms_activities.status: not one of the accepted values'); END;
CREATE TRIGGER comms_claims_platform_enum_insert BEFORE INSERT ON comms_claims FOR EACH ROW WHEN NEW.platform NOT IN ('facebook', 'instagram', 'x', 'tiktok', 'youtube', 'whatsapp', 'telegram', 'website', 'other')
BEGIN SELECT RAISE(ABORT, 'comms_claims.platform: not one of the accepted values'); END;
CREATE TRIGGER comms_claims_platform_enum_update BEFORE UPDATE OF platform ON comms_claims FOR EACH ROW WHEN NEW.platform NOT IN ('facebook', 'instagram', 'x', 'tiktok', 'youtube', 'whatsapp', 'telegram', 'website', 'other')
BEGIN SELECT RAISE(ABORT, 'comms_claims.platform: not one of the accepted values'); END;
CREATE TRIGGER comms_claims_status_enum_insert BEFORE INSERT ON comms_claims FOR EACH ROW WHEN NEW.status NOT IN ('received', 'verifying', 'false', 'misleading', 'true', 'unverifiable')
BEGIN SELECT RAISE(ABORT, 'comms_claims.status: not one of the accepted values'); END;
CREATE TRIGGER comms_claims_status_enum_update BEFORE UPDATE OF status ON comms_claims FOR EACH ROW WHEN NEW.status NOT IN ('received', 'verifying', 'false', 'misleading', 'true', 'unverifiable')
BEGIN SELECT RAISE(ABORT, 'comms_claims.status: not one of the accepted values'); END;
CREATE TRIGGER comms_crises_status_enum_insert BEFORE INSERT ON comms_crises FOR EACH ROW WHEN NEW.status NOT IN ('active', 'closed')
BEGIN SELECT RAISE(ABORT, 'comms_crises.status: not one of the accepted values'); END;
CREATE TRIGGER comms_crises_status_enum_update BEFORE UPDATE OF status ON comms_crises FOR EACH ROW WHEN NEW.status NOT IN ('active', 'closed')
BEGIN SELECT RAISE(ABORT, 'comms_crises.status: not one of the accepted values'); END;
CREATE TRIGGER comms_events_kind_enum_insert BEFORE INSERT ON comms_events FOR EACH ROW WHEN NEW.kind NOT IN ('summit', 'conference', 'sport', 'open_days', 'other')
BEGIN SELECT RAISE(ABORT, 'comms_events.kind: not one of the accepted values'); END;
CREATE TRIGGER comms_events_kind_enum_update BEFORE UPDATE OF kind ON comms_events FOR EACH ROW WHEN NEW.kind NOT IN ('summit', 'conference', 'sport', 'open_days', 'other')
BEGIN SELECT RAISE(ABORT, 'comms_events.kind: not one of the accepted values'); END;
CREATE TRIGGER comms_engagement_channel_enum_insert BEFORE INSERT ON comms_engagement FOR EACH ROW WHEN NEW.channel NOT IN ('press', 'tv', 'radio', 'website', 'facebook', 'instagram', 'x', 'youtube', 'tiktok')
BEGIN SELECT RAISE(ABORT, 'comms_engagement.channel: not one of the accepted values'); END;
CREATE TRIGGER comms_engagement_channel_enum_update BEFORE UPDATE OF channel ON comms_engagement FOR EACH ROW WHEN NEW.channel NOT IN ('press', 'tv', 'radio', 'website', 'facebook', 'instagram', 'x', 'youtube', 'tiktok')
BEGIN SELECT RAISE(ABORT, 'comms_engagement.channel: not one of the accepted values'); END;
CREATE TRIGGER comms_engagement_source_enum_insert BEFORE INSERT ON comms_engagement FOR EACH ROW WHEN NEW.source NOT IN ('manual', 'import')
BEGIN SELECT RAISE(ABORT, 'comms_engagement.source: not one of the accepted values'); END;
CREATE TRIGGER comms_engagement_source_enum_update BEFORE UPDATE OF source ON comms_engagement FOR EACH ROW WHEN NEW.source NOT IN ('manual', 'import')
BEGIN SELECT RAISE(ABORT, 'comms_engagement.source: not one of the accepted values'); END;
-- @end
-- @pg
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_role_enum;
ALTER TABLE users ADD CONSTRAINT users_role_enum CHECK (role IN ('admin', 'chief', 'opj', 'officer', 'analyst', 'auditor', 'monitor', 'communication', 'comm_head')) NOT VALID;
ALTER TABLE comms_activities ADD CONSTRAINT comms_activities_kind_enum CHECK (kind IN ('communique', 'press_item', 'truth_statement', 'filmed_report', 'awareness', 'interview', 'event_coverage', 'open_days')) NOT VALID;
ALTER TABLE comms_activities ADD CONSTRAINT comms_activities_status_enum CHECK (status IN ('draft', 'reviewed', 'approved', 'published', 'cancelled')) NOT VALID;
ALTER TABLE comms_claims ADD CONSTRAINT comms_claims_platform_enum CHECK (platform IN ('facebook', 'instagram', 'x', 'tiktok', 'youtube', 'whatsapp', 'telegram', 'website', 'other')) NOT VALID;
ALTER TABLE comms_claims ADD CONSTRAINT comms_claims_status_enum CHECK (status IN ('received', 'verifying', 'false', 'misleading', 'true', 'unverifiable')) NOT VALID;
ALTER TABLE comms_crises ADD CONSTRAINT comms_crises_status_enum CHECK (status IN ('active', 'closed')) NOT VALID;
ALTER TABLE comms_events ADD CONSTRAINT comms_events_kind_enum CHECK (kind IN ('summit', 'conference', 'sport', 'open_days', 'other')) NOT VALID;
ALTER TABLE comms_engagement ADD CONSTRAINT comms_engagement_channel_enum CHECK (channel IN ('press', 'tv', 'radio', 'website', 'facebook', 'instagram', 'x', 'youtube', 'tiktok')) NOT VALID;
ALTER TABLE comms_engagement ADD CONSTRAINT comms_engagement_source_enum CHECK (source IN ('manual', 'import')) NOT VALID;
-- @end
