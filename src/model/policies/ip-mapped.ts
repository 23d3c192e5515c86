/**
 * IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`, RFC 4291 section 2.5.5.2) in an IP rule, written
 * as the IPv4 addresses they are. Every gateway matches an IPv4 client against IPv4 rules only:
 * nginx's access module checks `deny ::ffff:1.2.3.4` only on an IPv6 connection
 * (ngx_http_access_module.c, and a mapped one meets the IPv4 rules first), Kong's ip-restriction
 * (lua-resty-ipmatcher) and API Gateway's aws:SourceIp compare within one address family, and
 * Traefik's checker turns a mapped range into the IPv4 one. So a deny entry spelt mapped denied
 * nobody who connects over IPv4: the same client got another answer than under its IPv4 spelling.
 * A range inside ::ffff:0:0/96 (prefix 96 or longer) becomes the IPv4 range with the prefix less
 * 96; anything else is returned unchanged.
 */

/** The 8 groups of an IPv6 address (a dotted IPv4 tail allowed), or undefined. */
function groups(addr: string): number[] | undefined {
  let text = addr;
  const v4 = /^(.*:)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const o = v4.slice(2).map(Number);
    if (o.some((x) => x > 255)) return undefined;
    text = `${v4[1]}${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
  }
  if (!/^[0-9A-Fa-f:]+$/.test(text) || (text.match(/::/g) ?? []).length > 1) return undefined;
  const [head, tail] = text.includes('::') ? (text.split('::') as [string, string]) : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = 8 - h.length - t.length;
  if (tail === undefined ? h.length !== 8 : fill < 1) return undefined;
  const all = [...h, ...Array<string>(tail === undefined ? 0 : fill).fill('0'), ...t];
  if (!all.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return undefined;
  return all.map((g) => parseInt(g, 16));
}

/**
 * The IPv4-mapped spelling of an IPv4 entry (`10.0.0.0/8` -> `::ffff:a00:0/104`, hex groups only),
 * for a gateway that matches an address read as `::ffff:a.b.c.d` against its IPv6 entries only
 * (Kong's ip-restriction, lua-resty-ipmatcher); undefined for an IPv6 or unreadable entry.
 */
export function mappedCidr(entry: string): string | undefined {
  const [addr, len, extra] = entry.split('/');
  const o = addr?.split('.').map((x) => (/^\d{1,3}$/.test(x) ? Number(x) : NaN));
  if (extra !== undefined || !o || o.length !== 4 || o.some((x) => !(x <= 255))) return undefined;
  const bits = len === undefined ? 32 : /^\d{1,2}$/.test(len) ? Number(len) : NaN;
  if (!(bits >= 0 && bits <= 32)) return undefined;
  return `::ffff:${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}/${bits + 96}`;
}

/** `::ffff:1.2.3.0/120` -> `1.2.3.0/24`, `::ffff:1.2.3.4` -> `1.2.3.4`; any other entry as it is. */
export function unmapCidr(entry: string): string {
  if (!entry.includes(':')) return entry;
  const [addr, len, extra] = entry.split('/');
  if (addr === undefined || extra !== undefined) return entry;
  const g = groups(addr);
  if (!g || g.slice(0, 5).some((x) => x !== 0) || g[5] !== 0xffff) return entry;
  const bits = len === undefined ? 128 : /^\d{1,3}$/.test(len) ? Number(len) : NaN;
  if (!(bits >= 96 && bits <= 128)) return entry;
  const v4 = `${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`;
  return len === undefined ? v4 : `${v4}/${bits - 96}`;
}
