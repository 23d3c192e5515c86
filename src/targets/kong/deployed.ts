/**
 * Kong's deployed-state reader for `gwc diff` (DESIGN.md section 6): a `deck dump` file (YAML or
 * JSON) or a Kong Admin API URL. Both, and gwc's own kong.yaml, go through the one normaliser.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { diag } from '../../diagnostics/diagnostic.js';
import type { DeployedReader, ReadResult } from '../../diff/entity.js';
import { toJson, type JsonObject } from '../../diff/json-util.js';
import { AdminApiError, readAdminApi } from './deployed-admin.js';
import { foreignShape, kongEntities, KongShapeError } from './deployed-normalise.js';

function fromDocument(doc: unknown, source: string): ReadResult {
  const foreign = foreignShape(doc);
  if (foreign) return { diagnostics: [diag('deployed-foreign', { target: 'kong', source, looksLike: foreign })] };
  try {
    return { state: { entities: kongEntities(doc as JsonObject) }, diagnostics: [] };
  } catch (e) {
    if (e instanceof KongShapeError) return { diagnostics: [diag('deployed-invalid', { target: 'kong', source, detail: e.message })] };
    throw e;
  }
}

export const kongDeployed: DeployedReader = {
  accepts: 'a deck dump file (YAML or JSON), or a Kong Admin API URL (http://host:8001)',
  async read(source, options = {}) {
    if (!source) return { diagnostics: [diag('deployed-invalid', { target: 'kong', source: '(none)', detail: `give --deployed: ${this.accepts}` })] };
    if (/^https?:\/\//i.test(source)) {
      try {
        const doc = await readAdminApi(source, { ...(options.token ? { token: options.token } : {}), ...(options.fetch ? { fetch: options.fetch } : {}) });
        return fromDocument(doc, source);
      } catch (e) {
        if (e instanceof AdminApiError) return { diagnostics: [diag('deployed-unreadable', { source, detail: e.message })] };
        throw e;
      }
    }
    let text: string;
    try {
      text = await readFile(source, 'utf8');
    } catch (e) {
      return { diagnostics: [diag('deployed-unreadable', { source, detail: e instanceof Error ? e.message : String(e) })] };
    }
    return this.normalise([{ path: source, contents: text }], source);
  },
  normalise(files, source) {
    const file = files.find((f) => /\.(ya?ml|json)$/i.test(f.path)) ?? files[0];
    if (!file) return { diagnostics: [diag('deployed-invalid', { target: 'kong', source, detail: 'no file' })] };
    let doc: unknown;
    try {
      doc = toJson(parse(file.contents, { maxAliasCount: 100 }));
    } catch (e) {
      const detail = e instanceof Error ? e.message.split('\n')[0]! : String(e);
      return { diagnostics: [diag('deployed-invalid', { target: 'kong', source, detail: `not YAML or JSON: ${detail}` })] };
    }
    // Only entities leave the reader: the raw file holds secrets the plan must never print.
    return fromDocument(doc, source);
  },
};
