// caps.js — which API routes this server has, and which roles may call them,
// read from GET /api/v1/openapi.json. Pages whose capability has not landed on
// this server say so instead of failing or showing anything invented.
let paths = null;

function norm(p) { return p.replace(/\{[^}]*\}/g, '{}'); }

export async function loadCaps() {
  if (paths) return;
  paths = new Map();
  try {
    const res = await fetch('/api/v1/openapi.json', { headers: { Accept: 'application/json' } });
    const doc = await res.json();
    for (const [p, ops] of Object.entries(doc.paths || {})) {
      for (const [m, op] of Object.entries(ops)) {
        paths.set(`${m.toUpperCase()} ${norm(p)}`, op['x-roles'] || null);
      }
    }
  } catch (e) {
    paths = new Map();
  }
}

// has(method, path): the route exists on this server.
export function has(method, path) { return !!paths && paths.has(`${method} ${norm(path)}`); }

// allowed(method, path, role): the route exists and role may call it.
export function allowed(method, path, role) {
  if (!has(method, path)) return false;
  const roles = paths.get(`${method} ${norm(path)}`);
  return !roles || roles.length === 0 || roles.includes(role) || roles.includes('*');
}

// rolesFor(method, path): the x-roles list, or null when the route is absent.
export function rolesFor(method, path) { return has(method, path) ? paths.get(`${method} ${norm(path)}`) : null; }
