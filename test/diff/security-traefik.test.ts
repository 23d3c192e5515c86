/**
 * Issue #15 on Traefik: each security change of security-cases.ts that Traefik can express,
 * compiled on both sides and read back through the dynamic-config reader, is classified as
 * security on the router. Open-source Traefik verifies API keys and JWTs only through forwardAuth,
 * so the base gives both schemes a forwardAuth service, and drops the roles (auth.roles is not
 * enforced on Traefik yet).
 */
import { securitySuite } from './security-cases.js';

securitySuite(
  'traefik',
  [
    ['security: [{ apiKey: [admin] }]', 'security: [{ apiKey: [] }]'],
    ['x-gateway: { hideCredentials: true }', "x-gateway: { hideCredentials: true, forwardAuth: { url: 'http://keys.internal:9000/check' } }"],
    ['        clockSkew: 30s\n', "        clockSkew: 30s\n        forwardAuth: { url: 'http://auth.internal:9000/verify' }\n"],
  ],
  // An OR of schemes is one router per alternative (vault-getkeys-alt2); backend TLS facts live on
  // the Traefik service the router sends to (vault-secure for getSecure).
  (op, key) => key === `vault-${op.toLowerCase()}` || key.startsWith(`vault-${op.toLowerCase()}-alt`) || (op === 'getSecure' && key === 'vault-secure'),
);
