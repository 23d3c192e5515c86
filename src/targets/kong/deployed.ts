/**
 * Kong's deployed-state reader for `gwc diff` (DESIGN.md section 6): a `deck dump` file (YAML or
 * JSON) or a Kong Admin API URL. Both, and gwc's own kong.yaml, go through the one normaliser.
 */
import { diag } from '../../diagnostics/diagnostic.js';
import type { DeployedReader, ReadOptions, ReadResult } from '../../diff/entity.js';
import { fileReader } from '../deployed-reader.js';
import type { JsonObject } from '../../diff/json-util.js';
import { AdminApiError, readAdminApi } from './deployed-admin.js';
import { foreignShape, kongEntities, KongShapeError } from './deployed-normalise.js';
import { deckData } from './deployed-text.js';

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

/** An Admin API URL is read through the API; anything else as a deck dump file (deployed-reader.ts). */
async function fromAdminApi(source: string, options: ReadOptions): Promise<ReadResult> {
  const token = options.options?.token;
  try {
    const doc = await readAdminApi(source, { ...(token ? { token } : {}), ...(options.fetch ? { fetch: options.fetch } : {}) });
    return fromDocument(doc, source);
  } catch (e) {
    if (e instanceof AdminApiError) return { diagnostics: [diag('deployed-unreadable', { source, detail: e.message })] };
    throw e;
  }
}

export const kongDeployed: DeployedReader = fileReader({
  target: 'kong',
  accepts: 'a deck dump file (YAML or JSON), or a Kong Admin API URL (http://host:8001)',
  options: [
    {
      name: 'token',
      description: 'Admin API token, sent as the Kong-Admin-Token header when --deployed is an Admin API URL',
      env: 'GWC_ADMIN_TOKEN',
      secret: true,
      deprecatedFlag: 'token',
    },
  ],
  from: (source, options) => (source && /^https?:\/\//i.test(source) ? fromAdminApi(source, options) : undefined),
  normalise(files, source) {
    const file = files.find((f) => /\.(ya?ml|json)$/i.test(f.path)) ?? files[0];
    if (!file) return { diagnostics: [diag('deployed-invalid', { target: 'kong', source, detail: 'no file' })] };
    // As decK reads it: its template actions, YAML 1.1 and _plugin_configs (deployed-text.ts).
    const read = deckData(file.contents);
    if ('error' in read) return { diagnostics: [diag('deployed-invalid', { target: 'kong', source, detail: read.error })] };
    // Only entities leave the reader: the raw file holds secrets the plan must never print.
    return fromDocument(read.doc, source);
  },
});
