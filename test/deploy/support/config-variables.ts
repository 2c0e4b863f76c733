import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../../../server/src/config/config.js';

/** A variable named by a deployment file, and where. */
export interface NamedVariable {
  name: string;
  where: string;
}

/** The names among `named` that the config module does not read, with where each was found. */
export function unknownVariables(named: NamedVariable[]): string[] {
  const known = new Set(CONFIG_VARIABLES);
  return named.filter((v) => !known.has(v.name)).map((v) => `${v.name} (${v.where})`);
}

/**
 * The variables production requires, read from the config module's own verdict on an empty production
 * environment ("DATABASE_URL: required in production", …), so a new required setting is covered too.
 */
export function productionRequiredVariables(): string[] {
  try {
    loadConfig({ NODE_ENV: 'production' });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems
      .map((problem) => /^([A-Z][A-Z0-9_]*): required/.exec(problem)?.[1])
      .filter((name): name is string => name !== undefined);
  }
  throw new Error('an empty production environment was accepted: the config module lost its mode rules');
}

/** Whether a set of names provides a variable, directly or as its `NAME_FILE` form. */
export function provides(names: Set<string>, variable: string): boolean {
  return names.has(variable) || names.has(`${variable}_FILE`);
}
