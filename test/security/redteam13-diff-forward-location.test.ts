/**
 * Red team 13, `gwc diff` on nginx and the forwardAuth service a scheme asks (e43fea6,
 * Mechanism.service; a forward-kind scheme's verifier). The reader takes the service's whole check
 * to be the address its internal location proxies to (`proxy_pass`), plus the CFG's answer and
 * credential headers. A deployed location edited to keep that proxy_pass but no longer ask the
 * service reads as no change:
 * - `return 200;` in the internal location (rewrite phase, before the content handler proxies):
 *   every auth subrequest answers 200, every caller the service would refuse gets in;
 * - the credential header the location sends the service pinned to one value
 *   (`proxy_set_header x-api-key "<a valid key>"`): the service judges that key, never the caller's.
 * Both are auth-weakened (every caller in), and gwc diff said nothing. Now the service's text is the
 * proxy_pass plus any directive answering before it and the header lines sent to the service
 * (deployed-route-facts.ts serviceAsked): auth-verifier-changed.
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
    alice: { credentials: { key: '\${env:ALICE_KEY}' } }
paths:
  /files: { get: { operationId: getFile, security: [{ key: [] }], responses: ${ok} } }
  /fwd: { get: { operationId: getFwd, security: [{ fwd: [] }], responses: ${ok} } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key, x-gateway: { forwardAuth: { url: 'http://auth.internal:9000/check', responseHeaders: [X-User-Id] } } }
    fwd: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: 'http://auth.internal:9000/fwd' } } }
`;

const read = (files: OutputFile[]): State => {
  const r = readerOf('nginx').reader!.normalise(files, 'deployed');
  if (!r.state) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.state;
};

describe('gwc diff nginx: a forwardAuth location edited to keep its proxy_pass but not ask', async () => {
  const r = await compiledState(writeSpec(SPEC), 'nginx', {});
  const files = r.state!.files!;
  const built = read(files);
  const edit = (change: (s: string) => string) => read(files.map((f) => (f.path.startsWith('conf.d/') ? { ...f, contents: change(f.contents) } : f)));
  /** The internal location proxying to `url`, edited by `change`. */
  const inLocation = (url: string, change: (block: string) => string) => (s: string) => {
    const at = s.indexOf(`proxy_pass "${url}";`);
    const start = s.lastIndexOf('location = ', at);
    const end = s.indexOf('\n    }', at);
    if (at < 0 || start < 0 || end < 0) throw new Error(`no location for ${url}`);
    const next = s.slice(0, start) + change(s.slice(start, end)) + s.slice(end);
    if (next === s) throw new Error('no edit');
    return next;
  };
  const security = (mutated: State) => diffStates(built, mutated).findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`);

  it('control: the build reads as itself; the proxy_pass re-pointed is a finding', () => {
    expect(diffStates(built, edit((s) => s)).changes).toEqual([]);
    expect(security(edit(inLocation('http://auth.internal:9000/check', (b) => b.replace('auth.internal:9000/check', 'anyone.example/'))))).toContain('auth-verifier-changed route getFile');
  });

  it('`return 200;` in the service location of a natively verified key (every caller the service refuses gets in): a security finding', () => {
    const found = security(edit(inLocation('http://auth.internal:9000/check', (b) => b.replace('internal;', 'internal;\n        return 200;'))));
    expect(found.some((f) => f.endsWith('route getFile'))).toBe(true);
  });

  it('`return 200;` in a forward-kind scheme\'s location: a security finding', () => {
    const found = security(edit(inLocation('http://auth.internal:9000/fwd', (b) => b.replace('internal;', 'internal;\n        return 200;'))));
    expect(found.some((f) => f.endsWith('route getFwd'))).toBe(true);
  });

  it('the credential header sent to the service pinned to one key: a security finding', () => {
    const found = security(edit(inLocation('http://auth.internal:9000/check', (b) => b.replace('proxy_set_header x-api-key $http_x_api_key;', 'proxy_set_header x-api-key "alice-valid-key";'))));
    expect(found.some((f) => f.endsWith('route getFile'))).toBe(true);
  });
});
