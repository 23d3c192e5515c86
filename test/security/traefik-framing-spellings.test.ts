/**
 * Traefik: a header line whose name reads as Transfer-Encoding or Content-Length but is spelt with
 * `_` (Transfer_Encoding, content_LENGTH). Go's net/http (Traefik) accepts `_` in a header name and
 * the reverse proxy forwards it as an ordinary header (only the exact `-` names frame the body);
 * Puma < 6.4.3, Unicorn, Thin and WSGI servers read it as HTTP_TRANSFER_ENCODING / CONTENT_LENGTH:
 * a second framing of the body, request smuggling on the kept-alive upstream connection (Kong
 * refuses such a line since 2e3df08, nginx drops it: underscores_in_headers off).
 *
 * textproto.CanonicalMIMEHeaderKey leaves a key alone only when it holds a non-token byte; `_` is a
 * token byte, so `TRANSFER_ENCODING`, `transfer_encoding` and `Transfer_Encoding` are all stored as
 * `Transfer_encoding` (only the first letter and a letter after `-` upper-cased), and the headers
 * middleware's `Del("Transfer_Encoding")` (customRequestHeaders "") matches every case variant: one
 * entry per `_`/`-` pattern with at least one `_` is enough (here one each).
 * Through the Traefik oracle (go-http.ts models the canonicalisation): what the backend gets.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffDeployed } from '../../src/diff/run.js';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { htpasswdFiles } from '../targets/traefik/operator.js';
import { send } from '../targets/traefik/traefik-oracle.js';
import { baseSpec, deployedFixture } from '../diff/helpers.js';

const ok = "{ '200': { description: ok } }";
const spec = `${HEAD}servers: [{ url: 'https://api.test/v1' }]
x-gateway:
  name: framing
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
  consumers:
    bob: { credentials: { basic: { username: bob, password: '\${env:B}' } } }
paths:
  /open: { get: { operationId: open, security: [], x-gateway: { public: true }, responses: ${ok} }, post: { operationId: openPost, security: [], x-gateway: { public: true }, responses: ${ok} } }
  /key: { post: { operationId: key, security: [{ fb: [] }], responses: ${ok} } }
  /basic: { put: { operationId: basic, security: [{ basic: [] }], responses: ${ok} } }
  /opt: { post: { operationId: opt, security: [{ basic: [] }, {}], responses: ${ok} } }
components:
  securitySchemes:
    fb: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: 'http://auth.internal/b' } } }
    basic: { type: http, scheme: basic }
`;

const SPELLINGS = ['Transfer_Encoding', 'transfer_encoding', 'TRANSFER_ENCODING', 'tRANSFER_eNCODING', 'Content_Length', 'content_LENGTH', 'CONTENT_LENGTH'];
const framing = (k: string) => /^(transfer|content)[-_](encoding|length)$/i.test(k) && k.includes('_');

const REQUESTS: Array<[string, string, Record<string, string>]> = [
  ['GET', '/v1/open', {}],
  ['POST', '/v1/open', {}],
  ['POST', '/v1/key', { Authorization: 'Bearer t' }],
  ['PUT', '/v1/basic', { Authorization: `Basic ${Buffer.from('bob:pw-b').toString('base64')}` }],
  ['POST', '/v1/opt', {}],
  ['POST', '/v1/opt', { Authorization: `Basic ${Buffer.from('bob:pw-b').toString('base64')}` }],
];

describe('Traefik: Transfer_Encoding / Content_Length spellings never reach the backend', () => {
  for (const [method, target, auth] of REQUESTS) {
    it(`${method} ${target}${Object.keys(auth).length ? ` (${Object.keys(auth)[0]})` : ''}`, async () => {
      const { built } = await compileCase(writeSpec(spec));
      expect(built!.result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const config = built!.config as TraefikConfig;
      const files = built!.result.files[0] ? htpasswdFiles(built!.result.files[0].contents, () => 'pw-b') : {};
      const auth2 = () => ({ status: 200 });
      for (const name of SPELLINGS) {
        const o = send(config, { method, host: 'api.test', target, headers: { ...auth, [name]: name.toLowerCase().startsWith('t') ? 'chunked' : '5' }, tls: true, bodyBytes: 5 }, { files, auth: auth2 });
        expect(o.backend, `${name}: ${o.status} ${o.answeredBy ?? ''}`).toBeDefined();
        expect([...o.backend!.headers.map.keys()].filter(framing), name).toEqual([]);
      }
    });
  }
});

describe('gwc diff reads the removal (requestHeaders of every operation router)', () => {
  // A deployed file without it (a release before this one): deploying the build tightens, and
  // names what the deployed routers let through (undoes request-header-passed).
  it('a deployed clear-inputs without Transfer_Encoding / Content_Length: tightened, undoes request-header-passed', async () => {
    const doc = JSON.parse(readFileSync(deployedFixture('traefik-dynamic.json'), 'utf8'));
    const clears = doc.http.middlewares['storefront-clear-inputs'].headers.customRequestHeaders;
    expect(clears).toMatchObject({ Transfer_Encoding: '', Content_Length: '' });
    delete clears.Transfer_Encoding;
    delete clears.Content_Length;
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'gwc-framing-')), 'dynamic.json');
    writeFileSync(file, JSON.stringify(doc));
    const r = await diffDeployed(baseSpec, { target: 'traefik', deployed: file });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const found = r.plan!.findings.filter((f) => f.undoes === 'request-header-passed');
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) expect(f.old).toBe('as the client sent: content_length, transfer_encoding');
    expect(new Set(r.plan!.findings.map((f) => `${f.rule} ${f.undoes}`))).toEqual(new Set(['tightened request-header-passed']));
  });
});
