/**
 * Red team 3b: DESIGN.md 7.7, `gwc lint --target T` reports everything `gwc build --target T`
 * refuses. Lint relays the target's own compile refusals as `target-compile` (and the model's
 * `security-undecided` as `security-missing`), and those are ordinary lint rules: an inline
 * `x-gwc-ignore` (any object, the document root included: it covers everything below) or a lint
 * config setting them `off`/`warn` makes lint pass a spec the build refuses. A pull request gate on
 * `gwc lint` then goes green and the deploy job fails (or the team builds with another tool).
 * Fixed (src/lint/index.ts `refusals`): a diagnostic the build refuses on (the pipeline's errors,
 * the relayed compile errors, capability-unsupported, accept-opens-route, security-missing) keeps
 * its error whatever a setting says, its rule runs even when the config turns it off, and an
 * ignore naming one hides nothing and is itself an error (lint-ignore-invalid).
 */
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { parseConfig } from '../../src/lint/config.js';
import { HEAD, writeSpec } from '../helpers/spec.js';

const ok = "{ '200': { description: ok } }";

/** A public cached route: Kong refuses it (kong-cache-key-ambiguous), Traefik too (no cache in OSS Traefik). */
const spec = (ignore: string, opIgnore = '') => `${HEAD}servers: [{ url: https://api.example.com/v1 }]
${ignore}x-gateway:
  name: l3
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { key: '\${env:ALICE_KEY}' } }
paths:
  /pub:
    get:
      operationId: pub
      x-gateway: { public: true, rateLimit: { requests: 10, per: minute }, cache: { ttl: 60s } }
${opIgnore}      security: []
      responses: ${ok}
  /keyed:
    get: { operationId: keyed, security: [{ key: [] }], responses: ${ok} }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Api-Key, x-gateway: { forwardAuth: { url: 'http://auth.internal/check' } } }
`;

/** Kong relays its compile refusals as target-compile, Traefik's cache refusal is capability-unsupported. */
const IGNORES = "[{ rule: target-compile, reason: 'reviewed' }, { rule: capability-unsupported, reason: 'reviewed' }]";

const errors = (ds: ReadonlyArray<{ severity: string; code: unknown }>) => ds.filter((d) => d.severity === 'error').map((d) => String(d.code));

async function both(text: string, target: string, config?: Record<string, unknown>) {
  const file = writeSpec(text);
  const b = await buildTarget(file, { target, options: {} });
  const l = await lint(file, { target, ...(config ? { config: parseConfig(config, file).config } : {}) });
  return { built: errors(b.diagnostics), linted: errors(l.diagnostics) };
}

describe('red team 3b: lint = build parity against lint ignores and settings', () => {
  for (const target of ['kong', 'traefik']) {
    it(`${target}: control: without ignores, lint reports the refusal the build makes`, async () => {
      const r = await both(spec(''), target);
      expect(r.built.length).toBeGreaterThan(0);
      expect(r.linted.length).toBeGreaterThan(0);
    });

    it(`${target}: x-gwc-ignore of the relayed refusal (target-compile, capability-unsupported) on the operation leaves the refusal (and is itself lint-ignore-invalid)`, async () => {
      const r = await both(spec('', `      x-gwc-ignore: ${IGNORES}\n`), target);
      expect(r.built.length).toBeGreaterThan(0);
      expect(r.linted.length, 'lint passes while the build refuses').toBeGreaterThan(0);
      expect(r.linted).toContain('lint-ignore-invalid');
    });

    it(`${target}: one x-gwc-ignore at the document root silences no compile refusal of the spec`, async () => {
      const r = await both(spec(`x-gwc-ignore: ${IGNORES}\n`), target);
      expect(r.built.length).toBeGreaterThan(0);
      expect(r.linted.length).toBeGreaterThan(0);
    });

    for (const setting of ['off', 'warn', 'info']) {
      it(`${target}: a lint config with target-compile and capability-unsupported: ${setting} leaves the refusal an error`, async () => {
        const r = await both(spec(''), target, { rules: { 'target-compile': setting, 'capability-unsupported': setting } });
        expect(r.built.length).toBeGreaterThan(0);
        expect(r.linted.length).toBeGreaterThan(0);
      });
    }

    // The model's own refusal: an operation with neither security nor public: true.
    it(`${target}: x-gwc-ignore of security-missing at the root: lint still reports the undecided operation the build refuses (security-undecided)`, async () => {
      const text = `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gwc-ignore: [{ rule: security-missing, reason: 'later' }]
x-gateway:
  name: l3u
  backends: { app: { url: http://app.internal:8080 } }
  defaults: { backend: app, rateLimit: { requests: 10, per: minute } }
paths:
  /open:
    get: { operationId: open, responses: ${ok} }
`;
      const r = await both(text, target);
      expect(r.built).toContain('security-undecided');
      expect(r.linted.length).toBeGreaterThan(0);
    });
  }
});
