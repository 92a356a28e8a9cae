// imports.mjs — every name a web/js module imports is exported by the module
// it names (a merge that drops an export otherwise only shows as a
// ReferenceError in the browser). Prints TAP; exits 1 on a missing name.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '../../web/js');
const files = [];
(function walk(d) {
  for (const f of readdirSync(d)) {
    const p = join(d, f);
    if (statSync(p).isDirectory()) walk(p); else if (p.endsWith('.js')) files.push(p);
  }
})(root);
const exportsOf = new Map();
function exported(p) {
  if (exportsOf.has(p)) return exportsOf.get(p);
  const src = readFileSync(p, 'utf8');
  const names = new Set();
  for (const m of src.matchAll(/export\s+(?:async\s+)?(?:function\*?|const|let|var|class)\s+([A-Za-z_$][\w$]*)/g)) names.add(m[1]);
  for (const m of src.matchAll(/export\s*\{([^}]*)\}/g))
    for (const part of m[1].split(',')) { const n = part.trim().split(/\s+as\s+/).pop(); if (n) names.add(n); }
  if (/export\s+default\b/.test(src)) names.add('default');
  exportsOf.set(p, names);
  return names;
}
let n = 0, failed = 0;
for (const p of files) {
  const src = readFileSync(p, 'utf8');
  for (const m of src.matchAll(/import\s*\{([^}]*)\}\s*from\s*['"](\.[^'"]+)['"]/g)) {
    const target = resolve(dirname(p), m[2]);
    const rel = p.slice(root.length + 1);
    n++;
    if (!existsSync(target)) { failed++; console.log(`not ok ${n} - ${rel}: ${m[2]} does not exist`); continue; }
    const have = exported(target);
    const missing = m[1].split(',').map((s) => s.trim().split(/\s+as\s+/)[0]).filter((s) => s && !have.has(s));
    if (missing.length) { failed++; console.log(`not ok ${n} - ${rel}: ${m[2]} exports no ${missing.join(', ')}`); } else console.log(`ok ${n} - ${rel} from ${m[2]}`);
  }
}
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
