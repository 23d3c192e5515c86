/**
 * Red team 7, `gwc diff` on the guards redteam7-nginx-forward-or adds: on an OR route, the whole
 * Cookie header a forward-auth service reads goes on only for its alternative (CFG
 * `kept.cookieHeader`), and Proxy-Authorization is stripped where basic hides its credential. A
 * deployed config that lost either (or widened the alternatives) must read as a security finding
 * naming the route (DESIGN.md 6, 7.8); the built config itself reads as no change.
 */
import { describe, expect, it } from 'vitest';
import { diffStates } from '../../src/diff/plan.js';
import { readerOf } from '../../src/diff/run.js';
import type { State } from '../../src/diff/entity.js';
import type { OutputFile } from '../../src/targets/output-file.js';
import { HEAD } from '../helpers/spec.js';
import { diffState } from '../helpers/diff-edits.js';

type Files = OutputFile[];

async function findings(spec: string, change: (files: Files) => Files): Promise<string[]> {
  const files = (await diffState(spec, 'nginx')).files!;
  const reader = readerOf('nginx').reader!;
  const read = (fs: Files): State => {
    const r = reader.normalise(fs, 'files');
    if (!r.state) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
    return r.state;
  };
  return diffStates(read(files), read(change(files.map((f) => ({ ...f }))))).findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`);
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

const ok = "{ '200': { description: ok } }";
const SPEC = `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: fd
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { bas: { username: alice, password: '\${env:P}' } } }
paths:
  /f: { get: { operationId: orf, security: [{ bas: [] }, { fck: [] }], responses: ${ok} } }
  /b: { get: { operationId: onlyb, security: [{ bas: [] }], responses: ${ok} } }
components:
  securitySchemes:
    bas: { type: http, scheme: basic }
    fck: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: "http://fck.internal:9000/verify", requestHeaders: [Cookie] } } }
`;

describe('red team 7, gwc diff: the forward-auth Cookie guard and the Proxy-Authorization strip', () => {
  it('control: the built config reads as no change', async () => {
    expect(await findings(SPEC, (f) => f)).toEqual([]);
  });

  it("the njs configuration's cookieHeader removed is a security finding", async () => {
    const found = await findings(SPEC, njs((t) => t.replace(/"cookieHeader": \[\s*1\s*\],?/, '')));
    expect(found.join('\n')).toMatch(/credential-unverified-passed .*orf/);
  });

  it("the njs configuration's cookieHeader widened to every alternative is a security finding", async () => {
    const found = await findings(SPEC, njs((t) => t.replace(/("cookieHeader": \[\s*)1(\s*\])/, '$10, 1$2')));
    expect(found.join('\n')).toMatch(/credential-unverified-passed .*orf/);
  });

  it('the guarded Cookie line replaced by the client\'s Cookie is a security finding', async () => {
    const found = await findings(SPEC, conf((t) => t.replace(/proxy_set_header Cookie \$gwc_fd_kept_cookies;/, 'proxy_set_header Cookie $http_cookie;')));
    expect(found.join('\n')).toMatch(/orf/);
  });

  it('the Proxy-Authorization strip removed is a security finding', async () => {
    const found = await findings(SPEC, conf((t) => t.replace(/\n\s*proxy_set_header proxy-authorization "";/g, '')));
    expect(found.join('\n')).toMatch(/onlyb/);
    expect(found.join('\n')).toMatch(/orf/);
  });
});
