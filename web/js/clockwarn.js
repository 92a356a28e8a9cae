// clockwarn.js — a banner on every page while the server's clock is not
// synchronised (custody deadlines are computed from it). /healthz says so;
// checked at boot and every five minutes; the text follows the language.
// Also a node's days without an exchange with central (issue 12).
import { t } from './i18n.js';
import { busy } from './api.js';

const EVERY_MS = 5 * 60 * 1000;
let unsynced = false;
let stale = null;   // a node long without an exchange with central: /healthz's "exchange"

function exchangeBanner() {
  let el = document.getElementById('exchange-banner');
  if (!stale || !stale.warn) { if (el) el.remove(); return; }
  if (!el) {
    el = document.createElement('div');
    el.id = 'exchange-banner';
    el.className = 'clock-banner no-print';
    el.setAttribute('role', 'status');
    document.body.insertBefore(el, document.getElementById('top'));
  }
  el.textContent = t(stale.refuse ? 'exchange.stale-refuse' : 'exchange.stale-warn', { days: stale.days_without, max: stale.max_days });
}

export function clockBanner() {
  exchangeBanner();
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
    const j = await busy(fetch('/healthz', { credentials: 'same-origin', cache: 'no-store' }).then((r) => r.json()));
    unsynced = !!(j && j.clock && j.clock.synchronised === false);
    stale = (j && j.exchange) || null;
  } catch (e) { /* the server is away: the pages say so themselves */ }
  clockBanner();
}

export function clockWatch() {
  check();
  setInterval(check, EVERY_MS);
}
