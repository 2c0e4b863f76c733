#!/usr/bin/env node
// The `portico` command. Runs the compiled server (npm ci builds it through the root "prepare" script).
import module from 'node:module';

// Node 22.1+ keeps V8's compiled code between starts (in the OS temp folder): a faster start-up, since
// loading modules is most of it (docs/PERFORMANCE.md). Older Node has no such API and starts as before.
module.enableCompileCache?.();
const { main } = await import('../../dist/server/src/cli/main.js');

process.exitCode = await main(process.argv.slice(2));
