-- 0050 the law, right (issue 11; issue 10 items 4-6): what each custody rule
-- applies to, the age below which no one is held, who may delay the lawyer;
-- the rule and the why of each custody; the time the system recorded a close;
-- corrections of typed times; the law of each offence and its degree; charges
-- withdrawn or replaced (requalification). See docs/internals/cases.md.
ALTER TABLE ref_custody_rules ADD COLUMN applies_to_categories TEXT; -- JSON array of offence categories, NULL: any
ALTER TABLE ref_custody_rules ADD COLUMN min_age_years BIGINT;       -- minor regime: no retention under this age (CP 138)
ALTER TABLE ref_custody_rules ADD COLUMN lawyer_delay_classes TEXT;  -- JSON array of classes the prosecutor may delay the lawyer for
ALTER TABLE ref_custody_rules ADD COLUMN confidence TEXT;            -- high | medium | uncertain
ALTER TABLE custodies ADD COLUMN why TEXT;                 -- JSON: classes, categories, age, frame, chosen_at, source
ALTER TABLE custodies ADD COLUMN close_recorded_at BIGINT; -- ms: when the system recorded the end (overdue is judged on it)
CREATE TABLE custody_corrections (
  id           TEXT PRIMARY KEY,
  custody_id   TEXT NOT NULL REFERENCES custodies(id),
  field        TEXT NOT NULL,      -- family_informed_at | lawyer_contacted_at | guardian_informed_at
  old_value    BIGINT,
  new_value    BIGINT NOT NULL,
  reason       TEXT NOT NULL,
  recorded_by  TEXT NOT NULL REFERENCES users(id),
  recorded_at  BIGINT NOT NULL
);
CREATE INDEX custody_corrections_custody ON custody_corrections(custody_id);
ALTER TABLE ref_offences ADD COLUMN law TEXT;           -- "CP" or the special law's title
ALTER TABLE ref_offences ADD COLUMN circumstance TEXT;  -- what distinguishes this degree (CP art 112)
ALTER TABLE case_offences ADD COLUMN law TEXT;
ALTER TABLE case_offences ADD COLUMN withdrawn_at BIGINT;   -- ms, NULL: stands
ALTER TABLE case_offences ADD COLUMN withdrawn_reason TEXT;
ALTER TABLE case_offences ADD COLUMN replaced_by TEXT;      -- the case_offences id that replaced it
-- Court competences (loi 03-03: terrorism to the CA of Rabat, annexe de Salé,
-- nationally): the classes or offence categories an office is competent for.
ALTER TABLE ref_prosecution_offices ADD COLUMN competence TEXT; -- JSON array, NULL: by kind (tpi: délits and contraventions, ca: crimes)
-- Ranks (data/ranks.json) and OPJ status (CPP 20): by law for commissaires
-- and officiers de police, by grant (date and reference) for inspectors.
CREATE TABLE ref_ranks (
  code        TEXT NOT NULL,
  version     TEXT NOT NULL,
  label_fr    TEXT NOT NULL,
  label_ar    TEXT NOT NULL,
  opj         TEXT NOT NULL,   -- law | grant | none
  confidence  TEXT,
  note        TEXT,
  PRIMARY KEY (code, version)
);
ALTER TABLE users ADD COLUMN rank TEXT;        -- a ref_ranks code
ALTER TABLE users ADD COLUMN opj_basis TEXT;   -- law | grant, NULL: no OPJ status from the rank
ALTER TABLE users ADD COLUMN opj_since TEXT;   -- YYYY-MM-DD of the grant (or of the rank)
ALTER TABLE users ADD COLUMN opj_ref TEXT;     -- the grant's reference
-- Rogatory commission (CPP 138-139): the commission on the case, the frame's
-- rule on each custody rule, who decides an extension of each custody.
ALTER TABLE cases ADD COLUMN rogatory_commission TEXT;      -- JSON {judge, court, number, date, scope}
ALTER TABLE ref_custody_rules ADD COLUMN frame_rules TEXT;  -- JSON {"rogatory": {presented_to, extension_by, ...}}
ALTER TABLE custodies ADD COLUMN authority TEXT;            -- who decides an extension: procureur | juge_instruction
