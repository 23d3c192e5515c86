/**
 * Plain OpenAPI servers as backends, on shapes found in the real-world corpus (bench/corpus.ts).
 */
import { describe, expect, it } from 'vitest';
import { gatewayOf, HEAD } from '../helpers/spec.js';

const paths = 'paths:\n  /a:\n    get: { responses: { "200": { description: ok } } }\n';

describe('servers as backends', () => {
  it('one URL listed for several databases is one target, not duplicates (ideaconsult.net/enanomapper)', async () => {
    const servers = ['NanoReg2', 'caLIBRAte', 'GRACIOUS'].map((d) => `  - { url: "https://api.example.net/db", description: ${d} }`).join('\n');
    const { gateway } = await gatewayOf(`${HEAD}servers:\n${servers}\n${paths}`);
    expect(gateway!.backends).toHaveLength(1);
    expect(gateway!.backends[0]!.targets.map((t) => t.url.raw)).toEqual(['https://api.example.net:443/db']);
  });

  it('distinct hosts with the same path are still balanced across', async () => {
    const { gateway } = await gatewayOf(`${HEAD}servers:\n  - url: https://a.example.net/v1\n  - url: https://b.example.net/v1\n  - url: https://a.example.net/v1\n${paths}`);
    expect(gateway!.backends[0]!.targets.map((t) => t.url.host)).toEqual(['a.example.net', 'b.example.net']);
  });
});
