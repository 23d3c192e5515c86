/** Writes a spec to a temp folder and loads it, for tests that build specs inline. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { loadGateway, type SpecOptions } from '../../src/api.js';

export function writeSpec(text: string, name = 'gateway.yaml'): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gwc-spec-'));
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

export async function gatewayOf(text: string, options: SpecOptions = {}) {
  return loadGateway(writeSpec(text), options);
}

/**
 * The gateway with every unsecured route said public, as a spec author would with
 * `x-gateway.public: true` (gwc refuses them otherwise: security-undecided). For attack harnesses
 * whose specs describe public routes tersely; the refusal itself is tested in test/model and test/lint.
 */
export function unsecuredPublic<G extends { routes: Array<{ security: unknown[]; declaredPublic: boolean }> }>(gateway: G): G {
  return { ...gateway, routes: gateway.routes.map((r) => (r.security.length === 0 ? { ...r, declaredPublic: true } : r)) };
}

export const HEAD = 'openapi: 3.1.0\ninfo: { title: t, version: "1" }\n';

/**
 * A copy of a spec written by someone else (Kong's fixtures, real APIs) with the one decision gwc
 * asks of an unsecured spec taken: `x-gateway.public: true` on each operation that has no
 * security and no Kong auth plugin at any level (without it such operations are refused,
 * security-undecided). Same file name, in a temp folder.
 */
export function declaredPublic(file: string): string {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  const data = doc.toJS() as { security?: unknown; paths?: Record<string, Record<string, unknown>> } & Record<string, unknown>;
  const kongAuth = (o: unknown) => typeof o === 'object' && o !== null && Object.keys(o).some((k) => /^x-kong-plugin-(key-auth|basic-auth|jwt|openid-connect|oauth2)$/.test(k));
  for (const [p, item] of Object.entries(data.paths ?? {})) {
    for (const [m, op] of Object.entries(item ?? {})) {
      if (!['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'].includes(m) || typeof op !== 'object' || op === null) continue;
      if ((op as { security?: unknown }).security !== undefined || data.security !== undefined) continue;
      if (kongAuth(op) || kongAuth(item) || kongAuth(data)) continue;
      doc.setIn(['paths', p, m, 'x-gateway', 'public'], true);
    }
  }
  return writeSpec(doc.toString(), path.basename(file));
}
