/**
 * How API Gateway reaches an HTTP backend. `connectionType: INTERNET` resolves the URI's host in
 * public DNS and connects over the internet, so a host that can only exist on a private network
 * (`.internal`, `.local`, a single-label name, a private, loopback or link-local address) can never
 * answer: such a backend needs a private integration through a VPC link
 * (`connectionType: VPC_LINK`; the URI's host is then only the Host header and TLS name, the
 * connection goes to the VPC link's load balancer), or the user's word that the host is public.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-integration.html
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-private-integration.html
 */
import type { Backend } from '../../model/types.js';
import type { Cfn, Ctx } from './context.js';

/**
 * Names that never resolve in public DNS: special-use and private-use names (RFC 6761, RFC 6762
 * `.local`, RFC 8375 `home.arpa`, ICANN's reserved `.internal`) and TLDs ICANN will not delegate
 * because they collide with private networks (`.corp`, `.home`, `.lan`).
 */
const PRIVATE_SUFFIXES = ['internal', 'local', 'localhost', 'home.arpa', 'lan', 'test', 'invalid', 'corp', 'home', 'intranet', 'private'];

/** IPv4 ranges no internet host has (RFC 6890): [first octets as a 32-bit number, prefix length]. */
const PRIVATE_V4: Array<[string, number]> = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 3],
  // Documentation ranges (RFC 5737): never routed on the internet.
  ['192.0.2.0', 24], ['198.51.100.0', 24], ['203.0.113.0', 24],
];

function v4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) < 256)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function privateV4(n: number): boolean {
  return PRIVATE_V4.some(([base, bits]) => Math.floor(n / 2 ** (32 - bits)) === Math.floor((v4(base) as number) / 2 ** (32 - bits)));
}

/** The 8 groups of an IPv6 address (with an embedded IPv4 tail), or undefined. */
function v6(text: string): number[] | undefined {
  let s = text.toLowerCase();
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (tail) {
    const n = v4(tail[1] as string);
    if (n === undefined) return undefined;
    s = s.slice(0, -tail[1]!.length) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const fill = halves.length === 2 ? 8 - head.length - rest.length : 0;
  const groups = [...head, ...Array<string>(Math.max(fill, 0)).fill('0'), ...rest];
  if (groups.length !== 8 || !groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return groups.map((g) => parseInt(g, 16));
}

function privateV6(g: number[]): boolean {
  const zeroTo = (i: number) => g.slice(0, i).every((x) => x === 0);
  if (zeroTo(7) && g[7]! <= 1) return true; // :: and ::1
  if (zeroTo(5) && g[5] === 0xffff) return privateV4(g[6]! * 65536 + g[7]!); // IPv4-mapped
  if (zeroTo(6)) return privateV4(g[6]! * 65536 + g[7]!); // IPv4-compatible (deprecated)
  if (g[0] === 0x2002) return privateV4(g[1]! * 65536 + g[2]!); // 6to4 of a private address
  if ((g[0]! & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
  if ((g[0]! & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
  if ((g[0]! & 0xffc0) === 0xfec0) return true; // fec0::/10 site-local (deprecated, still private)
  if ((g[0]! & 0xff00) === 0xff00) return true; // multicast
  if (g[0] === 0x2001 && g[1] === 0xdb8) return true; // documentation (RFC 3849)
  return g[0] === 0x64 && g[1] === 0xff9b && privateV4(g[6]! * 65536 + g[7]!); // NAT64 of a private address
}

/** True when the host, by its shape alone, cannot be reached from the internet. */
export function isPrivateHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  const n = v4(h);
  if (n !== undefined) return privateV4(n);
  if (h.includes(':')) {
    const g = v6(h);
    return g === undefined || privateV6(g);
  }
  if (!h.includes('.')) return true; // a single label only resolves through a local search domain
  return PRIVATE_SUFFIXES.some((s) => h === s || h.endsWith(`.${s}`));
}

/**
 * The integration's connection fields for an HTTP backend: INTERNET for a public host, VPC_LINK
 * through the backend's (or the build's) VPC link for a private one, or undefined after an error
 * at the backend's URL when neither applies.
 */
export function connectionOf(ctx: Ctx, backend: Backend): Cfn | undefined {
  const target = backend.targets[0];
  const link = ctx.options.vpcLink;
  if (backend.vpcLink) return { connectionType: 'VPC_LINK', connectionId: backend.vpcLink.id };
  if (!target) return undefined;
  const host = target.url.host.toLowerCase().replace(/\.$/, '');
  if (!isPrivateHost(host) || ctx.options.publicHosts.includes(host)) return { connectionType: 'INTERNET' };
  if (link) return { connectionType: 'VPC_LINK', connectionId: link };
  if (ctx.once(`private-host ${backend.name}`)) ctx.report('aws-backend-private-host', { backend: backend.name, host }, target.loc);
  return undefined;
}
