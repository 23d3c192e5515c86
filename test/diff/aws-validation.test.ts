/**
 * `gwc diff` on AWS: a request validator removed from a method is a change of that method (and a
 * new Deployment), never invisible, and a security finding (`validation-weakened`): the front door
 * lets in requests it refused, as a body limit raised does (test/security/redteam10-diff-validation).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
import { diffDeployed } from '../../src/diff/run.js';
import { writeSpec } from '../helpers/spec.js';

const spec = (validate: string) => `openapi: 3.0.3
info: { title: Shop, version: "1" }
servers: [{ url: https://api.example.com }]
x-gateway:
  backends:
    app: { url: https://app.example.com }
  defaults: { public: true }
paths:
  /orders:
    post:
      operationId: createOrder
      x-gateway: { validate: ${validate} }
      parameters:
        - { name: X-Tenant, in: header, required: true, schema: { type: string } }
      requestBody:
        content:
          application/json: { schema: { type: object, required: [sku], properties: { sku: { type: string } } } }
      responses: { '200': { description: ok } }
`;

describe('aws diff: request validation', () => {
  for (const [name, to] of [
    ['validator removed', 'false'],
    ['body check dropped, parameters kept', '{ body: false, parameters: true }'],
  ] as const) {
    it(`${name}: the method changes and the Deployment is replaced`, async () => {
      const built = await buildTarget(writeSpec(spec('true')), { target: 'aws' });
      expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const deployed = path.join(mkdtempSync(path.join(tmpdir(), 'gwc-aws-')), 'template.json');
      writeFileSync(deployed, built.files[0]!.contents);
      const same = await diffDeployed(writeSpec(spec('true')), { target: 'aws', deployed });
      expect(same.plan?.changes).toEqual([]);
      const r = await diffDeployed(writeSpec(spec(to)), { target: 'aws', deployed });
      const changes = r.plan!.changes.map((c) => `${c.action} ${c.kind}`);
      expect(changes).toContain('replace AWS::ApiGateway::Deployment');
      const fields = r.plan!.changes.flatMap((c) => (c.fields ?? []).map((f) => f.path)).join('\n');
      expect(fields).toMatch(/x-amazon-apigateway-request-validator/);
      expect(r.plan!.findings.filter((f) => f.class === 'security').map((f) => f.rule)).toEqual(['validation-weakened']);
    });
  }
});
