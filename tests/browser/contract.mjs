// contract.mjs — the browser suite's check that the UI and the API agree:
// every request body the UI sent during the suite validates against its
// route's request schema (the server's OpenAPI components, generated from
// the record descriptions in C), with additionalProperties false; and the UI read no member an answer lacks
// (the UI records both in contract mode, api.js).

const enc = new TextEncoder();

// validate(schema, v, doc, where): the list of ways v breaks schema.
export function validate(schema, v, doc, where = '$') {
  const errs = [];
  let s = schema;
  for (let i = 0; s && s.$ref && i < 8; i++) s = doc.components.schemas[s.$ref.replace('#/components/schemas/', '')];
  if (!s) return [`${where}: schema ${schema && schema.$ref} not found`];
  const types = [].concat(s.type || []);
  const typeOf = (x) => (x === null ? 'null' : Array.isArray(x) ? 'array' : Number.isInteger(x) ? 'integer' : typeof x);
  const tv = typeOf(v);
  if (types.length && !types.some((t) => t === tv || (t === 'number' && tv === 'integer'))) return [`${where}: ${tv}, not ${types.join('|')}`];
  if (s.enum && !s.enum.includes(v)) errs.push(`${where}: ${JSON.stringify(v)} not in [${s.enum.join(', ')}]`);
  if (tv === 'string') {
    if (s.minLength && [...v].length < s.minLength) errs.push(`${where}: shorter than ${s.minLength}`);
    if (s['x-maxBytes'] && enc.encode(v).length > s['x-maxBytes']) errs.push(`${where}: longer than ${s['x-maxBytes']} bytes`);
    if (s.pattern && !new RegExp(s.pattern, 'u').test(v)) errs.push(`${where}: does not match ${s.pattern}`);
    if (s.format === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(v)) errs.push(`${where}: not a date`);
    if (s.format === 'uuid' && !/^[0-9a-f-]{36}$/.test(v)) errs.push(`${where}: not an id`);
  }
  if ((tv === 'integer' || tv === 'number') && ((s.minimum !== undefined && v < s.minimum) || (s.maximum !== undefined && v > s.maximum))) errs.push(`${where}: out of range`);
  if (tv === 'array') {
    if (s.maxItems !== undefined && v.length > s.maxItems) errs.push(`${where}: more than ${s.maxItems} items`);
    if (s.items) v.forEach((x, i) => errs.push(...validate(s.items, x, doc, `${where}[${i}]`)));
  }
  if (tv === 'object') {
    const props = s.properties || {};
    for (const k of Object.keys(v)) {
      if (props[k]) errs.push(...validate(props[k], v[k], doc, `${where}.${k}`));
      else if (s.additionalProperties === false) errs.push(`${where}.${k}: not accepted by the schema`);
    }
    for (const k of s.required || []) if (!(k in v)) errs.push(`${where}.${k}: required`);
    if (s.minProperties && Object.keys(v).length < s.minProperties) errs.push(`${where}: empty`);
  }
  return errs;
}

// routeOf(doc, method, path): the OpenAPI path template that path matches.
export function routeOf(doc, method, path) {
  for (const [tpl, ops] of Object.entries(doc.paths)) {
    if (!ops[method.toLowerCase()]) continue;
    const re = new RegExp(`^${tpl.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (re.test(path)) return tpl;
  }
  return null;
}

// check(doc, root, requests): {errors, server, none} — none: routes a body
// was sent to that describe no request body.
export async function check(doc, root, requests) {
  const errors = [];
  const seen = { server: new Set(), none: new Set() };
  for (const r of requests) {
    const tpl = routeOf(doc, r.method, r.path);
    if (!tpl) { errors.push(`${r.method} ${r.path}: no such route`); continue; }
    const op = doc.paths[tpl][r.method.toLowerCase()];
    const schema = op.requestBody && op.requestBody.content['application/json'].schema;
    const label = `${r.method} ${tpl}`;
    if (!schema) { seen.none.add(label); continue; }
    seen.server.add(label);
    for (const e of validate(schema, r.body, doc)) errors.push(`${label}: ${e}`);
  }
  return { errors, server: [...seen.server], none: [...seen.none] };
}
