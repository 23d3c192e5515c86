/**
 * Red team 18, Traefik (request oracle): the Sec-WebSocket-Protocol bearer carrier
 * (redteam18-nginx-websocket-subprotocol-token.test.ts gives the mechanism). Traefik proxies an
 * upgrade on every router; a bearer scheme is verified by its forwardAuth service, which gwc sends
 * Authorization only (authRequestHeaders); the backend gets Sec-WebSocket-Protocol as sent.
 *
 * Attack (target traefik): GET /v1/chat with alice's token in Authorization (the service says 200;
 * gwc strips it) + `Sec-WebSocket-Protocol: access_token, <forged JWT>`: the token nobody verified
 * reaches the backend, which reads the browser's WebSocket carrier.
 *
 * Suggested fix: as for nginx/Kong, a JWT-shaped subprotocol value is a bearer carrier: send it to
 * the service (authRequestHeaders) or refuse the request in the router rule
 * (HeaderRegexp(`Sec-WebSocket-Protocol`, JWT shape) on routers of bearer schemes).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { send, type AuthCall } from '../targets/traefik/traefik-oracle.js';
import { diffStates } from '../../src/diff/plan.js';
import { readerOf } from '../../src/diff/run.js';
import { diffState } from '../helpers/diff-edits.js';
import { SUBPROTOCOL_PASSED, SUBPROTOCOL_REFUSED } from '../helpers/subprotocol-cases.js';

const SPEC = `${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: rt18tw
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
paths:
  /chat: { get: { operationId: chat, security: [{ sso: [] }], x-gateway: { websocket: true }, responses: { '101': { description: upgraded } } } }
components:
  securitySchemes:
    sso: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: 'http://auth.internal/verify' } } }
`;
const FORGED = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.Zm9yZ2Vk';
const service = (c: AuthCall) => ({ status: c.headers.get('Authorization') === 'Bearer alice-good' ? 200 : 401 });

describe('red team 18, traefik: a bearer token in Sec-WebSocket-Protocol never reaches the backend unverified', () => {
  let config: TraefikConfig;
  beforeAll(async () => {
    config = (await compileCase(writeSpec(SPEC))).built!.config as TraefikConfig;
  });
  const call = (headers: Record<string, string>) =>
    send(config, { method: 'GET', host: 'api.test', target: '/v1/chat', tls: true, headers: { upgrade: 'websocket', connection: 'Upgrade', ...headers } }, { auth: service });

  it('control: alice passes (her token stripped); no token is 401', () => {
    const o = call({ authorization: 'Bearer alice-good' });
    expect(o.status).toBe(200);
    expect(o.backend?.headers.values('Authorization')).toEqual([]);
    expect(call({}).status).toBe(401);
  });

  // Fixed (bearer-query.ts subprotocolGuard): a route with a bearer scheme keeps a request whose
  // subprotocol list carries a token off its routers (405), as ?access_token= is.
  it("beside alice's verified token, a forged subprotocol token is refused or removed", () => {
    const o = call({ authorization: 'Bearer alice-good', 'sec-websocket-protocol': `access_token, ${FORGED}` });
    if (o.backend) expect(o.backend.headers.values('Sec-Websocket-Protocol').join(',')).not.toContain(FORGED);
    else expect(o.status).toBeGreaterThanOrEqual(400);
  });

  // Variants: the other carriers' spellings, a second header line, with and without a header token.
  it('every subprotocol spelling of a token is kept off the backend; a plain subprotocol passes', () => {
    const k8s = `base64url.bearer.authorization.k8s.io.${Buffer.from(FORGED).toString('base64url')}`;
    const carriers: Array<string | string[]> = [
      `access_token, ${FORGED}`, `Bearer, ${FORGED}`, `bearer,${FORGED}`, FORGED, k8s, k8s.replace('base64url.bearer', 'base64url.Bearer'),
      'access_token, opaque-token-123', 'ACCESS-TOKEN, opaque', `chat, ${FORGED}`, ['chat', `access_token, ${FORGED}`],
    ];
    for (const proto of carriers) {
      for (const auth of [{ authorization: 'Bearer alice-good' }, {}] as Array<Record<string, string>>) {
        const o = send(config, { method: 'GET', host: 'api.test', target: '/v1/chat', tls: true, headers: { upgrade: 'websocket', connection: 'Upgrade', ...auth, 'sec-websocket-protocol': proto } }, { auth: service });
        expect(o.backend, String(proto)).toBeUndefined();
        expect(o.status, String(proto)).toBeGreaterThanOrEqual(400);
      }
    }
    for (const plain of ['graphql-ws', 'chat', 'graphql-transport-ws, graphql-ws', 'wamp.2.json', 'v1.chat.example']) {
      const o = call({ authorization: 'Bearer alice-good', 'sec-websocket-protocol': plain });
      expect(o.backend?.headers.values('Sec-Websocket-Protocol'), plain).toEqual([plain]);
    }
  });

  // REV18: the shared table (test/helpers/subprotocol-cases.ts) through the router rule.
  it('every refused row of the shared table is kept off the backend; every passed row reaches it untouched', () => {
    for (const proto of SUBPROTOCOL_REFUSED) {
      const o = call({ authorization: 'Bearer alice-good', 'sec-websocket-protocol': proto });
      expect(o.backend, proto).toBeUndefined();
      expect(o.status, proto).toBeGreaterThanOrEqual(400);
    }
    for (const proto of SUBPROTOCOL_PASSED) {
      const o = call({ authorization: 'Bearer alice-good', 'sec-websocket-protocol': proto });
      expect(o.backend?.headers.values('Sec-Websocket-Protocol'), proto).toEqual([proto]);
    }
  });

  it('gwc diff reads a deployed router without the subprotocol guard as a security change', async () => {
    const files = (await diffState(SPEC, 'traefik')).files!;
    const reader = readerOf('traefik').reader!;
    const read = (fs: typeof files) => reader.normalise(fs, 'files').state!;
    const edited = files.map((f) => ({ ...f, contents: f.contents.replace(/ && !HeaderRegexp\(`Sec-WebSocket-Protocol`, `[^`]*`\)/g, '') }));
    expect(edited.some((f, i) => f.contents !== files[i]!.contents)).toBe(true);
    const found = (a: typeof files, b: typeof files) => diffStates(read(a), read(b)).findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`);
    expect(found(files, files)).toEqual([]);
    expect(found(files, edited)).toContain('credential-unverified-passed rt18tw-chat');
  }, 30_000);
});
