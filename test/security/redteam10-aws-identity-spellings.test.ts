/**
 * Red team 10, AWS REST: identity headers spelt with '_' reach an http_proxy backend (class: a header
 * the client must never set, cleared in one spelling only; DESIGN.md 7.3).
 *
 * backends.ts neutraliseOverrides empties gwc's identity headers (X-Consumer, X-Authenticated-Scheme),
 * Kong's (X-Consumer-Username, ...) and every forward-auth service's answer headers by their dash
 * name only (FIXED_KEYS, forwardAuthKeys). REST http_proxy passes every other header as sent, and
 * the REST flavour itself reads that '_' spellings arrive (credential-elsewhere.ts blanks
 * `Partner-Api_Key` for that reason, ee89e90): a PHP, Rack (Puma < 6.4.3, CVE-2024-45614), Thin,
 * Unicorn or CGI backend reads `X_Consumer: admin` as HTTP_X_CONSUMER, i.e. as the identity header
 * a backend written for gwc trusts (the dash one arrives empty, so the '_' one is the only value).
 * The HTTP API flavour removes every '-'/'_' spelling (integrations.ts neutralise; redteam2-aws-identity).
 */
import { describe, expect, it } from 'vitest';
import { build, spec } from '../targets/aws/security-helpers.js';

/** Every '-'/'_' spelling of a name other than the name itself. */
const underscored = (name: string): string[] =>
  name.split('-').reduce<string[]>((acc, p, i) => (i === 0 ? [p] : acc.flatMap((x) => [`${x}-${p}`, `${x}_${p}`])), []).filter((x) => x !== name);

describe('red team 10: aws REST, identity headers in their "_" spellings', async () => {
  const b = await build(spec({ '/pub': { get: { operationId: 'pub' } }, '/me': { get: { operationId: 'me', security: [{ key: [] }] } } }, {
    consumers: { alice: { credentials: { key: '${env:ALICE_KEY}' } } },
  }));
  it('builds', () => expect(b.errors).toEqual([]));

  const forged = (names: string[]) => Object.fromEntries(names.map((n) => [n, 'admin']));
  const NAMES = ['X-Consumer', 'X-Authenticated-Scheme', 'X-Consumer-Username', 'X-Consumer-Groups', 'X-Credential-Identifier'];

  it('control: the dash spellings arrive empty on the public route', () => {
    const d = b.oracle!.request({ method: 'GET', path: '/pub', headers: forged(NAMES) });
    expect(d.status).toBe(200);
    for (const n of NAMES) expect(d.upstream!.headers[n.toLowerCase()] ?? '').toBe('');
  });

  // Closed: backends.ts maps every '-'/'_' spelling of these names to '' (FIXED_KEYS, forwardAuthKeys).
  it('no "_" spelling of an identity header reaches the backend of a public or a keyed route', () => {
    const spelt = NAMES.flatMap(underscored);
    // alice's key: the keyed route answers 403 to any other (the it.fails also failed on that).
    for (const [path, headers] of [['/pub', {}], ['/me', { 'x-api-key': b.oracle!.keysOf('alice')[0]! }]] as const) {
      const d = b.oracle!.request({ method: 'GET', path, headers: { ...headers, ...forged(spelt) } });
      expect(d.status).toBe(200);
      const passed = spelt.filter((n) => (d.upstream!.headers[n.toLowerCase()] ?? '') !== '');
      expect(passed, `${path}: reached the backend`).toEqual([]);
    }
  });
});
