/** Builds specs for the aws target's HTTP API flavour (--option aws.api=http). */
import { expect } from 'vitest';
import { parse } from 'yaml';
import { compileGateway } from '../../../../src/api.js';
import { gatewayOf, HEAD } from '../../../helpers/spec.js';

export const HTTP = { api: 'http' } as const;

/** A spec with one OIDC scheme (issuer, audience), a public HTTPS backend and `paths` as given. */
export const spec = (paths: string, scheme = '', extra = '') => `${HEAD}x-gateway:
  backends: { api: { url: https://api.example.com }, fn: { lambda: { arn: arn:aws:lambda:eu-west-1:123456789012:function:fn } } }
  defaults: { backend: api }
${extra}components:
  securitySchemes:
    oidc:
      type: openIdConnect
      openIdConnectUrl: https://id.example.com/.well-known/openid-configuration
      x-gateway:
        issuer: https://id.example.com/
        hideCredentials: false
${(scheme || 'audiences: [api]').split('\n').map((l) => `        ${l}`).join('\n')}
paths:
${paths}
`;

export async function buildHttp(text: string, options: Record<string, string> = {}) {
  const loaded = await gatewayOf(text);
  expect(loaded.gateway, JSON.stringify(loaded.diagnostics)).toBeDefined();
  const r = compileGateway(loaded.gateway!, 'aws', { ...HTTP, ...options }, loaded.spec);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  return { ...r, errors, loaded, template: r.files[0] ? (parse(r.files[0].contents) as Record<string, any>) : undefined };
}

/** code, pointer and params of each error, for the refusal tables. */
export const said = (list: Array<{ code: unknown; loc?: { pointer: string }; params: unknown }>) => list.map((d) => ({ code: d.code, pointer: d.loc?.pointer, params: d.params }));
