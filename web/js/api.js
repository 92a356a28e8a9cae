// api.js — calls to /api/v1. The session is the HttpOnly cookie; every
// state-changing request carries X-CSRF-Token. A 401 in the middle of work
// opens the login dialog over the page and, once logged in again, sends the
// same request again, so nothing typed is lost. Each write (one user action)
// carries a fresh Idempotency-Key, reused by every automatic retry of that
// action (after the login dialog, a new CSRF token, a 503 during a database
// failover or a lost answer): the server then answers the first result
// instead of writing twice (docs/internals/idem.md).
let csrf = null;
let reauthHandler = null;
let onForbidden = null;

let skew = 0;

export function setCsrf(c) { csrf = c; }
// serverNow(): the server's clock (from the Date header of the last answer),
// so custody clocks count against the server's time, not the PC's.
export function serverNow() { return Date.now() + skew; }
export function setReauthHandler(fn) { reauthHandler = fn; }
export function setForbiddenHandler(fn) { onForbidden = fn; }

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && problem.detail) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.code = (problem && problem.code) || (status === 0 ? 'network' : 'generic');
    this.errors = (problem && Array.isArray(problem.errors)) ? problem.errors : [];
  }
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// path → the ETag of the copy last read; an edit of it sends If-Match, so a
// stale copy is refused (412) instead of overwriting another officer's change
const etags = new Map();
const RETRIES = 2;             // automatic retries of a write on 503 or a lost answer

function newKey() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

// The browser suite settles on the UI's own count of calls in flight
// (contract.busy): each request, and each wait before a retry (busy()).
async function send(method, path, body, key) {
  const c = contract();
  if (c && body !== undefined) c.requests.push({ method, path: path.split('?')[0], body: JSON.parse(JSON.stringify(body)) });
  return busy(sendNow(method, path, body, key));
}

// busy(promise): promise, counted as in flight for the browser suite (also
// used for the calls that do not go through api(): clockwarn's /healthz).
export async function busy(promise) {
  const c = contract();
  if (c) c.busy = (c.busy || 0) + 1;
  try {
    return await promise;
  } finally {
    if (c) c.busy -= 1;
  }
}

async function sendNow(method, path, body, key) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrf) headers['X-CSRF-Token'] = csrf;
  if (key) headers['Idempotency-Key'] = key;
  if (method === 'PATCH' && etags.has(path)) headers['If-Match'] = etags.get(path);
  let res;
  try {
    res = await fetch(path, {
      method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, { code: 'network' });
  }
  const date = res.headers.get('Date');
  if (date) { const d = Date.parse(date); if (!Number.isNaN(d)) skew = d - Date.now(); }
  let data = null;
  const text = await res.text();
  if (text) {
    try { data = JSON.parse(text); } catch (e) { data = null; }
  }
  const tag = res.headers.get('ETag');
  if (tag && res.ok && (method === 'GET' || method === 'PATCH')) etags.set(path, tag);
  if (!res.ok) {
    const err = new ApiError(res.status, data);
    err.retryAfter = Number(res.headers.get('Retry-After')) || 1;
    throw err;
  }
  return watch(method, path, data);
}

// The browser suite's contract check (test builds only: the suite sets
// window.__sijillContract before the UI loads). Every request body is kept
// with its route, to be validated against the route's request schema; every
// answer is wrapped in a Proxy that notes each read of a member the answer
// does not have (the UI reading a field the API does not send).
const contract = () => window.__sijillContract || null;
const QUIET = new Set(['then', 'toJSON', 'constructor', 'length', 'nodeType', 'tagName', 'jquery', 'asymmetricMatch']);
function watch(method, path, data) {
  const c = contract();
  if (!c || data === null || typeof data !== 'object') return data;
  const route = `${method} ${path.split('?')[0]}`;
  const wrap = (o, where) => {
    if (o === null || typeof o !== 'object') return o;
    return new Proxy(o, {
      get(target, prop, recv) {
        if (typeof prop === 'symbol' || QUIET.has(prop)) return Reflect.get(target, prop, recv);
        if (Array.isArray(target)) {
          const v = Reflect.get(target, prop, recv);
          return /^\d+$/.test(prop) ? wrap(v, `${where}[]`) : v;
        }
        if (!(prop in target)) c.absentReads.push(`${route}: ${where}.${prop}`);
        return wrap(Reflect.get(target, prop, recv), `${where}.${prop}`);
      },
    });
  };
  return wrap(data, '$');
}

// api(method, path, body, opts): the parsed JSON answer, or throws ApiError.
// opts.noReauth: a 401 is thrown instead of opening the login dialog.
export async function api(method, path, body, opts) {
  const o = opts || {};
  const key = o.idemKey || (WRITES.has(method) && path !== '/api/v1/session' ? newKey() : undefined);
  try {
    return await send(method, path, body, key);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    const tries = o.tries || 0;
    if (key && (e.status === 503 || e.status === 0) && tries < RETRIES) {
      await busy(new Promise((ok) => { setTimeout(ok, Math.min(e.retryAfter || 1, 5) * 1000); }));
      return api(method, path, body, { ...o, idemKey: key, tries: tries + 1 });
    }
    if (e.status === 401 && !o.noReauth && reauthHandler && path !== '/api/v1/session') {
      await reauthHandler();
      return send(method, path, body, key);
    }
    if (e.status === 403 && e.code === 'csrf' && !o.csrfRetried) {
      const me = await send('GET', '/api/v1/me');
      csrf = me.csrf;
      return api(method, path, body, { ...o, idemKey: key, csrfRetried: true });
    }
    if (e.status === 403 && onForbidden && !o.quiet403) onForbidden(e);
    throw e;
  }
}

// qs(obj): "?a=1&b=2" from the non-empty values.
// viaQs(ctx): "?via=<audit entry>" when the page was opened from an audit
// entry (an auditor reads a case, PV or person only through an entry that
// names it, issue 10 item 12), else ''.
export function viaQs(ctx) {
  const v = ctx && ctx.query ? ctx.query.get('via') : null;
  return v ? qs({ via: v }) : '';
}

export function qs(obj) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(obj || {})) if (v !== undefined && v !== null && v !== '') p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}
