'use strict';
// The "Sign in with …" journey of carrete-web against a real Keycloak
// (tests/browser/run-browser.sh --oidc): a first sign-in through the
// provider makes the account; signing out ends the provider's session too
// (the next "Sign in with …" asks for the password again); a password
// account links the provider on its account page and afterwards signs in
// through it.  Prints TAP.
//
// run-browser.sh starts the stack and Keycloak and sets the environment:
//   CARRETE_WEB_URL              where carrete-web listens
//   CARRETE_OIDC_ISSUER_URL      Keycloak's realm
//   CARRETE_OIDC_PASSWORD_ANA, CARRETE_OIDC_PASSWORD_BO   the Keycloak users' passwords
//   CARRETE_SCREENSHOT_DIR       where the screenshots go
//   PLAYWRIGHT_CORE, CHROMIUM    the module and the browser
const assert = require('node:assert/strict');
const path = require('node:path');
const { chromium } = require(process.env.PLAYWRIGHT_CORE);
const { step, diag, plan } = require('./tap');
const { assertPage } = require('./pages');

const BASE = process.env.CARRETE_WEB_URL;
const ISSUER = process.env.CARRETE_OIDC_ISSUER_URL;
const SHOTS = process.env.CARRETE_SCREENSHOT_DIR;
const ANA = { username: 'oidc_ana', password: process.env.CARRETE_OIDC_PASSWORD_ANA };
const BO = { username: 'oidc_bo', password: process.env.CARRETE_OIDC_PASSWORD_BO };
const BO_PW = { username: 'bo_pw', password: `pw-${Date.now().toString(36)}-bo` };

const dialogs = []; // every dialog any page opened: none may open

async function newContext(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(15000);
  context.setDefaultNavigationTimeout(30000);
  context.on('page', (page) => page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); }));
  return context;
}

async function visit(page, route, status = 200) {
  const response = await page.goto(BASE + route);
  assert.equal(response.status(), status, `GET ${route} answered ${response.status()}`);
  return response;
}

// Clicks and waits for the navigation it starts; the final response.
async function clickThrough(page, selector) {
  const [response] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  return response;
}

// "Sign in with …" from the sign-in page: Keycloak's own form must ask for
// the credentials (no provider session is left in this browser).
async function toProviderForm(page, start) {
  await clickThrough(page, start);
  assert.ok(page.url().startsWith(ISSUER), `"Sign in with …" led to ${page.url()}, not to Keycloak`);
  assert.equal(await page.locator('#kc-form-login').count(), 1, 'Keycloak asks for the credentials');
}

// Fills Keycloak's form; the response carrete-web ends the flow with.
async function signInAtProvider(page, who) {
  await page.fill('#kc-form-login [name="username"]', who.username);
  await page.fill('#kc-form-login [name="password"]', who.password);
  const response = await clickThrough(page, '#kc-form-login [type="submit"]');
  assert.ok(page.url().startsWith(BASE), `Keycloak sent the browser to ${page.url()}`);
  return response;
}

async function currentUser(page) {
  return (await page.locator('#current-user').innerText()).trim();
}

// Sign-out: Carrete's, then the provider's, which sends the browser back to /login.
async function signOut(page) {
  await Promise.all([
    page.waitForURL(`${BASE}/login`),
    page.click('#logout-form button[type="submit"]'),
  ]);
  assert.equal(await page.locator('#current-user').count(), 0, 'signed out of Carrete');
}

async function journey(browser) {
  const anaContext = await newContext(browser);
  const ana = await anaContext.newPage();

  await step('"Sign in with …" through Keycloak makes the account on the first sign-in', async () => {
    const response = await visit(ana, '/login');
    await assertPage(ana, response, dialogs);
    await toProviderForm(ana, '#oidc-sign-in');
    const back = await signInAtProvider(ana, ANA);
    assert.equal(new URL(ana.url()).pathname, '/', 'back on the gallery');
    await assertPage(ana, back, dialogs);
    assert.equal(await currentUser(ana), ANA.username);
  });

  await step('signing out ends the provider session too: "Sign in with …" asks for the password again', async () => {
    await signOut(ana);
    await toProviderForm(ana, '#oidc-sign-in');
    await signInAtProvider(ana, ANA);
    assert.equal(await currentUser(ana), ANA.username, 'the same account again');
  });

  const boContext = await newContext(browser);
  const bo = await boContext.newPage();

  await step('a password account links the provider on its account page', async () => {
    await visit(bo, '/register');
    await bo.fill('#register-form [name="username"]', BO_PW.username);
    await bo.fill('#register-form [name="email"]', 'bo.password@example.org');
    await bo.fill('#register-form [name="password"]', BO_PW.password);
    await clickThrough(bo, '#register-form button[type="submit"]');
    assert.equal(await currentUser(bo), BO_PW.username);
    await clickThrough(bo, '#nav-account');
    await toProviderForm(bo, '#oidc-link');
    const form = await signInAtProvider(bo, BO);
    assert.equal(await bo.locator('#oidc-link-form').count(), 1, 'the password form follows the provider');
    await assertPage(bo, form, dialogs);
    await bo.screenshot({ path: path.join(SHOTS, 'oidc-link.png'), fullPage: true });
    await bo.fill('#oidc-link-form [name="password"]', BO_PW.password);
    const linked = await clickThrough(bo, '#oidc-link-form button[type="submit"]');
    assert.equal(new URL(bo.url()).pathname, '/account');
    await assertPage(bo, linked, dialogs);
    assert.match(await bo.locator('[role="status"]').innerText(), /Linked/);
  });

  await step('…and afterwards signs in through it, as the password account', async () => {
    await signOut(bo);
    await toProviderForm(bo, '#oidc-sign-in');
    await signInAtProvider(bo, BO);
    assert.equal(await currentUser(bo), BO_PW.username);
  });

  await step('no page opened a dialog', async () => {
    assert.deepEqual(dialogs, []);
  });
  await anaContext.close();
  await boContext.close();
}

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  diag(`chromium ${browser.version()}, carrete-web at ${BASE}, Keycloak at ${ISSUER}`);
  try {
    await journey(browser);
  } finally {
    await browser.close();
  }
}

setTimeout(() => {
  require('./tap').report(false, 'the OpenID Connect journey finished within 5 minutes');
  plan();
  process.exit(1);
}, 5 * 60 * 1000).unref();

main().then(() => {
  process.exitCode = plan() ? 1 : 0;
}).catch((error) => {
  require('./tap').report(false, 'the OpenID Connect journey ran to its end', error);
  plan();
  process.exitCode = 1;
});
