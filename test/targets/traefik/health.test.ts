/**
 * Traefik's loadBalancer.healthCheck has no thresholds (the v3 file-provider schema lists method,
 * path, scheme, hostname, port, interval, timeout, headers, followRedirects): healthyThreshold and
 * unhealthyThreshold are never emitted, and a value other than Traefik's fixed 1/1 that the spec
 * wrote is a coded warning at the first such threshold, once per backend; gwc's own defaults
 * (2/3, for the targets that have thresholds) are nobody's intent and are not warned about (#21).
 */
import { describe, expect, it } from 'vitest';
import { HEAD, writeSpec } from '../../helpers/spec.js';
import { compileCase, ownSchema, storeSchema } from './cases.js';

const spec = (hc: string) => `${HEAD}servers: [{ url: https://api.example.com }]
x-gateway:
  backends: { app: { url: http://app.example.com:8080, timeout: 5s, healthCheck: ${hc} } }
paths:
  /a: { get: { x-gateway: { public: true }, responses: { '200': { description: ok } } } }
  /b: { get: { x-gateway: { public: true, timeout: 2s }, responses: { '200': { description: ok } } } }
`;

describe('traefik: health-check thresholds', () => {
  it('warns once, with the thresholds, at the first threshold written; emits only fields Traefik has', async () => {
    const file = writeSpec(spec('{ path: /healthz, interval: 10s, healthyThreshold: 4, unhealthyThreshold: 5 }'));
    const { built } = await compileCase(file);
    const config = built!.config!;
    expect(ownSchema(config), JSON.stringify(ownSchema.errors)).toBe(true);
    if (storeSchema) expect(storeSchema(config), JSON.stringify(storeSchema.errors)).toBe(true);
    for (const svc of Object.values(config.http.services ?? {}) as Array<Record<string, any>>) {
      const hc = svc.loadBalancer?.healthCheck;
      if (hc) expect(Object.keys(hc).sort()).toEqual(['interval', 'path', 'timeout']);
    }
    const ws = built!.result.diagnostics.filter((d) => d.code === 'traefik-health-threshold-ignored');
    expect(ws).toHaveLength(1);
    expect(ws[0]).toMatchObject({
      severity: 'warn',
      params: { backend: 'app', healthyThreshold: 4, unhealthyThreshold: 5 },
      loc: { file, pointer: '/x-gateway/backends/app/healthCheck/healthyThreshold' },
    });
  });

  it('says it at the one threshold written, and nothing when none is (the defaults are not the spec)', async () => {
    const file = writeSpec(spec('{ path: /healthz, unhealthyThreshold: 5 }'));
    const { built } = await compileCase(file);
    const ws = built!.result.diagnostics.filter((d) => d.code === 'traefik-health-threshold-ignored');
    expect(ws.map((d) => d.loc)).toEqual([{ file, pointer: '/x-gateway/backends/app/healthCheck/unhealthyThreshold' }]);
    const none = await compileCase(writeSpec(spec('{ path: /healthz, interval: 10s }')));
    expect(none.built!.result.diagnostics.filter((d) => d.code === 'traefik-health-threshold-ignored')).toEqual([]);
  });

  it('says nothing when the thresholds are 1, which is what Traefik does', async () => {
    const { built } = await compileCase(writeSpec(spec('{ path: /healthz, healthyThreshold: 1, unhealthyThreshold: 1 }')));
    expect(built!.result.diagnostics.filter((d) => d.code === 'traefik-health-threshold-ignored')).toEqual([]);
  });
});
