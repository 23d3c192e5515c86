/**
 * Red team 8, `gwc diff` on Traefik: the anonymous router of an optional-auth route (`security:
 * [{}, {key}]`) excludes every request carrying the key's header in any `-`/`_` spelling
 * (`!(HeaderRegexp(x-api-key, ^) || ... x_api_key ...)`), at priority 3 above the key router's 2.
 * That exclusion is what sends a keyed request to the key router, where forwardAuth verifies the key
 * and the key router's hide middleware removes it (a kept header key, hideCredentials: false, is
 * refused on Traefik since red team 12: traefik-kept-header-credential; the anonymous router has no
 * hide middleware, so the exclusion is what keeps a forged key off the backend). A deployed copy
 * hand-edited to drop the exclusion (or all but the exact spelling) sends every keyed request to
 * the anonymous router: no forwardAuth call, the client's X-Api-Key (or X_Api_Key, which a
 * CGI/WSGI/Rack backend reads as X-Api-Key) reaches the backend unverified. The reader reads
 * the edit as `breaking route-moved` on the anonymous router only, no security finding: the rule's
 * credential exclusion is not read as a guard (Facts of the anonymous router) and precedence.ts skips
 * routers of one operation (`w.group === mine.group`). Proved through the Traefik oracle (the edited
 * file served) and the reader (the plan).
 * Fix: the Traefik reader reads an anonymous router's `!Header...` exclusion per spelling as what it
 * keeps from the anonymous callers, and a dropped spelling is request-header-passed / auth-removed
 * on the keyed route (or precedence compares routers of one group when their auth differs).
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compiledState, readerOf } from '../../src/diff/run.js';
import { diffStates, type Plan } from '../../src/diff/plan.js';
import type { State } from '../../src/diff/entity.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { send, type AuthCall } from '../targets/traefik/traefik-oracle.js';
import { writeSpec } from '../helpers/spec.js';

const ok = "{ '200': { description: ok } }";
const SPEC = `openapi: 3.1.0
info: { title: t, version: "1" }
servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: opt
  backends: { app: { url: http://app.internal:8080, pathMatching: exact } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { key: '\${env:ALICE_KEY}' } }
paths:
  /me:
    get: { operationId: getMe, security: [{}, { key: [] }], responses: ${ok} }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key, x-gateway: { forwardAuth: { url: 'https://auth.internal/key' } } }
`;

const once = (text: string, from: RegExp, to: string) => {
  const next = text.replace(from, to);
  if (next === text) throw new Error(`no ${String(from)}`);
  return next;
};
const read = (files: OutputFile[]): State => {
  const r = readerOf('traefik').reader!.normalise(files, 'deployed');
  if (!r.state) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.state;
};
const security = (p: Plan) => p.findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`);
/** The forwardAuth service: only alice's key passes. */
const auth = (call: AuthCall) => (call.headers.get('x-api-key') === 'key-a' ? { status: 200 } : { status: 401 });

const EDITS: Array<[string, RegExp, string, Record<string, string>]> = [
  ['the anonymous router\'s header exclusion dropped', / && !\(HeaderRegexp\(`x-api-key`[^"]*(?=")/, '', { 'X-Api-Key': 'FORGED' }],
  ['the exclusion kept for the exact spelling only', / \|\| HeaderRegexp\(`x-api_key`, `\^`\) \|\| HeaderRegexp\(`x_api-key`, `\^`\) \|\| HeaderRegexp\(`x_api_key`, `\^`\)/, '', { X_Api_Key: 'FORGED' }],
];

describe('red team 8, gwc diff (Traefik): the optional route\'s anonymous router made to take keyed requests', async () => {
  const r = await compiledState(writeSpec(SPEC), 'traefik', {});
  if (!r.state) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
  const files = r.state.files!;
  const built = read(files);
  const serve = (contents: string, headers: Record<string, string>) =>
    send(parse(contents) as TraefikConfig, { method: 'GET', host: 'api.example.com', target: '/v1/me', headers, tls: true }, { auth });

  it('control: as built, a forged key goes to the key router and is refused; alice\'s key passes; no key is anonymous', () => {
    expect(diffStates(built, built).findings).toEqual([]);
    for (const h of [{ 'X-Api-Key': 'FORGED' }, { X_Api_Key: 'FORGED' }] as Array<Record<string, string>>) {
      const o = serve(files[0]!.contents, h);
      expect(o.status === 401 || !JSON.stringify([...(o.backend?.headers.map.entries() ?? [])]).includes('FORGED'), JSON.stringify(h)).toBe(true);
    }
    expect(serve(files[0]!.contents, { 'X-Api-Key': 'key-a' }).status).toBe(200);
    expect(serve(files[0]!.contents, {}).router).toBe('opt-getme-anonymous');
  });

  for (const [what, from, to, forged] of EDITS) {
    it(`the edit (${what}) lets a forged key reach the backend unverified (oracle)`, () => {
      const o = serve(once(files[0]!.contents, from, to), forged);
      expect(o.status).toBe(200);
      expect(o.router).toBe('opt-getme-anonymous');
      expect(o.authCalls).toEqual([]);
      expect(JSON.stringify([...o.backend!.headers.map.entries()])).toContain('FORGED');
    });
    // Mechanism: the reader reads only `breaking route-moved` on opt-getme-anonymous (its rule text
    // changed); the exclusion is no guard in its Facts and precedence.ts skips same-group routers.
    it(`gwc diff: the edit (${what}) is a security finding`, () => {
      const plan = diffStates(built, read(files.map((f, i) => (i === 0 ? { ...f, contents: once(f.contents, from, to) } : f))));
      expect(plan.findings.map((f) => `${f.class} ${f.rule} ${f.key}`)).toContain('breaking route-moved opt-getme-anonymous');
      expect(security(plan)).not.toEqual([]);
    });
  }

  const plan = (from: RegExp, to: string) => diffStates(built, read(files.map((f, i) => (i === 0 ? { ...f, contents: once(f.contents, from, to) } : f))));
  it('variants: each spelling of an exclusion is its own guard (header: credential, query key: credential, _method: method)', () => {
    expect(security(plan(/ \|\| HeaderRegexp\(`x_api_key`, `\^`\)/, ''))).toEqual(['credential-unverified-passed opt-getme-anonymous']);
    // The exclusion narrowed to some values is a spelling kept off no longer (any value is a key).
    expect(security(plan(/HeaderRegexp\(`x_api-key`, `\^`\)/, 'HeaderRegexp(`x_api-key`, `^zzz`)'))).toEqual(['credential-unverified-passed opt-getme-anonymous']);
    // The query spellings of the key, on every router of the operation.
    expect(security(plan(/QueryRegexp\(`x-api-Key`, `\.\*`\) \|\| /, ''))).toEqual(['credential-unverified-passed opt-getme-anonymous']);
    expect(security(plan(/ \|\| QueryRegexp\(`\[method`, `\.\*`\)/, ''))).toEqual(['method-override-passed opt-getme-anonymous']);
  });
  it('variants: a header name respelt in case is the same exclusion (Traefik matches header names case-blind)', () => {
    expect(security(plan(/HeaderRegexp\(`x_api_key`/, 'HeaderRegexp(`X_API_KEY`'))).toEqual([]);
    expect(security(plan(/!\(HeaderRegexp\(`x-api-key`, `\^`\) \|\| /, '!HeaderRegexp(`x-api-key`, `^`) && !('))).toEqual([]);
  });
});
