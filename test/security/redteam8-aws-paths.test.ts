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
 * Fix: one search where a placeholder may be a run (encoded `/`) AND a later one emptied
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

  it('the attack through the oracle: GET /files/docs%2Fsecret/raw/;x is the public route, read by the backend as /files/docs/secret/raw', async () => {
    const b = await build(restPair('/files/{a}/raw/{b}', '/files/docs/secret/raw', DECLARED));
    expect(b.errors).toEqual([]);
    const o = new AwsOracle(b.t!);
    const d = o.request({ method: 'GET', path: '/files/docs%2Fsecret/raw/;x' });
    expect(d.status).toBe(200);
    expect(d.operationId).toBe('open');
    expect(backendReads(d.upstream!.url)).toBe('/files/docs/secret/raw');
    // The keyed route itself refuses the same caller.
    expect(o.request({ method: 'GET', path: '/files/docs/secret/raw' }).status).not.toBe(200);
  }, 180_000);

  // Mechanism: confusable.ts checks encodedRun (slashes, emptied: false) and the emptied pass
  // (slashes: false) apart; the value pair needs both at once.
  for (const [label, backends] of [['dotSegments: rejected', DECLARED], ['no declaration', PLAIN]] as const) {
    it.fails(`${label}: the public /files/{a}/raw/{b} beside the keyed /files/docs/secret/raw is refused`, async () => {
      const b = await build(restPair('/files/{a}/raw/{b}', '/files/docs/secret/raw', backends));
      expect(b.errors.map((e) => e.code)).toContain(CONFUSABLE);
    });
  }
});
