import { InitialSchema1764403200000 } from './1764403200000-initial-schema.js';
import { UserSearchIndexes1795949446155 } from './1795949446155-user-search-indexes.js';
import { Messaging1796000000000 } from './1796000000000-messaging.js';
import { ConsentProfiles1796000100000 } from './1796000100000-consent-profiles.js';
import { Mfa1796000200000 } from './1796000200000-mfa.js';

/** Every migration, in order. Append only (STYLE.md §7). */
export const MIGRATIONS = [
  InitialSchema1764403200000,
  UserSearchIndexes1795949446155,
  Messaging1796000000000,
  ConsentProfiles1796000100000,
  Mfa1796000200000,
];
