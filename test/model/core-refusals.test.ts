/**
 * Refusals the core makes for every target before any compiles (#13.8, #21): an operation nobody
 * decided to open, a spec with nothing to route; and what the spec holds that is not routed is said.
 */
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/api.js';
import { lint } from '../../src/lint/index.js';
import { emptyConfig } from '../../src/lint/config.js';
import { RULES } from '../../src/lint/rules/index.js';
import { TARGET_NAMES } from '../../src/targets/index.js';
import { HEAD, writeSpec } from '../helpers/spec.js';

const X = 'servers: [{ url: https://api.example.com }]\nx-gateway:\n  backends:\n    app: { url: https://app.example.com }\n';
const coded = (list: Array<{ code: string; params: unknown; position?: unknown }>, code: string) => list.filter((d) => d.code === code).map((d) => [d.params, d.position]);

describe('security-undecided', () => {
  const open = `${HEAD}${X}paths:\n  /a:\n    get:\n      operationId: a\n      responses: { '200': { description: ok } }\n  /b:\n    get:\n      operationId: b\n      security: [{}]\n      responses: { '200': { description: ok } }\n  /c:\n    get:\n      operationId: c\n      x-gateway: { public: true }\n      responses: { '200': { description: ok } }\n`;

  it('is a build error on every target, at the operation (or its security), never an open route', async () => {
    const file = writeSpec(open);
    for (const target of TARGET_NAMES) {
      const b = await buildTarget(file, { target });
      expect(b.files, target).toEqual([]);
      expect(coded(b.diagnostics, 'security-undecided'), target).toEqual([
        [{ route: 'a' }, { line: 9, column: 5 }],
        [{ route: 'b' }, { line: 15, column: 7 }],
      ]);
    }
  });

  it("lint's security-missing points at the same places", async () => {
    const rule = RULES.find((r) => r.meta.id === 'security-missing')!;
    const { diagnostics } = await lint(writeSpec(open), { rules: [rule], targets: [], config: emptyConfig() });
    expect(diagnostics.filter((d) => d.code === 'security-missing').map((d) => d.position)).toEqual([
      { line: 9, column: 5 },
      { line: 15, column: 7 },
    ]);
  });
});

describe('no-routes', () => {
  const webhooksOnly = `${HEAD}${X}paths: {}\nwebhooks:\n  orderPaid:\n    post:\n      x-gateway: { public: true }\n      responses: { '200': { description: ok } }\n`;

  it('a webhooks-only spec is refused on every target, and the webhooks are said not routed', async () => {
    const file = writeSpec(webhooksOnly);
    for (const target of TARGET_NAMES) {
      const b = await buildTarget(file, { target });
      expect(b.files, target).toEqual([]);
      expect(coded(b.diagnostics, 'no-routes'), target).toEqual([[{}, { line: 1, column: 1 }]]);
      expect(coded(b.diagnostics, 'spec-not-routed'), target).toEqual([[{ what: 'webhooks', count: 1 }, { line: 8, column: 1 }]]);
    }
  });

  it('callbacks are said once, with their count, at the first', async () => {
    const cb = (n: string) => `      callbacks:\n        ${n}:\n          '{$request.body#/url}':\n            post: { responses: { '200': { description: ok } } }\n`;
    const text = `${HEAD}${X}paths:\n  /a:\n    post:\n      operationId: a\n      x-gateway: { public: true }\n${cb('done')}      responses: { '200': { description: ok } }\n  /b:\n    post:\n      operationId: b\n      x-gateway: { public: true }\n${cb('fail')}      responses: { '200': { description: ok } }\n`;
    const b = await buildTarget(writeSpec(text), { target: 'nginx' });
    expect(b.files.length).toBeGreaterThan(0);
    const d = b.diagnostics.filter((x) => x.code === 'spec-not-routed');
    expect(d.map((x) => [x.params, x.severity, x.position])).toEqual([[{ what: 'callbacks', count: 2 }, 'info', { line: 12, column: 7 }]]);
  });
});
