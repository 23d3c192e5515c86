/**
 * Traefik, the converse of red team 3b (redteam3-traefik-credentials): a query API key verified by
 * its forwardAuth service, and the key's name sent as a HEADER beside it (`Api-Key`, `API-KEY`,
 * `api_key`). A backend pairing a query key reader with a header one (FastAPI APIKeyQuery +
 * APIKeyHeader) or reading CGI's HTTP_API_KEY takes that header as the key, and nobody verified it.
 * Kong clears it (kong-second-credential), nginx too (nginx-credential-elsewhere). Through the
 * Traefik request oracle (test/targets/traefik/traefik-oracle.ts).
 */
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { send, type AuthCall } from '../targets/traefik/traefik-oracle.js';
import { diffStates } from '../../src/diff/plan.js';
import { readerOf } from '../../src/diff/run.js';
import { diffState } from '../helpers/diff-edits.js';

const ok = "{ '200': { description: ok } }";
const SPEC = `${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: tqk
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { qk: '\${env:A}' } }
paths:
  /q: { get: { operationId: q, security: [{ qk: [] }], responses: ${ok} } }
components:
  securitySchemes:
    qk: { type: apiKey, in: query, name: api_key, x-gateway: { hideCredentials: false, forwardAuth: { url: 'http://auth.internal/k' } } }
`;
// hideCredentials: false: Traefik cannot remove a query key, so a hidden one is refused
// (traefik-credential-not-hidden); the key's name as a header is removed whatever hideCredentials says.
/** The key service: alice's key, read from the query of the URI it is told (X-Forwarded-Uri). */
const auth = (call: AuthCall) => (/[?&]api_key=key-a(&|$)/.test(call.headers.get('X-Forwarded-Uri') ?? '') ? { status: 200 } : { status: 401 });

describe('Traefik: a query key\'s name as a header beside the verified query key', async () => {
  const { built } = await compileCase(writeSpec(SPEC));
  const config = built?.config as TraefikConfig;
  const go = (target: string, headers: Record<string, string> = {}) => send(config, { method: 'GET', host: 'api.test', target, headers, tls: true }, { auth });

  it('control: builds; the query key opens /q', () => {
    expect(built).toBeDefined();
    expect(go('/v1/q?api_key=key-a').status).toBe(200);
    expect(go('/v1/q?api_key=nope').status).toBe(401);
  });

  // Was open: every spelling reached the backend (Api-Key, or Go's Api_key for the `_` ones).
  for (const h of ['Api-Key', 'API-KEY', 'api-key', 'api_key', 'Api_Key', 'API_KEY']) {
    it(`an ${h} header beside the verified ?api_key= never reaches the backend`, () => {
      const o = go('/v1/q?api_key=key-a', { [h]: 'forged' });
      const seen = [...(o.backend?.headers.map.entries() ?? [])].filter(([k, v]) => k.toLowerCase().replace(/-/g, '_') === 'api_key' && v.some((x) => x !== ''));
      expect(o.status === 200 ? seen : [], `${h} -> ${o.status}`).toEqual([]);
    });
  }

  it('control: other headers pass; the middleware is on /q only', () => {
    const o = go('/v1/q?api_key=key-a', { 'Api-Keys': 'x', 'X-Api-Key': 'y' });
    expect(o.backend?.headers.get('Api-Keys')).toBe('x');
    expect(o.backend?.headers.get('X-Api-Key')).toBe('y');
  });
});

describe('gwc diff, Traefik: the query key header removal is read back', () => {
  it('a deployed router without it is request-header-passed; unedited, no change', async () => {
    const files = (await diffState(SPEC, 'traefik')).files!;
    const reader = readerOf('traefik').reader!;
    const read = (fs: typeof files) => reader.normalise(fs, 'files').state!;
    const edited = files.map((f) => ({ ...f, contents: f.contents.replace(/\n\s*- "tqk-auth-qk-header"/g, '') }));
    expect(edited.some((f, i) => f.contents !== files[i]!.contents)).toBe(true);
    const found = (a: typeof files, b: typeof files) => diffStates(read(a), read(b)).findings.filter((f) => f.class === 'security').map((f) => f.rule);
    expect(found(files, files)).toEqual([]);
    expect(found(files, edited)).toContain('request-header-passed');
  }, 30_000);
});
