// pending.js — request schemas of the routes whose records are not yet
// described in C (src/core/record.h), written in the shape the server's
// OpenAPI document gives them, from the handlers' validation specs
// (src/app/api_*.c). schema.js uses one only while the server's document has
// no requestBody for that route: as each record is converted, the server's
// schema replaces the entry here without a change to any page, and the entry
// becomes dead (the browser suite lists the shadowed ones so they can be
// deleted). Nothing else in the UI lists enum values or limits.
const N = 200;      // SJ_MAX_NAME
const SHORT = 500;  // SJ_MAX_SHORT_TEXT
const LONG = 65536; // SJ_MAX_LONG_TEXT
const T = { type: 'integer', format: 'x-utc-ms', minimum: 1, maximum: 4102444800000 };

const obj = (properties, required) => ({
  type: 'object', properties, additionalProperties: false, 'x-pending': true, ...(required ? { required } : {}),
});
const str = (label, max, min, extra) => ({ type: 'string', minLength: min || 1, 'x-maxBytes': max, 'x-label': label, ...(extra || {}) });
const en = (label, xenum, values) => ({ type: 'string', enum: values, 'x-enum': xenum, 'x-label': label });
const time = (label) => ({ ...T, 'x-label': label });
const bool = (label) => ({ type: 'boolean', 'x-label': label });
const date = (label) => ({ type: 'string', format: 'date', 'x-label': label });
const id = (label) => ({ type: 'string', format: 'uuid', 'x-label': label });
const PERSON = { $ref: '#/components/schemas/person.create' };

export const FRAMES = ['flagrant', 'preliminary', 'rogatory'];
const PROLES = ['complainant', 'victim', 'suspect', 'witness', 'arrested'];
const SIGS = ['signed', 'thumbprint', 'refused'];
const PV_TYPES = ['hearing_complainant', 'hearing_victim', 'hearing_suspect', 'hearing_witness', 'confrontation',
  'search', 'seizure', 'arrest_custody', 'transmission'];
const PV_COMMON = {
  person_id: id('pv.person'),
  custody_id: id('pv.custody'),
  act_at: time('pv.act_at'),
  place: str('pv.place', SHORT),
  statements: str('pv.statements', LONG, 0, { 'x-multiline': true }),
  read_back: bool('pv.read-back'),
  signature: en('pv.signature', 'sig', SIGS),
  refusal_reason: str('pv.refusal-reason', SHORT),
  drafter_rank: str('pv.drafter-rank', N, 2),
};
const CASE_PERSON = obj({ role: en('person.role', 'prole', PROLES), person_id: id('pv.person'), person: { ...PERSON, 'x-label': 'pv.person' } }, ['role']);
const OFFENCE = obj({ code: str('case.offence', 64), attempted: bool('case.attempted') }, ['code']);

export const PENDING = {
  'POST /api/v1/cases': obj({
    unit: str('case.unit', 64),
    frame: en('case.frame', 'frame', FRAMES),
    offences: { type: 'array', items: OFFENCE, maxItems: 32, 'x-label': 'case.offences' },
    occurred_from: time('case.occurred'),
    occurred_to: time('case.occurred-to'),
    commune: str('case.commune', N),
    address: str('case.address', SHORT),
    lat: { type: 'number', minimum: -90, maximum: 90, 'x-label': 'case.lat' },
    lon: { type: 'number', minimum: -180, maximum: 180, 'x-label': 'case.lon' },
    summary: str('case.summary', LONG, 3, { 'x-multiline': true }),
    opj: str('case.opj', 32),
    complaint_id: id('complaint.title'),
    persons: { type: 'array', items: CASE_PERSON, maxItems: 64, 'x-label': 'case.persons' },
  }, ['frame', 'offences', 'summary']),
  'POST /api/v1/complaints/{}/disposition': obj({
    disposition: en('complaint.disposition', 'disp', ['attached', 'no_offence', 'referred_elsewhere']),
    reason: str('field.reason', SHORT, 3, { 'x-multiline': true }),
    case_id: id('complaint.attach-to'),
    referred_to: str('complaint.referred-to', SHORT, 2),
  }, ['disposition', 'reason']),
  'POST /api/v1/cases/{}/persons': CASE_PERSON,
  'POST /api/v1/cases/{}/offences': OFFENCE,
  'POST /api/v1/cases/{}/status': obj({
    status: en('case.status', 'cstatus', ['under_investigation', 'closed', 'cancelled']),
    reason: str('field.reason', SHORT, 3),
  }, ['status']),
  'PUT /api/v1/cases/{}/assignee': obj({ opj: str('case.opj', 32), reason: str('field.reason', SHORT, 3) }, ['opj']),
  'POST /api/v1/cases/{}/pvs': obj({
    type: en('pv.type', 'pvtype', PV_TYPES), frame: en('case.frame', 'frame', FRAMES), corrects: id('pv.corrects'), ...PV_COMMON,
  }, ['type']),
  'PATCH /api/v1/pvs/{}': obj(PV_COMMON),
  'POST /api/v1/pvs/{}/seal': obj({}),
  'POST /api/v1/cases/{}/custody': obj({
    person_id: id('custody.person'),
    regime: en('custody.regime', 'regime', ['ordinary', 'terrorism', 'state_security', 'minor']),
    ground: str('custody.ground', SHORT, 3, { 'x-multiline': true }),
    started_at: time('custody.started'),
    place: str('custody.place', SHORT),
    guardian_informed_at: time('custody.guardian-at'),
    guardian_informed_how: str('custody.guardian-how', SHORT, 2),
  }, ['person_id', 'regime', 'ground']),
  'PATCH /api/v1/custody/{}': obj({
    family_informed_at: time('custody.family-at'),
    family_informed_how: str('custody.family-how', SHORT, 2),
    lawyer_contacted_at: time('custody.lawyer-at'),
    guardian_informed_at: time('custody.guardian-at'),
    guardian_informed_how: str('custody.guardian-how', SHORT, 2),
    lawyer_delay_ref: str('custody.lawyer-delay-ref', 128),
    lawyer_delay_date: date('custody.lawyer-delay-date'),
  }),
  'POST /api/v1/custody/{}/extensions': obj({
    authorisation_ref: str('custody.auth-ref', 128), authorisation_date: date('custody.auth-date'), authorised_by: str('custody.auth-by', N, 2),
  }),
  'POST /api/v1/custody/{}/close': obj({
    end: en('custody.end-kind', 'custody.end', ['released', 'presented']), at: time('custody.ended-at'), note: str('field.note', SHORT),
  }, ['end']),
  'POST /api/v1/cases/{}/seizures': obj({
    seal_no: str('seizure.seal', 64), description: str('seizure.description', SHORT, 2, { 'x-multiline': true }),
    quantity: str('seizure.quantity', 64), storage_place: str('seizure.storage', SHORT, 2), holder: str('seizure.holder', N, 2),
    pv_id: id('pv.title'), seized_at: time('seizure.at'),
  }, ['seal_no', 'description', 'quantity', 'storage_place', 'holder']),
  'POST /api/v1/seizures/{}/transfers': obj({
    to: str('seizure.to', N, 2), reason: str('seizure.why', SHORT, 3), storage_place: str('seizure.new-storage', SHORT, 2), at: time('seizure.when'),
  }, ['to', 'reason']),
  'POST /api/v1/cases/{}/referral': obj({ office: str('referral.office-override', 64), override_reason: str('field.reason', SHORT, 3) }),
  'PUT /api/v1/referrals/{}/outcome': obj({
    outcome: en('referral.outcome', 'outcome', ['prosecuted', 'investigating_judge', 'further_inquiry', 'no_further_action', 'other']),
    note: str('field.note', SHORT),
  }, ['outcome']),
  'POST /api/v1/users': obj({
    badge: str('admin.badge', 32, 2), name: str('admin.name', N),
    role: en('admin.role', 'role', ['admin', 'chief', 'opj', 'officer', 'analyst', 'auditor', 'monitor']),
    unit: str('admin.unit', 64), password: str('admin.password', 256, 12), lang: en('settings.lang', 'lang', ['ar', 'fr']),
  }, ['badge', 'name', 'role', 'unit', 'password']),
  'PATCH /api/v1/users/{}': obj({ status: en('admin.status', 'status', ['active', 'disabled']), reason: str('field.reason', SHORT, 3) }, ['status', 'reason']),
  'POST /api/v1/registers/wanted': obj({
    reference: str('reg.reference', 100), issuing_authority: str('reg.authority', SHORT, 2), offence: str('reg.offence', SHORT, 2),
    danger: en('reg.danger', 'danger', ['low', 'medium', 'high']), cin: str('person.cin', 16, 2),
    first_name_ar: str('person.first_name_ar', N), last_name_ar: str('person.last_name_ar', N),
    first_name_lat: str('person.first_name_lat', N), last_name_lat: str('person.last_name_lat', N),
    father_name_ar: str('reg.father-ar', N), father_name_lat: str('reg.father-lat', N), birth_date: date('person.birth_date'),
    sex: en('person.sex', 'sex', ['M', 'F']), person_id: id('pv.person'),
  }, ['reference', 'issuing_authority', 'offence', 'danger']),
  'POST /api/v1/registers/vehicles': obj({
    plate: str('reg.plate', 32, 2), vin: str('reg.vin', 32, 4), make: str('reg.make', 100), model: str('reg.model', 100),
    color: str('reg.color', 50), reference: str('reg.reference', 100),
  }),
  'POST /api/v1/registers/documents': obj({
    doc_type: en('reg.doc-kind', 'doctype', ['cin', 'passport', 'licence', 'other']), doc_number: str('reg.doc-number', 32, 4),
    kind: en('reg.lost-stolen', 'dockind', ['lost', 'stolen']), holder_name: str('reg.holder', N), reference: str('reg.reference', 100),
  }, ['doc_type', 'doc_number', 'kind']),
  'PATCH /api/v1/registers/{}/{}': obj({ status: str('reg.status', 16), reason: str('field.reason', SHORT, 3) }, ['status', 'reason']),
  'POST /api/v1/check': obj({
    purpose: str('persons.purpose', 300, 3), source: { type: 'string', 'x-label': 'reg.source' }, source_ref: str('reg.source', 100),
    person: obj({
      cin: str('person.cin', 16, 2), name: str('reg.check-name', N), first_name_ar: str('person.first_name_ar', N),
      last_name_ar: str('person.last_name_ar', N), first_name_lat: str('person.first_name_lat', N),
      last_name_lat: str('person.last_name_lat', N), father_name: str('person.father_name', N), birth_date: date('person.birth_date'),
    }),
    plate: str('reg.plate', 32, 2), vin: str('reg.vin', 32, 4), document: str('reg.doc-number', 32, 4),
  }, ['purpose']),
  'POST /api/v1/session': obj({ badge: str('login.badge', 32), password: str('login.password', 256), otp: str('login.otp', 16, 0) }, ['badge', 'password']),
  'PUT /api/v1/me/password': obj({ current_password: str('settings.current', 256), new_password: str('settings.new', 256) }, ['current_password', 'new_password']),
  'PUT /api/v1/me/lang': obj({ lang: en('settings.lang', 'lang', ['ar', 'fr']) }, ['lang']),
  'POST /api/v1/persons/merges': obj({ survivor_id: id('person.title'), merged_id: id('person.title'), reason: str('field.reason', SHORT, 3) }, ['survivor_id', 'merged_id', 'reason']),
};
