// clockwarn.js — a banner on every page while the server's clock is not
// synchronised (custody deadlines are computed from it). /healthz says so;
// checked at boot and every five minutes; the text follows the language.
import { t } from './i18n.js';

const EVERY_MS = 5 * 60 * 1000;
let unsynced = false;

export function clockBanner() {
  let el = document.getElementById('clock-banner');
  if (!unsynced) { if (el) el.remove(); return; }
  if (!el) {
    el = document.createElement('div');
    el.id = 'clock-banner';
    el.className = 'clock-banner no-print';
    el.setAttribute('role', 'status');
    document.body.insertBefore(el, document.getElementById('top'));
  }
  el.textContent = t('clock.unsynced');
}

async function check() {
  try {
    const r = await fetch('/healthz', { credentials: 'same-origin', cache: 'no-store' });
    const j = await r.json();
    unsynced = !!(j && j.clock && j.clock.synchronised === false);
  } catch (e) { /* the server is away: the pages say so themselves */ }
  clockBanner();
}

export function clockWatch() {
  check();
  setInterval(check, EVERY_MS);
}
