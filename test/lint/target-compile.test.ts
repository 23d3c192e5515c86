/**
 * DESIGN.md 7.7, as a class: whatever a checked target's own compile refuses, lint reports with
 * the build's code at the build's position (cases from the review: a `${file:}` secret on Kong, a
 * JWKS fetched over plain http on nginx, a vault secret nginx cannot read; nginx verifies an https
 * JWKS since 978e9b8, so that case is now valid).
 */
import { kongTarget } from '../../src/targets/kong/index.js';
import { nginxTarget } from '../../src/targets/nginx/index.js';
import { traefikTarget } from '../../src/targets/traefik/index.js';
import { HEAD, testRule } from './helper.js';

const doc = (consumers: string, paths: string, schemes: string) => `${HEAD}servers: [{ url: https://api.example.com }]
x-gateway:
  backends:
    app: { url: https://app.example.com }
  consumers:
${consumers}paths:
${paths}components:
  securitySchemes:
${schemes}`;
const KEY = '    key: { type: apiKey, in: header, name: x-api-key }\n';
const JWKS = (scheme: string, aud = 'audiences: [api], ') => `    jwt: { type: http, scheme: bearer, x-gateway: { issuer: https://id.example.com/, ${aud}jwksUri: ${scheme}://id.example.com/jwks } }\n`;
const op = (security: string, x = '') => `  /a:\n    get:\n      operationId: a\n      security: ${security}\n${x}      responses: { '200': { description: ok } }\n`;

testRule('target-compile', {
  valid: [
    { name: 'an env secret on Kong', files: doc('    alice: { credentials: { key: "${env:ALICE_KEY}" } }\n', op('[{ key: [] }]'), KEY), targets: [kongTarget] },
    { name: 'a file secret on a team not on Kong', files: doc('    alice: { credentials: { key: "${file:alice.key}" } }\n', op('[{ key: [] }]'), KEY), targets: [nginxTarget] },
    { name: 'an https JWKS on nginx', files: doc('    alice: { credentials: { key: "${env:ALICE_KEY}" } }\n', op('[{ jwt: [] }]'), KEY + JWKS('https')), targets: [nginxTarget] },
  ],
  invalid: [
    {
      name: 'a file secret Kong cannot write for a credential',
      files: doc('    alice: { credentials: { key: "${file:alice.key}" } }\n', op('[{ key: [] }]'), KEY),
      targets: [kongTarget],
      errors: [{ line: 8, column: 29, target: 'kong' }],
    },
    {
      name: 'a JWKS nginx would fetch over plain http',
      files: doc('    alice: { credentials: { key: "${env:ALICE_KEY}" } }\n', op('[{ jwt: [] }]'), KEY + JWKS('http')),
      targets: [nginxTarget],
      errors: [{ line: 18, column: 5, target: 'nginx' }],
    },
    {
      // Red team 3: a key set without audiences admits tokens minted for any application of the provider (nginx-jwt-audience-missing).
      name: 'a JWKS scheme without audiences on nginx',
      files: doc('    alice: { credentials: { key: "${env:ALICE_KEY}" } }\n', op('[{ jwt: [] }]'), KEY + JWKS('https', '')),
      targets: [nginxTarget],
      errors: [{ line: 18, column: 5, target: 'nginx' }],
    },
    {
      // Red team 16: a key set without an issuer admits a token of any issuer it signs (jwt-issuer-missing).
      name: 'a JWKS scheme without an issuer on nginx',
      files: doc('    alice: { credentials: { key: "${env:ALICE_KEY}" } }\n', op('[{ jwt: [] }]'), KEY + JWKS('https').replace('issuer: https://id.example.com/, ', '')),
      targets: [nginxTarget],
      errors: [{ line: 18, column: 5, target: 'nginx' }],
    },
    {
      // Red team 6: basic's router would pass a forged kept query key on (traefik-or-kept-credential), at the build's security line.
      name: 'an OR route keeping a query key on Traefik',
      files: doc('    bob: { credentials: { basic: { username: bob, password: "${env:B}" } } }\n', op('[{ basic: [] }, { qk: [] }]'),
        "    basic: { type: http, scheme: basic }\n    qk: { type: apiKey, in: query, name: api_key, x-gateway: { hideCredentials: false, forwardAuth: { url: 'http://auth.internal/q' } } }\n"),
      targets: [traefikTarget],
      errors: [{ line: 13, column: 7, target: 'traefik' }],
    },
    {
      // A kept cookie key is refused at its scheme on Traefik (traefik-kept-cookie-credential, red team 15:
      // its service reads one sid, Traefik passes every Cookie line), before the anonymous router's guard.
      name: 'optional auth keeping a cookie key on Traefik',
      files: doc('    alice: { credentials: { ck: "${env:A}" } }\n', op('[{}, { ck: [] }]'),
        "    ck: { type: apiKey, in: cookie, name: sid_key, x-gateway: { hideCredentials: false, forwardAuth: { url: 'http://auth.internal/c' } } }\n"),
      targets: [traefikTarget],
      errors: [{ line: 17, column: 5, target: 'traefik' }],
    },
  ],
});
