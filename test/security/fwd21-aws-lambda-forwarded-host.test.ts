/**
 * FWD21, AWS: a Lambda backend is handed the client's own X-Forwarded-Host on both flavours (a
 * Lambda proxy integration takes no request parameters; API Gateway writes no X-Forwarded-Host).
 * A function behind an adapter that trusts it (serverless-http + Express trust proxy, the Lambda
 * Web Adapter + Django USE_X_FORWARDED_HOST) mails a password-reset link to evil.example. The
 * README said so; now the build says it, aws-lambda-forwarded-host (warn, once per Lambda backend,
 * at the backend, public routes too), and lint at the same line:col, the family of
 * aws-http-forwarded-host (HTTP backends of an HTTP API).
 */
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { lint } from '../../src/lint/index.js';
import { writeSpec } from '../helpers/spec.js';
import { build, spec } from '../targets/aws/security-helpers.js';

const FN = 'arn:aws:lambda:eu-west-1:123456789012:function:fn';
const TEXT = `openapi: 3.1.0
info: { title: t, version: '1' }
servers: [{ url: https://api.example.com }]
x-gateway:
  name: t
  backends:
    app: { url: https://app.example.com }
    fn: { lambda: { arn: '${FN}' } }
    other: { lambda: { arn: '${FN}2' } }
    idle: { lambda: { arn: '${FN}3' } }
  defaults: { backend: fn }
paths:
  /reset: { post: { operationId: reset, x-gateway: { public: true }, responses: { '200': { description: ok } } } }
  /confirm: { get: { operationId: confirm, x-gateway: { public: true }, responses: { '200': { description: ok } } } }
  /other: { get: { operationId: other, x-gateway: { public: true, backend: other }, responses: { '200': { description: ok } } } }
  /app: { get: { operationId: app, x-gateway: { public: true, backend: app }, responses: { '200': { description: ok } } } }
`;
const at = (ds: Diagnostic[], code: (d: Diagnostic) => unknown) =>
  ds.filter((d) => code(d) === 'aws-lambda-forwarded-host').map((d) => [d.severity, d.loc?.pointer, d.position?.line, d.position?.column]);
const EXPECTED = [
  ['warn', '/x-gateway/backends/fn', 8, 5],
  ['warn', '/x-gateway/backends/other', 9, 5],
];

describe('FWD21, AWS: a Lambda function is handed the client X-Forwarded-Host (aws-lambda-forwarded-host)', () => {
  it("the mechanism (REST oracle): the function's event holds the client's X-Forwarded-Host as sent", async () => {
    const b = await build(spec({ '/reset': { post: { operationId: 'reset' } } }, { backends: { fn: { lambda: { arn: FN } } } }));
    expect(b.errors).toEqual([]);
    const o = b.oracle!.request({ method: 'POST', path: '/reset', headers: { 'X-Forwarded-Host': 'evil.example' } });
    expect(o.status).toBe(200);
    expect(o.lambdaEvent!.headers['x-forwarded-host']).toBe('evil.example');
  });

  for (const api of ['rest', 'http'] as const) {
    it(`${api}: said once per Lambda backend a route reaches, at its line (public routes too; not for an HTTP backend nor an unrouted function); lint --target aws at the same line:col`, async () => {
      const file = writeSpec(TEXT);
      const options: Record<string, string> = api === 'http' ? { api: 'http' } : {};
      const built = await buildTarget(file, { target: 'aws', options });
      expect(built.files.length).toBeGreaterThan(0);
      expect(at(built.diagnostics, (d) => d.code)).toEqual(EXPECTED);
      const linted = await lint(file, { target: 'aws', targetOptions: { aws: options } } as Parameters<typeof lint>[1]);
      expect(at(linted.diagnostics, (d) => (d.params as { code?: string } | undefined)?.code)).toEqual(EXPECTED);
    });
  }
});
