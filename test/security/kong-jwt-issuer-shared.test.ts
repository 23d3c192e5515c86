/**
 * Kong keeps a JWT scheme's key as a jwt credential whose `key` is the issuer (the jwt plugin finds
 * the credential by the token's `iss`: kong/plugins/jwt/handler.lua, key_claim_name iss), and that
 * `key` is unique in Kong (kong/plugins/jwt/daos.lua). Two JWT schemes of one issuer compiled to two
 * credentials with one key: `gwc build` and `gwc lint --target kong` passed, and Kong refused the
 * file only at `deck gateway sync`, far from the spec line (and a Kong shared with another gateway
 * would hold one issuer's credential for both). Now both refuse at each later scheme with one
 * code and the scheme it collides with.
 */
import { describe, expect, it } from 'vitest';
import { compileGateway } from '../../src/api.js';
import { compareText } from '../../src/diagnostics/collate.js';
import { lint } from '../../src/lint/index.js';
import { gatewayOf, writeSpec } from '../helpers/spec.js';

const ok = '{ "200": { description: ok } }';
const scheme = (name: string, issuer: string, extra = '') =>
  `    ${name}:\n      type: http\n      scheme: bearer\n      x-gateway: { anyAudience: true, issuer: ${JSON.stringify(issuer)}, algorithms: [RS256], publicKeys: ["\${env:${name.toUpperCase()}_PEM}"]${extra} }\n`;
const spec = (schemes: string, security: string[]) => `openapi: 3.1.0
info: { title: issuers, version: "1" }
servers: [{ url: "https://api.test/v1" }]
x-gateway:
  name: iss
  backends: { app: { url: "http://app.internal:8080" } }
  defaults: { backend: app }
  accept:
    kong: [{ feature: auth.jwt, reason: audience checked by the backend }]
paths:
${security.map((s, i) => `  /p${i}: { get: { operationId: p${i}, security: ${s}, responses: ${ok} } }`).join('\n')}
components:
  securitySchemes:
${schemes}`;

async function refusals(text: string) {
  const built = compileGateway((await gatewayOf(text)).gateway!, 'kong', {});
  const build = built.diagnostics.filter((d) => d.code === 'kong-jwt-issuer-shared').map((d) => [d.severity, d.params, d.loc?.pointer]);
  const linted = await lint(writeSpec(text), { target: 'kong' });
  const fromLint = linted.diagnostics.filter((d) => d.code === 'target-compile' && d.params.code === 'kong-jwt-issuer-shared').map((d) => [d.severity, d.loc?.pointer]);
  const byPointer = (a: unknown[], b: unknown[]) => compareText(String(a.at(-1)), String(b.at(-1)));
  return { build: build.sort(byPointer), fromLint: fromLint.sort(byPointer), files: built.files };
}

describe('kong: two JWT schemes of one issuer are refused at the scheme, by build and by lint', () => {
  it('attack: two bearer schemes, one issuer, two routes', async () => {
    const r = await refusals(spec(scheme('idpA', 'https://id.example/') + scheme('idpB', 'https://id.example/'), ['[{ idpA: [] }]', '[{ idpB: [] }]']));
    expect(r.build).toEqual([['error', { scheme: 'idpB', other: 'idpA', issuer: 'https://id.example/' }, '/components/securitySchemes/idpB']]);
    expect(r.fromLint).toEqual([['error', '/components/securitySchemes/idpB']]);
    expect(r.files).toEqual([]);
  });

  it('variants: three schemes (each later one named), other keys and algorithms, openIdConnect beside bearer', async () => {
    const three = await refusals(
      spec(scheme('c', 'iss-1') + scheme('a', 'iss-1').replace('RS256', 'RS384') + scheme('b', 'iss-1'), ['[{ a: [] }]', '[{ b: [] }]', '[{ c: [] }]']),
    );
    expect(three.build).toEqual([
      ['error', { scheme: 'b', other: 'a', issuer: 'iss-1' }, '/components/securitySchemes/b'],
      ['error', { scheme: 'c', other: 'a', issuer: 'iss-1' }, '/components/securitySchemes/c'],
    ]);
    expect(three.fromLint).toEqual([['error', '/components/securitySchemes/b'], ['error', '/components/securitySchemes/c']]);
    const oidc = `    oidc:\n      type: openIdConnect\n      openIdConnectUrl: https://id.example/.well-known/openid-configuration\n      x-gateway: { anyAudience: true, issuer: "https://id.example/", algorithms: [RS256], publicKeys: ["\${env:OIDC_PEM}"] }\n`;
    const mixed = await refusals(spec(scheme('bearer', 'https://id.example/') + oidc, ['[{ bearer: [] }]', '[{ oidc: [] }]']));
    expect(mixed.build).toEqual([['error', { scheme: 'oidc', other: 'bearer', issuer: 'https://id.example/' }, '/components/securitySchemes/oidc']]);
    expect(mixed.fromLint).toEqual([['error', '/components/securitySchemes/oidc']]);
  });

  it('not refused: issuers that differ (even by case or a trailing slash: Kong compares iss exactly), or a second scheme no route requires', async () => {
    for (const [a, b] of [['https://id.example/', 'https://id.example'], ['https://id.example/', 'https://ID.example/']]) {
      const r = await refusals(spec(scheme('idpA', a!) + scheme('idpB', b!), ['[{ idpA: [] }]', '[{ idpB: [] }]']));
      expect(r.build).toEqual([]);
      expect(r.fromLint).toEqual([]);
    }
    const unused = await refusals(spec(scheme('idpA', 'https://id.example/') + scheme('idpB', 'https://id.example/'), ['[{ idpA: [] }]']));
    expect(unused.build).toEqual([]);
    expect(unused.files.length).toBeGreaterThan(0);
  });
});
