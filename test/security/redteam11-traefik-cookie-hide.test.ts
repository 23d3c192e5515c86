/**
 * Red team 11, Traefik hidden cookie key (cfce6cd, cookie-hide.ts): the scheme's routers and the
 * route's other alternatives' routers delete the whole Cookie header, so the hidden key never
 * reaches the backend. The anonymous router of optional auth (`[{}, {chk}]`) deletes nothing: it
 * only excludes the cookie spellings its rule lists (credentials.ts credentialPresent), and a
 * Cookie header whose key the rule does not see (Python's SimpleCookie splits `theme=dark
 * sid_key=x` on the blank; PHP before 8.0.24 reads `sid+key` as sid_key) is routed anonymous and
 * handed on as sent: the key the gateway was to keep from the backend reaches it, unverified
 * (a forged one; on OR routes otherCredentials removes it, here nobody does).
 */
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { send, type AuthCall } from '../targets/traefik/traefik-oracle.js';

const ok = "{ '200': { description: ok } }";
const spec = (security: string) => `${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: rt11
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { chk: '\${env:A}' } }
paths:
  /r: { get: { operationId: r, security: ${security}, responses: ${ok} } }
components:
  securitySchemes:
    chk: { type: apiKey, in: cookie, name: sid_key, x-gateway: { backendCookies: none, forwardAuth: { url: 'http://auth.internal/c' } } }
`;
const auth = (call: AuthCall) => {
  const all = JSON.stringify([...call.headers.map.entries()]);
  return all.includes('key-a') && !all.includes('FORGED') ? { status: 200 } : { status: 401 };
};

async function compiled(security: string) {
  const { built } = await compileCase(writeSpec(spec(security)));
  const errors = built!.result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
  const config = built!.config as TraefikConfig | undefined;
  const go = (headers: Record<string, string>) => send(config!, { method: 'GET', host: 'api.test', target: '/v1/r', headers, tls: true }, { auth });
  return { errors, built: built!.result.files.length > 0, go };
}

describe('red team 11: Traefik hidden cookie key on every router of its route', () => {
  const forms = ['theme=dark sid_key=FORGED', 'theme=dark\tsid_key=FORGED', 'sid+key=FORGED', '+sid_key=FORGED'];
  // Was it.fails: the anonymous router (optional auth) had no hide middleware; its rule misses these spellings.
  it.each(forms)('optional [{}, {chk hidden}]: Cookie %s never reaches the backend', async (cookie) => {
    const c = await compiled('[{}, { chk: [] }]');
    expect(c.errors).toEqual([]);
    const o = c.go({ Cookie: cookie });
    expect(o.status).toBe(200);
    expect(o.backend!.headers.get('Cookie') ?? '').not.toContain('FORGED');
  });

  it('control: the verifying router removes the Cookie header', async () => {
    const c = await compiled('[{}, { chk: [] }]');
    const o = c.go({ Cookie: 'sid_key=key-a' });
    expect(o.status).toBe(200);
    expect(o.backend!.headers.get('Cookie') ?? '').not.toContain('key-a');
  });
});
