#!/usr/bin/env node
// The `portico` command. Runs the compiled server (npm ci builds it through the root "prepare" script).
import { main } from '../../dist/server/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
