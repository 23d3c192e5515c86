/**
 * `gwc diff` and the nginx guard on an OR route's kept credentials (kept-credentials.ts, DESIGN.md
 * 7.8): a hand edit that sends a kept header, the query or the Cookie header on as the client sent
 * them (not from the auth handler's answer) lets a forged credential of an alternative that did not
 * pass reach the backend, and must read as a security finding naming the route.
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

async function weakened(spec: string, change: (files: Files) => Files): Promise<string[]> {
  const { built, edited } = await sides(spec, change);
  return diffStates(built, edited).findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`);
}

const conf = (edit: (text: string) => string) => (files: Files): Files =>
  files.map((f) => {
    if (!f.path.endsWith('.conf') || !/^server \{/m.test(f.contents)) return f;
    const contents = edit(f.contents);
    if (contents === f.contents) throw new Error('the edit changed nothing');
    return { ...f, contents };
  });

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
  /l: { get: { operationId: orl, security: [{ bas: [] }, { hk: [] }], x-gateway: { rateLimit: { requests: 10, per: minute, by: consumer } }, responses: ${ok} } }
components:
  securitySchemes:
    hk: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { hideCredentials: false } }
    qk: { type: apiKey, in: query, name: api_key, x-gateway: { hideCredentials: false } }
    ck: { type: apiKey, in: cookie, name: sid_key, x-gateway: { hideCredentials: false } }
    bas: { type: http, scheme: basic }
`;

describe('gwc diff, nginx: an OR route sends a kept credential on only from the auth answer', () => {
  it("gwc's files read back are no change", async () => {
    const { built, edited } = await sides(SPEC, (f) => f);
    expect(diffStates(built, edited).changes).toEqual([]);
  });

  it('the kept header sent as the client sent it (its proxy_set_header removed) is credential-unverified-passed', async () => {
    const found = await weakened(SPEC, conf((t) => t.replace(/\n\s*proxy_set_header x-api-key \$gwc_kd_kept_0;/gi, '')));
    // The header the route set is gone from its requestHeaders too.
    expect(found.sort()).toEqual(['credential-unverified-passed route orh', 'credential-unverified-passed route orl', 'request-header-passed route orh', 'request-header-passed route orl']);
  });

  it("the kept header's variable filled from the client's header is credential-unverified-passed", async () => {
    const found = await weakened(SPEC, conf((t) => t.replace(/auth_request_set \$gwc_kd_kept_0 \$sent_http_x_gwc_kept_0;/g, 'auth_request_set $gwc_kd_kept_0 $http_x_api_key;')));
    // A kept header's variable read from the client ($http_*) is also a value gwc never writes: unread-changed (ab28671).
    expect(found.sort()).toEqual(['credential-unverified-passed route orh', 'credential-unverified-passed route orl', 'unread-changed route orh', 'unread-changed route orl']);
  });

  it("the query not taken from the auth answer is credential-unverified-passed", async () => {
    const found = await weakened(SPEC, conf((t) => t.replace(/\n\s*auth_request_set \$args \$sent_http_x_gwc_args;/, '')));
    expect(found).toEqual(['credential-unverified-passed route orq']);
  });

  it('the Cookie header sent as the client sent it is credential-unverified-passed', async () => {
    const found = await weakened(SPEC, conf((t) => t.replace(/\n\s*proxy_set_header Cookie \$gwc_kd_kept_cookies;/, '')));
    expect(found).toContain('credential-unverified-passed route orc');
  });
});
