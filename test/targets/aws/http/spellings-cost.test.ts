/**
 * What removing every '-'/'_' spelling of a header costs an HTTP API template (integrations.ts
 * neutralise): measured on real builds, so the choice written there (identity and override headers
 * in every spelling, the forwarding family by its dash names) stays a measured one. Figures are
 * printed; the assertions hold the decision's premises: with the identity and override spellings
 * well over a hundred routes still fit the 1 MB template (aws-template-too-large refuses beyond and
 * says how many fit), and spelling the forwarding family too would leave room for under sixty.
 */
import { describe, expect, it } from 'vitest';
import { CLIENT_FORWARDING_HEADERS } from '../../../../src/model/overrides.js';
import { separatorSpellings } from '../../../../src/targets/header-spellings.js';
import { MAX_TEMPLATE_BYTES } from '../../../../src/targets/aws/emit.js';
import { isMappableHeader } from '../../../../src/targets/aws/http/headers.js';
import { buildHttp, spec } from './helpers.js';

const paths = (n: number) =>
  Array.from({ length: n }, (_, i) => `  /r${i}:\n    get:\n      security: [{ oidc: [] }]\n      responses: { '200': { description: ok } }`).join('\n');

describe('aws HTTP API: the template cost of header spellings', async () => {
  const one = await buildHttp(spec(paths(1)));
  const many = await buildHttp(spec(paths(41)));
  const bytes = (b: typeof one) => Buffer.byteLength(b.files[0]!.contents, 'utf8');
  const perIntegration = (bytes(many) - bytes(one)) / 40;
  const text = one.files[0]!.contents;
  // A mapping line as the template writes it (JSON, indented under RequestParameters).
  const line = /^( *)"remove:header\.X-Consumer": "",$/m.exec(text)!;
  const lineBytes = (name: string) => Buffer.byteLength(`${line[1]}"remove:header.${name}": "",\n`, 'utf8');
  const spelt = [...text.matchAll(/^ *"remove:header\.[^"]*_[^"]*": "",?$/gm)].reduce((n, m) => n + Buffer.byteLength(`${m[0]}\n`), 0);
  const forwarding = CLIENT_FORWARDING_HEADERS.filter(isMappableHeader).flatMap((h) => separatorSpellings(h));
  const forwardingBytes = forwarding.reduce((n, h) => n + lineBytes(h), 0);

  it('measures', () => {
    expect([one.errors, many.errors]).toEqual([[], []]);
    const fits = (per: number) => Math.floor((MAX_TEMPLATE_BYTES - bytes(one)) / per);
    console.log(
      `HTTP API template: ${Math.round(perIntegration)} B per route+integration; the '_' spellings written: ${spelt} B per integration; ` +
        `fits ${fits(perIntegration)} routes in 1 MB. Spelling the forwarding family too: +${forwarding.length} mappings, +${forwardingBytes} B per integration, fits ${fits(perIntegration + forwardingBytes)}`,
    );
    // Measured 2026-12-06: 7,514 B per route (4,465 B before the spellings, ~230 routes per stack),
    // 3,049 B of it the identity/override spellings: 138 routes fit. The forwarding family's 250
    // spellings would add 13,417 B per integration: 49 routes, a sixth of the 300 integrations API
    // Gateway allows; that is why it keeps its dash names (integrations.ts, README "Known gaps").
    expect(fits(perIntegration)).toBeGreaterThanOrEqual(120);
    expect(fits(perIntegration + forwardingBytes)).toBeLessThan(60);
    expect(forwarding.length).toBeGreaterThan(200);
  });
});
