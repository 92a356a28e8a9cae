// endpoints.js — every case-side API route the UI calls, in one place, so the
// UI follows src/app/routes.c as the capabilities land. Templates use {id};
// caps.has() compares them with the server's OpenAPI paths.
export const EP = {
  cases: '/api/v1/cases',
  case: '/api/v1/cases/{id}',
  caseStatus: '/api/v1/cases/{id}/status',
  caseOffences: '/api/v1/cases/{id}/offences',
  casePersons: '/api/v1/cases/{id}/persons',
  casePvs: '/api/v1/cases/{id}/pvs',
  caseCustodies: '/api/v1/cases/{id}/custody',
  caseSeizures: '/api/v1/cases/{id}/seizures',
  caseReferrals: '/api/v1/cases/{id}/referral',
  caseHistory: '/api/v1/cases/{id}/history',
  complaints: '/api/v1/complaints',
  complaint: '/api/v1/complaints/{id}',
  complaintDispose: '/api/v1/complaints/{id}/disposition',
  pv: '/api/v1/pvs/{id}',
  pvSeal: '/api/v1/pvs/{id}/seal',
  custody: '/api/v1/custody/deadlines',
  custodyRegister: '/api/v1/units/{code}/custody-register',
  custodyOne: '/api/v1/custody/{id}',
  custodyExtend: '/api/v1/custody/{id}/extensions',
  custodyEnd: '/api/v1/custody/{id}/close',
  persons: '/api/v1/persons/search',
  person: '/api/v1/persons/{id}',
  offences: '/api/v1/offences',
  custodyRules: '/api/v1/custody-rules',
  alerts: '/api/v1/notifications',
  alertRead: '/api/v1/notifications/{id}/read',
  wanted: '/api/v1/registers/wanted',
  vehicles: '/api/v1/registers/vehicles',
  documents: '/api/v1/registers/documents',
  register: '/api/v1/registers/{kind}/{id}',
  check: '/api/v1/check',
  custodyDaily: '/api/v1/units/{code}/custody-daily',
  custodyDailyHtml: '/api/v1/units/{code}/custody-daily.html',
  seizure: '/api/v1/seizures/{id}',
  seizureTransfers: '/api/v1/seizures/{id}/transfers',
  referral: '/api/v1/referrals/{id}',
  referralBundle: '/api/v1/referrals/{id}/bundle',
  referralBundleHtml: '/api/v1/referrals/{id}/bundle.html',
  referralOutcome: '/api/v1/referrals/{id}/outcome',
  pvPrintHtml: '/api/v1/pvs/{id}/print',
  duplicates: '/api/v1/persons/{id}/duplicates',
  merges: '/api/v1/persons/merges',
  mergeUndo: '/api/v1/persons/merges/{id}/undo',
  auditFlags: '/api/v1/audit/flags',
};

// fill(tpl, vars): the path with {name} replaced (URI-encoded).
export function fill(tpl, vars) {
  return tpl.replace(/\{(\w+)\}/g, (m, k) => encodeURIComponent(vars[k]));
}
