import { InitialSchema1764403200000 } from './1764403200000-initial-schema.js';

/** Every migration, in order. Append only (STYLE.md §7). */
export const MIGRATIONS = [InitialSchema1764403200000];
