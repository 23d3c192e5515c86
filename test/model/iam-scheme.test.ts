/**
 * #13.10: IAM (SigV4) written the AWS way is its own kind (auth.iam), never an API key, and is
 * refused on every target until one verifies it; a scheme nobody holds a credential for warns once,
 * in the core, whatever the target.
 */
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
import { TARGET_NAMES } from '../../src/targets/index.js';
import { gatewayOf, HEAD, writeSpec } from '../helpers/spec.js';

const spec = (scheme: string, consumers = '') => `${HEAD}servers: [{ url: https://api.example.com }]
x-gateway:
  backends:
    app: { url: https://app.example.com }
${consumers}paths:
  /admin:
    get:
      operationId: admin
      security: [{ sig: [] }]
      responses: { '200': { description: ok } }
components:
  securitySchemes:
    sig: ${scheme}
`;

describe('IAM (SigV4) schemes', () => {
  for (const authtype of ['awsSigv4', 'AWSSIGV4']) {
    it(`type apiKey with x-amazon-apigateway-authtype ${authtype} is kind iam, refused on every target`, async () => {
      const text = spec(`{ type: apiKey, in: header, name: Authorization, x-amazon-apigateway-authtype: ${authtype} }`);
      const { gateway } = await gatewayOf(text);
      expect(gateway!.securitySchemes[0]).toMatchObject({ kind: 'iam' });
      expect(gateway!.securitySchemes[0]!.apiKey).toBeUndefined();
      const file = writeSpec(text);
      for (const target of TARGET_NAMES) {
        const b = await buildTarget(file, { target });
        expect(b.files, target).toEqual([]);
        const d = b.diagnostics.find((x) => x.code === 'capability-unsupported')!;
        expect(d.params, target).toMatchObject({ route: 'admin', feature: 'auth.iam', target });
        expect(d.position, target).toEqual({ line: 11, column: 7 });
      }
    });
  }

  it('x-gateway.header on a SigV4 scheme is refused at its line, as on every kind that is not a JWT the gateway verifies (closing15: it was skipped)', async () => {
    const refused = await gatewayOf(spec('{ type: apiKey, in: header, name: Authorization, x-amazon-apigateway-authtype: awsSigv4, x-gateway: { header: X-Token } }'));
    expect(refused.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.loc?.pointer])).toEqual([['schema-invalid', '/components/securitySchemes/sig/x-gateway/header']]);
    // Naming what SigV4 signs anyway (Authorization) is no change: accepted.
    const same = await gatewayOf(spec('{ type: apiKey, in: header, name: Authorization, x-amazon-apigateway-authtype: awsSigv4, x-gateway: { header: authorization } }'));
    expect(same.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('any other authtype is never read as an API key either: refused at its definition', async () => {
    const text = spec('{ type: apiKey, in: header, name: Authorization, x-amazon-apigateway-authtype: custom }');
    const { gateway, diagnostics } = await gatewayOf(text);
    expect(gateway?.securitySchemes ?? []).toEqual([]);
    const d = diagnostics.find((x) => x.code === 'scheme-unsupported')!;
    expect(d.params.scheme).toBe('sig');
    expect(d.position).toEqual({ line: 15, column: 5 }); // the scheme's definition (#16.4)
  });
});

describe('a scheme no consumer holds', () => {
  it('warns once, in the core, for every target', async () => {
    const { diagnostics } = await gatewayOf(spec('{ type: apiKey, in: header, name: x-api-key }'));
    const found = diagnostics.filter((d) => d.code === 'scheme-no-consumers');
    expect(found.map((d) => [d.params, d.severity, d.position])).toEqual([[{ scheme: 'sig', kind: 'API key' }, 'warn', { line: 15, column: 5 }]]);
  });

  it('does not warn when a consumer holds one', async () => {
    const consumers = '  consumers:\n    alice: { credentials: { sig: "${env:ALICE}" } }\n';
    const { diagnostics } = await gatewayOf(spec('{ type: apiKey, in: header, name: x-api-key }', consumers));
    expect(diagnostics.filter((d) => d.code === 'scheme-no-consumers')).toEqual([]);
  });
});
