/**
 * Kong's ip-restriction plugin as the oracle runs it (kong/plugins/ip-restriction/handler.lua,
 * PRIORITY 990: after jwt 1450, key-auth 1250 and basic-auth 1100, before acl 950):
 * - the client is ngx.var.binary_remote_addr, the connection's address (Kong's real_ip trusts no
 *   proxy by default: trusted_ips is empty, so X-Forwarded-For / X-Real-IP are never read);
 * - `deny` is checked first: a match answers `status` (default 403); then, when `allow` is not
 *   empty, an address outside it answers the same (kong.response.error(status, message));
 * - lua-resty-ipmatcher matches within one address family: a 4-byte address meets IPv4 entries
 *   only, a 16-byte one (an IPv4-mapped ::ffff:a.b.c.d included) IPv6 entries only; a CIDR's host
 *   bits are masked off; an entry it cannot parse makes ipmatcher.new fail: the plugin raises (500).
 */

/** The bits of an IPv4 or IPv6 address as [family, value]; undefined when unreadable. */
export function ipBits(text: string): [4 | 6, bigint] | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const o = v4.slice(1).map(Number);
    if (o.some((x) => x > 255)) return undefined;
    return [4, o.reduce((a, x) => (a << 8n) | BigInt(x), 0n)];
  }
  if (!text.includes(':')) return undefined;
  let t = text;
  const tail = /^(.*:)(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(t);
  if (tail) {
    const b = ipBits(tail[2]!);
    if (!b) return undefined;
    t = `${tail[1]}${(b[1] >> 16n).toString(16)}:${(b[1] & 0xffffn).toString(16)}`;
  }
  if (!/^[0-9A-Fa-f:]+$/.test(t) || (t.match(/::/g) ?? []).length > 1) return undefined;
  const [head, rest] = t.includes('::') ? (t.split('::') as [string, string]) : [t, undefined];
  const h = head ? head.split(':') : [];
  const r = rest ? rest.split(':') : [];
  const fill = 8 - h.length - r.length;
  if (rest === undefined ? h.length !== 8 : fill < 1) return undefined;
  const all = [...h, ...Array<string>(rest === undefined ? 0 : fill).fill('0'), ...r];
  if (!all.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return undefined;
  return [6, all.reduce((a, g) => (a << 16n) | BigInt(parseInt(g, 16)), 0n)];
}

/** Whether `addr` is inside one of `list` (ipmatcher.match_bin); throws for an entry ipmatcher.new refuses. */
export function ipMatches(list: readonly string[], addr: string): boolean {
  const a = ipBits(addr);
  if (!a) throw new Error(`unreadable client address ${addr}`);
  return list.some((entry) => {
    const [ip, len, extra] = entry.split('/');
    const b = ip !== undefined && extra === undefined ? ipBits(ip) : undefined;
    const width = b?.[0] === 4 ? 32 : 128;
    const bits = len === undefined ? width : /^\d{1,3}$/.test(len) ? Number(len) : NaN;
    if (!b || !(bits >= 0 && bits <= width)) throw new Error(`ipmatcher.new: invalid entry ${entry}`);
    if (b[0] !== a[0]) return false;
    const shift = BigInt(width - bits);
    return b[1] >> shift === a[1] >> shift;
  });
}

/**
 * The status Kong's ip-restriction answers `client` under `config`, or undefined when it passes.
 * `config` is the plugin's decK config (allow, deny, status).
 */
export function ipRestriction(config: Record<string, unknown>, client: string): number | undefined {
  const deny = (config.deny as string[] | undefined) ?? [];
  const allow = (config.allow as string[] | undefined) ?? [];
  const status = typeof config.status === 'number' ? config.status : 403;
  try {
    if (deny.length > 0 && ipMatches(deny, client)) return status;
    if (allow.length > 0 && !ipMatches(allow, client)) return status;
  } catch {
    return 500;
  }
  return undefined;
}
