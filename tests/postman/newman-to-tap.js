#!/usr/bin/env node
// Turns newman's JSON report into TAP result lines, unnumbered ("ok - …" /
// "not ok - …"; run-newman.sh numbers them and adds the plan):
//   one line per assertion (pm.test), named "<request>: <assertion>";
//   one "not ok" line per request that got no answer (refused, timed out);
//   one "not ok" line per script that threw (a broken script is a failure
//   even when it threw before its first pm.test).
'use strict';

const fs = require('fs');

const report = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const run = report.run;
const lines = [];

// "#" starts a TAP directive and a newline ends the line: keep both out.
function clean(text) {
  return String(text).replace(/#/g, 'no.').replace(/\s+/g, ' ').trim();
}

function result(ok, text) {
  lines.push(`${ok ? 'ok' : 'not ok'} - ${clean(text)}`);
}

for (const execution of run.executions) {
  const name = execution.item.name;
  if (execution.requestError) {
    const err = execution.requestError;
    result(false, `${name}: request failed (${err.code || err.message || 'no answer'})`);
  }
  for (const assertion of execution.assertions || []) {
    if (assertion.skipped) {
      lines.push(`ok - ${clean(`${name}: ${assertion.assertion}`)} # SKIP`);
    } else if (assertion.error) {
      result(false, `${name}: ${assertion.assertion} (${assertion.error.message})`);
    } else {
      result(true, `${name}: ${assertion.assertion}`);
    }
  }
}

for (const failure of run.failures || []) {
  const at = String(failure.at || '');
  const error = failure.error || {};
  if (/script/.test(at) && error.name !== 'AssertionError' && !/^assertion/.test(at)) {
    const source = (failure.source && failure.source.name) || 'collection';
    result(false, `${source}: ${at} threw ${error.name}: ${error.message}`);
  }
}

if (lines.length === 0) {
  result(false, 'the collection ran no assertion');
}
process.stdout.write(lines.join('\n') + '\n');
