/**
 * The base path the gateways serve comes from the servers URL, decoded. An escape that decodes to
 * a character with a meaning in a path would move the routes somewhere nobody wrote (`/a%2Fb`
 * served as `/a/b`); a malformed one has no reading. Both are refused at the URL's line, never a
 * crash or a silently different path.
 */
import { describe, expect, it } from 'vitest';
import { gatewayOf, HEAD } from '../helpers/spec.js';

const spec = (url: string) =>
  `${HEAD}servers: [{ url: "${url}" }]\nx-gateway:\n  backends:\n    m: { mock: { status: 200, contentType: text/plain, body: ok } }\npaths:\n  /a:\n    get: { operationId: a, x-gateway: { public: true }, responses: { "200": { description: ok } } }\n`;

describe('servers: the base path', () => {
  it.each([
    ['an encoded slash', 'https://api.example.com/a%2Fb'],
    ['an encoded slash, lower case', 'https://api.example.com/a%2fb'],
    ['an encoded backslash', 'https://api.example.com/a%5Cb'],
    ['an encoded question mark', 'https://api.example.com/v1%3Fx'],
    ['an encoded hash', 'https://api.example.com/v1%23x'],
    ['an encoded semicolon', 'https://api.example.com/v1%3Bx'],
    ['an encoded percent (decoded twice by some)', 'https://api.example.com/v1%252F'],
    ['an encoded NUL', 'https://api.example.com/v1%00'],
    ['a malformed escape (was an uncaught URIError)', 'https://api.example.com/a%zz'],
    ['a truncated UTF-8 escape', 'https://api.example.com/a%C3'],
  ])('%s is refused at the URL', async (_n, url) => {
    const r = await gatewayOf(spec(url));
    expect(r.gateway).toBeUndefined();
    const d = r.diagnostics.filter((x) => x.code === 'bad-url');
    expect(d.map((x) => [x.loc?.pointer, x.position?.line])).toEqual([['/servers/0/url', 3]]);
  });

  it.each([
    ['plain', 'https://api.example.com/v1/', '/v1'],
    ['an encoded unreserved character', 'https://api.example.com/v%31', '/v1'],
    ['encoded UTF-8', 'https://api.example.com/caf%C3%A9', '/café'],
  ])('%s is served decoded', async (_n, url, basePath) => {
    const r = await gatewayOf(spec(url));
    expect(r.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
    expect(r.gateway?.basePath).toBe(basePath);
  });
});

describe('a malformed percent-escape elsewhere is a diagnostic, never a crash', () => {
  const backend = (url: string) =>
    `${HEAD}x-gateway:\n  backends:\n    m: { url: "${url}" }\npaths:\n  /a:\n    get: { operationId: a, x-gateway: { public: true, backend: m }, responses: { "200": { description: ok } } }\n`;
  it.each([
    ['a malformed escape in a backend URL', 'https://b.example.com/a%zz'],
    ['an encoded slash in a backend URL (the backend would be sent /a/b)', 'https://b.example.com/a%2Fb'],
  ])('%s: bad-url at the URL', async (_n, url) => {
    const r = await gatewayOf(backend(url));
    expect(r.diagnostics.filter((x) => x.code === 'bad-url').map((x) => x.loc?.pointer)).toEqual(['/x-gateway/backends/m/url']);
  });

  it.each([
    ['in a local $ref fragment', '"#/components/responses/%zz"'],
    ['in a $ref file name', '"other%zz.yaml"'],
  ])('%s: ref-unresolved at the $ref', async (_n, ref) => {
    const text = `${HEAD}paths:\n  /a:\n    get: { operationId: a, x-gateway: { public: true }, responses: { "200": { $ref: ${ref} } } }\ncomponents:\n  responses:\n    ok: { description: ok }\n`;
    const r = await gatewayOf(text);
    expect(r.diagnostics.filter((x) => x.code === 'ref-unresolved').map((x) => [x.loc?.pointer, x.position?.line])).toEqual([['/paths/~1a/get/responses/200/$ref', 5]]);
  });
});
