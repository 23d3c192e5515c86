/**
 * Red team, nginx (DESIGN.md 7.2, 7.3): an API key in the query or a cookie, spelt so the gateway
 * does not read it as the credential while a backend framework does. The query is split on `;` as
 * well as `&` by many backends (Python before 3.9.2 and Go before 1.17 split on `;`, Rack and
 * Tomcat take `;` too, nginx's own override map does), PHP reads `api.key`, `api key` and `api[key`
 * as `api_key` in the query and in cookies and decodes `%5F` in cookie names, ASP.NET reads query
 * names case-blind. Such a spelling must never reach the backend unverified: on an optional route
 * it was anonymous to the gateway and a credential to the backend, and beside a verified one it was
 * passed on while hideCredentials stripped only the exact name (the class of the padded cookie name,
 * redteam-nginx-auth.test.ts). Real nginx; the backend stub records what it received.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, NGINX, startLab, type AuthLab } from './helpers/nginx-auth.js';

const Q_KEY = 'qkey-alice-0001';
const C_KEY = 'ckey-alice-0002';
const H_KEY = 'hkey-alice-0003';
const ok = '{ "200": { description: ok } }';

const SPEC = `openapi: 3.1.0
info: { title: names lab, version: "1" }
servers: [{ url: "https://${HOST}/v1" }]
x-gateway:
  name: names
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { qkey: "\${env:Q_KEY}", ckey: "\${env:C_KEY}", hkey: "\${env:H_KEY}" } }
paths:
  /opt-q: { get: { operationId: optQ, security: [{}, { qkey: [] }], responses: ${ok} } }
  /q: { get: { operationId: q, security: [{ qkey: [] }], responses: ${ok} } }
  /opt-c: { get: { operationId: optC, security: [{}, { ckey: [] }], responses: ${ok} } }
  /c: { get: { operationId: c, security: [{ ckey: [] }], responses: ${ok} } }
  /or: { get: { operationId: either, security: [{ hkey: [] }, { qkey: [] }], responses: ${ok} } }
components:
  securitySchemes:
    qkey: { type: apiKey, in: query, name: api_key }
    ckey: { type: apiKey, in: cookie, name: session_key }
    hkey: { type: apiKey, in: header, name: x-api-key }
`;

/** A parameter or cookie name as PHP, ASP.NET or a percent-decoding parser reads it. */
function readAs(name: string, plus: boolean): string {
  let n = plus ? name.replace(/\+/g, ' ') : name;
  try {
    n = decodeURIComponent(n);
  } catch {
    /* kept as sent */
  }
  return n.trim().toLowerCase().replace(/[ .[]/g, '_');
}

/** Every credential-named pair of a query string a lenient backend would read (split on & and ;). */
const queryCredentials = (query: string, name: string) =>
  query.split(/[&;]/).filter((kv) => kv !== '' && readAs(kv.split('=')[0]!, true) === name);
const cookieCredentials = (cookie: string, name: string) =>
  cookie.split(';').filter((kv) => kv.trim() !== '' && readAs(kv.split('=')[0]!, false) === name);

describe.skipIf(!NGINX)('nginx: credential names a backend reads and the gateway did not', () => {
  let lab: AuthLab;
  beforeAll(async () => {
    lab = await startLab(SPEC, { env: { Q_KEY, C_KEY, H_KEY } });
  });
  afterAll(async () => lab?.stop());

  /** The request is refused, or reaches the backend with no credential-named pair left. */
  const neverUnverified = async (path: string, headers: Record<string, string> = {}) => {
    const { r, hits } = await lab.call('GET', path, headers);
    for (const h of hits) {
      const query = h.path.includes('?') ? h.path.slice(h.path.indexOf('?') + 1) : '';
      expect(queryCredentials(query, 'api_key'), `${path}: backend saw ${h.path}`).toEqual([]);
      expect(cookieCredentials(h.headers.cookie ?? '', 'session_key'), `${path}: backend saw Cookie ${h.headers.cookie}`).toEqual([]);
    }
    return r.status;
  };

  it('the baseline: the exact names verify and are stripped; no credential passes anonymous', async () => {
    expect(await neverUnverified(`/v1/q?api_key=${Q_KEY}&x=1`)).toBe(200);
    expect(await neverUnverified('/v1/opt-q?x=1')).toBe(200);
    expect(await neverUnverified('/v1/opt-q?api_key=forged')).toBe(401);
    expect(await neverUnverified('/v1/c', { cookie: `session_key=${C_KEY}` })).toBe(200);
    expect(await neverUnverified('/v1/opt-c', { cookie: 'session_key=forged' })).toBe(401);
  });

  it.each([
    'a=1;api_key=forged',
    'api_key=forged;a=1',
    'api.key=forged',
    'api+key=forged',
    'api%20key=forged',
    'api[key=forged',
    'API_KEY=forged',
    'Api_Key=forged',
    'api%5Fkey=forged',
    'api%5fKEY=forged',
    '%20api_key=forged',
  ])('optional query route, ?%s: verified (401) or never passed on', async (q) => {
    const status = await neverUnverified(`/v1/opt-q?${q}`);
    expect([200, 401]).toContain(status);
  });

  it.each(['a=1;api_key=forged', 'api.key=forged', 'API_KEY=forged', 'api%5Fkey=forged', 'api[key=forged'])(
    'a verified query key beside ?%s: the other spelling never reaches the backend',
    async (q) => {
      await neverUnverified(`/v1/q?api_key=${Q_KEY}&${q}`);
      await neverUnverified(`/v1/q?${q}&api_key=${Q_KEY}`);
    },
  );

  it.each(['a=1;api_key=forged', 'api.key=forged', 'API_KEY=forged', 'api_key=forged'])(
    'a route authenticated by its header alternative: ?%s never reaches the backend',
    async (q) => {
      expect(await neverUnverified(`/v1/or?${q}`, { 'x-api-key': H_KEY })).not.toBe(500);
    },
  );

  it.each(['session.key=forged', 'session%5Fkey=forged', 'SESSION_KEY=forged', 'session key=forged', 'session[key=forged'])(
    'cookie %s: verified (401) on the optional route, never passed on beside a verified cookie',
    async (cookie) => {
      const status = await neverUnverified('/v1/opt-c', { cookie });
      expect([200, 401]).toContain(status);
      await neverUnverified('/v1/c', { cookie: `session_key=${C_KEY}; ${cookie}` });
      await neverUnverified('/v1/c', { cookie: `${cookie}; session_key=${C_KEY}` });
    },
  );
});
