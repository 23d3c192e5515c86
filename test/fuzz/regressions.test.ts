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
