/**
 * Red team 7, `gwc diff` on nginx's OR-route kept-credential guard (c89201b, deployed-guards.ts
 * keptGuards): hand edits that let another alternative's forged credential reach the backend again
 * while the lines the reader looks for are still there. Each must read as a security finding
 * naming the route (DESIGN.md 6, 7).
 */
import { describe, expect, it } from 'vitest';
import { diffStates } from '../../src/diff/plan.js';
import { readerOf } from '../../src/diff/run.js';
import type { State } from '../../src/diff/entity.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { HEAD } from '../helpers/spec.js';
import { diffState } from '../helpers/diff-edits.js';

type Files = OutputFile[];

async function sides(spec: string, change: (files: Files) => Files): Promise<{ built: State; edited: State }> {
  const files = (await diffState(spec, 'nginx')).files!;
  const reader = readerOf('nginx').reader!;
  const read = (fs: Files) => {
    const r = reader.normalise(fs, 'files');
    if (!r.state) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
    return r.state;
  };
  return { built: read(files), edited: read(change(files.map((f) => ({ ...f })))) };
}

async function findings(spec: string, change: (files: Files) => Files): Promise<string[]> {
  const { built, edited } = await sides(spec, change);
  return diffStates(built, edited).findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`);
}

const edit = (match: (f: OutputFile) => boolean, fn: (text: string) => string) => (files: Files): Files =>
  files.map((f) => {
    if (!match(f)) return f;
    const contents = fn(f.contents);
    if (contents === f.contents) throw new Error(`the edit changed nothing in ${f.path}`);
    return { ...f, contents };
  });
const conf = (fn: (text: string) => string) => edit((f) => f.path.endsWith('.conf') && /^server \{/m.test(f.contents), fn);
const njs = (fn: (text: string) => string) => edit((f) => /gwc\/[^/]+\.js$/.test(f.path) && f.contents.includes('var CFG'), fn);

/** The CFG entry of kept carrier `name` (pretty-printed JSON) made to pass for alternative 0 (basic) too. */
const widen = (t: string, name: string) => t.replace(new RegExp(`("alts": \\[\\s*)1(\\s*\\],\\s*"name": "${name}")`), '$10, 1$2');

const ok = "{ '200': { description: ok } }";
const SPEC = `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: kd
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { hk: '\${env:H}', qk: '\${env:Q}', ck: '\${env:C}', bas: { username: alice, password: '\${env:P}' } } }
paths:
  /h: { get: { operationId: orh, security: [{ bas: [] }, { hk: [] }], responses: ${ok} } }
  /q: { get: { operationId: orq, security: [{ bas: [] }, { qk: [] }], responses: ${ok} } }
  /c: { get: { operationId: orc, security: [{ bas: [] }, { ck: [] }], responses: ${ok} } }
components:
  securitySchemes:
    hk: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { hideCredentials: false } }
    qk: { type: apiKey, in: query, name: api_key, x-gateway: { hideCredentials: false } }
    ck: { type: apiKey, in: cookie, name: sid_key, x-gateway: { hideCredentials: false } }
    bas: { type: http, scheme: basic }
`;

describe('red team 7, gwc diff: hand edits that weaken the nginx kept-credential guard behind its lines', () => {
  it('a second proxy_set_header X-Api-Key from the client beside the guarded one is a security finding', async () => {
    const found = await findings(SPEC, conf((t) => t.replace(/(\n(\s*)proxy_set_header x-api-key \$gwc_kd_kept_0;)/i, '$1\n$2proxy_set_header X-Api-Key $http_x_api_key;')));
    expect(found.join('\n')).toMatch(/route orh/);
  });

  it('a second proxy_set_header Cookie from the client beside the guarded one is a security finding', async () => {
    const found = await findings(SPEC, conf((t) => t.replace(/(\n(\s*)proxy_set_header Cookie \$gwc_kd_kept_cookies;)/, '$1\n$2proxy_set_header Cookie $http_cookie;')));
    expect(found.join('\n')).toMatch(/route orc/);
  });

  it("the njs configuration's kept header widened to every alternative (alts) is a security finding", async () => {
    const found = await findings(SPEC, njs((t) => widen(t, 'x-api-key')));
    expect(found.join('\n')).toMatch(/route orh/);
  });

  it("the njs configuration's kept query key widened to every alternative is a security finding", async () => {
    const found = await findings(SPEC, njs((t) => widen(t, 'api_key')));
    expect(found.join('\n')).toMatch(/route orq/);
  });

  it("the njs configuration's kept cookie widened to every alternative is a security finding", async () => {
    const found = await findings(SPEC, njs((t) => widen(t, 'sid_key')));
    expect(found.join('\n')).toMatch(/route orc/);
  });

  it('the query sent from the original request URI (proxy_pass ...$request_uri) is a security finding', async () => {
    const found = await findings(SPEC, conf((t) => t.replace(/(rewrite \^ "\/q" break;[^}]*?proxy_pass http:\/\/[a-z0-9_]+);/, '$1$request_uri;')));
    expect(found.join('\n')).toMatch(/route orq/);
  });
});
