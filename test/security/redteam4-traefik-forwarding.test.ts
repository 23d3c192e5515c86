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
 */
import { describe, expect, it } from 'vitest';
import { underscoreForms } from '../../src/model/overrides.js';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { canonicalKey } from '../targets/traefik/go-http.js';
import { expand, send } from '../targets/traefik/traefik-oracle.js';

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
      // the oracle's entry point (v3.6.14+ behaviour) hides the hole: X_Forwarded_Host never reaches its backend
      const o = send(config, { method: 'GET', host: 'api.test', target: '/v1/open', headers: { X_Forwarded_Host: 'evil.example' }, tls: true });
      expect(o.status).toBe(200);
      expect(o.backend?.headers.get('X_Forwarded_Host') ?? '').toBe('');
    });

    for (const h of ENTRY_POINT_HEADERS) {
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
