/**
 * Red team 6, nginx per-consumer cache and a second credential (ce52733), through real nginx with
 * raw requests (repeated header lines). Held: a session Cookie on its own line before or after the
 * cookie key's line, and beside a header key, bypasses the cache. Was open (fixed: each variable written twice): a carrier whose
 * value is exactly "0". cacheView bypasses with `proxy_no_cache $http_authorization ...` and nginx
 * reads each of those parameters as "set" only when it is not empty AND not "0"
 * (https://nginx.org/r/proxy_no_cache), so `Authorization: 0` or `Cookie: 0` beside the verified key
 * reaches the backend, its answer is stored as the consumer's entry, and the next plain request of
 * that consumer gets it (HIT). Fixed: every variable is written twice (`$http_x$http_x`: "0" reads
 * "00", set; empty stays empty); the diff reader (deployed-route-facts.ts) reads the doubled form
 * as one more fact, so a hand edit back to `$v` is cache-key-narrowed (redteam-guards-diff).
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, NGINX, startLab, type AuthLab } from './helpers/nginx-auth.js';

const ok = '{ "200": { description: ok } }';
const param = '[{ name: n, in: path, required: true, schema: { type: string } }]';
const SPEC = `openapi: 3.1.0
info: { title: red team 6 cache, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: r6c
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    app: { credentials: { ck: "\${env:APP_CK}", hk: "\${env:APP_KEY}" } }
paths:
  /cme/{n}: { get: { operationId: cme, parameters: ${param}, security: [{ ck: [] }], x-gateway: { cache: { ttl: 60s, keyQuery: false } }, responses: ${ok} } }
  /me/{n}: { get: { operationId: me, parameters: ${param}, security: [{ hk: [] }], x-gateway: { cache: { ttl: 60s, keyQuery: false } }, responses: ${ok} } }
components:
  securitySchemes:
    ck: { type: apiKey, in: cookie, name: app_ck }
    hk: { type: apiKey, in: header, name: X-Key }
`;

/** One HTTP/1.1 request with the header lines as given (repeated names kept), the raw answer. */
function raw(port: number, path: string, lines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write([`GET ${path} HTTP/1.1`, `Host: ${HOST}`, 'Connection: close', ...lines].join('\r\n') + '\r\n\r\n'));
    let d = '';
    s.on('data', (b) => (d += String(b)));
    s.on('close', () => resolve(d));
    s.on('error', reject);
  });
}
const status = (a: string) => a.split('\r\n')[0];
const cache = (a: string) => /X-Cache-Status: (\S+)/.exec(a)?.[1];

describe.skipIf(!NGINX)('red team 6, nginx: a second credential beside the verified one never enters the consumer\'s cache', () => {
  let lab: AuthLab;
  beforeAll(async () => {
    lab = await startLab(SPEC, { env: { APP_CK: 'ck-1', APP_KEY: 'k-1' } });
  });
  afterAll(async () => lab?.stop());

  /** The request with `lines` as sent, then the consumer's plain request (`own`): statuses and cache states. */
  const pair = async (path: string, lines: string[], own: string[]) => {
    const a = await raw(lab.ng.port, path, lines);
    const b = await raw(lab.ng.port, path, own);
    return { with: [status(a), cache(a)], plain: [status(b), cache(b)] };
  };

  it.each([
    ['/v1/cme/a', ['Cookie: app_ck=ck-1', 'Cookie: session=user2'], ['Cookie: app_ck=ck-1']],
    ['/v1/cme/b', ['Cookie: session=user2', 'Cookie: app_ck=ck-1'], ['Cookie: app_ck=ck-1']],
    ['/v1/me/c', ['X-Key: k-1', 'Cookie: session=user2'], ['X-Key: k-1']],
    ['/v1/me/d', ['X-Key: k-1', 'Authorization: Bearer user2'], ['X-Key: k-1']],
  ])('held: %s sent as %j bypasses; the plain request %j is then a MISS', async (path, lines, own) => {
    const r = await pair(path, lines as string[], own as string[]);
    expect(r.with).toEqual(['HTTP/1.1 200 OK', 'BYPASS']);
    expect(r.plain[1]).toBe('MISS');
  });

  // Open: proxy_no_cache/proxy_cache_bypass read "0" as unset.
  it.each([
    ['/v1/me/e', ['Authorization: 0']],
    ['/v1/me/f', ['Cookie: 0']],
  ])('%s: %j beside the verified key is never stored as the consumer\'s entry', async (path, second) => {
    const r = await pair(path, ['X-Key: k-1', ...(second as string[])], ['X-Key: k-1']);
    expect(r.with).toEqual(['HTTP/1.1 200 OK', 'BYPASS']);
    expect(r.plain[1]).toBe('MISS');
  });
});
