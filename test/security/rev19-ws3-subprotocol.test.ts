/**
 * REV19 (review of WS3 59a038c / KWS 0cc9869), closed by the lead: the JWT branch's classes take
 * `=`, `+`, `/` (subprotocol-token.ts, websocket-guard.ts B64). Was: a JWT in Sec-WebSocket-Protocol spelt with base64
 * padding (`=`) is not read as a token by SUBPROTOCOL_TOKEN_REGEX, so nginx's map, Traefik's rule and
 * Kong's websocket-guard chunk all pass it to the backend on a bearer route.
 *
 * Class: credential carrier read by one spelling only (the regex wants 16 base64url characters
 * directly before a `.`, then base64url and a second `.`; `=` is outside the class).
 * Attack: `Sec-WebSocket-Protocol: chat, <hdr>==.<payload>.<sig>`: the header segment of a JSON
 * header whose length is not a multiple of 3 (one trailing space is enough) written with its
 * padding. PyJWT reads it as the same token (jwt/utils.py base64url_decode pads only when
 * len % 4 != 0, then base64.urlsafe_b64decode, which takes `==` and also `+`/`/`), as does any
 * backend decoding with a lenient base64 (Node Buffer.from(x, 'base64')). Beside alice's verified
 * Authorization, the forged token reaches the backend unverified (the red team 18 hole, again).
 * Suggested fix: let the JWT branch's classes take `=` (and `+`, `/`) around the dots:
 * `[A-Za-z0-9_=+/-]` sixteen times, `\.`, `[A-Za-z0-9_=+/-]*\.` (refuses no row of the passed table:
 * none holds `=`, `+` or `/`), in subprotocol-token.ts and the Kong Lua port (websocket-guard.ts
 * B64), then add these rows to test/helpers/subprotocol-cases.ts SUBPROTOCOL_REFUSED.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGateway } from '../../src/api.js';
import { SUBPROTOCOL_TOKEN_REGEX } from '../../src/targets/subprotocol-token.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { gatewayOf, HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { send } from '../targets/traefik/traefik-oracle.js';
import { NGINX, type RunningNginx, type Stub } from '../targets/nginx/harness.js';
import { startGateway, startUpgradeBackend, upgrade } from '../targets/nginx/websocket.js';

const std = (s: string) => Buffer.from(s).toString('base64');
/** `{"alg":"HS256","typ":"JWT"} ` (28 bytes): its base64 ends `==`. */
const PADDED = `${std('{"alg":"HS256","typ":"JWT"} ')}.${std('{"sub":"admin","x":1}')}.c2lnbmF0dXJl`;
/** The shortest JWS header, `{"alg":"none"}` (14 bytes): one `=`. */
const PADDED_NONE = `${std('{"alg":"none"}')}.${std('{"sub":"admin"}')}.`;
const MISSED = [PADDED, `chat, ${PADDED}`, `access-tkn, ${PADDED_NONE}`];

const ISS = 'https://id.example/';
const SPEC = (jwtExt: string) => `openapi: 3.1.0
info: { title: rev19 ws3, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: rev19w
  backends: { echo: { url: "http://echo.internal:8080" } }
  defaults: { backend: echo }
  accept:
    kong: [{ feature: auth.jwt, reason: audience checked by the backend }]
paths:
  /lobby: { get: { operationId: lobby, security: [{}, { jwt: [] }], x-gateway: { websocket: true }, responses: { "101": { description: upgraded } } } }
  /chat: { get: { operationId: chat, security: [{ jwt: [] }], x-gateway: { websocket: true }, responses: { "101": { description: upgraded } } } }
components:
  securitySchemes:
    jwt:
      type: http
      scheme: bearer
      x-gateway: ${jwtExt}
`;

describe('REV19 WS3: a padded JWT in Sec-WebSocket-Protocol', () => {
  it('control: PyJWT-style decoding reads the padded segments as the JSON header and payload', () => {
    const dec = (seg: string) => Buffer.from(seg, 'base64').toString();
    expect(dec(PADDED.split('.')[0]!)).toBe('{"alg":"HS256","typ":"JWT"} ');
    expect(JSON.parse(dec(PADDED.split('.')[1]!))).toEqual({ sub: 'admin', x: 1 });
    // The unpadded spelling of the same token is refused today.
    expect(new RegExp(SUBPROTOCOL_TOKEN_REGEX).test(PADDED.replace(/=/g, ''))).toBe(true);
  });

  it('the shared regex reads every padded spelling as a token', () => {
    for (const v of MISSED) expect(new RegExp(SUBPROTOCOL_TOKEN_REGEX).test(v), v).toBe(true);
  });

  it('Kong (oracle, websocket-guard chunk): a padded forged token beside a verified one is 400', async () => {
    // Kong: the required route only (an optional jwt route is refused there).
    const spec = SPEC(`{ anyAudience: true, issuer: "${ISS}", algorithms: [RS256], publicKeys: ["\${env:JWT_PEM}"] }`).replace(/^  \/lobby:.*\n/m, '');
    const g = (await gatewayOf(spec)).gateway!;
    const r = compileGateway(g, 'kong', {});
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const doc = parse(r.files.find((f) => f.path === 'kong.yaml')!.contents) as DeckDoc;
    for (const v of MISSED) {
      const o = evaluate(doc, { method: 'GET', host: 'api.test', path: '/v1/chat', headers: { upgrade: 'websocket', connection: 'Upgrade', authorization: `Bearer valid:${ISS}`, 'sec-websocket-protocol': v } });
      expect([o.status, o.upstream?.headers['sec-websocket-protocol']], v).toEqual([400, undefined]);
    }
  });
  it('Traefik (oracle, subprotocol guard rule): a padded forged token beside a verified one never reaches the backend', async () => {
    const config = (await compileCase(writeSpec(`${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: rev19tw
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
paths:
  /chat: { get: { operationId: chat, security: [{ sso: [] }], x-gateway: { websocket: true }, responses: { '101': { description: upgraded } } } }
components:
  securitySchemes:
    sso: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: 'http://auth.internal/verify' } } }
`))).built!.config as TraefikConfig;
    for (const v of MISSED) {
      const o = send(config, { method: 'GET', host: 'api.test', target: '/v1/chat', tls: true, headers: { upgrade: 'websocket', connection: 'Upgrade', authorization: 'Bearer alice-good', 'sec-websocket-protocol': v } }, { auth: (c) => ({ status: c.headers.get('Authorization') === 'Bearer alice-good' ? 200 : 401 }) });
      expect(o.backend, v).toBeUndefined();
    }
  });
});

describe.skipIf(!NGINX)('REV19 WS3, nginx (real): a padded JWT in Sec-WebSocket-Protocol', () => {
  let ng: RunningNginx;
  let backend: Stub;
  beforeAll(async () => {
    backend = await startUpgradeBackend('echo');
    ng = await startGateway(SPEC(`{ issuer: "${ISS}", algorithms: [HS256], publicKeys: ["\${file:keys/hs.key}"] }`), backend, {}, (dir) => {
      mkdirSync(join(dir, 'keys'), { recursive: true });
      writeFileSync(join(dir, 'keys/hs.key'), 'rev19-ws3-hmac-secret-0123456789ab');
    });
  });
  afterAll(async () => {
    await ng?.stop();
    await backend?.close();
  });

  it('control: the unpadded spelling is refused (400) on the optional route', async () => {
    expect((await upgrade(ng.port, '/v1/lobby', { 'sec-websocket-protocol': `chat, ${PADDED.replace(/=/g, '')}` })).status).toBe(400);
  });

  it('an anonymous upgrade carrying the padded forged token is refused and never reaches the backend', async () => {
    for (const v of MISSED) {
      const before = backend.hits.length;
      const r = await upgrade(ng.port, '/v1/lobby', { 'sec-websocket-protocol': v });
      expect([r.status, backend.hits.length - before], v).toEqual([400, 0]);
    }
  });
});
