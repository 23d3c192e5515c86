/**
 * `gwc diff` and the forwardAuth service a scheme verified natively still asks (forward-fallback.ts
 * needsService: the spec relies on the service's answer headers, or on request headers it verifies
 * beside the credential). nginx asks it after its own check (security.ts schemeView gives the
 * scheme's CFG entry a `forward`), Traefik after basicAuth (the router runs the service's
 * forwardAuth middleware). A deployed copy without that call lets in every caller the service would
 * refuse (a revoked key, a session it no longer knows), and the backend is told nothing it relies
 * on: a security finding, never silence (closing14 "Still open" 1). Before, nginx's reader read
 * `forward` only on a forward-kind scheme, so removing it (or re-pointing its location) read as no
 * change at all.
 */
import { describe, expect, it } from 'vitest';
import { compiledState, readerOf } from '../../src/diff/run.js';
import { diffStates } from '../../src/diff/plan.js';
import type { State } from '../../src/diff/entity.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { writeSpec } from '../helpers/spec.js';

const ok = "{ '200': { description: ok } }";
const SPEC = `openapi: 3.1.0
info: { title: t, version: "1" }
servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: svc
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { key: '\${env:ALICE_KEY}', basic: { username: alice, password: '\${env:ALICE_PW}' } } }
paths:
  /files:
    get: { operationId: getFile, security: [{ key: [] }], responses: ${ok} }
  /basic:
    get: { operationId: getBasic, security: [{ basic: [] }], responses: ${ok} }
  /jwt:
    get: { operationId: getJwt, security: [{ bearer: [] }], responses: ${ok} }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key, x-gateway: { forwardAuth: { url: 'http://auth.internal:9000/check', responseHeaders: [X-User-Id] } } }
    basic: { type: http, scheme: basic, x-gateway: { forwardAuth: { url: 'http://auth.internal:9000/basic', requestHeaders: [X-Session] } } }
    bearer: { type: http, scheme: bearer, bearerFormat: JWT, x-gateway: { issuer: 'https://id.example.com/', audiences: [a], algorithms: [RS256], jwksUri: 'https://id.example.com/jwks', forwardAuth: { url: 'http://auth.internal:9000/jwt', responseHeaders: [X-Tenant] } } }
`;

function reader(target: string) {
  return (files: OutputFile[]): State => {
    const r = readerOf(target).reader!.normalise(files, 'deployed');
    if (!r.state) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
    return r.state;
  };
}

const once = (text: string, from: RegExp | string, to: string) => {
  const next = text.replace(from, to);
  if (next === text) throw new Error(`no ${String(from)}`);
  return next;
};

/** Findings of built -> mutated (security only) and mutated -> built (any class). */
function both(built: State, mutated: State) {
  return {
    weaker: diffStates(built, mutated).findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`),
    back: diffStates(mutated, built).findings.map((f) => `${f.rule}${f.undoes ? ` undoes ${f.undoes}` : ''} ${f.key}`),
  };
}

describe('gwc diff nginx: the forwardAuth service of a natively verified scheme', async () => {
  const r = await compiledState(writeSpec(SPEC), 'nginx', {});
  const files = r.state!.files!;
  const read = reader('nginx');
  const built = read(files);
  /** `change` applied to the njs module (`.js`) or the route configuration (`conf.d/`). */
  const edit = (part: '.js' | 'conf.d/', change: (s: string) => string) =>
    read(files.map((f) => (part === '.js' ? f.path.endsWith('.js') : f.path.startsWith('conf.d/')) ? { ...f, contents: change(f.contents) } : f));
  /** The CFG with `scheme`'s service call changed by `change` (undefined: removed). */
  const cfgEdit = (scheme: string, change: (fwd: Record<string, unknown>) => Record<string, unknown> | undefined) =>
    edit('.js', (s) => {
      const at = s.indexOf(`"${scheme}": {`, s.indexOf('"schemes"'));
      const start = s.indexOf('"forward": {', at);
      const end = s.indexOf('}', start) + 1;
      if (at < 0 || start < 0) throw new Error(`no forward of ${scheme}`);
      const next = change(JSON.parse(s.slice(start + '"forward": '.length, end)) as Record<string, unknown>);
      // Removed: the key and the comma after it go.
      return next === undefined ? s.slice(0, start) + s.slice(end).replace(/^,\s*/, '') : `${s.slice(0, start)}"forward": ${JSON.stringify(next)}${s.slice(end)}`;
    });

  it('the build reads as itself (control)', () => {
    expect(diffStates(built, edit('.js', (s) => s)).changes).toEqual([]);
  });

  for (const [scheme, route] of [['key', 'getFile'], ['basic', 'getBasic'], ['bearer', 'getJwt']] as const) {
    it(`${scheme}: the service call removed from the njs CFG: auth-weakened (and the release back says it)`, () => {
      const { weaker, back } = both(built, cfgEdit(scheme, () => undefined));
      expect(weaker).toContain(`auth-weakened route ${route}`);
      expect(back.some((f) => f.endsWith(`route ${route}`))).toBe(true);
    });
  }

  it('the service location re-pointed (proxy_pass): auth-verifier-changed', () => {
    const { weaker, back } = both(built, edit('conf.d/', (s) => once(s, 'proxy_pass "http://auth.internal:9000/check";', 'proxy_pass "http://anyone.example:9000/";')));
    expect(weaker).toContain('auth-verifier-changed route getFile');
    expect(back).toContain('auth-verifier-changed route getFile');
  });

  it('the CFG pointing the scheme at another location: auth-verifier-changed', () => {
    const { weaker } = both(built, cfgEdit('key', (f) => ({ ...f, uri: '/_gwc_internal/f/1' })));
    expect(weaker).toContain('auth-verifier-changed route getFile');
  });

  it("the service's answer headers changed (X-User-Id no longer copied): auth-verifier-changed", () => {
    const { weaker } = both(built, cfgEdit('key', (f) => ({ ...f, responseHeaders: [] })));
    expect(weaker).toContain('auth-verifier-changed route getFile');
  });

  it('a request header the service verifies no longer counts as a credential (presence): auth-verifier-changed', () => {
    const { weaker } = both(built, cfgEdit('basic', (f) => ({ ...f, presence: [] })));
    expect(weaker).toContain('auth-verifier-changed route getBasic');
  });
});

describe('gwc diff Traefik: basic + the forwardAuth service it asks after basicAuth', async () => {
  const r = await compiledState(writeSpec(SPEC), 'traefik', {});
  const files = r.state!.files!;
  const read = reader('traefik');
  const built = read(files);
  const edit = (change: (s: string) => string) => read(files.map((f, i) => (i === 0 ? { ...f, contents: change(f.contents) } : f)));

  it('the build reads as itself (control)', () => {
    expect(diffStates(built, edit((s) => s)).changes).toEqual([]);
  });

  it("the service's forwardAuth middleware removed from the router: auth-weakened", () => {
    const { weaker, back } = both(built, edit((s) => once(s, /\n\s*- "svc-auth-basic-2"/, '')));
    expect(weaker).toContain('auth-weakened svc-getbasic');
    expect(back.some((f) => f.endsWith(' svc-getbasic'))).toBe(true);
  });

  it("the service's address changed: auth-weakened (another service decides)", () => {
    const { weaker } = both(built, edit((s) => once(s, 'http://auth.internal:9000/basic', 'http://anyone.example:9000/')));
    expect(weaker).toContain('auth-weakened svc-getbasic');
  });

  for (const [mw, router] of [['svc-auth-key', 'svc-getfile'], ['svc-auth-bearer', 'svc-getjwt']] as const) {
    it(`${mw} (the service verifies the scheme on Traefik) removed from the router: auth-removed`, () => {
      const { weaker } = both(built, edit((s) => once(s, new RegExp(`\\n\\s*- "${mw}"(?=\\n)`), '')));
      expect(weaker).toContain(`auth-removed ${router}`);
    });
  }
});
