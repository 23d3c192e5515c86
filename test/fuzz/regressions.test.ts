/**
 * Bugs the hostile-spec fuzz found (issue 14), each kept as a test at the class of the bug.
 */
import { describe, expect, it } from 'vitest';
import { compileGateway } from '../../src/api.js';
import { nginxCheckGateway, nginxBinary } from '../helpers/checkers.js';
import { gatewayOf, HEAD } from '../helpers/spec.js';

const limited = (requests: number, by: string) => `${HEAD}servers: [{ url: 'https://api.example.com' }]
x-gateway:
  name: rl
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
  consumers: { alice: { credentials: { key: '\${env:ALICE_KEY}' } } }
paths:
  /a:
    get:
      security: [{ key: [] }]
      x-gateway: { rateLimit: { requests: ${requests}, per: second${by} } }
      responses: { '200': { description: ok } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Api-Key }
`;

/**
 * C1 control characters (U+0080-U+009F: NEL U+0085 among them) and the Unicode line separators
 * passed the spec line in path templates, upstream paths, server URLs and operation ids (the model
 * checked C0 and DEL only, and JavaScript's \s knows no NEL), and reached Kong's YAML raw, where a
 * YAML 1.1 reader (Kong's libyaml) folds NEL into a space: the route Kong loaded was not the one
 * gwc wrote. They are refused at the spec line, like C0.
 */
describe('fuzz regressions: C1 controls and line separators are refused at the spec line', () => {
  const spec = (path: string, op: string, upstream: string, server: string) => `${HEAD}servers: [{ url: ${JSON.stringify(server)} }]
x-gateway:
  name: c1
  backends: { app: { url: 'http://app.internal:8080' } }
  defaults: { backend: app }
paths:
  ${JSON.stringify(path)}:
    get:
      operationId: ${JSON.stringify(op)}
      security: []
      x-gateway: { public: true, upstreamPath: ${JSON.stringify(upstream)} }
      responses: { '200': { description: ok } }
`;
  const ok = ['/a', 'getA', '/in/a', 'https://api.example.com'] as const;
  it.each([0x85, 0x80, 0x9f, 0x2028, 0x2029].map((n) => [n.toString(16).toUpperCase().padStart(4, '0'), n] as const))('U+%s', async (esc, code) => {
    const c = String.fromCharCode(code);
    expect((await gatewayOf(spec(...ok))).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const cases: Array<[number, string]> = [[0, `/a${c}b`], [1, `get${c}A`], [2, `/in/a${c}b`], [3, `https://api.example.com/v${c}1`]];
    for (const [i, v] of cases) {
      const args = [...ok] as [string, string, string, string];
      args[i] = v;
      const { gateway, diagnostics } = await gatewayOf(spec(...args));
      expect(gateway, `${esc} in argument ${i}`).toBeUndefined();
      expect(diagnostics.filter((d) => d.severity === 'error').map((d) => d.code).some((code) => ['path-param-invalid', 'text-control-character', 'upstream-path-invalid', 'server-url-invalid'].includes(code) || code.includes('control')), `${esc} in argument ${i}: ${diagnostics.map((d) => d.code).join(', ')}`).toBe(true);
    }
  });
});

describe.skipIf(!nginxBinary())('fuzz regressions: nginx', () => {
  // nginx refuses `burst=0` (ngx_http_limit_req_module: burst must be > 0), so a limit of one
  // request per period made the whole configuration fail to load; with no burst the directive
  // says nothing of it. Every way of keying the limit writes its own limit_req (route, verify and
  // fail locations), so each is loaded.
  it.each([['', 'by ip'], [', by: consumer', 'by consumer'], [', by: { header: X-Tenant }', 'by header']])('a limit of 1 request per second (%s) loads in nginx (%s)', async (by) => {
    const { gateway } = await gatewayOf(limited(1, by));
    const built = compileGateway(gateway!, 'nginx');
    expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(built.files.find((f) => f.path.endsWith('.conf'))!.contents).not.toMatch(/burst=0\b/);
    const t = nginxCheckGateway(gateway!);
    expect(t?.output ?? '').toBe('');
    expect(t?.ok ?? true).toBe(true);
  });
});
