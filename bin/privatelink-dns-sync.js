#!/usr/bin/env node
'use strict';
// Runs the compiled CLI (npm run build); during development use `npm run cli -- <command>`.
require('../dist/src/cli/main.js')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
