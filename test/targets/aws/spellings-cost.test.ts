/**
 * What mapping every '-'/'_' spelling of the guarded headers costs a REST template (backends.ts
 * neutraliseOverrides): measured on real builds, as test/targets/aws/http/spellings-cost.test.ts does
 * for HTTP APIs, so the choice written there (override, identity, forward-auth answer and credential
 * headers in every spelling, Transfer_Encoding, the forwarding family by its dash names) stays a
 * measured one. Figures are printed; the assertions hold the decision's premises: with the spellings
 * 70 or more keyed routes still fit the 1 MB template (aws-template-too-large refuses beyond and
 * says how many fit), and the forwarding family's spellings would leave room for under fifty: they are
 * mapped only where the backend says `headerNames: folded`, and `exact` maps no `_` spelling at all.
 */
import { describe, expect, it } from 'vitest';
import { CLIENT_FORWARDING_HEADERS, DASH_NAME } from '../../../src/model/overrides.js';
import { separatorSpellings } from '../../../src/targets/header-spellings.js';
import { MAX_TEMPLATE_BYTES } from '../../../src/targets/aws/emit.js';
import { buildObject } from './helpers.js';

const spec = (n: number, headerNames?: 'exact' | 'folded') => ({
  openapi: '3.1.0',
  info: { title: 't', version: '1' },
  servers: [{ url: 'https://api.example.com' }],
  'x-gateway': { name: 't', backends: { app: { url: 'https://app.example.com', ...(headerNames ? { headerNames } : {}) } }, defaults: { backend: 'app' }, consumers: { alice: { credentials: { key: '${env:ALICE_KEY}' } } } },
  paths: Object.fromEntries(Array.from({ length: n }, (_, i) => [`/r${i}`, { get: { operationId: `r${i}`, security: [{ key: [] }], responses: { '200': { description: 'ok' } } } }])),
  components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'X-Api-Key' } } },
});

describe('aws REST: the template cost of header spellings', async () => {
  const one = await buildObject(spec(1));
  const many = await buildObject(spec(41));
  const bytes = (b: typeof one) => Buffer.byteLength(b.files[0]!.contents, 'utf8');
  const perRoute = (bytes(many) - bytes(one)) / 40;
  const text = one.files[0]!.contents;
  const line = /^( *)"integration\.request\.header\.X-Consumer": "''",$/m.exec(text)!;
  const lineBytes = (name: string) => Buffer.byteLength(`${line[1]}"integration.request.header.${name}": "''",\n`, 'utf8');
  const spelt = [...text.matchAll(/^ *"integration\.request\.header\.[^"]*_[^"]*": "''",?$/gm)].reduce((n, m) => n + Buffer.byteLength(`${m[0]}\n`), 0);
  const forwarding = CLIENT_FORWARDING_HEADERS.filter(DASH_NAME).flatMap((h) => separatorSpellings(h));
  const forwardingBytes = forwarding.reduce((n, h) => n + lineBytes(h), 0);

  it('measures', () => {
    expect([one.diagnostics.filter((d) => d.severity === 'error'), many.diagnostics.filter((d) => d.severity === 'error')]).toEqual([[], []]);
    const fits = (per: number) => Math.floor((MAX_TEMPLATE_BYTES - bytes(one)) / per);
    console.log(
      `REST template: ${Math.round(perRoute)} B per keyed route; the '_' spellings written: ${spelt} B per method; ` +
        `fits ${fits(perRoute)} routes in 1 MB. Spelling the forwarding family too: +${forwarding.length} mappings, +${forwardingBytes} B per method, fits ${fits(perRoute + forwardingBytes)}`,
    );
    // Measured 2026-12-07: 12,172 B per keyed route (7,351 before the spellings), 4,820 B of it
    // the '_' spellings (64 mappings): 84 routes fit (141 before). The forwarding family's 250
    // spellings would add 19,667 B per method: 32 routes.
    expect(fits(perRoute)).toBeGreaterThanOrEqual(70);
    expect(fits(perRoute + forwardingBytes)).toBeLessThan(50);
    expect(spelt).toBeGreaterThan(3000);
  });

  it('measures what the backend\'s headerNames buys or costs (header-names.ts)', async () => {
    // 21 routes: 41 folded ones would not fit one template.
    const per = async (naming: 'exact' | 'folded') => {
      const [a, b] = await Promise.all([buildObject(spec(1, naming)), buildObject(spec(21, naming))]);
      expect([a.diagnostics.filter((d) => d.severity === 'error'), b.diagnostics.filter((d) => d.severity === 'error')]).toEqual([[], []]);
      return { per: (bytes(b) - bytes(a)) / 20, fits: Math.floor((MAX_TEMPLATE_BYTES - bytes(a)) / ((bytes(b) - bytes(a)) / 20)) };
    };
    const exact = await per('exact');
    const folded = await per('folded');
    const unstated = { per: perRoute, fits: Math.floor((MAX_TEMPLATE_BYTES - bytes(one)) / perRoute) };
    console.log(`REST keyed route: exact ${Math.round(exact.per)} B (${exact.fits} per 1 MB); unstated ${Math.round(unstated.per)} B (${unstated.fits}); folded ${Math.round(folded.per)} B (${folded.fits})`);
    // Measured 2026-12-07: exact 7,351 B (141 routes), unstated 12,172 B (84), folded 32,496 B (31).
    expect(exact.fits).toBeGreaterThan(unstated.fits);
    expect(exact.fits).toBeGreaterThanOrEqual(130);
    expect(folded.fits).toBeLessThan(unstated.fits);
    expect(folded.fits).toBeGreaterThanOrEqual(25);
  });
});
