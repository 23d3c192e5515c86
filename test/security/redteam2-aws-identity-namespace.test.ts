/**
 * Red team 2, AWS: the identity class closed on nginx (redteam2-nginx-jwt-namespace: a JWT subject
 * read as a spec consumer), checked on API Gateway. gwc writes no identity toward the backend there:
 * what a backend may trust is the request context API Gateway fills per mechanism (a usage-plan key
 * in `identity.apiKey`/`apiKeyId`, Cognito claims with their `iss` in `authorizer.claims`, a Lambda
 * authorizer's own `authorizer` context), never one shared field a token subject could spell; on
 * HTTP integrations every gateway identity header (X-Consumer, Kong's X-Consumer-*) is emptied, so a
 * client cannot write one either. Held (compile-level, REST and HTTP API): no integration request
 * parameter copies an authorizer or identity value into a header.
 */
import { describe, expect, it } from 'vitest';
import { compileGateway } from '../../src/api.js';
import { gatewayOf } from '../helpers/spec.js';

const ok = '{ "200": { description: ok } }';
const SPEC = `openapi: 3.1.0
info: { title: aws identity, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: ai
  backends: { echo: { url: "https://echo.example.com" } }
  defaults: { backend: echo }
  consumers:
    alice: { credentials: { key: "\${env:A}" } }
paths:
  /k: { get: { operationId: k, security: [{ key: [] }], responses: ${ok} } }
  /j: { get: { operationId: j, security: [{ jwt: [] }], responses: ${ok} } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: x-api-key }
    jwt:
      type: http
      scheme: bearer
      x-gateway: { issuer: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123", anyAudience: true }
`;

/** Every requestParameters map of the template, wherever it sits. */
function requestParameters(node: unknown, out: Array<Record<string, string>> = []): Array<Record<string, string>> {
  if (Array.isArray(node)) node.forEach((n) => requestParameters(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (/^requestParameters$|^RequestParameters$/.test(k) && v && typeof v === 'object') out.push(v as Record<string, string>);
      requestParameters(v, out);
    }
  }
  return out;
}

describe('red team 2: AWS writes no identity a token subject could spell', () => {
  for (const [api, options] of [['REST', {}], ['HTTP API', { api: 'http' }]] as const) {
    it(`${api}: X-Consumer is emptied on every integration and no header is mapped from the authorizer or identity context`, async () => {
      // HTTP APIs have no API keys (capability-unsupported) and their JWT authorizer needs an audience
      // (a REST Cognito authorizer refuses one): the HTTP spec keeps the token route, with an audience.
      const text = api === 'REST' ? SPEC : SPEC.replace(/^  \/k: .*\n/m, '').replace('us-east-1_AbCdEf123", anyAudience: true }', 'us-east-1_AbCdEf123", audiences: [app1], hideCredentials: false }');
      const g = await gatewayOf(text);
      const r = compileGateway(g.gateway!, 'aws', options);
      expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const maps = r.files.filter((f) => f.path.endsWith('.json')).flatMap((f) => requestParameters(JSON.parse(f.contents)));
      expect(maps.length).toBeGreaterThan(0);
      for (const m of maps) {
        for (const [k, v] of Object.entries(m)) {
          if (!/header/i.test(k)) continue;
          expect(String(v), `${k}: ${v}`).not.toMatch(/context\.(authorizer|identity)/i);
          if (/(^|\.)x-consumer$/i.test(k.replace(/^(append|overwrite|remove):/, ''))) expect(['', "''"], `${k}: ${v}`).toContain(String(v));
        }
      }
    });
  }
});
