/** Writes a spec to a temp folder and loads it, for tests that build specs inline. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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

export const HEAD = 'openapi: 3.1.0\ninfo: { title: t, version: "1" }\n';
