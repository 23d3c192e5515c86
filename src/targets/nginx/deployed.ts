/**
 * NGINX's deployed-state reader for `gwc diff` (DESIGN.md section 6): the deployed config file or
 * `nginx -T` output (files concatenated under `# configuration file PATH:` headers), parsed by
 * deployed-parse.ts into directive trees; entities are
 * upstreams, maps, zones, servers and locations, keyed by what they mean, not where they are:
 * gwc's internal per-route locations (`/_gwc_internal/r/N`, numbered by position) are keyed by the
 * operation their comment names, or by the public method and path that rewrite to them.
 */
import { readFile } from 'node:fs/promises';
import { diag } from '../../diagnostics/diagnostic.js';
import type { DeployedReader, Entity, ReadResult } from '../../diff/entity.js';
import { findModule, isValidationModule, jsImports, ownedByGwc, readSources, type ConfFile } from './deployed-files.js';
import { njsConfig, type NjsConfig } from './deployed-njs.js';
import { validationModule, type ValidationModule } from './deployed-validation.js';
import { nginxEntities } from './deployed-entities.js';

export { NginxSyntaxError, parseConf, splitDump, tokenize, type Directive } from './deployed-parse.js';
export { nginxEntities } from './deployed-entities.js';
import { NginxSyntaxError, splitDump } from './deployed-parse.js';

function looksForeign(text: string): string | undefined {
  const t = text.trimStart();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      JSON.parse(t);
      return /"Resources"|"TemplateBody"/.test(t) ? 'a CloudFormation template' : /"_format_version"/.test(t) ? 'a decK (Kong) file' : 'a JSON document';
    } catch {
      return undefined;
    }
  }
  if (/^_format_version\s*:/m.test(t)) return 'a decK (Kong) file';
  if (/^http\s*:\s*$/m.test(t)) return 'a Traefik dynamic configuration';
  if (/^(AWSTemplateFormatVersion|Resources)\s*:/m.test(t)) return 'a CloudFormation template';
  if (/^openapi\s*:/m.test(t)) return 'an OpenAPI document (pass it as SPEC, not --deployed)';
  return undefined;
}

/**
 * Entities of the files gwc wrote among `files` (a dump or a folder also holds the user's own
 * configuration: never gwc's to delete), with the njs modules their `js_import`s name.
 */
async function fromFiles(all: ConfFile[], source: string, roots: string[]): Promise<ReadResult> {
  const text = all.map((f) => f.text).join('\n');
  const foreign = looksForeign(text);
  if (foreign) return { diagnostics: [diag('deployed-foreign', { target: 'nginx', source, looksLike: foreign })] };
  // Only files gwc wrote: a dump or a folder also holds the user's own configuration.
  const owned = all.filter((f) => ownedByGwc(f.text));
  if (owned.length === 0) return { diagnostics: [diag('deployed-not-gwc', { target: 'nginx', source, files: all.length })] };
  const confs = owned.filter((f) => !f.path.endsWith('.js'));
  const njs = new Map<string, NjsConfig>();
  const validation = new Map<string, ValidationModule>();
  const diagnostics: ReadResult['diagnostics'] = [];
  let lacks: string[] | undefined;
  for (const [name, imported] of jsImports(confs)) {
    const module = await findModule(imported, owned.filter((f) => f.path.endsWith('.js')).concat(all.filter((f) => f.path.endsWith('.js'))), roots);
    // The request-validation module (validate.ts): its routes' checks (deployed-validation.ts).
    if (module && isValidationModule(module.text)) {
      validation.set(name, validationModule(module.text) ?? { routes: {}, code: 'unreadable' });
      continue;
    }
    const cfg = module ? njsConfig(module.text) : undefined;
    if (cfg) njs.set(name, cfg);
    else {
      lacks = ['.js'];
      diagnostics.push(
        diag('deployed-part-missing', {
          target: 'nginx',
          source,
          part: `the njs module ${imported}`,
          compared: 'which schemes, scopes and roles each route checks and their JWT and API-key settings are',
          fix: `pass it too: --deployed ${source} --deployed ${imported}`,
        }),
      );
    }
  }
  const result = entitiesOf(confs, source, njs, validation);
  if (!result.state) return { diagnostics: [...diagnostics, ...result.diagnostics] };
  return { state: { ...result.state, ...(lacks ? { lacks } : {}), layout: confs.some((f) => /^\s*events\s*\{/m.test(f.text)) ? 'full' : 'include' }, diagnostics };
}

function entitiesOf(files: ConfFile[], source: string, njs: Map<string, NjsConfig>, validation: Map<string, ValidationModule>): ReadResult {
  let entities: Entity[];
  try {
    entities = nginxEntities(files, njs, validation);
  } catch (e) {
    if (e instanceof NginxSyntaxError) return { diagnostics: [diag('deployed-invalid', { target: 'nginx', source, detail: e.message })] };
    throw e;
  }
  if (!entities.some((e) => e.kind === 'server' || e.kind === 'upstream' || e.kind === 'location')) {
    return { diagnostics: [diag('deployed-invalid', { target: 'nginx', source, detail: 'no server, location or upstream found' })] };
  }
  return { state: { entities }, diagnostics: [] };
}

export const nginxDeployed: DeployedReader = {
  accepts: 'a build folder (gwc build --out, or the nginx configuration folder), `nginx -T` output, or a config file; `--deployed` again for the njs module beside an `nginx -T` dump',
  async read(source, options = {}) {
    if (!source) return { diagnostics: [diag('deployed-invalid', { target: 'nginx', source: '(none)', detail: `give --deployed: ${this.accepts}` })] };
    try {
      const { files, roots } = await readSources([source, ...(options.more ?? [])]);
      return await fromFiles(files, source, roots);
    } catch (e) {
      return { diagnostics: [diag('deployed-unreadable', { source, detail: e instanceof Error ? e.message : String(e) })] };
    }
  },
  normalise(files, source) {
    const confs = files.filter((f) => f.path.endsWith('.conf')).map((f) => ({ path: f.path, text: f.contents }));
    const njs = new Map<string, NjsConfig>();
    const validation = new Map<string, ValidationModule>();
    for (const [name, imported] of jsImports(confs)) {
      const module = files.find((f) => f.path === imported || f.path.endsWith(`/${imported}`));
      if (module && isValidationModule(module.contents)) validation.set(name, validationModule(module.contents) ?? { routes: {}, code: 'unreadable' });
      const cfg = module ? njsConfig(module.contents) : undefined;
      if (cfg) njs.set(name, cfg);
    }
    const result = entitiesOf(confs, source, njs, validation);
    return result.state ? { ...result, state: { ...result.state, layout: confs.some((f) => /^\s*events\s*\{/m.test(f.text)) ? 'full' : 'include' } } : result;
  },
};
