/**
 * IP ranges for ipAllowList. Traefik has an allow list only
 * (https://doc.traefik.io/traefik/middlewares/http/ipallowlist/), so a deny list is compiled by
 * subtracting the denied ranges from the allowed ones: the result admits exactly the addresses
 * the spec admits, and no address the spec denies.
 */
interface Range {
  v6: boolean;
  base: bigint;
  bits: number;
}

const WIDTH = (v6: boolean) => (v6 ? 128 : 32);

export function parseCidr(text: string): Range | undefined {
  const [addr, len, extra] = text.split('/');
  if (addr === undefined || extra !== undefined) return undefined;
  const v6 = addr.includes(':');
  const value = v6 ? parseV6(addr) : parseV4(addr);
  if (value === undefined) return undefined;
  const bits = len === undefined ? WIDTH(v6) : /^\d{1,3}$/.test(len) ? Number(len) : NaN;
  if (!(bits >= 0 && bits <= WIDTH(v6))) return undefined;
  const host = WIDTH(v6) - bits;
  return { v6, base: (value >> BigInt(host)) << BigInt(host), bits };
}

function parseV4(a: string): bigint | undefined {
  const parts = a.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) < 256)) return undefined;
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
}

function parseV6(a: string): bigint | undefined {
  if (!/^[0-9A-Fa-f:]+$/.test(a) || (a.match(/::/g) ?? []).length > 1) return undefined;
  const [head, tail] = a.includes('::') ? a.split('::') : [a, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = 8 - h.length - t.length;
  if (tail === undefined ? h.length !== 8 : fill < 1) return undefined;
  const groups = [...h, ...Array<string>(tail === undefined ? 0 : fill).fill('0'), ...t];
  if (!groups.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return undefined;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

export function formatCidr(r: Range): string {
  if (!r.v6) {
    const o = [24n, 16n, 8n, 0n].map((s) => String((r.base >> s) & 255n));
    return `${o.join('.')}/${r.bits}`;
  }
  const g = Array.from({ length: 8 }, (_, i) => ((r.base >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  return `${g.join(':')}/${r.bits}`;
}

function contains(outer: Range, inner: Range): boolean {
  if (outer.v6 !== inner.v6 || outer.bits > inner.bits) return false;
  const host = BigInt(WIDTH(outer.v6) - outer.bits);
  return inner.base >> host === outer.base >> host;
}

/** `range` minus `hole`: the halves of `range` down to the hole, skipping the hole itself. */
function subtract(range: Range, hole: Range): Range[] {
  if (contains(hole, range)) return [];
  if (!contains(range, hole)) return [range];
  const out: Range[] = [];
  let cur = range;
  while (cur.bits < hole.bits) {
    const bits = cur.bits + 1;
    const bit = 1n << BigInt(WIDTH(cur.v6) - bits);
    const left: Range = { v6: cur.v6, base: cur.base, bits };
    const right: Range = { v6: cur.v6, base: cur.base | bit, bits };
    if (contains(left, hole)) {
      out.push(right);
      cur = left;
    } else {
      out.push(left);
      cur = right;
    }
  }
  return out;
}

/**
 * The allowed ranges minus the denied ones, as CIDR strings in address order. An empty `allow`
 * means every address. Returns `{ bad }` for an unparsable entry, and `[]` when nothing is left.
 */
export function allowMinusDeny(allow: string[], deny: string[]): string[] | { bad: string } {
  const parse = (list: string[]): Range[] | { bad: string } => {
    const out: Range[] = [];
    for (const text of list) {
      const r = parseCidr(text.trim());
      if (!r) return { bad: text };
      out.push(r);
    }
    return out;
  };
  const a = parse(allow.length > 0 ? allow : ['0.0.0.0/0', '::/0']);
  const d = parse(deny);
  if ('bad' in a) return a;
  if ('bad' in d) return d;
  let ranges = a;
  for (const hole of d) ranges = ranges.flatMap((r) => subtract(r, hole));
  // Drop ranges covered by another, then sort: deterministic output.
  const kept = ranges.filter((r, i) => !ranges.some((o, j) => j !== i && contains(o, r) && (o.bits < r.bits || j < i)));
  kept.sort((x, y) => (x.v6 === y.v6 ? (x.base < y.base ? -1 : x.base > y.base ? 1 : x.bits - y.bits) : x.v6 ? 1 : -1));
  return kept.map(formatCidr);
}
