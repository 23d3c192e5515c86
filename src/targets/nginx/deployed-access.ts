/**
 * Settings of a route location's own block, its server and http levels that change who passes, or
 * how much, beside the auth check and the IP rules (deployed-route-facts.ts): gwc writes none of
 * the first two, so they are there only by a hand edit, and a release that drops them opens the route.
 */
import type { Facts, Mechanism } from '../../diff/entity.js';
import type { Directive } from './deployed-parse.js';

/** The innermost value of a directive over levels listed innermost first (nginx inheritance). */
const inner = (levels: Directive[][], name: string) => levels.map((l) => l.find((d) => d.name === name)).find((d) => d !== undefined);

/**
 * `ssl_verify_client on` (https://nginx.org/r/ssl_verify_client): every request of the server needs
 * a client certificate that verifies against `ssl_client_certificate` (or `ssl_trusted_certificate`):
 * a requirement ANDed into every alternative, public ones included. `optional` and `optional_no_ca`
 * require nothing (only `$ssl_client_verify` says what was presented, and gwc checks no such variable).
 */
export function clientCertificate(levels: Directive[][]): { atom: string; mechanism: Mechanism } | undefined {
  if (inner(levels, 'ssl_verify_client')?.args[0] !== 'on') return undefined;
  const ca = inner(levels, 'ssl_client_certificate')?.args[0] ?? inner(levels, 'ssl_trusted_certificate')?.args[0] ?? 'none';
  const depth = inner(levels, 'ssl_verify_depth')?.args[0] ?? '1';
  return { atom: 'client-certificate', mechanism: { kind: 'mtls', verifier: `CA ${ca}, depth ${depth}` } };
}

/**
 * `satisfy any` (https://nginx.org/r/satisfy): the access rules OR the auth check admit a request.
 * With both on a location, the IP rule is one more way in, not a requirement of every caller:
 * the allowed addresses become an alternative of their own and the IP rule no longer binds the others.
 */
export function satisfyAny(levels: Directive[][], facts: Facts): void {
  if (inner(levels, 'satisfy')?.args[0] !== 'any' || !facts.auth?.length || (!facts.ipAllow && !facts.ipDeny)) return;
  const ip = `ip ${facts.ipAllow?.join(' ') ?? 'any'}${facts.ipDeny ? ` except ${facts.ipDeny.join(' ')}` : ''}`;
  facts.auth = [...facts.auth, [ip]];
  delete facts.ipAllow;
  delete facts.ipDeny;
}

/** The connections one key may hold open at once (`limit_conn ZONE N`, https://nginx.org/r/limit_conn): the smallest. */
export function connectionLimit(block: Directive[]): number | undefined {
  const counts = block.filter((d) => d.name === 'limit_conn' && /^\d+$/.test(d.args[1] ?? '')).map((d) => Number(d.args[1]));
  return counts.length ? Math.min(...counts) : undefined;
}
