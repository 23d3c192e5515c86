/**
 * Red team 8, AWS REST `aws-path-param-confusable` (src/targets/aws/confusable.ts): what a value can
 * become at the backend is searched in separate passes, a value holding `%2F` (encodedRun: WSGI,
 * Symfony, Go, nginx, Jetty decode it to `/`) and a value emptied by a `;suffix` the backend drops
 * (Tomcat/Spring/Jetty), never both in one request. A backend that does both (Jetty 9.4's
 * getPathInfo; Spring MVC on Tomcat with encoded slashes decoded, removeSemicolonContent on;
 * backendReads in test/targets/aws/oracle.ts models exactly that: each segment decoded, `;...`
 * dropped, a trailing slash the same route) reads the public `/files/{a}/raw/{b}` with
 * a = "docs%2Fsecret", b = ";x" as the keyed `/files/docs/secret/raw`. The build passes, with or
 * without dotSegments: rejected (no `..` is involved), while each half alone is refused
 * (`/files/{a}/raw` beside it: "a%2Fb"; `/files/{a}/{b}/raw`: "x;").
 * Fixed: one search where a placeholder may be a run (encoded `/`) AND a later one emptied
 * (reaches() with slashes: true, emptied: true, ends: false for REST), or the runs pass allowing
 * the `;x` emptying.
 */
import { describe, expect, it } from 'vitest';
import { AwsOracle, backendReads } from '../targets/aws/oracle.js';
import { build, spec as restSpec } from '../targets/aws/security-helpers.js';

const CONFUSABLE = 'aws-path-param-confusable';
const param = (...names: string[]) => names.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
const paramsOf = (p: string) => [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
function restPair(open: string, guarded: string, backends: Record<string, unknown>) {
  return restSpec(
    {
      [guarded]: { get: { operationId: 'guarded', security: [{ key: [] }], parameters: param(...paramsOf(guarded)) } },
      [open]: { get: { operationId: 'open', security: [], parameters: param(...paramsOf(open)), 'x-gateway': { public: true } } },
    },
    { backends },
  );
}
const PLAIN = { app: { url: 'https://app.example.com' } };
const DECLARED = { app: { url: 'https://app.example.com', dotSegments: 'rejected' } };

describe('red team 8, AWS REST: an encoded slash and a dropped ;suffix in one request', () => {
  it('controls: each half alone is refused', async () => {
    expect((await build(restPair('/files/{a}/raw', '/files/docs/secret/raw', DECLARED))).errors.map((e) => e.code)).toContain(CONFUSABLE);
    expect((await build(restPair('/files/{a}/{b}/raw', '/files/docs/secret/raw', DECLARED))).errors.map((e) => e.code)).toContain(CONFUSABLE);
  });

  it('the attack through the oracle: GET /files/docs%2Fsecret/raw/;x is the public route, read by the backend as /files/docs/secret/raw (so the pair is refused, no template written)', async () => {
    const refused = await build(restPair('/files/{a}/raw/{b}', '/files/docs/secret/raw', DECLARED));
    expect(refused.errors.map((e) => e.code)).toEqual([CONFUSABLE]);
    expect(refused.files).toEqual([]);
    // The mechanism, on the same pair made equally open (it builds): the value pair lands on the other route's backend path.
    const open = restPair('/files/{a}/raw/{b}', '/files/docs/secret/raw', DECLARED) as unknown as { paths: Record<string, { get: Record<string, unknown> }> };
    open.paths['/files/docs/secret/raw']!.get = { ...open.paths['/files/docs/secret/raw']!.get, security: [], 'x-gateway': { public: true } };
    const b = await build(open);
    expect(b.errors).toEqual([]);
    const o = new AwsOracle(b.t!);
    const d = o.request({ method: 'GET', path: '/files/docs%2Fsecret/raw/;x' });
    expect(d.status).toBe(200);
    expect(d.operationId).toBe('open');
    expect(backendReads(d.upstream!.url)).toBe('/files/docs/secret/raw');
  }, 180_000);

  // Was it.fails: confusable.ts checked encodedRun (slashes, emptied: false) and the emptied pass
  // (slashes: false) apart; the value pair needs both at once. Now a third pass searches both.
  for (const [label, backends] of [['dotSegments: rejected', DECLARED], ['no declaration', PLAIN]] as const) {
    it(`${label}: the public /files/{a}/raw/{b} beside the keyed /files/docs/secret/raw is refused`, async () => {
      const b = await build(restPair('/files/{a}/raw/{b}', '/files/docs/secret/raw', backends));
      expect(b.errors.map((e) => e.code)).toContain(CONFUSABLE);
    });
  }
});
