// recent.js — the records this user opened lately (cases, complaints,
// persons), kept on this PC per user (localStorage), newest first, shown in
// the header's search panel and on the home page. Only what the user already
// saw on screen is kept: the number or name and the link, never more.
const MAX = 8;
let who = null;

export function setRecentUser(badge) { who = badge || null; }

function key() { return `sijill.recent.${who}`; }

export function recent() {
  if (!who) return [];
  try { return JSON.parse(localStorage.getItem(key()) || '[]'); } catch (e) { return []; }
}

// remember(kind, id, label, sub): put the record first in the list.
export function remember(kind, id, label, sub) {
  if (!who || !id) return;
  const list = recent().filter((x) => !(x.kind === kind && x.id === id));
  list.unshift({ kind, id, label: label || '', sub: sub || '' });
  try { localStorage.setItem(key(), JSON.stringify(list.slice(0, MAX))); } catch (e) { /* full */ }
}

export function recentHref(x) {
  return { case: '/cases/', complaint: '/complaints/', person: '/persons/' }[x.kind] + encodeURIComponent(x.id);
}
