// mobile.mjs — the mobile CNIE unit in the browser (issue 14), run by run.mjs
// at a tablet's size (1280×800): the operator's enrolment screen filled with
// the keyboard only (French), the application then captured by a device the
// test plays (Ed25519-signed SBI captures, hash-chained, through the API) and
// signed off on its page, the supervisor's review (a rejection with its
// reason, keyboard only), each screen in Arabic and in French with no Latin
// words left on the Arabic ones. Then the hand-over on a real kit: a second
// server joined to the suite's (central) as the node of AR-CASA-OULFA,
// provisioned by `sijill sync`, two applications enrolled, approved and sealed
// on it, validated and made ready at central, the statuses back by the next
// sync; on the kit's page the hand-over refused without a check, done by the
// supervisor's override (keyboard only), the other by the 1:1 check (the
// operator's client posts the device's capture), each in Arabic and French.
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const PW = 'demo-password';
const TABLET = { width: 1280, height: 800 };
const FINGERS = ['Right Thumb', 'Right IndexFinger', 'Right MiddleFinger', 'Right RingFinger', 'Right LittleFinger',
  'Left Thumb', 'Left IndexFinger', 'Left MiddleFinger', 'Left RingFinger', 'Left LittleFinger'];

async function client(base, badge) {
  const r = await fetch(`${base}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ badge, password: PW }),
  });
  if (!r.ok) throw new Error(`sign-in of ${badge} at ${base}: ${r.status} ${(await r.text()).slice(0, 200)}`);
  const { token } = await r.json();
  return async (method, path, body) => {
    const res = await fetch(`${base}${path}`, {
      method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : null;
  };
}

const sha = (b) => createHash('sha256').update(b).digest('hex');
const b64u = (b) => Buffer.from(b).toString('base64url');

// image: the synthetic print of subject at position pos (nobody's finger)
const image = (subject, pos) => Buffer.concat([Buffer.from('P5 24 24 255\n'),
  createHash('sha512').update(`${subject}|${pos}`).digest(), Buffer.alloc(512, subject.length % 251)]);

// capture: one SBI biometric signed by the test's device, chained from prev.
function capture(key, txn, type, pos, subject, prev) {
  const img = image(subject, pos);
  const hash = sha(prev + sha(img));
  const header = b64u(JSON.stringify({ alg: 'EdDSA', typ: 'JWT', kid: 'SIM-BR-0001' }));
  const payload = b64u(JSON.stringify({ digitalId: { serialNo: 'SIM-BR-0001', type }, bioType: type, bioSubType: pos,
    bioValue: b64u(img), qualityScore: 80, transactionId: txn, timestamp: new Date().toISOString() }));
  const sig = sign(null, Buffer.from(`${header}.${payload}`), key.privateKey);
  return [{ data: `${header}.${payload}.${b64u(sig)}`, hash }, hash];
}

// printed: url printed to A4 PDF by the browser, page 1 as PNG in
// tests/artifacts/mobile/ (to be looked at); returns the page's text.
async function printed(page, url, name, expect) {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts', 'mobile');
  mkdirSync(dir, { recursive: true });
  const pdf = join(dir, `${name}.pdf`);
  await page.goto(url);
  await page.waitForSelector('h1');
  await page.emulateMedia({ media: 'print' });
  await page.pdf({ path: pdf, format: 'A4', printBackground: true });
  await page.emulateMedia({ media: 'screen' });
  const ppm = spawnSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', pdf, join(dir, name)], { encoding: 'utf8' });
  expect(ppm.status === 0, `pdftoppm failed: ${ppm.stderr}`);
  return page.textContent('body');
}

// the kit: a second sijill joined to central (`node add` at central, `node
// join` on the kit), served on its own port; sync() runs `sijill sync` on it.
function cli(bin, args) {
  const r = spawnSync(bin, args, { env: process.env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sijill ${args.slice(0, 3).join(' ')}: ${r.stdout} ${r.stderr}`);
  return r.stdout + r.stderr;
}

const freePort = () => new Promise((res, rej) => {
  const s = createServer();
  s.on('error', rej);
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
});

// startDevice: `sijill device-sim` on loopback with the test's device key
// (the one registered at central) and the subjects' synthetic prints on
// its sensor — the capture service the kit's hand-over page asks itself.
async function startDevice(bin, key, subjects) {
  const dir = mkdtempSync(join(tmpdir(), 'sijill-dev-'));
  const seed = key.privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32);
  writeFileSync(join(dir, 'key'), `${seed.toString('hex')}\n`, { mode: 0o600 });
  for (const s of subjects) {
    mkdirSync(join(dir, 'img', s), { recursive: true });
    for (const pos of FINGERS) writeFileSync(join(dir, 'img', s, `${pos}.pgm`), image(s, pos));
  }
  const port = await freePort();
  const proc = spawn(bin, ['device-sim', '--port', String(port), '--key', join(dir, 'key'), '--images', join(dir, 'img'),
    '--serial', 'SIM-BR-0001'], { stdio: ['ignore', 'ignore', 'ignore'] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${url}/device`, { method: 'POST', body: '{}' })).ok) break; } catch (e) { /* not yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    present: (subject) => fetch(`${url}/sim/present`, { method: 'POST', body: JSON.stringify({ subject }) }),
    stop: () => { proc.kill('SIGTERM'); rmSync(dir, { recursive: true, force: true }); },
  };
}

async function startKit(bin, central, base, device) {
  const dir = mkdtempSync(join(tmpdir(), 'sijill-kit-'));
  const db = join(dir, 'db');
  const key = join(dir, 'key');
  const added = cli(bin, ['node', 'add', '--unit', 'AR-CASA-OULFA', '--db', central.db, '--audit-key', central.key]);
  const code = (/valid 7 days\): (\S+)/.exec(added) || [])[1];
  if (!code) throw new Error(`node add: ${added}`);
  cli(bin, ['init', '--db', db, '--demo', '--audit-key', key]);
  cli(bin, ['node', 'join', '--central', base, '--code', code, '--db', db, '--audit-key', key]);
  const portFile = join(dir, 'port');
  const conf = join(dir, 'conf');
  writeFileSync(conf, device ? `device_url = ${device.url}\n` : '');
  const proc = spawn(bin, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--port-file', portFile, '--audit-key', key,
    '--config', conf],
    { env: process.env, stdio: ['ignore', 'ignore', 'ignore'] });
  for (let i = 0; i < 400 && !(existsSync(portFile) && readFileSync(portFile, 'utf8').trim()); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const kbase = `http://127.0.0.1:${readFileSync(portFile, 'utf8').trim()}`;
  return {
    base: kbase,
    sync: () => cli(bin, ['sync', '--db', db, '--audit-key', key]),
    stop: async () => {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await new Promise((r) => { const t = setTimeout(r, 5000); proc.on('exit', () => { clearTimeout(t); r(); }); });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// what central writes is served to a node once it has settled (XCHG_FEED_SETTLE_MS)
const settleFeed = () => new Promise((r) => setTimeout(r, 2300));

export default async function mobile({ test, newPage, loggedIn, setLangUI, shotBoth, expect, base, englishOnScreen, tabTo, central, bin, shot }) {
  const state = {};
  const h_shot = (page) => shotBoth(page, 'mobile-public-status', '#cnie-result');

  await test('mobile: fixture through the API (a device registered, a tour planned)', async () => {
    const admin = await client(base, 'demo-admin');
    const chief = await client(base, 'demo-chief');
    state.key = generateKeyPairSync('ed25519');
    const raw = state.key.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    await admin('POST', '/api/v1/mobile/devices', { serial: 'SIM-BR-0001', kind: 'finger', make: 'sijill', model: 'device-sim', public_key: raw.toString('hex') });
    const tour = await chief('POST', '/api/v1/mobile/tours', {
      kit: 'KIT-BROWSER', vehicle: 'Fourgon 4x4', starts_on: '2026-01-05', ends_on: '2026-01-09', supervisor: 'demo-chief',
      operators: ['demo-officer'], stops: [{ day: '2026-01-06', commune: 'COM-RABAT', place: 'École Al Massira', place_kind: 'school',
        opens: '08:30', closes: '12:30', slot_minutes: 30, per_slot: 4 }] });
    state.tour = tour.id;
  });

  await test('mobile: the operator enrols with the keyboard only (French), at a tablet size', async () => {
    const page = await newPage(TABLET);
    await loggedIn(page, 'demo-officer');
    await setLangUI(page, 'fr');
    await page.goto(`${base}/mobile/tours/${state.tour}`);
    await page.waitForSelector('#mobile-enrol form');
    // the fields in the CNIE application's order (mobile.js ENROL_ORDER), each one Tab away
    const order = await page.$$eval('#mobile-enrol form [data-field]', (els) => els.map((e) => e.dataset.field));
    const want = ['request_type', 'last_name_lat', 'first_name_lat', 'last_name_ar', 'first_name_ar', 'sex', 'birth_date',
      'birth_place', 'birth_act_no', 'father_name', 'mother_name', 'address', 'commune'];
    expect(JSON.stringify(order.slice(0, want.length)) === JSON.stringify(want), `the form's order: ${order.join(' ')}`);
    // no request type is chosen for the operator (schema.js: "choose…" first)
    expect(await page.inputValue('#mobile-enrol select[name=request_type]') === '', 'a request type is chosen by default');
    const steps = [
      ['select[name=request_type]', 'ArrowDown'], ['input[name=last_name_lat]', 'Ouazzani'], ['input[name=first_name_lat]', 'Zineb'],
      ['input[name=last_name_ar]', 'الوزاني'], ['input[name=first_name_ar]', 'زينب'], ['select[name=sex]', 'ArrowDown'],
      ['input[name=birth_date]', '15031990'], ['input[name=birth_place]', 'El Brouj'], ['input[name=birth_act_no]', '771/1990'],
      ['input[name=father_name]', 'Ahmed'], ['input[name=mother_name]', 'Khadija'],
      ['[name=address]', 'Douar Oulad Ali, El Brouj'], ['select[name=commune]', 'ArrowDown'],
    ];
    const docs = [['input[name="doc.birth_extract"]', 'BE-1990-771'], ['input[name="doc.residence_certificate"]', 'RC-2026-12']];
    let tabs = 0;
    for (const [sel, text] of steps) {
      tabs += await tabTo(page, sel, 30);
      if (text === 'ArrowDown') await page.keyboard.press('ArrowDown');
      else await page.keyboard.type(text);
    }
    // sent without its documents: the server's refusal is shown next to them
    tabs += await tabTo(page, 'main form button[type=submit]', 30);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => (document.querySelector('#mobile-enrol [data-field=docs] .ferr') || {}).textContent);
    const docErr = await page.textContent('#mobile-enrol [data-field=docs] .ferr');
    expect(docErr.trim().length > 0 && !/docs|document-missing|too-short/.test(docErr), `the documents' error in words: ${docErr}`);
    await page.focus('#mobile-enrol [name=address]');
    for (const [sel, text] of docs) {
      tabs += await tabTo(page, sel, 30);
      await page.keyboard.type(text);
    }
    expect(tabs <= 60, `${tabs} Tab presses for the enrolment form`);
    await shotBoth(page, 'mobile-enrol', '#mobile-enrol form');
    // a phone's size (390×844): one column, nothing wider than the screen, in both languages
    await page.setViewportSize({ width: 390, height: 844 });
    for (const lang of ['fr', 'ar']) {
      await setLangUI(page, lang);
      await page.reload();
      await page.waitForSelector('#mobile-enrol form');
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(wide <= 390, `the enrolment screen at 390 px is ${wide} px wide (${lang})`);
    }
    await shotBoth(page, 'mobile-enrol-phone', '#mobile-enrol form');
    await page.setViewportSize(TABLET);
    await setLangUI(page, 'fr');
    await page.reload();
    await page.waitForSelector('#mobile-enrol form');
    await page.focus('#mobile-enrol [name=address]');   /* back at the first field after the screenshots' reloads */
    await tabTo(page, 'main form button[type=submit]', 60);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/mobile\/enrolments\//);
    await page.waitForSelector('#application-no');
    state.app = page.url().split('/').pop();
    const no = (await page.textContent('#application-no')).trim();
    expect(/\/EN-\d{6}$/.test(no), `application number ${no}`);
    await page.close();
  });

  await test('mobile: the application captured by the device and signed off on its page (Arabic and French)', async () => {
    const officer = await client(base, 'demo-officer');
    const e = await officer('GET', `/api/v1/mobile/enrolments/${state.app}`);
    let prev = e.chain_head;
    const bios = [];
    for (const [type, pos] of [...FINGERS.map((f) => ['Finger', f]), ['Face', 'Face']]) {
      const [c, h] = capture(state.key, e.id, type, pos, 'zineb', prev);
      bios.push(c);
      prev = h;
    }
    await officer('POST', `/api/v1/mobile/enrolments/${state.app}/captures`, { biometrics: bios });
    const page = await newPage(TABLET);
    await loggedIn(page, 'demo-officer');
    await page.goto(`${base}/mobile/enrolments/${state.app}`);
    await page.waitForSelector('main form button[type=submit]');
    await shotBoth(page, 'mobile-application', '#application-no');
    const receipt = await printed(page, `${base}/api/v1/mobile/enrolments/${state.app}/receipt`, 'receipt', expect);
    expect(receipt.includes('Récépissé de demande de CNIE') && receipt.includes('وصل طلب البطاقة الوطنية'), 'the receipt in both languages');
    const url = (/http:\/\/\S+\/cnie\/\S+\?c=[A-Z0-9]+/.exec(receipt) || [])[0];
    expect(url, 'the receipt prints the public status URL');
    await page.goto(url);
    await page.waitForSelector('#cnie-result');
    expect(await page.getAttribute('#cnie-result', 'data-found') === 'true', `the public status of ${url}`);
    const pub = await page.textContent('main');
    expect(!pub.includes('Ouazzani') && !pub.includes('Zineb'), 'the public status shows no name');
    await h_shot(page);
    const schedule = await printed(page, `${base}/api/v1/mobile/tours/${state.tour}/schedule`, 'schedule', expect);
    expect(schedule.includes('08:30') && !schedule.includes('Ouazzani'), 'the schedule shows the slots and no name');
    await page.goto(`${base}/mobile/enrolments/${state.app}`);
    await page.waitForSelector('main form button[type=submit]');
    await tabTo(page, 'main form button[type=submit]', 40);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !document.querySelector('main form button[type=submit]'));
    const st = await page.textContent('#enrolment-status');
    expect(st && st.trim().length > 0, 'the status after sign-off');
    await setLangUI(page, 'ar');
    await page.reload();
    await page.waitForSelector('#application-no');
    const latin = await englishOnScreen(page);
    expect(!latin || latin.length === 0, `Latin words on the Arabic application page: ${latin}`);
    await page.close();
  });

  await test('mobile: the supervisor reviews at the end of the day, a rejection with its reason by keyboard', async () => {
    const page = await newPage(TABLET);
    await loggedIn(page, 'demo-chief');
    await page.goto(`${base}/mobile/tours/${state.tour}`);
    await page.waitForSelector('#mobile-review');
    await shotBoth(page, 'mobile-review', '#mobile-review');
    await setLangUI(page, 'fr');
    await page.reload();
    await page.waitForSelector('#mobile-review input[name=reason]');
    await tabTo(page, '#mobile-review input[name=reason]', 80);
    await page.keyboard.type('Photo floue, à reprendre');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !document.querySelector('#mobile-review input[name=reason]'));
    const chief = await client(base, 'demo-chief');
    const e = await chief('GET', `/api/v1/mobile/enrolments/${state.app}`);
    expect(e.status === 'rejected' && e.reject_reason === 'Photo floue, à reprendre', `rejected with its reason: ${e.status} ${e.reject_reason}`);
    // the tour's figures count the rejection
    await page.reload();
    await page.waitForSelector('#mobile-figures');
    const figs = await page.textContent('#mobile-figures');
    expect(figs.includes('Rejet du superviseur'), `the figures show the supervisor's rejection: ${figs.slice(0, 200)}`);
    await shotBoth(page, 'mobile-figures', '#mobile-figures');
    await setLangUI(page, 'ar');
    await page.reload();
    await page.waitForSelector('#mobile-figures');
    const latin = await englishOnScreen(page);
    expect(!latin || latin.length === 0, `Latin words on the Arabic tour page: ${latin}`);
    await page.close();
  });

  await test('mobile: the hand-over on a kit — refused without a check, the supervisor\'s override by keyboard, the 1:1 check (Arabic and French)', async () => {
    const device = await startDevice(bin, state.key, ['ilyas', 'salima']);
    const kit = await startKit(bin, central, base, device);
    try {
      await settleFeed();
      kit.sync();   /* provisioned: the tour, the device, central's key */
      const officer = await client(kit.base, 'demo-officer');
      const chief = await client(kit.base, 'demo-chief');
      const apps = [];
      for (const [ll, fl, la, fa, birth, subject] of [['Zerhouni', 'Ilyas', 'الزرهوني', 'إلياس', '1992-04-04', 'ilyas'],
        ['Kadiri', 'Salima', 'القادري', 'سليمة', '1988-09-09', 'salima']]) {
        const e = await officer('POST', '/api/v1/mobile/enrolments', {
          tour_id: state.tour, request_type: 'first', last_name_lat: ll, first_name_lat: fl, last_name_ar: la, first_name_ar: fa,
          sex: ll === 'Kadiri' ? 'F' : 'M', birth_date: birth, birth_place: 'El Brouj', birth_act_no: `${birth.slice(0, 4)}/77`,
          father_name: 'Mohamed', mother_name: 'Fatima', address: 'Douar Oulad Ali, El Brouj', commune: 'COM-RABAT',
          docs: [{ kind: 'birth_extract', number: `BE-${birth}` }, { kind: 'residence_certificate', number: `RC-${birth}` }] });
        let prev = e.chain_head;
        const bios = [];
        for (const [type, pos] of [...FINGERS.map((f) => ['Finger', f]), ['Face', 'Face']]) {
          const [c, h] = capture(state.key, e.id, type, pos, subject, prev);
          bios.push(c);
          prev = h;
        }
        await officer('POST', `/api/v1/mobile/enrolments/${e.id}/captures`, { biometrics: bios });
        await officer('POST', `/api/v1/mobile/enrolments/${e.id}/signoff`);
        await chief('POST', `/api/v1/mobile/enrolments/${e.id}/review`, { decision: 'approved' });
        apps.push({ id: e.id, no: e.application_no, subject });
      }
      kit.sync();   /* the packets to central */
      // the kit's badge says the packet left (central acknowledged it), not "sealed, waiting"
      {
        const page = await newPage(TABLET);
        await page.context().clearCookies();
        await page.goto(`${kit.base}/login`);
        await page.waitForSelector('form.login-form');
        await page.fill('input[name=badge]', 'demo-chief');
        await page.fill('input[name=password]', PW);
        await page.press('input[name=password]', 'Enter');
        await page.waitForSelector('#logout');
        await setLangUI(page, 'fr');
        await page.goto(`${kit.base}/mobile/enrolments/${apps[0].id}`);
        await page.waitForSelector('#enrolment-status');
        const st = await page.getAttribute('#enrolment-status', 'data-status');
        expect(st === 'sent', `the kit's badge once the packet left: ${st}`);
        expect((await page.textContent('#enrolment-status')).includes('Transmise'), 'the badge says sent, in words');
        await shotBoth(page, 'mobile-status-sent', '#enrolment-status');
        await page.close();
      }
      const admin = await client(base, 'demo-admin');
      await admin('POST', '/api/v1/mobile/packets/validate');
      const rec = await admin('GET', '/api/v1/mobile/received');
      for (const a of apps) {
        const r = rec.items.find((x) => x.application_no === a.no);
        expect(r && r.outcome === 'accepted', `central accepted ${a.no}: ${r && r.outcome} ${r && r.reason}`);
        if (r.status === 'adjudication') await admin('POST', `/api/v1/mobile/received/${r.id}/adjudication`, { decision: 'distinct', reason: 'personnes différentes' });
        await admin('POST', `/api/v1/mobile/received/${r.id}/status`, { status: 'ready' });
      }
      await settleFeed();
      kit.sync();   /* the statuses back to the kit */
      // the suite's browser context (the kit's session cookie then replaces
      // central's: the hand-over is the suite's last page)
      const page = await newPage(TABLET);
      await page.context().clearCookies();
      await page.goto(`${kit.base}/login`);
      await page.waitForSelector('form.login-form');
      await page.fill('input[name=badge]', 'demo-chief');
      await page.fill('input[name=password]', PW);
      await page.press('input[name=password]', 'Enter');
      await page.waitForSelector('#logout');
      await setLangUI(page, 'fr');
      await page.goto(`${kit.base}/mobile/enrolments/${apps[0].id}`);
      await page.waitForSelector('#mobile-handover form');
      expect(await page.getAttribute('#central-status', 'data-status') === 'ready', 'central said ready');
      expect(await page.getAttribute('#enrolment-status', 'data-status') === 'ready', 'the kit\'s badge says ready');
      await shotBoth(page, 'mobile-handover', '#mobile-handover form');
      await setLangUI(page, 'fr');
      await page.reload();
      await page.waitForSelector('#mobile-handover form');
      // neither a check nor an override: refused, the form says why (each language)
      for (const lang of ['fr', 'ar']) {
        await setLangUI(page, lang);
        await page.reload();
        await page.waitForSelector('#mobile-handover form');
        await page.focus('#mobile-handover [name=pin_envelope]');
        await page.keyboard.type('PIN-2026-000417');
        await tabTo(page, '#mobile-handover button[type=submit]', 10);
        await page.keyboard.press('Enter');
        await page.waitForSelector('#mobile-handover .form-error:not([hidden])');
        const refused = await page.textContent('#mobile-handover .form-error');
        expect(refused.trim().length > 0 && !refused.includes('handover-needs-check'), `the refusal is said in words: ${refused}`);
        await shot(page, 'mobile-handover-refused');
      }
      const gone = await chief('GET', `/api/v1/mobile/enrolments/${apps[0].id}`);
      expect(!gone.handed_at, 'not handed without a check');
      // the supervisor's override with its reason, keyboard only
      await setLangUI(page, 'fr');
      await page.reload();
      await page.waitForSelector('#mobile-handover form');
      await page.focus('#mobile-handover [name=pin_envelope]');   /* the form's first field */
      await page.keyboard.type('PIN-2026-000417');
      await tabTo(page, '#mobile-handover [name=override_reason]', 10);
      await page.keyboard.type('Capteur en panne, identité vérifiée sur la CIN');
      await tabTo(page, '#mobile-handover button[type=submit]', 10);
      await page.keyboard.press('Enter');
      await page.waitForSelector('#handed');
      const done = await chief('GET', `/api/v1/mobile/enrolments/${apps[0].id}`);
      expect(done.handed_at && done.handover_check === 'override', `handed by override: ${done.handover_check}`);
      expect(await page.getAttribute('#handed', 'data-check') === 'override', 'the page says how');
      expect(await page.getAttribute('#enrolment-status', 'data-status') === 'handed', 'the kit\'s badge says handed over');
      await shotBoth(page, 'mobile-handed-override', '#handed');
      // the other: the 1:1 check from the page itself — it asks the kit's
      // capture device (on loopback) for the finger chosen, keyboard only
      await device.present(apps[1].subject);
      for (const lang of ['ar', 'fr']) {
        await setLangUI(page, lang);
        await page.goto(`${kit.base}/mobile/enrolments/${apps[1].id}`);
        await page.waitForSelector('#mobile-handover [name=check_finger]');
        await shot(page, 'mobile-handover-check');
      }
      await page.focus('#mobile-handover [name=pin_envelope]');
      await page.keyboard.type('PIN-2026-000418');
      await tabTo(page, '#mobile-handover [name=check_finger]', 10);
      await page.keyboard.press('ArrowDown');   /* the first finger captured at enrolment */
      const finger = await page.$eval('#mobile-handover [name=check_finger]', (el) => el.value);
      expect(finger === 'Right Thumb', `the finger chosen by keyboard: ${finger}`);
      await tabTo(page, '#mobile-handover button[type=submit]', 10);
      await page.keyboard.press('Enter');
      await page.waitForSelector('#handed');
      const matched = await chief('GET', `/api/v1/mobile/enrolments/${apps[1].id}`);
      expect(matched.handed_at && matched.handover_check === 'match', `handed after the page's 1:1 check: ${matched.handover_check}`);
      await page.goto(`${kit.base}/mobile/enrolments/${apps[1].id}`);
      await page.waitForSelector('#handed');
      expect(await page.getAttribute('#handed', 'data-check') === 'match', 'handed after the 1:1 check');
      expect(!(await page.$('#mobile-handover')), 'no hand-over form once handed');
      await setLangUI(page, 'ar');
      await page.reload();
      await page.waitForSelector('#handed');
      const latin = await englishOnScreen(page);
      expect(!latin || latin.length === 0, `Latin words on the Arabic hand-over page: ${latin}`);
      await page.close();
    } finally {
      await kit.stop();
      device.stop();
    }
  });
}
