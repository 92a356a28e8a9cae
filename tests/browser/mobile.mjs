// mobile.mjs — the mobile CNIE unit in the browser (issue 14), run by run.mjs
// at a tablet's size (1280×800): the operator's enrolment screen filled with
// the keyboard only (French), the application then captured by a device the
// test plays (Ed25519-signed SBI captures, hash-chained, through the API) and
// signed off on its page, the supervisor's review (a rejection with its
// reason, keyboard only), each screen in Arabic and in French with no Latin
// words left on the Arabic ones. The hand-over screen needs central's
// "ready" (the exchange: tests/api/test_mobile.c) and is not driven here.
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
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

// capture: one SBI biometric signed by the test's device, chained from prev.
function capture(key, txn, type, pos, subject, prev) {
  const img = Buffer.concat([Buffer.from('P5 24 24 255\n'), createHash('sha512').update(`${subject}|${pos}`).digest(),
    Buffer.alloc(512, subject.length % 251)]);
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

export default async function mobile({ test, newPage, loggedIn, setLangUI, shotBoth, expect, base, englishOnScreen, tabTo }) {
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
    // the fields in the order the form shows them (the record's schema)
    const steps = [
      ['[name=address]', 'Douar Oulad Ali, El Brouj'], ['input[name=birth_act_no]', '771/1990'],
      ['input[name=birth_date]', '15031990'], ['input[name=birth_place]', 'El Brouj'],
      ['select[name=commune]', 'ArrowDown'], ['input[name=father_name]', 'Ahmed'],
      ['input[name=first_name_ar]', 'زينب'], ['input[name=first_name_lat]', 'Zineb'],
      ['input[name=last_name_ar]', 'الوزاني'], ['input[name=last_name_lat]', 'Ouazzani'],
      ['input[name=mother_name]', 'Khadija'], ['select[name=sex]', 'ArrowDown'],
      ['input[name="doc.birth_extract"]', 'BE-1990-771'], ['input[name="doc.residence_certificate"]', 'RC-2026-12'],
    ];
    let tabs = 0;
    for (const [sel, text] of steps) {
      tabs += await tabTo(page, sel, 30);
      if (text === 'ArrowDown') await page.keyboard.press('ArrowDown');
      else await page.keyboard.type(text);
    }
    expect(tabs <= 60, `${tabs} Tab presses for the enrolment form`);
    await shotBoth(page, 'mobile-enrol', '#mobile-enrol form');
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
}
