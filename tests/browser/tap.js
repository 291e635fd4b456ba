'use strict';
// A minimal TAP producer: one line per step.  A step is an async function
// that throws (assert) on the first thing that is wrong; the error goes out
// as a TAP diagnostic so the failure says what the page did.

let count = 0;
let failures = 0;

function diag(text) {
  for (const line of String(text).split('\n')) process.stdout.write(`# ${line}\n`);
}

function report(passed, name, error) {
  count += 1;
  if (!passed) failures += 1;
  process.stdout.write(`${passed ? 'ok' : 'not ok'} ${count} - ${name.replace(/[\r\n#]/g, ' ')}\n`);
  if (error) diag(error.stack || error);
}

async function step(name, fn) {
  try {
    await fn();
    report(true, name);
    return true;
  } catch (error) {
    report(false, name, error);
    return false;
  }
}

function plan() {
  process.stdout.write(`1..${count}\n`);
  return failures;
}

module.exports = { step, report, diag, plan };
