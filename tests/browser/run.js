/*
 * run.js: the pages in a real browser (Debian's chromium driven by playwright-core), against
 * a running server: the three users' journeys, axe-core on every page in each state, keyboard
 * use, the kept key out of scripts' reach, screenshots at 360 and 1280 px, page weights and
 * the time to first render on a throttled connection.
 *
 *   node tests/browser/run.js BASE_URL ORG_KEY PROVIDER_KEY OUT_DIR
 *
 * Prints "  ok  name" / "  FAIL  name: why" per check, "browser: N passed, N failed, 0 skipped"
 * last, and the measures as "measure name value" lines; exits 1 on a failure.
 */
'use strict';
const path = require('path');
const fs = require('fs');
const { chromium } = require('playwright-core');
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const [base, orgKey, tpKey, outDir] = process.argv.slice(2);
let passed = 0, failed = 0;
const ok = (name) => { passed++; console.log('  ok      ' + name); };
const fail = (name, why) => { failed++; console.log('  FAIL    ' + name + ': ' + why); };
let current = null; /* the page a failure is pictured from */
async function check(name, fn) {
  try { await fn(); ok(name); } catch (e) {
    fail(name, String(e && e.message ? e.message : e).split('\n')[0]);
    if (current) await current.screenshot({ path: path.join(outDir, 'failed-' + failed + '.png'), fullPage: true }).catch(() => {});
  }
}
function expect(cond, why) { if (!cond) throw new Error(why); }

/* axe-core: WCAG 2.1 A and AA rules, zero violations. */
async function axe(page, state) {
  await check('axe: ' + state, async () => {
    if (!(await page.evaluate(() => !!window.axe))) await page.addScriptTag({ content: axeSource });
    const res = await page.evaluate(async () => {
      const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
      return r.violations.map((v) => v.id + ' (' + v.nodes.length + '): ' + v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', '));
    });
    expect(res.length === 0, res.join('; '));
  });
}
async function shot(page, name) {
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: path.join(outDir, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}
/* Picks the first option of an autocomplete by keyboard. */
async function autocomplete(page, sel, text) {
  await page.fill(sel, '');
  await page.type(sel, text, { delay: 30 });
  await page.waitForSelector(sel + '-list li[role=option]', { state: 'visible', timeout: 5000 });
  await page.press(sel, 'ArrowDown');
  await page.press(sel, 'Enter');
}
async function call(method, p, key, body) {
  const r = await fetch(base + p, { method, headers: { Authorization: 'Bearer ' + key, 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
  return { status: r.status, data: r.status === 204 ? null : await r.json() };
}

(async () => {
  fs.mkdirSync(outDir, { recursive: true });
  const S = (n) => 'http://data.europa.eu/esco/skill/00000000-0000-4000-8000-0000000000' + n;
  /* What the journeys find: a cash desk job in Tourcoing asking word processing too, a
   * training in Lille teaching it. */
  const job = await call('POST', '/v1/offers', orgKey, { kind: 'job', title: 'Hôte de caisse, épicerie solidaire', skills: [{ uri: S('02') }, { uri: S('07') }, { uri: S('05') }], location: { place: 'Tourcoing' } });
  const tr = await call('POST', '/v1/offers', tpKey, { kind: 'training', title: 'Bureautique pour tous', teaches: [{ uri: S('05') }], duration_hours: 35, cost: 0, start_dates: ['2027-03-01'], location: { place: 'Lille' } });
  expect(job.status === 201 && tr.status === 201, 'setup offers: ' + job.status + ' ' + tr.status);

  const browser = await chromium.launch({
    executablePath: process.env.SM_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  /* CSP bypassed for axe's injected script only: the pages themselves load nothing inline. */
  const ctx = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(8000);
  current = page;
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error' && !/status of (400|401|404)/.test(m.text())) errors.push(m.text()); });

  /* ---- without JavaScript: the page explains itself ---- */
  await check('seeker page without JavaScript says it needs it', async () => {
    const c = await browser.newContext({ javaScriptEnabled: false });
    const p = await c.newPage();
    await p.goto(base + '/');
    expect(await p.isVisible('text=Cette page a besoin de JavaScript'), 'no notice');
    expect(!(await p.isVisible('#search')), 'controls shown without JavaScript');
    await c.close();
  });

  /* ---- the job seeker ---- */
  await page.goto(base + '/');
  await axe(page, 'seeker, empty');
  await shot(page, 'seeker-empty');
  await check('an empty search is refused, the error tied to its field', async () => {
    await page.click('#search');
    expect(await page.getAttribute('#skill', 'aria-invalid') === 'true', 'no aria-invalid');
    expect((await page.getAttribute('#skill', 'aria-describedby')).includes('skill-error'), 'error not described');
  });
  await axe(page, 'seeker, an error shown');
  await check('a past job proposes its skills', async () => {
    await autocomplete(page, '#job', 'caissi');
    await page.waitForSelector('#job-proposals input[type=checkbox]');
    expect(await page.locator('#job-proposals input[type=checkbox]').count() >= 3, 'fewer than 3 proposals');
  });
  await axe(page, 'seeker, proposals from a job');
  await page.click('#job-proposals button');
  await check('pasted French text gives skills with the words found', async () => {
    await page.fill('#story', "J'ai tenu la caisse d'une supérette pendant deux ans et je savais encaisser les clients.");
    await page.click('#story-go');
    await page.waitForSelector('#story-proposals input[type=checkbox]');
    expect(/trouvé dans/.test(await page.textContent('#story-proposals')), 'no words shown');
  });
  await axe(page, 'seeker, proposals from a text');
  await page.click('#story-proposals button');
  await check('the skills are listed, each removable by keyboard', async () => {
    expect(await page.locator('#mine li').count() >= 3, 'fewer than 3 skills');
  });
  await check('a town from the autocomplete, by keyboard', async () => {
    await autocomplete(page, '#town', 'Roub');
    expect((await page.inputValue('#town')) === 'Roubaix', 'town not picked');
  });
  await page.selectOption('#radius', '15');
  await check('jobs within 15 km, with what matched and what is missing', async () => {
    await page.click('#search');
    await page.waitForSelector('#results article');
    const text = await page.textContent('#results');
    expect(text.includes('épicerie solidaire'), 'the Tourcoing job is not shown');
    expect(/Ce qui vous manque/.test(text), 'no missing part');
  });
  await axe(page, 'seeker, results');
  await shot(page, 'seeker-results');
  await check('a training path with hours, cost and dates', async () => {
    await page.locator('#results button', { hasText: 'Comment y arriver' }).first().click();
    await page.waitForSelector('#path h3');
    const text = await page.textContent('#path');
    expect(text.includes('Bureautique pour tous') && /Durée/.test(text) && /Reste à payer/.test(text), 'path incomplete: ' + text.slice(0, 200));
  });
  await axe(page, 'seeker, the path');
  await shot(page, 'seeker-path');
  await check('the print view shows the path alone', async () => {
    await page.evaluate(() => document.body.classList.add('printing'));
    await page.emulateMedia({ media: 'print' });
    expect(await page.isVisible('#path-section') && !(await page.isVisible('#skills-title')), 'print view shows more than the path');
    await page.screenshot({ path: path.join(outDir, 'seeker-print.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });
    await page.evaluate(() => document.body.classList.remove('printing'));
  });
  await check('saved and remembered: the key in an HttpOnly cookie, a recovery code shown', async () => {
    await page.check('#consent-visible_to_organisations');
    await page.check('#remember');
    await page.click('#save');
    await page.waitForSelector('#recovery-code:not(:empty)');
    const cookies = await ctx.cookies();
    const kept = cookies.find((c) => c.name === 'sm_key');
    expect(kept && kept.httpOnly && kept.sameSite === 'Strict', 'cookie missing or not HttpOnly/Strict');
    expect(!(await page.evaluate(() => document.cookie)).includes('sm_key'), 'a script reads the key');
    expect(!(await page.evaluate(() => JSON.stringify(localStorage))).includes('smk_'), 'a key in localStorage');
    expect((await page.textContent('#recovery-code')) !== kept.value, 'the recovery code is the kept key');
  });
  await axe(page, 'seeker, saved');
  await shot(page, 'seeker-saved');
  await check('coming back: the profile is found by the cookie', async () => {
    await page.reload();
    await page.waitForSelector('#keep-saved:not([hidden])');
    expect(await page.locator('#mine li').count() >= 3, 'skills not reloaded');
  });
  await check('another site cannot use the cookie (no matching Origin)', async () => {
    const r = await page.evaluate(async () => {
      const s = await (await fetch('/v1/session')).json();
      return s;
    });
    expect(r.remembered === true, 'same-origin GET not recognised');
    const cookie = (await ctx.cookies()).find((c) => c.name === 'sm_key').value;
    const res = await fetch(base + '/v1/profiles/x', { headers: { Cookie: 'sm_key=' + cookie, Origin: 'http://evil.example' } });
    expect(res.status === 401, 'a foreign Origin got ' + res.status);
  });
  await check('forget me on this computer', async () => {
    await page.click('#forget');
    await page.waitForSelector('#keep-new:not([hidden])');
    expect(!(await ctx.cookies()).some((c) => c.name === 'sm_key' && c.value), 'cookie still set');
  });
  await check('English', async () => {
    await page.goto(base + '/?lang=en');
    expect((await page.textContent('h1')).startsWith('Which jobs'), 'not in English');
    expect((await page.getAttribute('html', 'lang')) === 'en', 'lang attribute');
  });
  await axe(page, 'seeker, English');

  /* ---- the inclusion organisation ---- */
  await page.goto(base + '/organisation');
  await axe(page, 'organisation, key form');
  await check('an organisation enters its key once', async () => {
    await page.fill('#key', orgKey);
    await page.click('#key-go');
    await page.waitForSelector('#offer-section:not([hidden])');
    expect(!(await page.inputValue('#key')), 'the key stays in the field');
  });
  await check('an offer from a ROME job title and its text, published', async () => {
    await page.fill('#title', 'Caissier·e en épicerie solidaire');
    await autocomplete(page, '#job', 'caissi');
    await page.waitForSelector('#skills-rows tr');
    await page.fill('#text', 'Vous tenez la caisse et accueillez les clients.');
    await page.click('#text-go');
    await autocomplete(page, '#town', 'Tourc');
    await page.click('#publish');
    await page.waitForSelector('#cands h3');
  });
  await check('the candidate who consented is shown with why', async () => {
    const text = await page.textContent('#cands');
    expect(/Profil|Candidat/.test(text), 'no candidate: ' + text.slice(0, 200));
  });
  await axe(page, 'organisation, candidates');
  await shot(page, 'organisation');

  /* ---- the training provider ---- */
  await ctx.clearCookies();
  await page.goto(base + '/formation');
  await axe(page, 'provider, key form');
  await check('a provider sees demand around a town, table and chart', async () => {
    await page.fill('#key', tpKey);
    await page.click('#key-go');
    await page.waitForSelector('#demand-section:not([hidden])');
    await autocomplete(page, '#town', 'Lill');
    await page.click('#demand-go');
    await page.waitForSelector('#demand table');
    expect(await page.locator('#demand svg rect').count() >= 1, 'no bar');
  });
  await axe(page, 'provider, demand');
  await check('a skill\'s weeks', async () => {
    await page.locator('#demand tbody button').first().click();
    await page.waitForSelector('#history h3');
  });
  await axe(page, 'provider, a skill\'s weeks');
  await shot(page, 'provider');

  /* Readable on a 360 px phone and at 200% zoom (a 1280 px screen shows 640 CSS px): no page
   * scrolls sideways. */
  for (const p of ['/', '/organisation', '/formation', '/sources']) {
    await check(`page ${p} fits 360 px and 200% zoom without sideways scrolling`, async () => {
      for (const width of [360, 640]) {
        await page.setViewportSize({ width, height: 800 });
        await page.goto(base + p);
        const wide = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(wide <= width, `${wide} px wide at ${width} px`);
      }
      await page.setViewportSize({ width: 1280, height: 900 });
    });
  }
  /* The keyboard alone: the first Tab reaches the skip link, every control is reached in
   * order and shows where the focus is. */
  await check('keyboard: skip link first, every control reachable, focus visible', async () => {
    await page.goto(base + '/');
    await page.keyboard.press('Tab');
    expect((await page.evaluate(() => document.activeElement.className)) === 'skip', 'the skip link is not first');
    const seen = new Set();
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const f = await page.evaluate(() => {
        const e = document.activeElement;
        if (e.className === 'skip' || e === document.body) return { wrapped: true };
        const st = getComputedStyle(e);
        return { id: e.id || e.textContent.trim().slice(0, 20), outline: st.outlineStyle !== 'none' && st.outlineWidth !== '0px' };
      });
      if (f.wrapped) break; /* back at the top: every control was passed */
      expect(f.outline, 'no visible focus on ' + f.id);
      seen.add(f.id);
    }
    for (const id of ['job', 'years', 'story', 'story-go', 'skill', 'town', 'radius', 'search'])
      expect(seen.has(id), id + ' not reached by Tab');
  });

  await page.goto(base + '/sources');
  await axe(page, 'sources');
  await check('the sources name ESCO, DigComp, ROME and the communes', async () => {
    const text = await page.textContent('main');
    expect(/ESCO/.test(text) && /DigComp/.test(text) && /ROME 4\.0/.test(text) && /INSEE/.test(text), 'an attribution is missing');
  });
  await check('no script error on any page', async () => { expect(errors.length === 0, errors.join(' | ')); });

  /* ---- weight and first render on a slow connection ---- */
  for (const p of ['/', '/organisation', '/formation', '/sources']) {
    const c = await browser.newContext();
    const pg = await c.newPage();
    const cdp = await c.newCDPSession(pg);
    await cdp.send('Network.enable');
    /* "Slow 3G": 400 ms round trips, 400 kbit/s down. */
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 400, downloadThroughput: 50000, uploadThroughput: 50000 });
    let bytes = 0;
    cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
    const t0 = Date.now();
    await pg.goto(base + p, { waitUntil: 'load' });
    const fcp = await pg.evaluate(() => { const e = performance.getEntriesByName('first-contentful-paint')[0]; return e ? e.startTime : null; });
    await pg.waitForTimeout(300);
    console.log(`measure page ${p} bytes ${bytes} first_contentful_paint_ms ${fcp === null ? 'none' : Math.round(fcp)} load_ms ${Date.now() - t0}`);
    await check(`page ${p} weighs at most 100 KB`, async () => expect(bytes <= 100 * 1024, bytes + ' bytes'));
    await c.close();
  }
  await browser.close();
  console.log(`browser: ${passed} passed, ${failed} failed, 0 skipped`);
  process.exit(failed ? 1 : 0);
})().catch((e) => { console.log('  FAIL    browser run: ' + e.message); console.log(`browser: ${passed} passed, ${failed + 1} failed, 0 skipped`); process.exit(1); });
