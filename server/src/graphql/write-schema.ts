import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { schemaSdl } from './schema.js';

/**
 * `npm run schema`: writes the GraphQL SDL to schema.graphql at the repository root (compiled to
 * dist/server/src/graphql/, four levels below it). A test fails when the file drifts from the code.
 */
const SCHEMA_FILE = path.resolve(import.meta.dirname, '../../../../schema.graphql');

writeFileSync(SCHEMA_FILE, schemaSdl());
process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
