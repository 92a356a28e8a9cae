-- 0130 a person added to a case by mistake is removed with a reason, not
-- deleted (issue 18, "mistakes can be corrected"): the link row stays, marked,
-- and the removal is an event of the case's history. Re-adding the same role
-- clears the mark (the history keeps both).
ALTER TABLE case_persons ADD COLUMN removed_at BIGINT;      -- ms, NULL: in the case
ALTER TABLE case_persons ADD COLUMN removed_by TEXT;        -- users.id
ALTER TABLE case_persons ADD COLUMN removed_reason TEXT;
