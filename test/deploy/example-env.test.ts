import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { CONFIG_VARIABLES, SECRET_VARIABLES } from '../../server/src/config/config.js';
import { repoRoot } from '../support/processes.js';
import { unknownVariables } from './support/config-variables.js';

/** `NAME=value` lines of example.env (comments aside). */
function exampleEnvNames(): string[] {
  return readFileSync(path.join(repoRoot, 'example.env'), 'utf8')
    .split('\n')
    .map((line) => /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
}

describe('example.env and the config module', () => {
  it('names only variables that the config module reads', () => {
    const named = exampleEnvNames().map((name) => ({ name, where: 'example.env' }));
    expect(named.length).to.be.greaterThan(10);
    expect(unknownVariables(named)).to.deep.equal([]);
  });

  it('lists every variable the config module reads (NAME_FILE forms are described once, in its header)', () => {
    const listed = new Set(exampleEnvNames());
    const fileForms = new Set(SECRET_VARIABLES.map((name) => `${name}_FILE`));
    const missing = CONFIG_VARIABLES.filter((name) => !fileForms.has(name) && !listed.has(name));
    expect(missing).to.deep.equal([]);
  });
});
