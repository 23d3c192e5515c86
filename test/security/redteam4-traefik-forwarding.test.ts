/**
 * Red team 4 (redB), Traefik forwarding headers in their `_` spelling (class: identity/forwarding
 * headers a client can set, every `-`/`_` spelling; DESIGN.md 7.3), and an oracle wrong in gwc's favour.
 *
 * clears.ts leaves X-Real-Ip, X-Forwarded-Port/-Server (ENTRY_POINT_SETS), like X-Forwarded-For/
 * -Proto/-Host (not in CLIENT_FORWARDING_HEADERS), to the entry point, "with their `_` spellings"
 * (README), and never clears any spelling of them. But Traefik's entry point deleted only the
 * canonical names until v3.6.14 / v2.11.43 (traefik/traefik 61b5bc4ad1, 14 Apr 2026, "Remove untrusted
 * X headers with underscores"): v3.6.13 pkg/middlewares/forwardedheaders/forwarded_header.go:140
 * `for _, h := range xHeaders { unsafeHeader(r.Header).Del(h) }` with `Del` = `delete(h, key)` on
 * the exact canonical key. Go keeps `X_Forwarded_Host` as its own key (X_forwarded_host), and gwc
 * builds for every 3.x line (`traefik-version` 3.0 to 3.7, auto = 3.0): on 3.0 to 3.6.13 a client's
 * `X_Forwarded_Host: evil.example`, `X_Forwarded_Proto: https`, `X_Real_Ip: 10.0.0.1` reach the
 * backend beside Traefik's own values, where PHP, Rack and CGI/WSGI read them as HTTP_X_FORWARDED_HOST
 * (Go's Header.Write sorts the '_' spelling after the '-' one; Rack reads the last X-Forwarded-Host:
 * reset links to evil.example; an app IP allow list reads X-Real-Ip as 10.0.0.1).
 * The oracle (test/targets/traefik/traefik-oracle.ts isXHeader) deletes the '_' spellings at the entry
 * point, i.e. models only v3.6.14+, which is why no oracle test saw it: the attack below reads the
 * router's own middlewares instead (what gwc itself clears), as a 3.0-3.6.13 entry point leaves it.
 * Fix: clear the '_' spellings (never the dash spelling, which is Traefik's) of those six headers in
 * clear-inputs, or refuse/version-gate lines before 3.6.14; and make the oracle's entry point
 * version-aware.
 *
 * FIXED, oracle: the entry point is version-faithful (OracleEnv.version, '3.0' by default, gwc's
 * auto; entryPointXHeaders: exact canonical keys before 3.6.14, every '_' spelling from 3.6.14 and
 * 3.7.0, read in forwarded_header.go at the tags), so requests through the oracle now see the
 * hole and the fix (69fde57) on the old lines.
 */
import { describe, expect, it } from 'vitest';
import { underscoreForms } from '../../src/model/overrides.js';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { canonicalKey } from '../targets/traefik/go-http.js';
import { entryPointXHeaders, expand, send } from '../targets/traefik/traefik-oracle.js';

const ok = "{ '200': { description: ok } }";
const SPEC = `${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: rt4fw
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
paths:
  /open: { get: { operationId: open, x-gateway: { public: true }, responses: ${ok} } }
`;

/** The header names (Go canonical keys) the router's middlewares delete before the backend. */
function cleared(config: TraefikConfig, router: string): Set<string> {
  const r = config.http.routers[router]!;
  const out = new Set<string>();
  for (const name of expand(config, r.middlewares ?? [])) {
    const mw = config.http.middlewares?.[name] as { headers?: { customRequestHeaders?: Record<string, string> } } | undefined;
    for (const [k, v] of Object.entries(mw?.headers?.customRequestHeaders ?? {})) if (v === '') out.add(canonicalKey(k));
  }
  return out;
}

const ENTRY_POINT_HEADERS = ['X-Forwarded-Host', 'X-Forwarded-Proto', 'X-Forwarded-For', 'X-Real-Ip', 'X-Forwarded-Port', 'X-Forwarded-Server'];
const underscored = (h: string) => h.replace(/-/g, '_');

describe('red team 4: Traefik before 3.6.14 passes X_Forwarded_Host, X_Real_Ip (underscore spellings)', async () => {
  for (const version of ['3.0', '3.5']) {
    const { built } = await compileCase(writeSpec(SPEC), { 'traefik-version': version });
    const config = built!.config as TraefikConfig;
    const router = Object.keys(config.http.routers).find((n) => !n.includes('other-methods'))!;

    it(`control (${version}): gwc clears the '_' spelling of a forwarding header it lists (X_Forwarded_Prefix, X_Forwarded_Uri)`, () => {
      const c = cleared(config, router);
      expect(c.has(canonicalKey('X_Forwarded_Prefix'))).toBe(true);
      expect(c.has(canonicalKey('X_Forwarded_Uri'))).toBe(true);
      // the oracle's entry point deletes the canonical spelling on every line (the backend reads Traefik's own)
      const o = send(config, { method: 'GET', host: 'api.test', target: '/v1/open', headers: { 'X-Forwarded-Host': 'evil.example' }, tls: true }, { version });
      expect(o.status).toBe(200);
      expect(o.backend?.headers.get('X-Forwarded-Host')).toBe('api.test');
    });

    for (const h of ENTRY_POINT_HEADERS) {
      // Through the version-faithful oracle: the request, every '_' spelling, on the line built for.
      it(`traefik-version=${version}, entry point of ${version}: no '_' spelling of ${h} reaches the backend`, () => {
        for (const v of [underscored(h), ...underscoreForms(h)]) {
          const o = send(config, { method: 'GET', host: 'api.test', target: '/v1/open', headers: { [v]: 'forged' }, tls: true }, { version });
          expect(o.status).toBe(200);
          expect([...o.backend!.headers.map.keys()].filter((k) => k.includes('_')), v).toEqual([]);
        }
      });

      // Fixed (model/overrides.ts GATEWAY_FORWARDING_HEADERS: their '_' spellings are in the family):
      // every spelling with a '_' is cleared by the router, whatever the entry point of that line deletes.
      it(`traefik-version=${version}: a client's ${underscored(h)} is cleared before the backend (entry point of that line keeps it)`, () => {
        expect(cleared(config, router).has(canonicalKey(underscored(h)))).toBe(true);
        for (const v of underscoreForms(h)) expect(cleared(config, router).has(canonicalKey(v)), v).toBe(true);
      });
    }

    it(`control (${version}): the dash spelling of each stays the entry point's (no router clears it)`, () => {
      for (const h of ENTRY_POINT_HEADERS) expect(cleared(config, router).has(canonicalKey(h)), h).toBe(false);
    });
  }
});

describe('the Traefik oracle entry point per release (forwarded_header.go at each tag)', () => {
  it('3.0: exact canonical names, no X-Forwarded-Prefix, no underscore spellings', () => {
    const e = entryPointXHeaders('3.0');
    expect(e.underscores).toBe(false);
    expect(e.names.has('X-Forwarded-Host')).toBe(true);
    expect(e.names.has('X-Forwarded-Prefix')).toBe(false);
  });
  it('3.3 adds X-Forwarded-Prefix; 3.6(.0) and 3.6.13 keep underscores; 3.6.14 and 3.7 delete them; 3.7 adds the scheme headers', () => {
    expect(entryPointXHeaders('3.3').names.has('X-Forwarded-Prefix')).toBe(true);
    expect(entryPointXHeaders('3.6.13').underscores).toBe(false);
    expect(entryPointXHeaders('3.6').underscores).toBe(false);
    expect(entryPointXHeaders('3.6.14').underscores).toBe(true);
    expect(entryPointXHeaders('3.7').underscores).toBe(true);
    expect(entryPointXHeaders('3.7').names.has('X-Scheme')).toBe(true);
    expect(entryPointXHeaders('3.6.14').names.has('X-Scheme')).toBe(false);
  });
  it('control: the oracle at 3.0 passes X_Forwarded_Host a router does not clear; at 3.6.14 its entry point deletes it', async () => {
    const { built } = await compileCase(writeSpec(SPEC));
    const config = structuredClone(built!.config as TraefikConfig);
    for (const r of Object.values(config.http.routers)) r.middlewares = [];
    const req = { method: 'GET', host: 'api.test', target: '/v1/open', headers: { X_Forwarded_Host: 'evil.example' }, tls: true };
    expect(send(config, req, { version: '3.0' }).backend?.headers.get('X_Forwarded_Host')).toBe('evil.example');
    expect(send(config, req, { version: '3.6.14' }).backend?.headers.get('X_Forwarded_Host') ?? '').toBe('');
  });
});
