/**
 * Red team 4 (redB), Kong forwarding headers in their `_` spelling (class: identity/forwarding
 * headers a client can set, every `-`/`_` spelling; DESIGN.md 7.3).
 *
 * Kong's nginx template turns `underscores_in_headers on` (kong/templates/nginx_kong.lua:30, a
 * decK file cannot turn it off), and PHP, Rack and CGI/WSGI servers read `X_Forwarded_Host` as
 * `HTTP_X_FORWARDED_HOST`, the same variable as Kong's own `X-Forwarded-Host` (src/targets/kong/
 * underscores.ts says so for every header gwc clears). gwc removes the `_` spellings of every header
 * in CLIENT_FORWARDING_HEADERS, but X-Forwarded-For/-Proto/-Host are not in that list (Kong sets
 * their dash spelling itself, policies.ts neverFromClientList), so their `_` spellings are never
 * removed: the client's `X_Forwarded_Host: evil.example` reaches the backend next to Kong's own
 * value. Kong's nginx sends its proxy_set_header headers first and the client's own after them, and
 * Puma/gunicorn join two headers of one CGI name ("api.test, evil.example"); Rack reads the LAST
 * entry of X-Forwarded-Host (Request#forwarded_authority) and Rails' RemoteIp the last untrusted
 * X-Forwarded-For entry (what README tells backends to read): password-reset links and redirects
 * built on evil.example, `X_Forwarded_Proto: https` read as TLS, `X_Forwarded_For: 10.0.0.1` as the
 * client address.
 * Fix: add the `_` spellings (only those: the dash spelling is Kong's) of X-Forwarded-For/-Proto/-Host
 * to every route's request-transformer remove list.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../src/api.js';
import { GATEWAY_FORWARDING_HEADERS, underscoreForms } from '../../src/model/overrides.js';
import { gatewayOf } from '../helpers/spec.js';
import { evaluate, type DeckDoc } from '../targets/kong/kong-oracle.js';

const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: k4fw, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: k4fw
  backends: { app: { url: "http://app.internal:8080" } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { key: "\${env:A}" } }
paths:
  /open: { get: { operationId: open, x-gateway: { public: true }, responses: ${ok} } }
  /keyed: { get: { operationId: keyed, security: [{ key: [] }], responses: ${ok} } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Api-Key }
`;
const env = { DECK_A: 'key-a' };
/** Header names as a CGI/WSGI/Rack backend reads them (HTTP_X_FORWARDED_HOST). */
const cgi = (h: string) => `HTTP_${h.toUpperCase().replace(/-/g, '_')}`;
/** Every value the backend reads under the CGI name of `header`. */
const readAs = (headers: Record<string, string>, header: string) =>
  Object.entries(headers).filter(([k]) => cgi(k) === cgi(header)).map(([, v]) => v);

describe('red team 4: Kong passes X_Forwarded_For/-Proto/-Host spelt with underscores', async () => {
  const loaded = await gatewayOf(SPEC);
  const built = compileGateway(loaded.gateway!, 'kong', {});
  const doc = parse(built.files.find((f) => f.path === 'kong.yaml')!.contents) as DeckDoc;
  const send = (path: string, headers: Record<string, string>) => evaluate(doc, { method: 'GET', host: 'api.test', path, headers }, env);

  it('control: the dash spelling is Kong\'s own value; X_Real_IP (in the list) is removed', () => {
    expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const o = send('/v1/open', { 'x-forwarded-host': 'evil.example', x_real_ip: '10.0.0.1' });
    expect(o.status).toBe(200);
    expect(o.upstream?.headers['x-forwarded-host']).toBe('api.test');
    expect(readAs(o.upstream!.headers, 'X-Real-IP')).not.toContain('10.0.0.1');
  });

  // Fixed (model/overrides.ts GATEWAY_FORWARDING_HEADERS: their `_` spellings are in the family).
  // Variants: every `-`/`_` spelling with a `_` of every forwarding header a gateway writes itself.
  for (const h of GATEWAY_FORWARDING_HEADERS) {
    for (const header of underscoreForms(h)) {
      it(`public route: the client's ${header} never reaches the backend as ${cgi(header)}`, () => {
        const o = send('/v1/open', { [header.toLowerCase()]: 'forged.example' });
        expect(o.status).toBe(200);
        expect(readAs(o.upstream!.headers, h)).not.toContain('forged.example');
      });
    }
  }

  it('control: Kong\'s own X-Forwarded-For/-Proto/-Host still reach the backend in their dash spelling', () => {
    const o = send('/v1/open', { x_forwarded_for: '10.0.0.1', 'X_Forwarded-Proto': 'http' });
    expect(o.upstream!.headers['x-forwarded-host']).toBe('api.test');
    expect(o.upstream!.headers['x-forwarded-proto']).toBe('https');
    expect(o.upstream!.headers['x-forwarded-for']).toMatch(/^[0-9a-f.:]+$/);
  });

  // Fixed: same on an authenticated route (alice's key verified, the forged host passes beside it).
  it('keyed route: alice\'s verified request carries X_Forwarded_Host: evil.example to the backend', () => {
    const o = send('/v1/keyed', { 'x-api-key': 'key-a', x_forwarded_host: 'evil.example' });
    expect(o.status).toBe(200);
    expect(readAs(o.upstream!.headers, 'X-Forwarded-Host')).toEqual(['api.test']);
  });
});
