'use strict';
// Checks shared by every page the journey visits: the contract's markup
// targets (one h1, alt on every image, a label for every field, a language),
// no inline script or style, a CSRF field in every POST form, the security
// headers, and no trace of the injected markup the tests plant.
const assert = require('node:assert/strict');

// Runs in the page.  Returns a list of problems; empty means the page passes.
function markupProblems() {
  const problems = [];
  const h1s = document.querySelectorAll('h1').length;
  if (h1s !== 1) problems.push(`${h1s} <h1> elements, expected exactly one`);
  const lang = document.documentElement.getAttribute('lang') || '';
  if (!/^(en|es)\b/.test(lang)) problems.push(`<html lang="${lang}">, expected en or es`);
  for (const img of document.querySelectorAll('img')) {
    if (!img.hasAttribute('alt')) problems.push(`<img src="${img.getAttribute('src')}"> has no alt`);
  }
  const unlabelledTypes = new Set(['hidden', 'submit', 'button', 'reset', 'image']);
  for (const field of document.querySelectorAll('input, select, textarea')) {
    if (field.tagName === 'INPUT' && unlabelledTypes.has(field.type)) continue;
    const byFor = field.id && document.querySelector(`label[for="${CSS.escape(field.id)}"]`);
    const labelled = byFor || field.closest('label') ||
      field.getAttribute('aria-label') || field.getAttribute('aria-labelledby');
    if (!labelled) problems.push(`<${field.tagName.toLowerCase()} name="${field.name}"> has no label`);
  }
  for (const script of document.querySelectorAll('script')) {
    if (!script.hasAttribute('src')) problems.push('an inline <script>');
    else if (!script.getAttribute('src').startsWith('/static/')) problems.push(`script from ${script.src}`);
  }
  if (document.querySelector('style')) problems.push('a <style> element');
  if (document.querySelector('[style]')) problems.push('a style= attribute');
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (/^on/i.test(attr.name)) problems.push(`${attr.name}= on <${el.tagName.toLowerCase()}>`);
    }
  }
  for (const form of document.querySelectorAll('form')) {
    if ((form.getAttribute('method') || 'get').toLowerCase() !== 'post') continue;
    if (!form.querySelector('input[type="hidden"][name="csrf_token"]')) {
      problems.push(`POST form ${form.id || form.getAttribute('action')} has no csrf_token`);
    }
  }
  if (!document.getElementById('insecure-notice')) {
    problems.push('no #insecure-notice although the cookies are not Secure');
  }
  return problems;
}

function headerProblems(headers) {
  const problems = [];
  const csp = headers['content-security-policy'] || '';
  if (!/default-src 'self'/.test(csp)) problems.push(`CSP without default-src 'self': "${csp}"`);
  if (/unsafe-inline/.test(csp)) problems.push("CSP allows 'unsafe-inline'");
  if (!/frame-ancestors 'none'/.test(csp)) problems.push("CSP without frame-ancestors 'none'");
  if (!/form-action 'self'/.test(csp)) problems.push("CSP without form-action 'self'");
  if ((headers['x-content-type-options'] || '').toLowerCase() !== 'nosniff') {
    problems.push('no X-Content-Type-Options: nosniff');
  }
  if ((headers['x-frame-options'] || '').toUpperCase() !== 'DENY') problems.push('no X-Frame-Options: DENY');
  if (!/^(same-origin|no-referrer)$/i.test(headers['referrer-policy'] || '')) {
    problems.push(`Referrer-Policy "${headers['referrer-policy']}"`);
  }
  return problems;
}

// Runs in the page: anything the planted payloads would have made if they
// had been parsed as markup.  (CSP would stop the script from running, so
// the test looks for the elements themselves, not for their effect.)
function injectedElements() {
  const found = [];
  for (const script of document.querySelectorAll('script')) {
    if (!script.hasAttribute('src')) found.push(`<script>${script.textContent}</script>`);
  }
  for (const img of document.querySelectorAll('img[src="x"], img[onerror], [onerror]')) {
    found.push(img.outerHTML);
  }
  return found;
}

// Fails unless the page loaded through `response` meets the contract.
async function assertPage(page, response, dialogs) {
  assert.ok(response, 'no response for the page');
  const problems = [...headerProblems(response.headers()), ...await page.evaluate(markupProblems)];
  const injected = await page.evaluate(injectedElements);
  if (injected.length) problems.push(`injected elements: ${injected.join(', ')}`);
  if (dialogs.length) problems.push(`dialogs opened: ${dialogs.join(', ')}`);
  assert.deepEqual(problems, [], `${page.url()} (${response.status()})`);
}

async function assertInert(page, dialogs) {
  const injected = await page.evaluate(injectedElements);
  assert.deepEqual(injected, [], `injected elements on ${page.url()}`);
  assert.deepEqual(dialogs, [], `dialogs on ${page.url()}`);
}

module.exports = { assertPage, assertInert, markupProblems };
