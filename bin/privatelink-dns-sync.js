#!/usr/bin/env node
'use strict';
// Runs the compiled CLI (npm run build); during development use `npm run cli -- <command>`.
const path = require('node:path');

const compiled = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
let cli;
try {
  cli = require(compiled);
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes(compiled)) {
    process.stderr.write(
      'error: privatelink-dns-sync is not built yet: run `npm run build` in ' +
        path.join(__dirname, '..') +
        ' (or run it from the sources: npm run -s cli -- <command>)\n',
    );
    process.exit(1);
  }
  throw error;
}
cli.exitQuietlyOnClosedPipe();
cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
