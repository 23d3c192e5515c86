/**
 * Backend URLs: WHATWG URL parsing accepts `;`, `{`, `$` and quotes in a host name, which no
 * gateway does; the model refuses them at the URL's line and column instead of passing them on.
 */
import { describe, expect, it } from 'vitest';
import { gatewayOf, HEAD } from '../helpers/spec.js';

const spec = (url: string) =>
  `${HEAD}servers: [{ url: https://api.example.com }]\nx-gateway:\n  backends:\n    app: { url: "${url}" }\npaths:\n  /a:\n    get:\n      x-gateway: { public: true }\n      responses: { "200": { description: ok } }\n`;

describe('backend URL host names', () => {
  for (const url of ['https://evil.com;return_200_x;/', 'http://a{b}.internal', "http://a'b.internal:8080", 'http://a$b.internal']) {
    it(`refuses ${url}`, async () => {
      const { gateway, diagnostics } = await gatewayOf(spec(url));
      expect(gateway).toBeUndefined();
      const d = diagnostics.find((x) => x.code === 'bad-url');
      expect(d?.position).toMatchObject({ line: 6, column: 12 });
    });
  }
  for (const [url, host] of [['http://users_svc.internal:8080', 'users_svc.internal'], ['http://[::1]:8080', '::1'], ['https://10.0.0.1', '10.0.0.1']] as const) {
    it(`accepts ${url}`, async () => {
      const { gateway, diagnostics } = await gatewayOf(spec(url));
      expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(gateway!.backends[0]!.targets[0]!.url.host).toBe(host);
    });
  }
});
