/**
 * Red team 10, Traefik 3.0 to 3.4.0: a public route reached with `%2F` forwards a path a backend
 * routing on the raw path reads as ONE segment of a keyed route (class: gateway and backend
 * normalise the path differently; DESIGN.md 7.5).
 *
 * Those releases match PathRegexp on the decoded URL.Path (`/v1/items/x%2Fy` is `/v1/items/x/y`:
 * the public `/items/{a}/{b}` router) and forward the escaped path (`/items/x%2Fy` after the
 * base-path strip, replacePathRegex `^/v1(/.*)$` on RawPath). Express, Koa, Go 1.22's ServeMux and
 * Rails match routes on the escaped path segment by segment and decode a parameter after matching:
 * `/items/x%2Fy` is `/items/{id}` with id `x/y`, the keyed operation's handler, run for a caller
 * with no credential. The same with literals only: `/v1/docs/public%2Freadme` is the public
 * `/docs/public/readme` to Traefik and `/docs/{id}` to the backend. paths.ts reasons only about
 * backends that decode (`%2F` read as `/`: the public path again); rule.ts keeps `%` out of a
 * parameter on the decoded path, where `%2F` is already a `/`. From 3.4.1 (routing on the path
 * with reserved characters kept encoded) no router matches: 404. gwc builds for 3.0 and later
 * (traefik-version auto), so its output must hold on both; nginx re-encodes each value as one
 * segment, Kong refuses `%` in a parameter, AWS matches one segment (REST confusable.ts).
 *
 * FIXED (paths.ts ENCODED_SLASH): every proxied router runs a replacePathRegex turning each `%2F`
 * of the escaped path into `/` before its own rewrite, so the backend gets the path the router
 * matched (the oracle's goReplace now replaces every match, as Go's ReplaceAllString).
 */
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { send } from '../targets/traefik/traefik-oracle.js';

const p = (n: string) => `{ name: ${n}, in: path, required: true, schema: { type: string } }`;
const spec = `${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: rt10slash
  backends: { app: { url: 'http://app.example.com:8080' } }
  defaults: { backend: app }
paths:
  /items/{id}:
    get: { operationId: item, parameters: [${p('id')}], security: [{ basic: [] }], responses: { '200': { description: ok } } }
  /items/{a}/{b}:
    get: { operationId: pair, x-gateway: { public: true }, parameters: [${p('a')}, ${p('b')}], responses: { '200': { description: ok } } }
  /docs/{id}:
    get: { operationId: doc, parameters: [${p('id')}], security: [{ basic: [] }], responses: { '200': { description: ok } } }
  /docs/public/readme:
    get: { operationId: readme, x-gateway: { public: true }, responses: { '200': { description: ok } } }
components:
  securitySchemes:
    basic: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: 'http://auth.example.com/check' } } }
`;

/** Segments as a backend routing on the escaped path splits them (a `%2F` stays inside its segment). */
const rawSegments = (path: string) => path.split('/').slice(1);

describe('red team 10: Traefik, %2F in a public path read as one keyed segment by a raw-path backend', async () => {
  const c = await compileCase(writeSpec(spec));
  const config = () => c.built?.config as TraefikConfig | undefined;

  it.each([['/v1/items/x', 'item'], ['/v1/docs/x', 'doc']])('control: %s without a credential is refused (401)', (target) => {
    const cfg = config();
    if (!cfg) return;
    expect(send(cfg, { method: 'GET', host: 'api.test', target, tls: true }, { auth: () => ({ status: 401 }) }).status).toBe(401);
  });

  it.each(['/v1/items/x%2Fy', '/v1/docs/public%2Freadme'])('control, Traefik >= 3.4.1 (reserved characters kept encoded): %s matches no router', (target) => {
    const cfg = config();
    if (!cfg) return;
    expect(send(cfg, { method: 'GET', host: 'api.test', target, tls: true }, { routing: 'reserved-encoded' }).status).toBe(404);
  });

  // Was open: routed on the decoded path, forwarded escaped (replacePathRegex stripped the base path only).
  it.each(['/v1/items/x%2Fy', '/v1/docs/public%2Freadme'])('Traefik 3.0-3.4.0: %s never reaches the backend as a one-segment path under /items or /docs', (target) => {
    const cfg = config();
    if (!cfg) return; // refused at build: secure
    const o = send(cfg, { method: 'GET', host: 'api.test', target, tls: true }, { routing: 'decoded', auth: () => ({ status: 401 }) });
    if (o.status !== 200) return;
    // /items/{id} and /docs/{id}: two raw segments, the second one holding the %2F.
    expect(rawSegments(o.backend!.path), `${o.router} forwarded ${o.backend!.path}`).not.toHaveLength(2);
    // The backend gets the path the router matched: the public route's own.
    expect(o.backend!.path).toBe(target.replace('/v1', '').replace(/%2F/gi, '/'));
  });
});
