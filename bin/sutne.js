#!/usr/bin/env node
'use strict';
// The CLI runs from the compiled build (`npm run build`; `npm ci` builds it through `prepare`).
require('../dist/cli/main.js').main(process.argv, { env: process.env }).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(err instanceof Error ? err.message : err); process.exitCode = 2; },
);
