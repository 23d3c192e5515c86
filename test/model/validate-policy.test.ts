/**
 * Policy unit `validate` (src/model/policies/validate.ts, issue #19): flags merged by level, the
 * request shape a target validates from ($refs resolved, recursion kept finite, a Loc for each),
 * and the unit's schema fragment and key ids agreeing with the schema file and model/keys.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGateway } from '../../src/api.js';
import { KEYS } from '../../src/model/keys.js';
import { FEATURE_IDS, featureInfo } from '../../src/model/features.js';
import { validatePolicy } from '../../src/model/policies/validate.js';
import { routeFeatures } from '../../src/model/route-features.js';
import { gatewayOf, HEAD } from '../helpers/spec.js';

const fixture = path.resolve(__dirname, '../../fixtures/validate/gateway.yaml');
const schemaFile = path.resolve(__dirname, '../../schemas/x-gateway.schema.json');

describe('policy unit validate', () => {
  it('is the schema file\'s routeSettings.validate, its keys are model keys of its feature, its feature is traffic', () => {
    const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as { definitions: { routeSettings: { properties: Record<string, unknown> } } };
    expect(schema.definitions.routeSettings.properties[validatePolicy.key]).toEqual(validatePolicy.schema);
    for (const k of validatePolicy.keys) {
      expect((KEYS as Record<string, unknown>)[`route.${k}`]).toEqual({ feature: validatePolicy.feature });
      expect((KEYS as Record<string, unknown>)[`defaults.${k}`]).toEqual({ feature: validatePolicy.feature });
    }
    expect(FEATURE_IDS).toContain(validatePolicy.feature);
    expect(featureInfo(validatePolicy.feature).class).toBe('traffic');
  });

  it('merges flags farthest first: defaults, path item, operation; false switches off', async () => {
    const { gateway, diagnostics } = await loadGateway(fixture);
    expect(diagnostics).toEqual([]);
    const r = (id: string) => gateway!.routes.find((x) => x.id === id)!;
    expect(r('getItem').validate).toMatchObject({ body: true, parameters: true, loc: { pointer: '/x-gateway/defaults/validate' } });
    expect(r('createItem').validate).toMatchObject({ body: true, parameters: false, loc: { pointer: '/paths/~1items/post/x-gateway/validate' } });
    expect(r('createNote').validate).toBeUndefined();
    expect(r('createNote').request).toBeUndefined();
    expect(routeFeatures(gateway!, r('getItem')).find((u) => u.feature === 'validation')?.loc.pointer).toBe('/x-gateway/defaults/validate');
    expect(routeFeatures(gateway!, r('createNote')).some((u) => u.feature === 'validation')).toBe(false);
  });

  it('carries parameters (path item ones by $ref, at their own node) and the JSON body with $refs as definitions', async () => {
    const { gateway } = await loadGateway(fixture);
    const get = gateway!.routes.find((x) => x.id === 'getItem')!;
    expect(get.request!.params.map((p) => [p.in, p.name, p.required, p.loc.pointer])).toEqual([
      ['path', 'itemId', true, '/components/parameters/ItemId'],
      ['query', 'limit', false, '/paths/~1items~1{itemId}/get/parameters/0'],
      ['query', 'sort', true, '/paths/~1items~1{itemId}/get/parameters/1'],
      ['header', 'X-Request-Id', true, '/paths/~1items~1{itemId}/get/parameters/2'],
      ['query', 'tags', false, '/paths/~1items~1{itemId}/get/parameters/3'],
    ]);
    expect(get.request!.params[0]!.schema).toMatchObject({ schema: { type: 'integer', minimum: 1 }, loc: { pointer: '/components/parameters/ItemId/schema' } });
    const put = gateway!.routes.find((x) => x.id === 'putItem')!;
    const body = put.request!.body!;
    expect(body).toMatchObject({ required: true, mediaTypes: ['application/json'], loc: { pointer: '/paths/~1items~1{itemId}/put/requestBody' } });
    const s = body.json!.schema;
    // The body's own $ref is followed: its schema is the component, at the component's location.
    expect(s.loc.pointer).toBe('/components/schemas/Item');
    expect((s.schema as { properties: { shipping: unknown } }).properties.shipping).toEqual({ oneOf: [{ $ref: '#/definitions/Pickup' }, { $ref: '#/definitions/Delivery' }] });
    expect(Object.keys(s.definitions).sort()).toEqual(['Delivery', 'Part', 'Pickup']);
    // Part refers to itself: one definition whose $ref points at itself, no endless copy.
    expect(s.definitions.Part).toMatchObject({ ref: '#/components/schemas/Part', loc: { pointer: '/components/schemas/Part' } });
    expect((s.definitions.Part!.schema as { properties: { parts: unknown } }).properties.parts).toEqual({ type: 'array', items: { $ref: '#/definitions/Part' } });
  });

  it('an operation parameter overrides the path item one of the same name and place; header names fold case', async () => {
    const { gateway } = await gatewayOf(`${HEAD}x-gateway:
  backends: { app: { url: http://app:1 } }
  defaults: { public: true, validate: true }
paths:
  /a:
    parameters:
      - { name: X-Id, in: header, schema: { type: string } }
      - { name: q, in: query, schema: { type: string } }
    get:
      parameters:
        - { name: x-id, in: header, required: true, schema: { type: integer } }
      responses: { '200': { description: ok } }
`);
    const r = gateway!.routes[0]!;
    expect(r.request!.params.map((p) => [p.in, p.name, p.required, (p.schema?.schema as { type: string }).type])).toEqual([
      ['header', 'x-id', true, 'integer'],
      ['query', 'q', false, 'string'],
    ]);
  });

  it('a mutual recursion stays finite: one definition each', async () => {
    const { gateway } = await gatewayOf(`${HEAD}x-gateway:
  backends: { app: { url: http://app:1 } }
  defaults: { public: true, validate: { body: true } }
paths:
  /a:
    post:
      requestBody: { content: { application/json: { schema: { $ref: '#/components/schemas/A' } } } }
      responses: { '200': { description: ok } }
components:
  schemas:
    A: { type: object, properties: { b: { $ref: '#/components/schemas/B' } } }
    B: { type: object, properties: { a: { $ref: '#/components/schemas/A' } } }
`);
    const s = gateway!.routes[0]!.request!.body!.json!.schema;
    expect(Object.keys(s.definitions).sort()).toEqual(['A', 'B']);
    expect(s.definitions.B!.schema).toEqual({ type: 'object', properties: { a: { $ref: '#/definitions/A' } } });
  });
});
