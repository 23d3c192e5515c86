/** CIDR containment for the "IP rule widened" rule; IPv4 and IPv6, bare addresses as /32 or /128. */

interface Range {
  v6: boolean;
  base: bigint;
  bits: number;
}

function parseV4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = (n << 8n) | BigInt(Number(p));
  }
  return n;
}

function parseV6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  let n = 0n;
  for (const g of [...head, ...Array<string>(missing).fill('0'), ...tail]) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  return n;
}

export function parseRange(text: string): Range | undefined {
  const [addr = '', len] = text.trim().split('/');
  const v6 = addr.includes(':');
  const value = v6 ? parseV6(addr) : parseV4(addr);
  const max = v6 ? 128 : 32;
  const bits = len === undefined ? max : Number(len);
  if (value === undefined || !Number.isInteger(bits) || bits < 0 || bits > max) return undefined;
  const shift = BigInt(max - bits);
  return { v6, base: (value >> shift) << shift, bits };
}

/** Whether every address of `inner` is in `outer`. Unparseable text is contained only in itself. */
export function contains(outer: string, inner: string): boolean {
  const o = parseRange(outer);
  const i = parseRange(inner);
  if (!o || !i) return outer.trim() === inner.trim();
  if (o.v6 !== i.v6 || o.bits > i.bits) return false;
  const max = o.v6 ? 128 : 32;
  const shift = BigInt(max - o.bits);
  return (i.base >> shift) === (o.base >> shift);
}

/** Every address of `list` is covered by some range of `by`. */
export function covered(list: readonly string[], by: readonly string[]): boolean {
  return list.every((c) => by.some((o) => contains(o, c)));
}

export const EVERYWHERE = ['0.0.0.0/0', '::/0'];
