'use strict';
// The browser tests of carrete-web: Debian's chromium driven by
// playwright-core through the whole journey of two people, the bad inputs of
// the issue, the page targets and the screenshots.  Prints TAP.
//
// run-browser.sh starts the stack and sets the environment:
//   CARRETE_WEB_URL, CARRETE_PHOTOS_URL   where carrete-web and carrete-photos listen
//   CARRETE_STACK                         the stack's temp dir (run/photos.pid, run/photos.start)
//   CARRETE_WEB_MAX_UPLOAD_BYTES          carrete-web's upload limit
//   CARRETE_WEB_RESUMABLE_BYTES           upload.js sends larger files part by part
//   CARRETE_SCREENSHOT_DIR                where the screenshots go
//   PLAYWRIGHT_CORE, CHROMIUM             the module and the browser
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require(process.env.PLAYWRIGHT_CORE);
const { step, diag, plan } = require('./tap');
const { assertPage, assertInert } = require('./pages');
const { makeImages, makeSmallImages, makeBigPng } = require('./images');

const BASE = process.env.CARRETE_WEB_URL;
const STACK = process.env.CARRETE_STACK;
const MAX_UPLOAD = Number(process.env.CARRETE_WEB_MAX_UPLOAD_BYTES);
const RESUMABLE = Number(process.env.CARRETE_WEB_RESUMABLE_BYTES);
const SHOTS = process.env.CARRETE_SCREENSHOT_DIR;
const RUN = Date.now().toString(36);

// Payloads planted in every free-text field the API accepts them in.
const XSS_SCRIPT = '<script>alert("xss")</script>';
const XSS_IMG = '"><img src=x onerror=alert(1)>';

const state = {}; // ids and names the steps hand on to each other
const dialogs = []; // every dialog any page opened: none may open

function today() {
  return new Date().toISOString().slice(0, 10);
}

function track(context) {
  // Long enough for an ASan build on a busy machine, short enough that a
  // missing element fails its step instead of the whole run's time budget.
  context.setDefaultTimeout(15000);
  context.setDefaultNavigationTimeout(30000);
  context.on('page', (page) => page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); }));
  return context;
}

async function newContext(browser, options = {}) {
  return track(await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options }));
}

async function visit(page, route, status = 200) {
  const response = await page.goto(BASE + route);
  assert.ok(response, `no response for ${route}`);
  assert.equal(response.status(), status, `GET ${route} answered ${response.status()}`);
  return response;
}

// Submits a form the way a person does and returns the final response.
async function submit(page, formSelector) {
  const form = page.locator(formSelector);
  const button = form.locator('button[type="submit"], input[type="submit"], button:not([type])').first();
  const [response] = await Promise.all([
    page.waitForNavigation(),
    button.click(),
  ]);
  return response;
}

// The status of the POST that redirected to `response` (303 per the contract).
async function redirectStatus(response) {
  const post = response.request().redirectedFrom();
  assert.ok(post, `${response.url()} was not reached through a redirect`);
  return (await post.response()).status();
}

async function cards(page) {
  return page.locator('#photo-grid li.photo-card').count();
}

async function cardNames(page) {
  return page.locator('#photo-grid li.photo-card').allInnerTexts();
}

function idFrom(url, kind) {
  const match = new URL(url).pathname.match(new RegExp(`^/${kind}/([^/?#]+)$`));
  assert.ok(match, `${url} is not a /${kind}/{id} page`);
  return match[1];
}

async function register(page, username, password, email = `${username}@example.org`) {
  await visit(page, '/register');
  await page.fill('#register-form [name="username"]', username);
  await page.fill('#register-form [name="email"]', email);
  await page.fill('#register-form [name="password"]', password);
  return submit(page, '#register-form');
}

async function login(page, username, password) {
  await page.fill('#login-form [name="username"]', username);
  await page.fill('#login-form [name="password"]', password);
  return submit(page, '#login-form');
}

async function createFolder(page, name, visibility, tags) {
  await visit(page, '/folders/new');
  await page.fill('#folder-form [name="name"]', name);
  await page.selectOption('#folder-form [name="visibility"]', visibility);
  await page.fill('#folder-form [name="tags"]', tags);
  const response = await submit(page, '#folder-form');
  assert.equal(response.status(), 200, `creating "${name}" ended in ${response.status()}`);
  assert.equal(await redirectStatus(response), 303);
  await assertPage(page, response, dialogs);
  assert.equal(await page.locator('h1').innerText(), name, 'the folder page shows its name literally');
  assert.equal(await page.locator('#folder-visibility').getAttribute('data-visibility'), visibility);
  return idFrom(page.url(), 'folders');
}

// POSTs a form through the browser's own request context (its cookies, no
// page) and answers the status without following redirects.
async function post(context, route, form) {
  const response = await context.request.post(BASE + route, { form, maxRedirects: 0 });
  return { status: response.status(), text: await response.text() };
}

async function myFolderNames(page) {
  await visit(page, '/');
  return page.locator('#my-folders a').allInnerTexts();
}

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  diag(`chromium ${browser.version()}, carrete-web at ${BASE}`);
  try {
    await journey(browser);
  } finally {
    await browser.close();
  }
}

async function journey(browser) {
  const images = await makeImages(browser);
  const alice = { username: `alice_${RUN}`, password: 'correct horse battery' };
  const bob = { username: `bob_${RUN}`, password: 'another long secret' };
  const ctxA = await newContext(browser);
  const pageA = await ctxA.newPage();

  // ---- anonymous visitors and accounts ------------------------------------

  await step('anonymous / redirects to /login?next=%2F', async () => {
    const page = await (await newContext(browser)).newPage();
    const response = await visit(page, '/');
    assert.equal(new URL(page.url()).pathname, '/login');
    assert.equal(new URL(page.url()).searchParams.get('next'), '/');
    await assertPage(page, response, dialogs);
    await page.context().close();
  });

  await step('?lang=es serves Spanish (<html lang="es">) and remembers it', async () => {
    const page = await (await newContext(browser)).newPage();
    await visit(page, '/login?lang=en');
    const english = await page.locator('h1').innerText();
    await visit(page, '/login?lang=es');
    assert.equal(await page.getAttribute('html', 'lang'), 'es');
    assert.notEqual(await page.locator('h1').innerText(), english, 'the heading is not translated');
    const response = await visit(page, '/register');
    assert.equal(await page.getAttribute('html', 'lang'), 'es', 'the language cookie is kept');
    await assertPage(page, response, dialogs);
    await page.context().close();
  });

  await step('registering with markup in the username is refused (422) and the markup stays inert', async () => {
    const response = await register(pageA, XSS_SCRIPT, alice.password, `xss_${RUN}@example.org`);
    assert.equal(response.status(), 422);
    assert.ok(await pageA.locator('[role="alert"]').count() > 0, 'no role=alert message');
    assert.equal(await pageA.inputValue('#register-form [name="username"]'), XSS_SCRIPT, 'the form keeps what was typed');
    await assertPage(pageA, response, dialogs);
  });

  await step('registering Alice signs her in and lands on the gallery', async () => {
    const response = await register(pageA, alice.username, alice.password);
    assert.equal(response.status(), 200);
    assert.equal(await redirectStatus(response), 303);
    assert.equal(new URL(pageA.url()).pathname, '/');
    assert.equal((await pageA.locator('#current-user').innerText()).trim(), alice.username);
    await assertPage(pageA, response, dialogs);
    const cookies = Object.fromEntries((await ctxA.cookies()).map((c) => [c.name, c]));
    for (const name of ['carrete_access', 'carrete_refresh']) {
      assert.ok(cookies[name], `no ${name} cookie`);
      assert.equal(cookies[name].httpOnly, true, `${name} is not HttpOnly`);
      assert.equal(cookies[name].sameSite, 'Lax', `${name} is not SameSite=Lax`);
      assert.equal(cookies[name].path, '/');
    }
  });

  await step('an empty gallery says so and links to /upload', async () => {
    assert.equal(await cards(pageA), 0);
    assert.ok(await pageA.locator('#empty-state').isVisible());
    assert.ok(await pageA.locator('#empty-state a[href^="/upload"]').count() > 0);
  });

  await step('registering the same username again is refused (409) with a message', async () => {
    const page = await (await newContext(browser)).newPage();
    const response = await register(page, alice.username.toUpperCase(), alice.password);
    assert.equal(response.status(), 409);
    assert.ok(await page.locator('[role="alert"]').count() > 0);
    await page.context().close();
  });

  await step('signing out (logout form) ends the session and revokes the refresh token', async () => {
    const before = (await ctxA.cookies()).find((c) => c.name === 'carrete_refresh');
    const response = await submit(pageA, '#logout-form');
    assert.equal(new URL(pageA.url()).pathname, '/login');
    assert.equal(await redirectStatus(response), 303);
    await assertPage(pageA, response, dialogs);
    const names = (await ctxA.cookies()).map((c) => c.name);
    assert.ok(!names.includes('carrete_access') && !names.includes('carrete_refresh'), `cookies left: ${names}`);
    // The old refresh cookie, put back, no longer opens a session.
    await ctxA.addCookies([{ ...before }]);
    await visit(pageA, '/');
    assert.equal(new URL(pageA.url()).pathname, '/login', 'a revoked refresh token still signed in');
    await ctxA.clearCookies();
  });

  await step('a wrong password gets a 401 page with a message', async () => {
    await visit(pageA, '/login');
    const response = await login(pageA, alice.username, 'not the password');
    assert.equal(response.status(), 401);
    assert.ok(await pageA.locator('[role="alert"]').count() > 0);
    await assertPage(pageA, response, dialogs);
  });

  await step('signing in with next=//elsewhere lands on / (no open redirect)', async () => {
    await visit(pageA, '/login?next=' + encodeURIComponent('//example.org/x'));
    const response = await login(pageA, alice.username, alice.password);
    assert.equal(response.status(), 200);
    assert.equal(pageA.url(), BASE + '/');
    assert.equal((await pageA.locator('#current-user').innerText()).trim(), alice.username);
  });

  await step('sign-in never redirects off the site, whatever next= says', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const landed = {};
    for (const next of ['https://example.org/x', '/\\example.org/x', 'javascript:alert(1)', '//example.org', '/%2F%2Fexample.org']) {
      await visit(page, '/login');
      const csrf = await page.inputValue('#login-form [name="csrf_token"]');
      const answer = await ctx.request.post(BASE + '/login', {
        form: { username: alice.username, password: alice.password, next, csrf_token: csrf }, maxRedirects: 0,
      });
      assert.equal(answer.status(), 303, `next=${next}: status ${answer.status()}`);
      const location = answer.headers().location;
      landed[next] = location;
      // Resolved the way a browser does (a backslash counts as a slash).
      assert.equal(new URL(location, BASE).origin, new URL(BASE).origin, `next=${next} sent to ${location}`);
    }
    diag(`next= → Location: ${JSON.stringify(landed)}`);
    await ctx.close();
  });

  // ---- folders -------------------------------------------------------------

  state.publicName = `Beach ${XSS_SCRIPT}`;
  state.privateName = `Private ${XSS_IMG}`;
  await step('Alice creates a public folder (markup in its name and tags shown literally)', async () => {
    state.publicId = await createFolder(pageA, state.publicName, 'public', `sea, Summer, ${XSS_IMG}`);
    const tags = await pageA.locator('li.tag').allInnerTexts();
    assert.deepEqual(tags.map((t) => t.trim()).sort(), ['sea', 'summer', XSS_IMG].sort());
    await assertInert(pageA, dialogs);
  });

  await step('Alice creates a private folder', async () => {
    state.privateId = await createFolder(pageA, state.privateName, 'private', '<script>alert(3)</script>');
    await assertInert(pageA, dialogs);
  });

  await step('a duplicate folder name re-renders the form with the reason (409)', async () => {
    await visit(pageA, '/folders/new');
    await pageA.fill('#folder-form [name="name"]', state.publicName);
    const response = await submit(pageA, '#folder-form');
    assert.equal(response.status(), 409);
    assert.ok(await pageA.locator('#folder-form').count() === 1, 'the form is shown again');
    assert.ok(await pageA.locator('[role="alert"]').count() > 0);
    await assertPage(pageA, response, dialogs);
  });

  await step('the gallery lists both folders in my-folders, literally', async () => {
    const names = await myFolderNames(pageA);
    assert.ok(names.includes(state.publicName), `#my-folders: ${JSON.stringify(names)}`);
    assert.ok(names.includes(state.privateName), `#my-folders: ${JSON.stringify(names)}`);
    assert.ok(await pageA.locator(`#my-folders a[href="/folders/${state.publicId}"]`).count() === 1);
    assert.ok(await pageA.locator('a[href="/folders/new"]').count() > 0);
    await assertInert(pageA, dialogs);
  });

  // ---- uploads -------------------------------------------------------------

  await step('the upload page offers a multi-file image input and the folder choice', async () => {
    const response = await visit(pageA, `/upload?folder_id=${state.publicId}`);
    await assertPage(pageA, response, dialogs);
    const input = pageA.locator('#upload-form input[type="file"][name="file"]');
    assert.equal(await input.count(), 1);
    assert.equal(await input.getAttribute('multiple'), '');
    assert.equal(await input.getAttribute('accept'), 'image/*');
    assert.equal(await pageA.getAttribute('#upload-form', 'enctype'), 'multipart/form-data');
    assert.equal(await pageA.inputValue('#upload-form [name="folder_id"]'), state.publicId,
      '?folder_id= preselects the folder');
    assert.ok(await pageA.locator('#drop-zone').count() === 1, 'no #drop-zone with JavaScript on');
  });

  await step('with JavaScript: two images upload one request each, with progress, into the public folder', async () => {
    const answers = [];
    const listener = (response) => {
      const request = response.request();
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/upload') answers.push(response);
    };
    let requested = 0;
    const counter = (request) => { if (request.method() === 'POST' && new URL(request.url()).pathname === '/upload') requested += 1; };
    pageA.on('response', listener);
    pageA.on('request', counter);
    await pageA.setInputFiles('#upload-form input[type="file"]', [images.sunrise, images.harbour]);
    // upload.js may start on the file choice; if not, the person presses the button.
    await pageA.waitForTimeout(1000);
    pageA.off('request', counter);
    if (requested === 0) {
      await pageA.locator('#upload-form button[type="submit"], #upload-form input[type="submit"]').first().click();
    }
    for (let i = 0; i < 600 && answers.length < 2; i++) await pageA.waitForTimeout(100);
    pageA.off('response', listener);
    assert.equal(answers.length, 2, `${answers.length} POST /upload answers, expected one request per file`);
    assert.equal(new URL(pageA.url()).pathname, '/upload', 'the page stayed (no form submission)');
    for (const response of answers) {
      assert.match(response.request().headers().accept || '', /application\/json/, 'upload.js asks for JSON');
      const body = await response.json();
      assert.equal(body.results.length, 1, JSON.stringify(body));
      assert.equal(body.results[0].ok, true, JSON.stringify(body));
      assert.ok(body.results[0].photo_id, JSON.stringify(body));
    }
    assert.equal(await pageA.locator('#upload-queue li').count(), 2, 'an #upload-queue item per file');
    assert.equal(await pageA.locator('#upload-queue li progress').count(), 2, 'a <progress> per file');
    await assertInert(pageA, dialogs);
  });

  await step('with JavaScript: a file dropped on the drop zone uploads; a duplicate is reported, not stored twice', async () => {
    await visit(pageA, `/upload?folder_id=${state.publicId}`);
    const dataTransfer = await pageA.evaluateHandle(({ name, type, base64 }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], name, { type }));
      return transfer;
    }, { name: images.sunrise.name, type: images.sunrise.mimeType, base64: images.sunrise.buffer.toString('base64') });
    const answer = pageA.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/upload');
    await pageA.dispatchEvent('#drop-zone', 'dragenter', { dataTransfer });
    await pageA.dispatchEvent('#drop-zone', 'drop', { dataTransfer });
    const body = await (await answer).json();
    assert.equal(body.results[0].ok, false, JSON.stringify(body));
    assert.match(body.results[0].message, /duplicate|already/i, JSON.stringify(body));
    const item = pageA.locator('#upload-queue li.upload-error');
    await item.waitFor();
    assert.match(await item.innerText(), /sunrise\.jpg/);
  });

  await step('with JavaScript: a non-image and a file over the limit each get a sentence, not a bare status', async () => {
    await visit(pageA, '/upload');
    const answers = [];
    const listener = (r) => { if (r.request().method() === 'POST' && new URL(r.url()).pathname === '/upload') answers.push(r); };
    pageA.on('response', listener);
    await pageA.setInputFiles('#upload-form input[type="file"]', [images.notes, images.huge]);
    await pageA.locator('#upload-form button[type="submit"], #upload-form input[type="submit"]').first().click();
    await pageA.waitForFunction(() => document.querySelectorAll('#upload-queue li.upload-error').length === 2);
    pageA.off('response', listener);
    const statuses = answers.map((r) => r.status());
    assert.equal(statuses.length, 2, `one answer per file: ${statuses}`);
    assert.ok(statuses.every((status) => status >= 400 && status < 500), `statuses ${statuses}`);
    assert.ok(statuses.includes(413), `the oversized file is not a 413: ${statuses}`);
    for (const item of await pageA.locator('#upload-queue li.upload-error').all()) {
      const text = await item.innerText();
      assert.match(text, /notes\.txt|huge\.png/);
      assert.ok(!/^\S+\s+\d{3}$/.test(text.trim()), `only a status code: "${text}"`);
      assert.ok(text.replace(/notes\.txt|huge\.png/, '').trim().length > 10, `no sentence: "${text}"`);
    }
    await assertInert(pageA, dialogs);
  });

  await step('without JavaScript: a form POST uploads an image and reports a non-image per file', async () => {
    const ctx = await newContext(browser, { javaScriptEnabled: false, storageState: await ctxA.storageState() });
    const page = await ctx.newPage();
    await visit(page, '/upload');
    await page.selectOption('#upload-form [name="folder_id"]', state.privateId);
    await page.setInputFiles('#upload-form input[type="file"]', [images.forest, images.notes]);
    const response = await submit(page, '#upload-form');
    assert.equal(response.status(), 200);
    assert.equal(await page.locator('#upload-results li.upload-ok').count(), 1);
    assert.match(await page.locator('#upload-results li.upload-ok').innerText(), /forest\.png/);
    assert.equal(await page.locator('#upload-results li.upload-error').count(), 1);
    assert.match(await page.locator('#upload-results li.upload-error').innerText(), /notes\.txt/);
    await assertPage(page, response, dialogs);
    state.noJsStorage = await ctx.storageState();
    await ctx.close();
  });

  await step('without JavaScript: only a non-image is refused with a 4xx results page', async () => {
    const ctx = await newContext(browser, { javaScriptEnabled: false, storageState: await ctxA.storageState() });
    const page = await ctx.newPage();
    await visit(page, '/upload');
    await page.setInputFiles('#upload-form input[type="file"]', [images.notes]);
    const response = await submit(page, '#upload-form');
    assert.ok(response.status() >= 400 && response.status() < 500, `status ${response.status()}`);
    assert.equal(await page.locator('#upload-results li.upload-error').count(), 1);
    assert.ok((await page.locator('#upload-results li.upload-error').innerText()).length > 'notes.txt'.length,
      'the error says why');
    await assertPage(page, response, dialogs);
    await ctx.close();
  });

  await step(`a file over the upload limit (${MAX_UPLOAD} bytes) gets a 413 page with a clear message`, async () => {
    const ctx = await newContext(browser, { javaScriptEnabled: false, storageState: await ctxA.storageState() });
    const page = await ctx.newPage();
    await visit(page, '/upload');
    await page.setInputFiles('#upload-form input[type="file"]', [images.huge]);
    const response = await submit(page, '#upload-form');
    assert.equal(response.status(), 413);
    assert.ok(await page.locator('[role="alert"]').count() > 0, 'no role=alert message');
    assert.ok(await page.locator('h1').count() === 1);
    await ctx.close();
  });

  await step('a whole form body over the request limit gets a 413 page and stores nothing', async () => {
    const ctx = await newContext(browser, { javaScriptEnabled: false, storageState: await ctxA.storageState() });
    const page = await ctx.newPage();
    await visit(page, '/upload');
    // Each file under the per-file limit, all of them far over any sane body limit.
    const parts = [];
    for (let i = 0; i < 6; i++) {
      parts.push({ name: `part-${i}.png`, mimeType: 'image/png', buffer: images.huge.buffer.subarray(0, MAX_UPLOAD - 4096) });
    }
    await page.setInputFiles('#upload-form input[type="file"]', parts);
    const response = await submit(page, '#upload-form');
    assert.equal(response.status(), 413);
    assert.equal(await page.locator('h1').count(), 1);
    assert.ok(await page.locator('[role="alert"]').count() > 0);
    assert.equal(await page.locator('#upload-results li.upload-ok').count(), 0);
    await ctx.close();
  });

  await step('the web service is still up after the oversized upload', async () => {
    const response = await visit(pageA, '/');
    assert.equal(response.status(), 200);
  });

  // ---- the gallery -----------------------------------------------------------

  await step('the gallery shows the three photos with alt text, names and loaded thumbnails', async () => {
    const response = await visit(pageA, '/');
    await assertPage(pageA, response, dialogs);
    assert.equal(await cards(pageA), 3, `cards: ${JSON.stringify(await cardNames(pageA))}`);
    const names = (await cardNames(pageA)).join('\n');
    for (const name of ['sunrise', 'harbour', 'forest']) assert.match(names, new RegExp(name));
    for (const card of await pageA.locator('#photo-grid li.photo-card').all()) {
      const link = card.locator('a[href^="/photos/"]');
      assert.equal(await link.count(), 1);
      const img = link.locator('img');
      assert.ok((await img.getAttribute('alt')).length > 0, 'an empty alt on a photo');
    }
    await pageA.waitForFunction(() => [...document.querySelectorAll('#photo-grid img')]
      .every((img) => img.complete && img.naturalWidth > 0), null, { timeout: 20000 });
    diag(`thumbnails come from ${new URL(await pageA.locator('#photo-grid img').first().getAttribute('src'), BASE).origin}`);
  });

  async function filter(fields) {
    await visit(pageA, '/');
    for (const [name, value] of Object.entries(fields)) await pageA.fill(`#filters [name="${name}"]`, value);
    const response = await submit(pageA, '#filters');
    assert.equal(response.status(), 200);
    assert.equal(new URL(pageA.url()).pathname, '/');
    return cardNames(pageA);
  }

  await step('filter by tag: "sea" finds the two photos of the public folder', async () => {
    const names = await filter({ tags: 'sea' });
    assert.equal(names.length, 2, JSON.stringify(names));
    assert.ok(names.every((n) => /sunrise|harbour/.test(n)), JSON.stringify(names));
  });

  await step('filter by name: "sunris" finds one photo', async () => {
    const names = await filter({ q: 'sunris' });
    assert.equal(names.length, 1, JSON.stringify(names));
    assert.match(names[0], /sunrise/);
    assert.equal(await pageA.inputValue('#filters [name="q"]'), 'sunris', 'the filter keeps its value');
  });

  await step('filter by date: today finds all three, a past year none (empty state)', async () => {
    let names = await filter({ from: today(), to: today() });
    assert.equal(names.length, 3, JSON.stringify(names));
    names = await filter({ from: '2001-01-01', to: '2001-12-31' });
    assert.equal(names.length, 0, JSON.stringify(names));
    assert.ok(await pageA.locator('#empty-state').isVisible());
  });

  await step('markup in the name filter is echoed inert', async () => {
    const response = await visit(pageA, '/?q=' + encodeURIComponent(XSS_IMG));
    await assertPage(pageA, response, dialogs);
    assert.equal(await pageA.inputValue('#filters [name="q"]'), XSS_IMG);
  });

  // ---- one photo -------------------------------------------------------------

  await step('opening a photo shows it full size with its metadata', async () => {
    await visit(pageA, '/?q=sunrise');
    await Promise.all([pageA.waitForNavigation(), pageA.locator('#photo-grid li.photo-card a').first().click()]);
    state.sunriseId = idFrom(pageA.url(), 'photos');
    const response = await visit(pageA, `/photos/${state.sunriseId}`);
    await assertPage(pageA, response, dialogs);
    assert.match(await pageA.locator('h1').innerText(), /sunrise/);
    assert.match(await pageA.getAttribute('#photo-full', 'alt'), /sunrise/);
    await pageA.waitForFunction(() => document.getElementById('photo-full').naturalWidth > 0, null, { timeout: 20000 });
    const meta = await pageA.locator('#photo-meta').innerText();
    assert.match(meta, /640/, `the dimensions are missing: ${meta}`);
    assert.match(meta, /image\/jpeg|JPEG/i, `the type is missing: ${meta}`);
  });

  state.photoName = `${XSS_IMG} sunset`;
  await step('renaming the photo to a name with markup shows it literally', async () => {
    await pageA.fill('#photo-rename [name="name"]', state.photoName);
    const response = await submit(pageA, '#photo-rename');
    assert.equal(response.status(), 200);
    assert.equal(await redirectStatus(response), 303);
    assert.equal(idFrom(pageA.url(), 'photos'), state.sunriseId);
    assert.equal(await pageA.locator('h1').innerText(), state.photoName);
    assert.equal(await pageA.getAttribute('#photo-full', 'alt'), state.photoName);
    await assertPage(pageA, response, dialogs);
    await visit(pageA, '/');
    assert.ok((await cardNames(pageA)).some((n) => n.includes(state.photoName)), 'the gallery shows the new name');
    await assertInert(pageA, dialogs);
  });

  await step('moving the photo into the private folder', async () => {
    await visit(pageA, `/photos/${state.sunriseId}`);
    await pageA.selectOption('#photo-move [name="folder_id"]', state.privateId);
    const response = await submit(pageA, '#photo-move');
    assert.equal(response.status(), 200);
    assert.match(await pageA.locator('#photo-meta').innerText(), /Private/);
    await visit(pageA, `/folders/${state.privateId}`);
    assert.equal(await pageA.locator(`#photo-grid a[href="/photos/${state.sunriseId}"]`).count(), 1);
    await visit(pageA, `/folders/${state.publicId}`);
    assert.equal(await pageA.locator(`#photo-grid a[href="/photos/${state.sunriseId}"]`).count(), 0);
    assert.equal(await cards(pageA), 1, 'the public folder keeps the harbour photo');
    state.harbourId = idFrom(BASE + await pageA.locator('#photo-grid a').first().getAttribute('href'), 'photos');
  });

  await step('deleting a photo moves it to the trash (its page is then 404)', async () => {
    await visit(pageA, '/?q=forest');
    await Promise.all([pageA.waitForNavigation(), pageA.locator('#photo-grid li.photo-card a').first().click()]);
    state.forestId = idFrom(pageA.url(), 'photos');
    const response = await submit(pageA, '#photo-delete');
    assert.equal(response.status(), 200);
    assert.ok(['/', `/folders/${state.privateId}`].includes(new URL(pageA.url()).pathname), pageA.url());
    const gone = await visit(pageA, `/photos/${state.forestId}`, 404);
    await assertPage(pageA, gone, dialogs);
    await visit(pageA, '/');
    assert.equal(await cards(pageA), 2);
  });

  await step('the trash lists the deleted photo; restoring it brings it back', async () => {
    let response = await visit(pageA, '/trash');
    await assertPage(pageA, response, dialogs);
    const item = pageA.locator(`#trash-${state.forestId}`);
    assert.equal(await item.count(), 1, 'the forest is in the trash');
    assert.equal(await item.getAttribute('data-kind'), 'photo');
    assert.equal(await item.locator('img').count(), 1, 'with its thumbnail');
    response = await submit(pageA, `#trash-${state.forestId} form.trash-restore`);
    assert.equal(response.status(), 200);
    assert.equal(await redirectStatus(response), 303);
    assert.equal(idFrom(pageA.url(), 'photos'), state.forestId);
    await assertPage(pageA, response, dialogs);
    await visit(pageA, '/');
    assert.equal(await cards(pageA), 3, 'the gallery shows it again');
    // Into the trash again, for the steps that follow.
    await visit(pageA, `/photos/${state.forestId}`);
    response = await submit(pageA, '#photo-delete');
    assert.equal(response.status(), 200);
    await visit(pageA, '/trash');
    assert.equal(await pageA.locator(`#trash-${state.forestId}`).count(), 1);
    await visit(pageA, '/');
    assert.equal(await cards(pageA), 2);
  });

  // ---- CSRF ------------------------------------------------------------------

  await step('a POST without csrf_token gets a 403 page and creates nothing', async () => {
    const answer = await post(ctxA, '/folders/new', { name: 'no-token', visibility: 'public', tags: '' });
    assert.equal(answer.status, 403);
    assert.match(answer.text, /<h1/);
    assert.match(answer.text, /role="alert"/);
    assert.ok(!(await myFolderNames(pageA)).includes('no-token'));
  });

  await step('a form posted with a wrong csrf_token gets a 403 page and changes nothing', async () => {
    await visit(pageA, `/photos/${state.harbourId}`);
    await pageA.fill('#photo-rename [name="name"]', 'renamed-by-forgery');
    await pageA.locator('#photo-rename [name="csrf_token"]').evaluate((el) => { el.value = 'AAAA' + el.value.slice(4); });
    const response = await submit(pageA, '#photo-rename');
    assert.equal(response.status(), 403);
    assert.equal(await pageA.locator('h1').count(), 1);
    assert.ok(await pageA.locator('[role="alert"]').count() > 0);
    await assertPage(pageA, response, dialogs);
    await visit(pageA, `/photos/${state.harbourId}`);
    assert.match(await pageA.locator('h1').innerText(), /harbour/, 'the photo was renamed anyway');
  });

  await step("another person's csrf_token is refused too (403), and logout needs one", async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await visit(page, '/login');
    const foreign = await page.inputValue('#login-form [name="csrf_token"]');
    await ctx.close();
    let answer = await post(ctxA, '/folders/new', { name: 'foreign-token', visibility: 'public', csrf_token: foreign });
    assert.equal(answer.status, 403);
    answer = await post(ctxA, '/logout', {});
    assert.equal(answer.status, 403);
    const names = await myFolderNames(pageA);
    assert.ok(!names.includes('foreign-token'));
    assert.equal((await pageA.locator('#current-user').innerText()).trim(), alice.username, 'still signed in');
  });

  // ---- the second person -----------------------------------------------------

  const ctxB = await newContext(browser);
  const pageB = await ctxB.newPage();
  // An anonymous holder of a share link (the sharing steps).
  let ctxV;
  let pageV;
  await step("Bob registers and sees Alice's public folder only", async () => {
    const response = await register(pageB, bob.username, bob.password);
    assert.equal(response.status(), 200);
    assert.equal((await pageB.locator('#current-user').innerText()).trim(), bob.username);
    await assertPage(pageB, response, dialogs);
    assert.equal(await pageB.locator(`#public-folders a[href="/folders/${state.publicId}"]`).count(), 1);
    assert.equal(await pageB.locator(`a[href="/folders/${state.privateId}"]`).count(), 0);
    assert.equal(await pageB.locator('#my-folders a').count(), 0);
    assert.equal(await cards(pageB), 0, "Alice's photos are not in Bob's gallery");
    await assertInert(pageB, dialogs);
  });

  await step("Bob opens Alice's public folder and its photo, read-only", async () => {
    const response = await visit(pageB, `/folders/${state.publicId}`);
    await assertPage(pageB, response, dialogs);
    assert.equal(await pageB.locator('h1').innerText(), state.publicName);
    assert.equal(await cards(pageB), 1);
    assert.equal(await pageB.locator('#folder-edit, #folder-delete').count(), 0, 'owner forms shown to Bob');
    await visit(pageB, `/photos/${state.harbourId}`);
    assert.equal(await pageB.locator('#photo-rename, #photo-move, #photo-delete').count(), 0, 'owner forms shown to Bob');
  });

  await step("Alice's private folder and private photo are 404 for Bob", async () => {
    const folder = await visit(pageB, `/folders/${state.privateId}`, 404);
    await assertPage(pageB, folder, dialogs);
    await visit(pageB, `/photos/${state.sunriseId}`, 404);
  });

  await step('21 files in one upload are refused (413); a gallery of 51 photos pages: 50, then a rel=next link to the last one', async () => {
    const ctx = await newContext(browser, { javaScriptEnabled: false, storageState: await ctxB.storageState() });
    const page = await ctx.newPage();
    const images = await makeSmallImages(browser, 51);
    // One request may carry 20 files: 21 are refused whole, with a sentence.
    await visit(page, '/upload');
    await page.setInputFiles('#upload-form input[type="file"]', images.slice(0, 21));
    const refused = await submit(page, '#upload-form');
    assert.equal(refused.status(), 413);
    assert.match(await page.locator('[role="alert"]').first().innerText(), /at most 20 files/);
    for (const batch of [images.slice(0, 20), images.slice(20, 40), images.slice(40)]) {
      await visit(page, '/upload');
      await page.setInputFiles('#upload-form input[type="file"]', batch);
      const response = await submit(page, '#upload-form');
      assert.equal(response.status(), 200);
      assert.equal(await page.locator('#upload-results li.upload-ok').count(), batch.length);
    }
    await ctx.close();
    await visit(pageB, '/?sort=name');
    assert.equal(await cards(pageB), 50);
    const next = pageB.locator('a[rel="next"]');
    assert.equal(await next.count(), 1, 'no rel=next link');
    assert.match(await next.getAttribute('href'), /^\/\?.*cursor=/);
    assert.match(await next.getAttribute('href'), /sort=name/, 'the next page forgets the sort');
    await Promise.all([pageB.waitForNavigation(), next.click()]);
    assert.equal(await cards(pageB), 1);
    assert.equal(await pageB.locator('a[rel="next"]').count(), 0);
  });

  await step("Bob cannot change Alice's photo with his own valid csrf_token (nothing changed)", async () => {
    await visit(pageB, '/folders/new');
    const token = await pageB.inputValue('#folder-form [name="csrf_token"]');
    const answer = await post(ctxB, `/photos/${state.harbourId}/delete`, { csrf_token: token });
    // The photo is in Alice's public folder, so it is known to exist: 403 (DESIGN).
    assert.equal(answer.status, 403, `status ${answer.status}`);
    assert.match(answer.text, /role="alert"/);
    await visit(pageA, `/photos/${state.harbourId}`);
  });

  await step('an anonymous visitor may view the public folder (no redirect)', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const response = await visit(page, `/folders/${state.publicId}`);
    assert.equal(new URL(page.url()).pathname, `/folders/${state.publicId}`);
    await assertPage(page, response, dialogs);
    assert.equal(await cards(page), 1);
    await ctx.close();
  });

  // ---- sessions ----------------------------------------------------------------

  await step('a lost access cookie is renewed from the refresh cookie without asking', async () => {
    await ctxA.clearCookies({ name: 'carrete_access' });
    await visit(pageA, `/folders/${state.privateId}`);
    assert.equal(new URL(pageA.url()).pathname, `/folders/${state.privateId}`);
    assert.ok((await ctxA.cookies()).some((c) => c.name === 'carrete_access'), 'no new access cookie');
    // A forged access token with a good refresh token: the same.
    const access = (await ctxA.cookies()).find((c) => c.name === 'carrete_access');
    await ctxA.addCookies([{ ...access, value: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' }]);
    await visit(pageA, `/folders/${state.privateId}`);
    assert.equal(new URL(pageA.url()).pathname, `/folders/${state.privateId}`);
    assert.equal((await pageA.locator('#current-user').innerText()).trim(), alice.username);
  });

  await step('an expired session sends to /login?next=… and back to the same page after signing in', async () => {
    const cookies = await ctxA.cookies();
    await ctxA.clearCookies();
    // A stale access token and a refresh token the users service does not know.
    await ctxA.addCookies(cookies.filter((c) => c.name.startsWith('carrete_'))
      .map((c) => ({ ...c, value: c.name === 'carrete_access' ? 'eyJhbGciOiJFUzI1NiJ9.e30.expired' : 'revoked-refresh-token' })));
    const target = `/upload?folder_id=${state.publicId}`;
    await visit(pageA, target);
    const url = new URL(pageA.url());
    assert.equal(url.pathname, '/login');
    assert.equal(url.searchParams.get('next'), target);
    const response = await login(pageA, alice.username, alice.password);
    assert.equal(response.status(), 200);
    assert.equal(pageA.url(), BASE + target);
  });

  // ---- the photos service down -------------------------------------------------

  await step('with carrete-photos down the gallery still renders (503) and says photos are unavailable', async () => {
    const pid = Number(fs.readFileSync(path.join(STACK, 'run/photos.pid'), 'utf8'));
    process.kill(pid, 'SIGTERM');
    const status = path.join(STACK, 'run/photos.status');
    for (let i = 0; i < 300 && !fs.existsSync(status); i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(fs.readFileSync(status, 'utf8').trim(), '0', 'carrete-photos exit status on SIGTERM');
    try {
      const response = await visit(pageA, '/', 503);
      await assertPage(pageA, response, dialogs);
      assert.ok(await pageA.locator('[role="alert"]').count() > 0, 'no role=alert');
      assert.ok(await pageA.locator('#folders').count() === 1, 'the folders still show');
    } finally {
      execFileSync(path.join(STACK, 'run/photos.start'), { stdio: 'ignore' });
      const ready = `${process.env.CARRETE_PHOTOS_URL}/readyz`;
      for (let i = 0; i < 600; i++) {
        try { if ((await fetch(ready)).ok) break; } catch { /* not listening yet */ }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await visit(pageA, '/');
    assert.equal(await cards(pageA), 2, 'the gallery is back once carrete-photos is');
  });

  // ---- weight, screenshots -------------------------------------------------------

  await step("the gallery's own HTML + CSS + JS weigh under 100 KB (decoded)", async () => {
    const ctx = await newContext(browser, { storageState: await ctxA.storageState() });
    const page = await ctx.newPage();
    const responses = [];
    page.on('response', (r) => { if (['document', 'stylesheet', 'script'].includes(r.request().resourceType())) responses.push(r); });
    await page.goto(BASE + '/', { waitUntil: 'load' });
    let decoded = 0;
    let transferred = 0;
    for (const r of responses) {
      const body = await r.body();
      const sizes = await r.request().sizes();
      decoded += body.length;
      transferred += sizes.responseBodySize + sizes.responseHeadersSize;
      diag(`${r.request().resourceType()} ${new URL(r.url()).pathname}: ${body.length} bytes decoded, ${sizes.responseBodySize} body bytes transferred`);
    }
    diag(`gallery weight before images: ${decoded} bytes decoded, ${transferred} bytes transferred (with headers)`);
    assert.ok(responses.some((r) => r.request().resourceType() === 'stylesheet'), 'no stylesheet loaded');
    assert.ok(decoded < 100 * 1024, `${decoded} bytes`);
    await ctx.close();
  });

  // The README's screenshots come from an account of their own, so that they
  // show none of the markup-injection names the other steps create.
  const ctxM = await newContext(browser);
  const pageM = await ctxM.newPage();
  await step('a tidy album for the screenshots: a new account, two folders, four photos (no-JavaScript upload)', async () => {
    const response = await register(pageM, `marta_${RUN}`, 'a tidy long secret');
    assert.equal(await redirectStatus(response), 303);
    state.albumId = await createFolder(pageM, 'Lisbon 2026', 'public', 'city, trip');
    await createFolder(pageM, 'Family', 'private', 'family');
    const ctx = await newContext(browser, { javaScriptEnabled: false, storageState: await ctxM.storageState() });
    const page = await ctx.newPage();
    await visit(page, `/upload?folder_id=${state.albumId}`);
    await page.setInputFiles('#upload-form input[type="file"]', images.album);
    const upload = await submit(page, '#upload-form');
    assert.equal(upload.status(), 200);
    assert.equal(await page.locator('#upload-results li.upload-ok').count(), 4);
    await ctx.close();
    await visit(pageM, `/folders/${state.albumId}`);
    assert.equal(await cards(pageM), 4);
    state.albumPhoto = await pageM.locator('#photo-grid a').first().getAttribute('href');
  });

  // ---- the end of the journey ----------------------------------------------------

  await step('Alice deletes the public folder with its photo', async () => {
    await visit(pageA, `/folders/${state.publicId}`);
    await pageA.check('#folder-delete [name="recursive"]');
    const response = await submit(pageA, '#folder-delete');
    assert.equal(response.status(), 200);
    assert.equal(new URL(pageA.url()).pathname, '/');
    assert.ok(!(await pageA.locator('#my-folders a').allInnerTexts()).includes(state.publicName));
    await visit(pageA, `/photos/${state.harbourId}`, 404);
  });

  // Screenshots last, once the markup-injection folders are gone.
  const shots = [
    ['login', null, '/login'],
    ['gallery', 'marta', '/'],
    ['photo', 'marta', () => state.albumPhoto],
    ['upload', 'marta', () => `/upload?folder_id=${state.albumId}`],
    ['folder', 'marta', () => `/folders/${state.albumId}`],
  ];
  const sideways = { 1280: [], 390: [] };
  for (const [width, height] of [[1280, 800], [390, 844]]) {
    await step(`screenshots at ${width}x${height}: login, gallery, photo, upload, folder`, async () => {
      const ctx = await newContext(browser, {
        viewport: { width, height },
        deviceScaleFactor: 1,
        storageState: await ctxM.storageState(),
      });
      const page = await ctx.newPage();
      fs.mkdirSync(SHOTS, { recursive: true });
      for (const [name, who, route] of shots) {
        await ctx.clearCookies();
        if (who) await ctx.addCookies((await ctxM.storageState()).cookies);
        const target = typeof route === 'function' ? route() : route;
        await visit(page, target);
        assert.equal(page.url(), BASE + target, `${name} was redirected`);
        assert.equal(await page.locator('#current-user').count(), who ? 1 : 0, `${name}: signed in?`);
        await page.waitForFunction(() => [...document.images].every((img) => img.complete), null, { timeout: 20000 });
        const overflow = await page.evaluate(() => {
          const past = (el) => el.getBoundingClientRect().right > window.innerWidth + 1;
          const describe = (el) => `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className ? '.' + String(el.className).split(' ').join('.') : ''}> ${Math.round(el.getBoundingClientRect().width)} px`;
          const all = [...document.body.querySelectorAll('*')];
          // The outermost elements past the edge (whose parent fits), and the
          // innermost ones (none of whose children is past it): the culprits.
          return {
            excess: document.documentElement.scrollWidth - window.innerWidth,
            outer: all.filter((el) => past(el) && !past(el.parentElement)).slice(0, 4).map(describe),
            inner: all.filter((el) => past(el) && ![...el.children].some(past)).slice(0, 6).map(describe),
          };
        });
        await page.screenshot({ path: path.join(SHOTS, `${name}-${width}x${height}.png`) });
        if (overflow.excess > 0) {
          sideways[width].push(`${name} is ${overflow.excess} px too wide; outermost: ${overflow.outer.join(', ')}; innermost: ${overflow.inner.join(', ')}`);
        }
      }
      await ctx.close();
    });
  }
  for (const [width, height] of [[1280, 800], [390, 844]]) {
    await step(`no screenshot page scrolls sideways at ${width}x${height}`, async () => {
      assert.deepEqual(sideways[width], [], `pages wider than ${width} px`);
    });
  }

  await step('Marta edits her album (new name, private); Bob then gets 404 for it', async () => {
    await visit(pageM, `/folders/${state.albumId}`);
    await pageM.fill('#folder-edit [name="name"]', 'Lisbon 2026 (family only)');
    await pageM.selectOption('#folder-edit [name="visibility"]', 'private');
    const response = await submit(pageM, '#folder-edit');
    assert.equal(response.status(), 200);
    assert.equal(new URL(pageM.url()).pathname, `/folders/${state.albumId}`);
    assert.equal(await pageM.locator('h1').innerText(), 'Lisbon 2026 (family only)');
    assert.equal(await pageM.locator('#folder-visibility').getAttribute('data-visibility'), 'private');
    await visit(pageB, `/folders/${state.albumId}`, 404);
    await visit(pageB, state.albumPhoto, 404);
    await visit(pageB, '/');
    assert.equal(await pageB.locator(`a[href="/folders/${state.albumId}"]`).count(), 0);
  });

  // ---- resumable uploads (files over CARRETE_WEB_RESUMABLE_BYTES) -----------

  const PART_ROUTE = /\/upload\/resumable\/[^/]+\/parts\/\d+$/;
  const isPart = (r) => r.request().method() === 'PUT' && /^\/upload\/resumable\/[^/]+\/parts\/\d+$/.test(new URL(r.url()).pathname);
  const sha256 = (buffer) => crypto.createHash('sha256').update(buffer).digest('hex');

  // A context of its own: the resume question is a confirm() to accept,
  // where the journey's pages must open no dialog at all.
  async function resumableContext() {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, storageState: await ctxA.storageState() });
    ctx.setDefaultTimeout(120000);
    ctx.setDefaultNavigationTimeout(30000);
    return ctx;
  }

  // The photo the upload-ok item links to has exactly `file`'s bytes.
  async function assertLanded(page, file) {
    const item = page.locator('#upload-queue li.upload-ok');
    await item.waitFor();
    assert.match(await item.innerText(), new RegExp(file.name.replace('.', '\\.')));
    const href = await item.locator('a').getAttribute('href');
    assert.match(href, /^\/photos\//);
    await visit(page, href);
    const original = await page.locator('figcaption a').getAttribute('href');
    const answer = await page.request.get(new URL(original, BASE).toString());
    assert.equal(answer.status(), 200);
    const bytes = await answer.body();
    assert.equal(bytes.length, file.buffer.length, 'the stored size');
    assert.equal(sha256(bytes), sha256(file.buffer), 'the stored bytes');
    const kept = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('carrete-upload:')));
    assert.deepEqual(kept, [], 'the finished upload is forgotten');
  }

  await step(`with JavaScript: a file over ${RESUMABLE} bytes goes part by part (resumable) and lands with its exact bytes`, async () => {
    const big = makeBigPng(`big-${RUN}.png`, 20 * 1024 * 1024);
    const ctx = await resumableContext();
    const page = await ctx.newPage();
    const seen = [];
    page.on('dialog', (d) => { seen.push(d.message()); d.dismiss(); });
    const parts = [];
    let posts = 0;
    page.on('response', (r) => {
      if (isPart(r)) parts.push(r.status());
      if (r.request().method() === 'POST' && new URL(r.url()).pathname === '/upload') posts += 1;
    });
    await visit(page, '/upload');
    assert.equal(Number(await page.getAttribute('#upload-form', 'data-resumable-bytes')), RESUMABLE);
    await page.setInputFiles('#upload-form input[type="file"]', [big]);
    await page.locator('#upload-form button[type="submit"]').first().click();
    await assertLanded(page, big);
    assert.deepEqual(parts, [200, 200, 200], 'three parts of 8 + 8 + 4 MiB, each once');
    assert.equal(posts, 0, 'not through POST /upload');
    assert.deepEqual(seen, [], 'no question for a new upload');
    await ctx.close();
  });

  await step('with JavaScript: a reload mid-way, then the same file chosen again, resumes and sends only the missing parts', async () => {
    const big = makeBigPng(`resumed-${RUN}.png`, 20 * 1024 * 1024);
    // A file on disk, as a person picks it: the same modification time both
    // times (a buffer would get a new lastModified on each choice).
    const onDisk = path.join(STACK, big.name);
    fs.writeFileSync(onDisk, big.buffer);
    const ctx = await resumableContext();
    const page = await ctx.newPage();
    const questions = [];
    page.on('dialog', (d) => { questions.push(d.message()); d.accept(); });
    await visit(page, '/upload');
    await page.setInputFiles('#upload-form input[type="file"]', [onDisk]);
    // Exactly one part reaches the server before the reload: the others
    // (two go at once) are cut as a lost connection would, or on a fast
    // machine every part could land before the reload and nothing be left
    // to resume.
    let letThrough = 1;
    const cutAfterFirst = (route) => (letThrough-- > 0 ? route.continue() : route.abort('connectionreset'));
    await page.route(PART_ROUTE, cutAfterFirst);
    const firstPart = page.waitForResponse((r) => isPart(r) && r.status() === 200);
    await page.locator('#upload-form button[type="submit"]').first().click();
    await firstPart;
    await page.reload();
    await page.unroute(PART_ROUTE, cutAfterFirst);
    const kept = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('carrete-upload:')));
    assert.equal(kept.length, 1, 'the unfinished upload is remembered across the reload');

    const parts = [];
    page.on('response', (r) => { if (isPart(r)) parts.push(r.status()); });
    const status = page.waitForResponse((r) => r.request().method() === 'GET' && /^\/upload\/resumable\/[^/]+$/.test(new URL(r.url()).pathname));
    await page.setInputFiles('#upload-form input[type="file"]', [onDisk]);
    await page.locator('#upload-form button[type="submit"]').first().click();
    assert.equal((await status).status(), 200, 'the server still has the upload');
    await assertLanded(page, big);
    assert.equal(questions.length, 1, `one question: ${questions}`);
    assert.ok(questions[0].includes(big.name), `the question names the file: ${questions[0]}`);
    assert.deepEqual(parts, [200, 200], `only the two missing parts went again: ${parts}`);
    await ctx.close();
    fs.unlinkSync(onDisk);
  });

  // ---- sharing a folder with a member -----------------------------------------

  await step('Alice shares her private folder with Bob as a contributor (Share section)', async () => {
    await visit(pageA, `/folders/${state.privateId}`);
    assert.equal(await pageA.locator('#share #members li.member').count(), 0);
    await pageA.fill('#member-add [name="username"]', bob.username);
    await pageA.selectOption('#member-add [name="role"]', 'contributor');
    const response = await submit(pageA, '#member-add');
    assert.equal(response.status(), 200);
    assert.equal(await redirectStatus(response), 303);
    await assertPage(pageA, response, dialogs);
    const member = pageA.locator('#share #members li.member');
    assert.equal(await member.count(), 1);
    assert.equal((await member.locator('.member-name').innerText()).trim(), bob.username);
    assert.equal(await member.locator('select[name="role"]').inputValue(), 'contributor');
    state.bobId = await member.getAttribute('data-user');
  });

  // ---- sharing a folder by link ----------------------------------------------

  await step('Alice makes a share link with a password for the same folder (its address shown once)', async () => {
    await visit(pageA, `/folders/${state.privateId}`);
    assert.equal(await pageA.locator('#links #link-list li.share-link').count(), 0);
    await pageA.fill('#link-create [name="label"]', 'Family');
    await pageA.fill('#link-create [name="password"]', 'family secret');
    const response = await submit(pageA, '#link-create');
    assert.equal(response.status(), 201);
    await assertPage(pageA, response, dialogs);
    const address = await pageA.locator('#link-url').inputValue();
    // The address the visitor will be given: this carrete-web's own.
    assert.equal(new URL(address).origin, new URL(BASE).origin);
    state.linkPath = new URL(address).pathname;
    assert.match(state.linkPath, /^\/s\/[A-Za-z0-9_-]{43}$/);
    await visit(pageA, `/folders/${state.privateId}`);
    const link = pageA.locator('#links #link-list li.share-link');
    assert.equal(await link.count(), 1);
    assert.equal((await link.locator('.link-label').innerText()).trim(), 'Family');
    assert.match(await link.locator('.link-password').innerText(), /Password protected/);
    assert.equal((await pageA.content()).includes(state.linkPath), false, 'the token is shown only once');
  });

  await step('an anonymous visitor opens the link: a password form, a wrong password (401), then the photos', async () => {
    ctxV = await newContext(browser);
    pageV = await ctxV.newPage();
    let response = await visit(pageV, state.linkPath, 401);
    await assertPage(pageV, response, dialogs);
    await pageV.fill('#link-password [name="password"]', 'family secrets');
    response = await submit(pageV, '#link-password');
    assert.equal(response.status(), 401);
    assert.match(await pageV.locator('[role="alert"]').innerText(), /Wrong password/);
    await pageV.fill('#link-password [name="password"]', 'family secret');
    response = await submit(pageV, '#link-password');
    assert.equal(response.status(), 200);
    assert.equal(await redirectStatus(response), 303);
    await assertPage(pageV, response, dialogs);
    state.linkCards = await cards(pageV);
    assert.ok(state.linkCards >= 1, 'the folder has photos');
    await pageV.waitForFunction(() => [...document.querySelectorAll('#photo-grid img')].every((i) => i.complete && i.naturalWidth > 0), null, { timeout: 20000 });
    await Promise.all([pageV.waitForNavigation(), pageV.locator('#photo-grid li.photo-card a').first().click()]);
    assert.ok(new URL(pageV.url()).pathname.startsWith(`${state.linkPath}/photos/`), pageV.url());
    await pageV.waitForFunction(() => document.getElementById('photo-full').naturalWidth > 0, null, { timeout: 20000 });
    assert.equal(await pageV.locator('#photo-original').count(), 1, 'downloads are allowed by default');
    assert.equal(await pageV.locator('#logout-form, #link-create, #share').count(), 0);
  });

  await step('sharing with an unknown username says so (4xx) and adds nobody', async () => {
    await visit(pageA, `/folders/${state.privateId}`);
    await pageA.fill('#member-add [name="username"]', `nobody_${RUN}`);
    const response = await submit(pageA, '#member-add');
    assert.ok(response.status() >= 400 && response.status() < 500, `status ${response.status()}`);
    assert.match(await pageA.locator('[role="alert"]').innerText(), /username|usuario/);
    await visit(pageA, `/folders/${state.privateId}`);
    assert.equal(await pageA.locator('#share #members li.member').count(), 1);
  });

  await step('Bob sees the folder under Shared with me and uploads into it (no JavaScript)', async () => {
    const response = await visit(pageB, '/shared');
    await assertPage(pageB, response, dialogs);
    const link = pageB.locator(`#shared-folders a[href="/folders/${state.privateId}"]`);
    assert.equal(await link.count(), 1);
    await link.click();
    await pageB.waitForURL(`**/folders/${state.privateId}`);
    assert.equal(await pageB.locator('#contributor-tools').count(), 1);
    assert.equal(await pageB.locator('#folder-edit, #folder-delete, #share').count(), 0, 'owner forms shown to Bob');
    const before = await cards(pageB);
    const ctx = await newContext(browser, { javaScriptEnabled: false, storageState: await ctxB.storageState() });
    const page = await ctx.newPage();
    await visit(page, `/upload?folder_id=${state.privateId}`);
    assert.equal(await page.locator('#upload-form [name="folder_id"]').inputValue(), state.privateId);
    await page.setInputFiles('#upload-form input[type="file"]', [images.harbour]);
    const uploaded = await submit(page, '#upload-form');
    assert.equal(uploaded.status(), 200);
    assert.equal(await page.locator('#upload-results li.upload-ok').count(), 1);
    await ctx.close();
    await visit(pageB, `/folders/${state.privateId}`);
    assert.equal(await cards(pageB), before + 1, "Bob's photo is in Alice's folder");
  });

  await step("the visitor's next load of the link shows Bob's photo too", async () => {
    await visit(pageV, state.linkPath);
    assert.equal(await cards(pageV), state.linkCards + 1);
  });

  await step('Alice trashes a photo of the shared folder and restores it; the visitor sees it go and come back', async () => {
    // Alice's own photo (the sunrise, moved here earlier): Bob's would go
    // to his trash, not hers.
    const photoId = state.sunriseId;
    await visit(pageA, `/folders/${state.privateId}`);
    await Promise.all([pageA.waitForNavigation(), pageA.locator(`#photo-grid a[href="/photos/${photoId}"]`).click()]);
    let response = await submit(pageA, '#photo-delete');
    assert.equal(response.status(), 200);
    await visit(pageV, state.linkPath);
    assert.equal(await cards(pageV), state.linkCards);
    await visit(pageV, `${state.linkPath}/photos/${photoId}`, 404);
    await visit(pageA, '/trash');
    response = await submit(pageA, `#trash-${photoId} form.trash-restore`);
    assert.equal(response.status(), 200);
    assert.equal(await redirectStatus(response), 303);
    await visit(pageV, state.linkPath);
    assert.equal(await cards(pageV), state.linkCards + 1);
    await visit(pageV, `${state.linkPath}/photos/${photoId}`);
  });

  await step("Alice revokes the link; the visitor's next load says the link is gone (404)", async () => {
    await visit(pageA, `/folders/${state.privateId}`);
    const response = await submit(pageA, '#links li.share-link form.link-revoke');
    assert.equal(response.status(), 200);
    assert.equal(await redirectStatus(response), 303);
    assert.equal(await pageA.locator('#links #link-list li.share-link').count(), 0);
    const gone = await visit(pageV, state.linkPath, 404);
    await assertPage(pageV, gone, dialogs);
    assert.match(await pageV.locator('[role="alert"]').innerText(), /does not exist, has expired or was revoked/);
    assert.equal(await cards(pageV), 0);
    await ctxV.close();
  });

  await step('Alice removes Bob; his next load of the folder is the not-found page', async () => {
    await visit(pageA, `/folders/${state.privateId}`);
    const response = await submit(pageA, `#share li.member[data-user="${state.bobId}"] form.member-remove`);
    assert.equal(response.status(), 200);
    assert.equal(await pageA.locator('#share #members li.member').count(), 0);
    const gone = await visit(pageB, `/folders/${state.privateId}`, 404);
    await assertPage(pageB, gone, dialogs);
    await visit(pageB, '/shared');
    assert.equal(await pageB.locator(`#shared-folders a[href="/folders/${state.privateId}"]`).count(), 0);
  });

  await step('Alice and Bob sign out', async () => {
    for (const page of [pageA, pageB]) {
      await visit(page, '/');
      await submit(page, '#logout-form');
      assert.equal(new URL(page.url()).pathname, '/login');
      await visit(page, '/');
      assert.equal(new URL(page.url()).pathname, '/login');
    }
  });

  await step('no page opened a dialog', async () => {
    assert.deepEqual(dialogs, []);
  });

}

// A hung page must not hold the suite until Meson's timeout.
setTimeout(() => {
  require('./tap').report(false, 'the browser journey finished within 10 minutes');
  plan();
  process.exit(1);
}, 10 * 60 * 1000).unref();

main().then(() => {
  process.exitCode = plan() ? 1 : 0;
}).catch((error) => {
  require('./tap').report(false, 'the browser journey ran to its end', error);
  plan();
  process.exitCode = 1;
});
