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
import { describe, expect, it } from 'vitest';
import type { TraefikConfig } from '../../src/targets/traefik/types.js';
import { HEAD, writeSpec } from '../helpers/spec.js';
import { compileCase } from '../targets/traefik/cases.js';
import { htpasswdFiles } from '../targets/traefik/operator.js';
import { send } from '../targets/traefik/traefik-oracle.js';

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
