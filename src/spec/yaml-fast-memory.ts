/**
 * How the fast YAML reader builds its maps and sequences so that they cost about what JSON.parse's
 * do (#18: a spec is kept for the whole run, and lint of the 10,000-operation YAML spec had a
 * live heap ~6x the same data parsed as JSON). Nothing here is observable from JavaScript: the
 * same own properties, values, prototype, attributes and enumeration order; only V8's backing
 * stores differ.
 */

/**
 * A key V8 stores as an array index of 100 or more (3 to 9 digits, no leading zero): a
 * `responses` map's '200' or '404'. Assigned to a plain object, such a key gets a flat elements
 * store sized past the index (V8 grows it to index * 1.5 + 16 slots: ~2.6 KB for '200', ~5 KB
 * once '404' is added), where JSON.parse builds a small dictionary (~200 B for the map).
 * Smaller indexes ('0', '1') stay flat, as JSON.parse keeps them; 10 digits and more are past
 * where V8 already chooses a dictionary itself.
 */
export function isSparseIndex(key: string): boolean {
  const n = key.length;
  if (n < 3 || n > 9) return false;
  const c = key.charCodeAt(0);
  if (c < 0x31 || c > 0x39) return false;
  for (let i = 1; i < n; i++) {
    const d = key.charCodeAt(i);
    if (d < 0x30 || d > 0x39) return false;
  }
  return true;
}

/** The largest array index: far past any other, so V8 must hold it in a dictionary. */
const FAR_INDEX = 4294967294;

/**
 * Switches `o` (a map being read, before its first array-index key is assigned) to dictionary
 * elements, the store JSON.parse gives a sparse map. V8 moves an object's elements to a
 * dictionary when an index lands more than 1,024 slots past its store, and marks a dictionary
 * that once held an index above 2^29 as one to keep (never made flat again): so one far index,
 * assigned and deleted, leaves `o` as it was, with its later indexes in a dictionary sized to
 * them. Named properties are untouched (they stay in fast mode); the key order JavaScript
 * gives is the same for either store (array indexes first, ascending, then names in insertion
 * order: ECMA-262 OrdinaryOwnPropertyKeys), so Object.keys, for-in, JSON.stringify and every
 * consumer see the same map.
 */
export function useSparseElements(o: Record<string, unknown>): void {
  o[FAR_INDEX] = null;
  delete o[FAR_INDEX];
}

/**
 * `items` with a backing store of exactly its length. A sequence read item by item grows its
 * store by push (V8: 17 slots for the first item, then 1.5x + 16), which it would keep for the
 * whole run; JSON.parse allocates exactly. An empty array has no store to trim.
 */
export function exactArray(items: unknown[]): unknown[] {
  return items.length === 0 ? items : items.slice();
}

/** The longest string the pool shares: JSON.parse's limit for the values it internalizes. */
const SHARED_MAX = 10;
/** Slots of the pool's table (a power of two): 32 KB, enough for a spec's few thousand distinct short values. */
const SLOTS = 4096;

/**
 * Short scalar values read more than once (`type: string`, `in: query`, `per: minute`) kept as
 * one string each, as JSON.parse keeps them (it internalizes values of up to 10 characters):
 * each read would otherwise hold its own copy for the whole run (GitHub's description has
 * 87,596 such values and 1,673 distinct ones: 2.5 MB of its heap). Strings are values in
 * JavaScript, so which copy the data holds is not observable. A table indexed by a hash of the
 * length and three characters, not a Map: a Map hashes every character of every value, which
 * cost more than the table's occasional miss (a miss only keeps a second copy). Dropped when the
 * read ends (the reader itself stays alive for positions).
 */
export class StringPool {
  private table: string[] = new Array<string>(SLOTS).fill('');

  share(s: string): string {
    const n = s.length;
    if (n > SHARED_MAX || n === 0) return s;
    const slot = (n * 131 + s.charCodeAt(0) * 31 + s.charCodeAt(n - 1) * 7 + s.charCodeAt(n >> 1)) & (SLOTS - 1);
    const known = this.table[slot]!;
    if (known === s) return known;
    this.table[slot] = s;
    return s;
  }

  clear(): void {
    this.table = [];
  }
}
