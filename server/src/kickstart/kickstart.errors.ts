import { AppError } from '../shared/errors.js';

export const KickstartErrors = {
  invalid: (file: string, problems: string[]) =>
    new AppError(
      'kickstart_invalid',
      400,
      `Kickstart file ${file} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      {
        details: { problems },
      },
    ),
  unreadable: (file: string, cause: unknown) =>
    new AppError(
      'kickstart_unreadable',
      400,
      `Kickstart file ${file} cannot be read or parsed: ${String((cause as Error)?.message ?? cause)}`,
      { cause },
    ),
};

/** `tenants.0.applications.1.clientSecrett` → `tenants[0].applications[1].clientSecrett`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out === '' ? String(key) : `${out}.${String(key)}`;
  }, '');
}
