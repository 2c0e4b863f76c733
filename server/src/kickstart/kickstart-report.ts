/** What applying a kickstart file changed; `changes` is 0 when the database already matched the file. */
export class KickstartReport {
  readonly created: Record<string, number> = {};
  readonly updated: Record<string, number> = {};
  /** API keys the file named without a key: generated now and shown once. */
  readonly generatedApiKeys: { tenant: string; name: string; key: string }[] = [];
  /** Slugs of the tenants whose declaration changed something. */
  readonly tenants = new Set<string>();

  get changes(): number {
    const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
    return sum(this.created) + sum(this.updated);
  }

  noteCreated(kind: string): void {
    this.created[kind] = (this.created[kind] ?? 0) + 1;
  }

  noteUpdated(kind: string, changed = true): void {
    if (changed) this.updated[kind] = (this.updated[kind] ?? 0) + 1;
  }
}

/** JSON with sorted keys: jsonb does not keep key order, so compare values this way. */
export function sameValue(a: unknown, b: unknown): boolean {
  return stableJson(a) === stableJson(b);
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y)),
        )
      : v,
  );
}

/**
 * Copies the declared (defined) fields of `declared` onto `entity` where they differ; returns whether
 * anything changed, so an unchanged entity is not saved (applying a file twice changes nothing).
 */
export function assignDeclared<T extends object>(entity: T, declared: Partial<T>): boolean {
  let changed = false;
  for (const [key, value] of Object.entries(declared)) {
    if (value === undefined) continue;
    const current = (entity as Record<string, unknown>)[key];
    if (sameValue(current, value)) continue;
    (entity as Record<string, unknown>)[key] = value;
    changed = true;
  }
  return changed;
}
