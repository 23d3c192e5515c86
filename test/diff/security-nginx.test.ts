/**
 * Issue #15 on nginx: each security change of security-cases.ts, compiled on both sides and read
 * back through the deployed-state reader (conf files and the njs module's CFG), is classified as
 * security on the right routes.
 */
import { securitySuite } from './security-cases.js';

securitySuite('nginx', [], (op, key) => key === `route ${op}`);
