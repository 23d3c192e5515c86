/**
 * nginx, a per-consumer cache and a SECOND credential nginx did not verify (DESIGN.md 7.4): a
 * secured cached route keys its entries on the verified caller, but a request may carry, beside
 * that caller's key, a credential nginx never looks at on this route (a Cookie session, an
 * Authorization session, another scheme's header or query key, a form-body token). The backend may
 * answer per that credential; the entry is then served to every request of the consumer (an app key
 * shared by its end users: user 1's answer reaches user 2), and a request carrying user 2's session
 * is answered from user 1's entry. Real nginx, the echo stub on loopback (its body repeats what it
 * received), every carrier of the spec in every spelling a backend reads (carrier-variants.ts).
 *
 * Was open: cacheView bypassed on Authorization only on a secured route (anonymousBypass ran on
 * public and optional routes alone). Fixed: every cached route bypasses on every carrier of the
 * spec the route does not verify whenever sent (policies.ts cacheView), and on a cookie-key route
 * on any other cookie beside its own key (njs cacheCredential, cacheCookieOwn).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayOf } from '../helpers/spec.js';
import { carrierVariants, type CarrierVariant } from './helpers/carrier-variants.js';
import { HOST, NGINX, startPolicyLab, type PolicyLab } from './helpers/nginx-policies.js';

const ok = '{ "200": { description: ok } }';
const HS = 'sc-jwt-secret-0123456789abcdef';
const param = '[{ name: n, in: path, required: true, schema: { type: string } }]';
const SPEC = `openapi: 3.1.0
info: { title: second credential cache, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: scc
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    app: { credentials: { hk: "\${env:APP_KEY}", ck: "\${env:APP_CK}", kept: "\${env:APP_KEPT}" } }
    other: { credentials: { hk2: "\${env:OTHER_KEY}", qk: "\${env:OTHER_Q}" } }
paths:
  /me/{n}: { get: { operationId: me, parameters: ${param}, security: [{ hk: [] }], x-gateway: { cache: { ttl: 60s, keyQuery: false } }, responses: ${ok} } }
  /cme/{n}: { get: { operationId: cme, parameters: ${param}, security: [{ ck: [] }], x-gateway: { cache: { ttl: 60s, keyQuery: false } }, responses: ${ok} } }
  /orr/{n}: { get: { operationId: orr, parameters: ${param}, security: [{ hk: [] }, { kept: [] }], x-gateway: { cache: { ttl: 60s, keyQuery: false } }, responses: ${ok} } }
  /other: { get: { operationId: other, security: [{ hk2: [] }], responses: ${ok} } }
  /q: { get: { operationId: q, security: [{ qk: [] }], responses: ${ok} } }
  /tok: { get: { operationId: tok, security: [{ bear: [] }], responses: ${ok} } }
components:
  securitySchemes:
    hk: { type: apiKey, in: header, name: X-Key }
    hk2: { type: apiKey, in: header, name: X-Other-Key }
    kept: { type: apiKey, in: header, name: X-Kept, x-gateway: { hideCredentials: false } }
    qk: { type: apiKey, in: query, name: api_key }
    ck: { type: apiKey, in: cookie, name: app_ck }
    bear:
      type: http
      scheme: bearer
      x-gateway: { issuer: "https://id.example/", audiences: [api], algorithms: [HS256], publicKeys: ["\${file:keys/hs.key}"] }
`;
const ENV = { APP_KEY: 'app-key-1', APP_CK: 'app-cookie-key-1', OTHER_KEY: 'other-key-2', OTHER_Q: 'other-q-3', APP_KEPT: 'app-kept-4' };

/** The route's own credential, and how a variant's headers are sent beside it (a cookie joins the key's Cookie). */
const ROUTES = {
  me: { own: 'hk', with: (h: Record<string, string>) => ({ 'x-key': ENV.APP_KEY, ...h }) },
  cme: { own: 'ck', with: (h: Record<string, string>) => ({ ...h, cookie: [`app_ck=${ENV.APP_CK}`, ...(h.cookie ? [h.cookie] : [])].join('; ') }) },
} as const;

describe.skipIf(!NGINX)('nginx: a per-consumer cache and a second credential nginx did not verify', () => {
  let lab: PolicyLab;
  beforeAll(async () => {
    lab = await startPolicyLab(SPEC, { files: { 'keys/hs.key': HS }, env: ENV });
  });
  afterAll(async () => lab?.stop());

  it('control: a verified caller is cached per consumer; a plain request hits its entry', async () => {
    for (const route of ['me', 'cme'] as const) {
      const first = await lab.call('GET', `/v1/${route}/control`, ROUTES[route].with({}));
      expect(first.r.status, route).toBe(200);
      expect((await lab.call('GET', `/v1/${route}/control`, ROUTES[route].with({}))).hits, route).toHaveLength(0);
    }
  });

  // The route's own cookie key verified, and another cookie beside it (a session): cleanCookies
  // strips the key only, the session reaches the backend.
  it("cme: a session cookie beside the verified cookie key is never stored for, nor answered from, the consumer's entry", async () => {
    const first = await lab.call('GET', '/v1/cme/session', ROUTES.cme.with({ cookie: 'sid=user2-session-zz' }));
    expect(first.r.status).toBe(200);
    expect(first.hits).toHaveLength(1);
    expect((await lab.call('GET', '/v1/cme/session', ROUTES.cme.with({}))).r.body).not.toContain('user2-session-zz');
    await lab.call('GET', '/v1/cme/warm', ROUTES.cme.with({}));
    expect((await lab.call('GET', '/v1/cme/warm', ROUTES.cme.with({ cookie: 'sid=user2-session-zz' }))).hits).toHaveLength(1);
  });

  // An OR route: X-Key passes the first alternative, so the kept X-Kept (the second's) is never
  // checked; it no longer reaches the backend at all (kept-credentials.ts, red team 6), and is still
  // never stored for the consumer.
  it("orr: a kept key of the other alternative beside the verified X-Key is never stored for the consumer", async () => {
    const first = await lab.call('GET', '/v1/orr/k', { 'x-key': ENV.APP_KEY, 'x-kept': 'user2-kept-zz' });
    expect(first.r.status).toBe(200);
    expect(JSON.stringify(first.hits)).not.toContain('user2-kept-zz');
    expect((await lab.call('GET', '/v1/orr/k', { 'x-key': ENV.APP_KEY })).r.body).not.toContain('user2-kept-zz');
  });

  describe('every carrier of the spec but the route own, in every spelling', async () => {
    const loaded = await gatewayOf(SPEC);
    let serial = 0;
    const variants = carrierVariants(loaded.gateway!, () => `user2-${++serial}-zz`);
    const token = (v: CarrierVariant) => /user2-\d+-zz/.exec(JSON.stringify(v))![0];
    for (const [route, r] of Object.entries(ROUTES)) {
      const foreign = variants.filter((v) => !v.carrier.schemes.includes(r.own));
      it.each(foreign.map((v) => [v.label, v] as const))(`${route}: %s beside the verified key is never stored for, nor answered from, the consumer's entry`, async (_l, v) => {
        const at = (n: string) => `/v1/${route}/${n}${v.query ? `?${v.query}` : ''}`;
        const n = `${route}-${++serial}`;
        const first = await lab.call('GET', at(n), r.with(v.headers), undefined, v.body);
        expect(first.r.status).toBe(200);
        expect(first.hits, 'answered from the cache').toHaveLength(1);
        // A carrier nginx never passes on (a header name with '_') cannot make the backend's answer differ.
        const reaches = first.hits.some((h) => JSON.stringify(h).includes(token(v)));
        const next = await lab.call('GET', `/v1/${route}/${n}`, r.with({}));
        expect(next.r.body, "the consumer's next request was served the second credential's answer").not.toContain(token(v));
        const m = `${route}-${++serial}`;
        await lab.call('GET', `/v1/${route}/${m}`, r.with({}));
        const again = await lab.call('GET', at(m), r.with(v.headers), undefined, v.body);
        if (reaches) expect(again.hits, "a second credential's request answered from the consumer's entry").toHaveLength(1);
      });
    }
  });
});
