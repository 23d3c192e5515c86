/**
 * Every file gwc writes for every case validates (ajv, draft-07) against gwc's own schema of the
 * fields it emits and against SchemaStore's Traefik v3 file-provider schema. That reference lags
 * Traefik (it has no servers[].preservePath nor ipStrategy.ipv6Subnet, 3.2 fields): those listed
 * fields are taken out of a copy before SchemaStore's schema judges the rest.
 */
import { describe, expect, it } from 'vitest';
import { build, CASES, load, ownSchema, storeSchema } from './cases.js';

describe('traefik output validates', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const result = await build(c.file);
      for (const f of result.files) {
        const data = load(f.contents);
        expect(ownSchema(data), JSON.stringify(ownSchema.errors, null, 1)).toBe(true);
        // SchemaStore's schema without the 3.2 fields it lacks (test/helpers/checkers.ts traefikStoreSchema).
        if (storeSchema) expect(storeSchema(data), JSON.stringify(storeSchema.errors, null, 1)).toBe(true);
      }
    });
  }

  it('builds at least two cases for real (not only refusals)', async () => {
    let built = 0;
    for (const c of CASES) if ((await build(c.file)).files.length > 0) built++;
    expect(built).toBeGreaterThanOrEqual(2);
  });

  it('the 3.2 output differs from the 3.0 reference only by preservePath', async () => {
    const c = CASES.find((x) => x.name === 'specs/canary.yaml')!;
    const result = await build(c.file);
    const data = load(result.files[0]!.contents) as { http: { services: Record<string, { loadBalancer: { servers: Array<Record<string, unknown>> } }> } };
    for (const s of Object.values(data.http.services)) for (const srv of s.loadBalancer.servers) delete srv.preservePath;
    if (storeSchema) expect(storeSchema(data), JSON.stringify(storeSchema.errors, null, 1)).toBe(true);
  });
});
