/**
 * Every plugin gwc emits has its `config` checked against gwc's own schema (decK's schema leaves
 * it open), and the schemas themselves reject what Kong would.
 */
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PLUGIN_SCHEMAS } from '../../../src/targets/kong/plugin-schemas.js';
import { allRoutes } from './kong-router.js';
import { compile, shop } from './model.js';

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = Object.fromEntries(Object.entries(PLUGIN_SCHEMAS).map(([k, s]) => [k, ajv.compile(s)]));

function pluginsOf(doc: ReturnType<typeof parse>): Array<{ name: string; config: unknown }> {
  return [...allRoutes(doc).flatMap((r) => r.plugins ?? []), ...(doc.plugins ?? [])];
}

describe('kong: plugin configs', () => {
  const doc = parse(compile(shop()).yaml);
  const plugins = pluginsOf(doc);

  it('covers the plugins the issue lists', () => {
    const names = new Set(plugins.map((p) => p.name));
    for (const n of ['key-auth', 'basic-auth', 'jwt', 'rate-limiting', 'proxy-cache', 'cors', 'request-transformer', 'response-transformer', 'ip-restriction', 'request-size-limiting', 'file-log', 'request-termination']) {
      expect(names, n).toContain(n);
    }
  });

  it('every emitted config passes its schema', () => {
    for (const p of plugins) {
      const v = validators[p.name];
      expect(v, `no schema for ${p.name}`).toBeDefined();
      expect(v!(p.config), `${p.name}: ${JSON.stringify(v!.errors)}`).toBe(true);
    }
  });

  it.each([
    ['key-auth', { key_names: ['x'], hide_credentials: true, key_in_cookie: true }],
    ['key-auth', { key_names: [], hide_credentials: true }],
    ['rate-limiting', { policy: 'local' }],
    ['request-termination', { status_code: 200, message: 'a', body: 'b' }],
    ['jwt', { key_claim_name: 'iss', claims_to_verify: ['aud'] }],
    ['ip-restriction', { status: 403 }],
    ['basic-auth', { hide_credentials: true, realm: 'x' }],
  ])('rejects a wrong %s config', (name, config) => {
    expect(validators[name]!(config)).toBe(false);
  });
});
