/**
 * The policy registry (src/model/policies/index.ts, issue #17 item 5) checks itself: one unit per
 * policy id, each unit's schema fragment is the schema file's copy (policyBody, its definitions and
 * the description-only entries of routeSettings and policy, or routeSettings for a route setting),
 * its key ids are the schema's keys and model/keys.ts's ids of its feature, and its lint rule
 * exists. Then the merge each bundled unit owns: absent keeps, a value overrides, false removes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ruleData } from '../../src/lint/ruleset.js';
import { FEATURE_IDS } from '../../src/model/features.js';
import { KEYS } from '../../src/model/keys.js';
import { Walker } from '../../src/model/normalise/node.js';
import { describePolicies } from '../../src/model/describe.js';
import { applyPolicySettings } from '../../src/model/normalise/policies.js';
import { POLICY_FEATURE } from '../../src/model/policies/ids.js';
import { BUNDLED_POLICIES, POLICIES, POLICY_IDS, POLICY_UNITS, ROUTE_POLICIES, USES_AFTER_ROUTE, USES_FIRST } from '../../src/model/policies/index.js';
import { schemaKeys } from '../../src/model/schema-keys.js';
import { routeFeatures } from '../../src/model/route-features.js';
import type { Policy } from '../../src/model/types.js';
import { gatewayOf, HEAD } from '../helpers/spec.js';

type Props = { properties: Record<string, Record<string, unknown>> };
type SchemaDoc = { definitions: Record<string, Record<string, unknown>> & { policyBody: Props; routeSettings: Props; policy: Props } };
const schemaFile = path.resolve(__dirname, '../../schemas/x-gateway.schema.json');
const schema = (): SchemaDoc => JSON.parse(readFileSync(schemaFile, 'utf8')) as SchemaDoc;
const keyIds = KEYS as Record<string, unknown>;

describe('the policy registry', () => {
  it('holds exactly one unit per POLICY_IDS entry, under its own id, answering its POLICY_FEATURE', () => {
    expect(Object.keys(POLICIES)).toEqual([...POLICY_IDS]);
    expect(POLICY_UNITS.map((u) => u.id)).toEqual([...POLICY_IDS]);
    for (const id of POLICY_IDS) {
      expect(POLICIES[id].id).toBe(id);
      expect(POLICIES[id].feature).toBe(POLICY_FEATURE[id]);
      expect(FEATURE_IDS).toContain(POLICIES[id].feature);
    }
    expect([...BUNDLED_POLICIES, ...ROUTE_POLICIES].map((u) => u.id).sort()).toEqual([...POLICY_IDS].sort());
  });

  it('lists every policy use once: USES_FIRST, then the rest (a new policy is never left out)', () => {
    expect([...USES_FIRST, ...USES_AFTER_ROUTE].sort()).toEqual([...POLICY_IDS].sort());
    expect(new Set([...USES_FIRST, ...USES_AFTER_ROUTE]).size).toBe(POLICY_IDS.length);
  });

  it("the schema file's policyBody is exactly the bundled units' keys, in registry order", () => {
    const own = BUNDLED_POLICIES.flatMap((u) => Object.keys(u.schema.properties));
    expect(Object.keys(schema().definitions.policyBody.properties)).toEqual(own);
  });

  for (const unit of BUNDLED_POLICIES) {
    it(`${unit.id}: its schema fragment is the schema file's copy`, () => {
      const s = schema();
      const defs = s.definitions;
      for (const [key, fragment] of Object.entries(unit.schema.properties)) {
        expect(defs.policyBody.properties[key], `policyBody.${key}`).toEqual(fragment);
        // routeSettings and policy name the key again with its description only.
        const ref = typeof fragment.$ref === 'string' ? fragment.$ref.split('/').pop()! : undefined;
        const description = fragment.description ?? (ref ? (unit.schema.definitions?.[ref]?.description ?? defs[ref]?.description) : undefined);
        expect(description, `${key} has a description`).toEqual(expect.any(String));
        expect(defs.routeSettings.properties[key], `routeSettings.${key}`).toEqual({ description });
        expect(defs.policy.properties[key], `policy.${key}`).toEqual({ description });
      }
      for (const [name, definition] of Object.entries(unit.schema.definitions ?? {})) {
        expect(defs[name], `definitions.${name}`).toEqual(definition);
      }
    });
  }

  for (const unit of ROUTE_POLICIES) {
    it(`${unit.id}: its schema fragment is the schema file's routeSettings.${unit.key}, not a bundle key`, () => {
      const defs = schema().definitions;
      expect(defs.routeSettings.properties[unit.key]).toEqual(unit.schema);
      expect(defs.policyBody.properties[unit.key]).toBeUndefined();
    });
  }

  for (const unit of POLICY_UNITS) {
    it(`${unit.id}: its keys are the schema's keys under it and model/keys.ts ids of its feature`, () => {
      const tops = unit.kind === 'bundled' ? Object.keys(unit.schema.properties) : [unit.key];
      const fromSchema = schemaKeys(schema() as never)
        .map((k) => k.id)
        .filter((id) => tops.some((t) => id === `route.${t}` || id.startsWith(`route.${t}.`)))
        .map((id) => id.slice('route.'.length));
      expect([...unit.keys]).toEqual(fromSchema);
      const prefixes = unit.kind === 'bundled' ? ['policies.*', 'defaults', 'route'] : ['defaults', 'route'];
      for (const k of unit.keys) {
        for (const p of prefixes) expect(keyIds[`${p}.${k}`], `${p}.${k}`).toEqual({ feature: unit.feature });
      }
      if (unit.kind === 'route') expect(keyIds[`policies.*.${unit.key}`]).toBeUndefined();
    });
  }

  it('no model key id is answered under a policy feature without a unit owning it', () => {
    const owned = new Set(POLICY_UNITS.flatMap((u) => u.keys.flatMap((k) => [`policies.*.${k}`, `defaults.${k}`, `route.${k}`])));
    const policyFeatures = new Set<string>(Object.values(POLICY_FEATURE));
    const stray = Object.entries(keyIds).filter(([id, def]) => policyFeatures.has((def as { feature?: string }).feature ?? '') && !owned.has(id));
    expect(stray.map(([id]) => id)).toEqual([]);
  });

  it("each unit's lint hint names a rule of rules/gwc.yaml", () => {
    const hinted = POLICY_UNITS.filter((u) => u.hint).map((u) => [u.id, u.hint!.rule]);
    expect(hinted).toEqual([
      ['rateLimit', 'public-no-rate-limit'],
      ['cors', 'cors-credentials-wildcard'],
      ['validate', 'request-body-unvalidated'],
    ]);
    for (const [, rule] of hinted) expect(ruleData(rule!), rule).toBeDefined();
  });
});

/** A settings object as the normaliser sees it (a named bundle, defaults, a path item or an operation). */
const node = (value: Record<string, unknown>, pointer = '/x-gateway/defaults') => ({ value, loc: { file: 'spec.yaml', pointer } });
const w = new Walker(undefined);

function merged(...levels: Array<Record<string, unknown>>): Policy {
  const into: Policy = {};
  const out: never[] = [];
  levels.forEach((v, i) => applyPolicySettings(w, node(v, `/level/${i}`), into, out));
  expect(out).toEqual([]);
  return into;
}

describe('bundled units merge farthest first', () => {
  const samples: Array<[keyof Policy, Record<string, unknown>, Record<string, unknown> | undefined]> = [
    ['rateLimit', { rateLimit: { requests: 5, per: 'second' } }, { rateLimit: false }],
    ['cors', { cors: { origins: ['https://a.example'] } }, { cors: false }],
    ['cache', { cache: { ttl: '30s' } }, { cache: false }],
    ['ipRule', { ipAllow: ['10.0.0.0/8'] }, { ipAllow: [] }],
    ['bodyLimit', { bodyLimit: '1k' }, { bodyLimit: false }],
    ['requestHeaders', { requestHeaders: { set: { 'X-A': '1' } } }, undefined],
    ['responseHeaders', { responseHeaders: { remove: ['Server'] } }, undefined],
    ['accessLog', { accessLog: true }, { accessLog: false }],
  ];

  it('has a sample for every bundled unit', () => {
    expect(samples.map(([id]) => id)).toEqual(BUNDLED_POLICIES.map((u) => u.id));
  });

  for (const [id, on, off] of samples) {
    it(`${id}: a level without the key keeps it, the nearer level's value wins (with its Loc)${off ? ', its off value removes it' : ''}`, () => {
      const kept = merged(on, { backend: 'x' });
      expect(kept[id]?.loc.pointer).toMatch(/^\/level\/0\//);
      const nearer = merged(on, on);
      expect(nearer[id]?.loc.pointer).toMatch(/^\/level\/1\//);
      if (off) expect(merged(on, off)[id]).toBeUndefined();
    });
  }

  it('ipAllow and ipDeny are one rule: a level setting one keeps the other', () => {
    const p = merged({ ipAllow: ['10.0.0.0/8'] }, { ipDeny: ['10.1.0.0/16'] });
    expect(p.ipRule).toMatchObject({ allow: ['10.0.0.0/8'], deny: ['10.1.0.0/16'], loc: { pointer: '/level/1/ipDeny' } });
  });

  it('a size or duration that does not parse is reported (in registry order: cache before bodyLimit) and keeps the farther value', () => {
    const into: Policy = {};
    const out: Array<{ code: string }> = [];
    applyPolicySettings(w, node({ bodyLimit: 10 }), into, out as never);
    applyPolicySettings(w, node({ bodyLimit: 'lots', cache: { ttl: 'soon' } }, '/op'), into, out as never);
    expect(into.bodyLimit?.bytes).toBe(10);
    expect(into.cache?.ttlMs).toBe(0);
    expect(out.map((d) => d.code)).toEqual(['bad-duration', 'bad-size']);
  });
});

describe('the units read by the model', () => {
  it('a route using every policy: a bundle, then defaults, then the operation; uses and words in the order they always had', async () => {
    const { gateway, diagnostics } = await gatewayOf(`${HEAD}x-gateway:
  backends: { app: { url: http://app:1 } }
  policies:
    std: { rateLimit: { requests: 5, per: second, by: consumer }, cors: { origins: ['https://a.example'] }, ipDeny: [10.0.0.0/8] }
  defaults: { backend: app, public: true, policies: [std], bodyLimit: 1k, cache: { ttl: 30s }, accessLog: true }
paths:
  /a/{id}:
    get:
      x-gateway:
        upstreamPath: /b/{id}
        websocket: true
        validate: true
        requestHeaders: { set: { X-A: '1' } }
        responseHeaders: { remove: [Server] }
        cors: { origins: ['https://b.example'] }
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { '200': { description: ok } }
`);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const route = gateway!.routes[0]!;
    expect(routeFeatures(gateway!, route).map((u) => [u.feature, u.loc.pointer])).toEqual([
      ['rateLimit', '/x-gateway/policies/std/rateLimit'],
      ['cors', '/paths/~1a~1{id}/get/x-gateway/cors'],
      ['ipRule', '/x-gateway/policies/std/ipDeny'],
      ['bodyLimit', '/x-gateway/defaults/bodyLimit'],
      ['cache', '/x-gateway/defaults/cache'],
      ['requestHeaders', '/paths/~1a~1{id}/get/x-gateway/requestHeaders'],
      ['responseHeaders', '/paths/~1a~1{id}/get/x-gateway/responseHeaders'],
      ['accessLog', '/x-gateway/defaults/accessLog'],
      ['upstreamPath', '/paths/~1a~1{id}/get/x-gateway/upstreamPath'],
      ['websocket', '/paths/~1a~1{id}/get/x-gateway/websocket'],
      ['validation', '/paths/~1a~1{id}/get/x-gateway/validate'],
    ]);
    expect(describePolicies(route)).toBe('rate 5/second by consumer, cors, cache 30s, ip-rule, body<=1024, req-headers, resp-headers, log');
  });
});
