/**
 * Issue #15 on Kong: each security change of security-cases.ts that Kong can express, compiled on
 * both sides and read back through the decK reader, is classified as security on the route.
 * The base drops the JWT route (Kong OSS refuses it without an accepted gap); roles are Kong's acl
 * groups, so a role removed from a requirement is read back from the acl plugin.
 */
import { securitySuite } from './security-cases.js';

const TOKENS = "  /tokens:\n    get:\n      operationId: getTokens\n      security: [{ bearer: [tokens:read] }]\n      responses: { '200': { description: tokens } }\n";

securitySuite('kong', [[TOKENS, '']], (op, key) => key === `vault.${op.toLowerCase()}`);
