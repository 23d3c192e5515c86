/**
 * Issue #15 on Traefik: each security change of security-cases.ts that Traefik can express,
 * compiled on both sides and read back through the dynamic-config reader, is classified as
 * security on the router. Open-source Traefik verifies API keys and JWTs only through forwardAuth,
 * so the base gives both schemes a forwardAuth service, and moves getAdmin's role to a basic
 * requirement beside the key (Traefik checks roles through basicAuth users files, not forwardAuth).
 */
import { securitySuite } from './security-cases.js';

securitySuite(
  'traefik',
  [
    // Roles on Traefik are basicAuth users files (one per role set); an API key is its forwardAuth
    // service's, which cannot carry roles (traefik-roles-forward-auth): the role goes on basic,
    // alone (an AND of the consumers' key and a basic user is refused: traefik-auth-and-consumers).
    ['security: [{ apiKey: [admin] }]', 'security: [{ basic: [admin] }]'],
    ['        apiKey: ${env:ALICE_API_KEY}\n', "        apiKey: ${env:ALICE_API_KEY}\n        basic: { username: alice, password: '${env:ALICE_PASSWORD}' }\n"],
    ['x-gateway: { hideCredentials: true }', "x-gateway: { hideCredentials: true, forwardAuth: { url: 'http://keys.internal:9000/check' } }"],
    ['        clockSkew: 30s\n', "        clockSkew: 30s\n        forwardAuth: { url: 'http://auth.internal:9000/verify' }\n"],
  ],
  // An OR of schemes is one router per alternative (vault-getkeys-alt2); backend TLS facts live on
  // the Traefik service the router sends to (vault-secure for getSecure).
  (op, key) => key === `vault-${op.toLowerCase()}` || key.startsWith(`vault-${op.toLowerCase()}-alt`) || (op === 'getSecure' && key === 'vault-secure'),
);
