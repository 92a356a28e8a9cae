// caps.js — what this server can do, read once from GET /api/v1/openapi.json:
// which routes exist and for which roles (x-roles, the route table of
// src/app/routes.c), and the request and response schemas generated from the
// record descriptions (components.schemas). Every permission check in the UI
// is allowed(); no page carries a list of roles. Pages whose route has not
// landed on this server say so instead of failing or inventing anything.
let paths = null;
let doc = null;

function norm(p) { return p.replace(/\{[^}]*\}/g, '{}'); }

export async function loadCaps() {
  if (paths) return;
  paths = new Map();
  try {
    const res = await fetch('/api/v1/openapi.json', { headers: { Accept: 'application/json' } });
    doc = await res.json();
    for (const [p, ops] of Object.entries(doc.paths || {})) {
      for (const [m, op] of Object.entries(ops)) paths.set(`${m.toUpperCase()} ${norm(p)}`, op);
    }
  } catch (e) {
    paths = new Map();
    doc = null;
  }
}

// op(method, path): the route's operation; path is a template
// ("/api/v1/cases/{id}") or a filled path ("/api/v1/cases/0190…").
const re = new Map();
export function templateOf(method, path, keys) {
  const k = `${method} ${norm(path)}`;
  if (keys.has(k)) return k;
  for (const key of keys.keys()) {
    if (!key.startsWith(`${method} `)) continue;
    let r = re.get(key);
    if (!r) { r = new RegExp(`^${key.replace(/[.]/g, '\\.').replace(/\{\}/g, '[^/]+')}$`); re.set(key, r); }
    if (r.test(k)) return key;
  }
  return null;
}
function op(method, path) {
  if (!paths) return undefined;
  const k = templateOf(method, path, paths);
  return k ? paths.get(k) : undefined;
}

// has(method, path): the route exists on this server.
export function has(method, path) { return !!op(method, path); }

// allowed(method, path, role): the route exists and role may call it
// (deny by default: a route with no x-roles is public only when x-public).
// setOpj(b): whether the signed-in user holds OPJ status (GET /me's opj, from
// the user's record): a route marked x-opj needs it besides the role.
let opjStatus = false;
export function setOpj(b) { opjStatus = !!b; }

export function allowed(method, path, role) {
  const o = op(method, path);
  if (!o) return false;
  if (o['x-public']) return true;
  if (o['x-opj'] && !opjStatus) return false;
  const roles = o['x-roles'] || [];
  return roles.includes(role) || roles.includes('*');
}

// rolesFor(method, path): the x-roles list, or null when the route is absent.
export function rolesFor(method, path) { const o = op(method, path); return o ? (o['x-roles'] || []) : null; }

// resolve(schema): the schema with a top-level $ref followed (components.schemas).
export function resolve(s) {
  let x = s;
  for (let i = 0; x && x.$ref && i < 8; i++) {
    const name = x.$ref.replace(/^#\/components\/schemas\//, '');
    x = doc && doc.components && doc.components.schemas ? doc.components.schemas[name] : undefined;
  }
  return x || null;
}

// requestSchema(method, path): the route's request body schema (resolved),
// or null when the route has none on this server (not described yet).
export function requestSchema(method, path) {
  const o = op(method, path);
  const s = o && o.requestBody && o.requestBody.content && o.requestBody.content['application/json'];
  return s ? resolve(s.schema) : null;
}

// responseSchema(method, path): the 200 response's schema (resolved) or null.
export function responseSchema(method, path) {
  const o = op(method, path);
  const r = o && o.responses && (o.responses['200'] || o.responses['201']);
  const s = r && r.content && r.content['application/json'];
  return s ? resolve(s.schema) : null;
}

// apiDoc(): the whole OpenAPI document (tests and the schema module).
export function apiDoc() { return doc; }
