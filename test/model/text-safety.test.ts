/**
 * User text refused at the spec line before any target sees it (DESIGN.md 7.6): decK template
 * syntax anywhere it could reach output, control characters in gateway settings.
 */
import { describe, expect, it } from 'vitest';
import { gatewayOf, HEAD } from '../helpers/spec.js';

const spec = (x: string, op = '', scheme = '{ type: http, scheme: basic }') =>
  `${HEAD}servers: [{ url: "https://api.example.com" }]\nx-gateway:\n${x}paths:\n  /a:\n    get: { operationId: a, x-gateway: { public: true }${op}, responses: { "200": { description: ok } } }\ncomponents:\n  securitySchemes:\n    b: ${scheme}\n`;
const MOCK = (body: string) => `  backends:\n    m: { mock: { status: 200, contentType: text/plain, body: ${body} } }\n`;

const cases: Array<{ name: string; text: string; code?: string; pointer?: string; line?: number }> = [
  { name: "gwc's own decK template spelled in a mock body", text: spec(MOCK(`'\${{ printf "%q" (env "DECK_KONNECT_TOKEN") }}'`)), code: 'text-template-syntax', pointer: '/x-gateway/backends/m/mock/body', line: 6 },
  { name: 'decK template syntax in a content type', text: spec(`  backends:\n    m: { mock: { status: 200, contentType: 'text/\${{ env "DECK_X" }}', body: ok } }\n`), code: 'text-template-syntax', pointer: '/x-gateway/backends/m/mock/contentType' },
  { name: 'decK template syntax in an operationId', text: spec(MOCK('ok'), `, summary: '\${{ env "DECK_X" }}'`), code: 'text-template-syntax', pointer: '/paths/~1a/get/summary' },
  { name: 'CR/LF in a basic realm (header injection into every 401)', text: spec(MOCK('ok'), '', '{ type: http, scheme: basic, x-gateway: { realm: "r\\r\\nSet-Cookie: s=1" } }'), code: 'text-control-character', pointer: '/components/securitySchemes/b/x-gateway/realm' },
  { name: 'a line separator in a header value', text: spec(`${MOCK('ok')}  defaults: { responseHeaders: { set: { X-A: "a\\u2028b" } } }\n`), code: 'text-control-character', pointer: '/x-gateway/defaults/responseHeaders/set/X-A' },
  { name: 'a NUL in a server URL variable', text: `${HEAD}servers: [{ url: "https://{h}.example.com", variables: { h: { default: "a\\u0000" } } }]\nx-gateway:\n${MOCK('ok')}paths:\n  /a:\n    get: { x-gateway: { public: true }, responses: { "200": { description: ok } } }\n`, code: 'text-control-character', pointer: '/servers/0/variables/h/default' },
  { name: 'a mock body with line breaks and tabs (a body, not a header)', text: spec(MOCK('"a\\n\\tb\\r\\n"')) },
  // The OpenAPI text the outputs carry (names, comments, AWS's Name, header names): refused at its line.
  { name: 'a line break in info.title (the gateway name in every output)', text: spec(MOCK('ok')).replace("title: t", 'title: "t\\r\\nX-Injected: 1"'), code: 'text-control-character', pointer: '/info/title' },
  { name: 'a control character in a path key', text: spec(MOCK('ok')).replace('  /a:\n', '  "/a\\u0007":\n'), code: 'text-control-character', pointer: '/paths/~1a\u0007' },
  { name: 'CR/LF in an API-key header name', text: spec(MOCK('ok'), '', '{ type: apiKey, in: header, name: "X-Key\\r\\nX-Admin: 1" }'), code: 'text-control-character', pointer: '/components/securitySchemes/b/name' },
  { name: 'a control character in a parameter name', text: spec(MOCK('ok'), ', parameters: [{ name: "q\\u0000", in: query, schema: { type: string } }]'), code: 'text-control-character', pointer: '/paths/~1a/get/parameters/0/name' },
  { name: 'a control character in a role of a security requirement (roles reach the njs configuration and Kong ACL groups)', text: spec(MOCK('ok'), ', security: [{ b: ["admin\\u0007"] }]'), code: 'text-control-character', pointer: '/paths/~1a/get/security/0/b/0' },
  { name: 'line breaks in a summary and a scope description (documentation, as APIs.guru specs have them)', text: spec(MOCK('ok'), ', summary: "one\\ntwo"', '{ type: oauth2, flows: { clientCredentials: { tokenUrl: "https://id.example.com/t", scopes: { read: "a\\n\\nb" } } } }') },

  // Half a surrogate pair: no UTF-8 file holds one (Kong wrote \ud800, which decK refuses with the whole file; nginx wrote U+FFFD, another path).
  { name: 'half a surrogate pair in a path key', text: spec(MOCK('ok')).replace('  /a:\n', '  "/a\\ud800x":\n'), code: 'text-control-character', pointer: '/paths/~1a\ud800x' },
  { name: 'half a surrogate pair in a mock body', text: spec(`  backends:\n    m: { mock: { status: 200, contentType: text/plain, body: "a\\udc00" } }\n`), code: 'text-control-character', pointer: '/x-gateway/backends/m/mock/body' },
  { name: 'a whole surrogate pair (an emoji) in a header value and a mock body', text: spec(`${MOCK('"\u{1F600}"')}  defaults: { responseHeaders: { set: { X-A: "\\ud83d\\ude00" } } }\n`) },

  { name: 'documentation mentioning ${{ (descriptions are never output)', text: spec(MOCK('ok'), `, description: 'set \${{ secrets.TOKEN }} in CI'`) },
];

describe('user text that could leave its slot is refused at the spec line', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const { diagnostics } = await gatewayOf(c.text);
      const found = diagnostics.filter((d) => d.code === 'text-template-syntax' || d.code === 'text-control-character');
      if (!c.code) return expect(found).toEqual([]);
      expect(found).toHaveLength(1);
      expect(found[0]!.code).toBe(c.code);
      if (c.pointer) expect(found[0]!.loc?.pointer).toBe(c.pointer);
      if (c.line) expect(found[0]!.position?.line).toBe(c.line);
    });
  }
});
