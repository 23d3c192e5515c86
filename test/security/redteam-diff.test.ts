/**
 * Red team: `gwc diff` (DESIGN.md 7.8) on Traefik and AWS. Each case is a pair of specs, the old
 * and the new, compiled on both sides as `gwc diff --base` does; every change that widens who can
 * call what, or weakens how it is checked, must come out as a finding of class security.
 */
import { describe, expect, it } from 'vitest';
import { diffStates } from '../../src/diff/plan.js';
import { withoutTrust } from '../../src/diff/trust.js';
import { HEAD } from '../helpers/spec.js';
import { edit, securityFindings, diffState as state, type Edit } from '../helpers/diff-edits.js';


const ok = "{ '200': { description: ok } }";

export const AWS_BASE = `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: rd
  backends:
    app: { url: https://app.example.com }
    admin: { url: https://admin.example.com }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { apiKey: '\${env:ALICE_KEY}' } }
  policies:
    web: { cors: { origins: [https://web.example.com], methods: [GET], headers: [x-api-key] } }
paths:
  /status:
    get: { operationId: getStatus, x-gateway: { public: true }, responses: ${ok} }
  /keys:
    get: { operationId: getKeys, security: [{ apiKey: [] }], x-gateway: { policies: [web] }, responses: ${ok} }
  /lam:
    get: { operationId: getLam, security: [{ lam: [] }], responses: ${ok} }
components:
  securitySchemes:
    apiKey: { type: apiKey, in: header, name: x-api-key }
    pool: { type: http, scheme: bearer, bearerFormat: JWT, x-gateway: { issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123', anyAudience: true, hideCredentials: false } }
    lam: { type: apiKey, in: header, name: X-Token, x-gateway: { lambdaAuthorizer: { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:auth' } } }
`;

/** HTTP APIs have no API keys: the same without the keyed route. */
export const AWS_HTTP_BASE = AWS_BASE.replace(/ {2}\/keys:\n.*\n/, '').replace("function:auth' }", "function:auth', type: request }");

export const TRAEFIK_BASE = `${HEAD}servers: [{ url: https://api.example.com/v1 }]
x-gateway:
  name: rd
  backends:
    app: { url: https://app.example.com }
    admin: { url: https://admin.example.com }
  defaults: { backend: app }
  consumers:
    alice: { credentials: { basic: { username: alice, password: '\${env:ALICE_PW}' } } }
  policies:
    web: { cors: { origins: [https://web.example.com], methods: [GET], headers: [Authorization] } }
paths:
  /status:
    get: { operationId: getStatus, x-gateway: { public: true }, responses: ${ok} }
  /basic:
    get: { operationId: getBasic, security: [{ basic: [] }], x-gateway: { policies: [web] }, responses: ${ok} }
  /fwd:
    get: { operationId: getFwd, security: [{ fwd: [] }], responses: ${ok} }
components:
  securitySchemes:
    basic: { type: http, scheme: basic }
    fwd: { type: http, scheme: bearer, x-gateway: { forwardAuth: { url: 'http://auth.internal:9000/check', responseHeaders: [X-User-Id] } } }
`;

const CASES: Array<{ name: string; target: 'aws' | 'aws-http' | 'traefik'; edits: Edit[]; rule: string; before?: Edit[] }> = [
  { name: 'public route re-pointed at another backend', target: 'aws', rule: 'backend-changed', edits: [['operationId: getStatus, x-gateway: { public: true }', 'operationId: getStatus, x-gateway: { public: true, backend: admin }']] },
  { name: 'keyed route re-pointed at another backend', target: 'aws', rule: 'backend-changed', edits: [['operationId: getKeys, security: [{ apiKey: [] }], x-gateway: { policies: [web] }', 'operationId: getKeys, security: [{ apiKey: [] }], x-gateway: { policies: [web], backend: admin }']] },
  { name: 'the default backend\'s url swapped (every route inherits it)', target: 'aws', rule: 'backend-changed', edits: [['app: { url: https://app.example.com }', 'app: { url: https://evil.example.net }']] },
  { name: 'a consumer (API key) added', target: 'aws', rule: 'consumer-added', edits: [["alice: { credentials: { apiKey: '${env:ALICE_KEY}' } }", "alice: { credentials: { apiKey: '${env:ALICE_KEY}' } }\n    bob: { credentials: { apiKey: '${env:BOB_KEY}' } }"]] },
  { name: 'a Lambda authorizer\'s function swapped', target: 'aws', rule: 'auth-verifier-changed', edits: [['function:auth', 'function:allow-all']] },
  { name: 'a Lambda authorizer\'s answer cached', target: 'aws', rule: 'auth-verifier-changed', edits: [["function:auth' }", "function:auth', ttlSeconds: 300 }"]] },
  { name: 'a cache key header dropped on a keyed route', target: 'aws', rule: 'cache-key-narrowed', before: [['x-gateway: { policies: [web] }, responses', 'x-gateway: { policies: [web], cache: { ttl: 60s, keyHeaders: [X-Tenant] } }, responses'], ['app: { url: https://app.example.com }', 'app: { url: https://app.example.com, queryNames: exact }']], edits: [['keyHeaders: [X-Tenant]', 'keyHeaders: []']] },
  { name: 'the query string dropped from a public cache key', target: 'aws', rule: 'cache-key-narrowed', before: [['x-gateway: { public: true }', 'parameters: [{ name: account, in: query, schema: { type: string } }], x-gateway: { public: true, cache: { ttl: 60s } }'], ['app: { url: https://app.example.com }', 'app: { url: https://app.example.com, queryNames: exact }']], edits: [['cache: { ttl: 60s }', 'cache: { ttl: 60s, keyQuery: false }']] },
  // (REST refuses an OR of requirements, auth.or: one method, one authorizer.)
  { name: 'a Cognito scope added as an alternative (a token with either scope passes)', target: 'aws-http', rule: 'auth-scope-removed', before: [['security: [{ lam: [] }]', 'security: [{ pool: [orders/read] }]'], ['anyAudience: true, hideCredentials: false }', 'hideCredentials: false, audiences: [client1] }']], edits: [['security: [{ pool: [orders/read] }]', 'security: [{ pool: [orders/read] }, { pool: [orders/admin] }]']] },
  { name: 'an IP allow list widened', target: 'aws', rule: 'ip-widened', before: [['operationId: getLam,', 'operationId: getLam, x-gateway: { ipAllow: [10.0.0.0/8] },']], edits: [['ipAllow: [10.0.0.0/8]', 'ipAllow: [10.0.0.0/8, 192.168.0.0/16]']] },
  { name: 'an IP allow list removed', target: 'aws', rule: 'ip-widened', before: [['operationId: getLam,', 'operationId: getLam, x-gateway: { ipAllow: [10.0.0.0/8] },']], edits: [['x-gateway: { ipAllow: [10.0.0.0/8] },', '']] },
  { name: 'a keyed route made public', target: 'aws', rule: 'auth-removed', edits: [['operationId: getLam, security: [{ lam: [] }]', 'operationId: getLam, security: [], x-gateway: { public: true }']] },
  { name: 'a public route\'s upstreamPath re-pointed at an admin path of its backend', target: 'aws', rule: 'upstream-path-changed', before: [['operationId: getStatus, x-gateway: { public: true }', "operationId: getStatus, x-gateway: { public: true, upstreamPath: '/status' }"]], edits: [["upstreamPath: '/status'", "upstreamPath: '/admin/dump'"]] },
  { name: 'CORS origin added', target: 'aws', rule: 'cors-widened', edits: [['origins: [https://web.example.com]', 'origins: [https://web.example.com, https://evil.example.net]']] },
  { name: 'CORS origin *', target: 'aws', rule: 'cors-widened', edits: [['origins: [https://web.example.com]', "origins: ['*']"]] },
  { name: 'public route re-pointed at another backend', target: 'aws-http', rule: 'backend-changed', edits: [['operationId: getStatus, x-gateway: { public: true }', 'operationId: getStatus, x-gateway: { public: true, backend: admin }']] },
  { name: 'a Lambda authorizer\'s function swapped', target: 'aws-http', rule: 'auth-verifier-changed', edits: [['function:auth', 'function:allow-all']] },
  { name: 'public route re-pointed at another backend', target: 'traefik', rule: 'backend-changed', edits: [['operationId: getStatus, x-gateway: { public: true }', 'operationId: getStatus, x-gateway: { public: true, backend: admin }']] },
  { name: 'basic route re-pointed at another backend', target: 'traefik', rule: 'backend-changed', edits: [['operationId: getBasic, security: [{ basic: [] }], x-gateway: { policies: [web] }', 'operationId: getBasic, security: [{ basic: [] }], x-gateway: { policies: [web], backend: admin }']] },
  { name: 'the default backend\'s url swapped', target: 'traefik', rule: 'backend-changed', edits: [['app: { url: https://app.example.com }', 'app: { url: https://evil.example.net }']] },
  { name: 'a consumer (basic user) added: only a comment of the output changes', target: 'traefik', rule: 'consumer-added', edits: [["alice: { credentials: { basic: { username: alice, password: '${env:ALICE_PW}' } } }", "alice: { credentials: { basic: { username: alice, password: '${env:ALICE_PW}' } } }\n    bob: { credentials: { basic: { username: bob, password: '${env:BOB_PW}' } } }"]] },
  { name: 'a basic user renamed', target: 'traefik', rule: 'consumer-added', edits: [['username: alice', 'username: root']] },
  { name: 'a role removed from a basic requirement', target: 'traefik', rule: 'auth-roles-removed', before: [['security: [{ basic: [] }]', 'security: [{ basic: [admin] }]'], ["alice: { credentials: { basic: { username: alice, password: '${env:ALICE_PW}' } } }", "alice: { groups: [admin], credentials: { basic: { username: alice, password: '${env:ALICE_PW}' } } }\n    bob: { groups: [reader], credentials: { basic: { username: bob, password: '${env:BOB_PW}' } } }"]], edits: [['security: [{ basic: [admin] }]', 'security: [{ basic: [] }]']] },
  { name: 'a role swapped on a basic requirement', target: 'traefik', rule: 'auth-roles-removed', before: [['security: [{ basic: [] }]', 'security: [{ basic: [admin] }]'], ["alice: { credentials: { basic: { username: alice, password: '${env:ALICE_PW}' } } }", "alice: { groups: [admin], credentials: { basic: { username: alice, password: '${env:ALICE_PW}' } } }\n    bob: { groups: [reader], credentials: { basic: { username: bob, password: '${env:BOB_PW}' } } }"]], edits: [['security: [{ basic: [admin] }]', 'security: [{ basic: [reader] }]']] },
  { name: 'a group given to a consumer (a role route now admits them)', target: 'traefik', rule: 'consumer-added', before: [['security: [{ basic: [] }]', 'security: [{ basic: [admin] }]']], edits: [["alice: { credentials:", "alice: { groups: [admin], credentials:"]] },
  { name: 'an IP allow list widened at path level', target: 'traefik', rule: 'ip-widened', before: [['  /fwd:\n', '  /fwd:\n    x-gateway: { ipAllow: [10.0.0.0/8] }\n']], edits: [['ipAllow: [10.0.0.0/8]', 'ipAllow: [10.0.0.0/8, 0.0.0.0/1]']] },
  { name: 'a default policy with a limit dropped (every route inherited it)', target: 'traefik', rule: 'rate-limit-raised', before: [['defaults: { backend: app }', 'defaults: { backend: app, policies: [lim] }'], ['  policies:\n', '  policies:\n    lim: { rateLimit: { requests: 10, per: minute } }\n']], edits: [['defaults: { backend: app, policies: [lim] }', 'defaults: { backend: app }']] },
  { name: 'a route moved out of a path whose x-gateway allow-listed it', target: 'traefik', rule: 'ip-widened', before: [['  /fwd:\n', '  /fwd:\n    x-gateway: { ipAllow: [10.0.0.0/8] }\n    put: { operationId: putFwd, security: [{ fwd: [] }], responses: { \'200\': { description: ok } } }\n']], edits: [['    x-gateway: { ipAllow: [10.0.0.0/8] }\n    put: { operationId: putFwd, security: [{ fwd: [] }], responses: { \'200\': { description: ok } } }\n', "    x-gateway: { ipAllow: [10.0.0.0/8] }\n  /fwd2:\n    put: { operationId: putFwd, security: [{ fwd: [] }], responses: { '200': { description: ok } } }\n"]] },
  { name: 'a route\'s scheme swapped from forwardAuth to basic', target: 'traefik', rule: 'auth-weakened', edits: [['security: [{ fwd: [] }]', 'security: [{ basic: [] }]']] },
  { name: 'a second way in on an operation whose name another operation extends with -alt2', target: 'traefik', rule: 'auth-weakened', before: [['  /fwd:\n', "  /items:\n    get: { operationId: items, security: [{ basic: [] }], responses: { '200': { description: ok } } }\n  /items2:\n    get: { operationId: items-alt2, security: [{ basic: [] }], responses: { '200': { description: ok } } }\n  /fwd:\n"]], edits: [['operationId: items, security: [{ basic: [] }]', 'operationId: items, security: [{ basic: [] }, { fwd: [] }]']] },
  { name: 'a second way in on an operation while another operation is named after its second alternative (items-alt2)', target: 'traefik', rule: 'auth-weakened', before: [['  /fwd:\n', "  /items:\n    get: { operationId: items, security: [{ basic: [] }], responses: { '200': { description: ok } } }\n  /items2:\n    get: { operationId: items-alt2, security: [{ fwd: [] }], responses: { '200': { description: ok } } }\n  /fwd:\n"]], edits: [['operationId: items, security: [{ basic: [] }]', 'operationId: items, security: [{ basic: [] }, { fwd: [] }]']] },
  { name: 'a public route\'s upstreamPath re-pointed at an admin path of its backend', target: 'traefik', rule: 'upstream-path-changed', before: [['operationId: getStatus, x-gateway: { public: true }', "operationId: getStatus, x-gateway: { public: true, upstreamPath: '/status' }"]], edits: [["upstreamPath: '/status'", "upstreamPath: '/admin/dump'"]] },
  { name: 'forwardAuth service swapped', target: 'traefik', rule: 'auth-weakened', edits: [['http://auth.internal:9000/check', 'http://auth.internal:9000/allow']] },
  { name: 'CORS origin added', target: 'traefik', rule: 'cors-widened', edits: [['origins: [https://web.example.com]', 'origins: [https://web.example.com, https://evil.example.net]']] },
  { name: 'CORS credentials', target: 'traefik', rule: 'cors-widened', edits: [['headers: [Authorization] }', 'headers: [Authorization], credentials: true }']] },
];

describe('red team: gwc diff --deployed (what the deployed template shows)', () => {
  const deployedState = async (text: string) => ({ entities: withoutTrust((await state(text, 'aws')).entities) });
  it('aws: a consumer\'s API key added to the usage plan, or a disabled key enabled, is security from the template alone', async () => {
    const more = edit(AWS_BASE, [["alice: { credentials: { apiKey: '${env:ALICE_KEY}' } }", "alice: { credentials: { apiKey: '${env:ALICE_KEY}' } }\n    bob: { credentials: { apiKey: '${env:BOB_KEY}' } }"]]);
    const plan = diffStates(await deployedState(AWS_BASE), await deployedState(more));
    expect(plan.findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.kind} ${f.key}`)).toEqual([
      'consumer-added AWS::ApiGateway::ApiKey ApiKeyBobApiKey',
      'consumer-added AWS::ApiGateway::UsagePlanKey UsagePlanKeyBobApiKey',
    ]);
    const from = await deployedState(AWS_BASE);
    const disabled = { entities: from.entities.map((e) => (e.kind === 'AWS::ApiGateway::ApiKey' ? { ...e, fields: { ...e.fields, Properties: { ...(e.fields.Properties as object), Enabled: false } }, facts: { holds: [] } } : e)) };
    expect(diffStates(disabled, from).findings.map((f) => `${f.class} ${f.rule}`)).toContain('security consumer-added');
  });
});

describe('red team: gwc diff of one spec built for another network', () => {
  it('traefik: client-ip-depth changed (the IP allow list and the per-address limit now read X-Forwarded-For) is security', async () => {
    const spec = edit(TRAEFIK_BASE, [['operationId: getStatus, x-gateway: { public: true }', 'operationId: getStatus, x-gateway: { public: true, ipAllow: [10.0.0.0/8], rateLimit: { requests: 10, per: minute, by: ip } }']]);
    const plan = diffStates(await state(spec, 'traefik'), await state(spec, 'traefik', { 'client-ip-depth': '1' }));
    expect(plan.findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`)).toContain('client-address-changed rd-getstatus');
    const back = diffStates(await state(spec, 'traefik', { 'client-ip-depth': '1' }), await state(spec, 'traefik'));
    expect(back.findings.filter((f) => f.class === 'security').map((f) => `${f.rule} ${f.key}`)).toContain('client-address-changed rd-getstatus');
  });
});

describe('red team: gwc diff classes every widening as security', () => {
  it.each([
    ['aws', AWS_BASE, {}],
    ['aws', AWS_HTTP_BASE, { api: 'http' }],
    ['traefik', TRAEFIK_BASE, {}],
  ] as const)('%s: the same spec on both sides has no finding (the new facts are stable)', async (target, base, options) => {
    const plan = diffStates(await state(base, target, options), await state(base, target, options));
    expect(plan.findings).toEqual([]);
    expect(plan.changes).toEqual([]);
  });

  for (const c of CASES) {
    it(`${c.target}: ${c.name}`, async () => {
      const target = c.target === 'aws-http' ? 'aws' : c.target;
      const options: Record<string, string> = c.target === 'aws-http' ? { api: 'http' } : {};
      const base = c.target === 'traefik' ? TRAEFIK_BASE : c.target === 'aws' ? AWS_BASE : AWS_HTTP_BASE;
      const found = await securityFindings(target, edit(base, c.before ?? []), c.edits, options);
      expect(found.some((f) => f.startsWith(`${c.rule} `)), JSON.stringify(found)).toBe(true);
    });
  }
});
