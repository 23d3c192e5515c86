/**
 * A decK plugin as `gwc diff` compares it (deployed-normalise.ts): defaults filled, references by
 * name, and whether Kong runs it at all on proxied HTTP.
 */
import { fieldsOf, isObject, omit, sortedStrings, withDefaults, type JsonObject } from '../../diff/json-util.js';
import { compareText } from '../../diagnostics/collate.js';
import { QUERY_SPELLINGS_MARK } from './query-spellings.js';
import { CONFIG_DEFAULTS, GENERATED, PLUGIN_DEFAULTS, ref, str } from './deployed-defaults.js';

export class KongShapeError extends Error {}

export interface Plugin {
  name: string;
  fields: JsonObject;
  /** Resolved consumer name when scoped to one (`consumer group NAME` for a consumer group). */
  consumer?: string;
  /** The route / service a top-level plugin names (name or id, as written). */
  route?: string;
  service?: string;
}

/** Protocols Kong serves in its http subsystem (kong/constants.lua PROTOCOLS_WITH_SUBSYSTEM). */
const HTTP_SUBSYSTEM = new Set(['http', 'https', 'grpc', 'grpcs']);

/**
 * Whether Kong puts the plugin in its iterator for proxied HTTP at all (kong/runloop/
 * plugins_iterator.lua should_process_plugin: `enabled` and one of `protocols` in the running
 * subsystem). One that is not is in no combo: it acts on nothing AND masks nothing (a route's
 * disabled plugin leaves its service's acting). Within the subsystem a plugin's `protocols` is not
 * compared with the request's: one scoped to grpc runs on an http request.
 */
export function acts(p: Plugin): boolean {
  const protocols = p.fields.protocols;
  return p.fields.enabled !== false && Array.isArray(protocols) && protocols.some((x) => typeof x === 'string' && HTTP_SUBSYSTEM.has(x));
}

export function plugin(p: JsonObject, names: Map<string, string>): Plugin {
  const name = str(p.name);
  if (!name) throw new KongShapeError('a plugin has no name');
  const config = withDefaults(isObject(p.config) ? p.config : {}, CONFIG_DEFAULTS[name] ?? {});
  const withDefs = withDefaults(omit(p, [...GENERATED, 'route', 'service', 'consumer', 'consumer_group', 'name']), PLUGIN_DEFAULTS) as JsonObject;
  const fields = fieldsOf({ ...withDefs, config: config ?? {}, protocols: sortedStrings(withDefs.protocols), tags: sortedStrings(withDefs.tags) });
  // The anonymous consumer is named by id or username depending on who wrote it: compare names.
  if (isObject(fields.config) && typeof fields.config.anonymous === 'string') {
    fields.config = { ...fields.config, anonymous: names.get(fields.config.anonymous) ?? fields.config.anonymous };
  }
  // A consumer group's plugin runs for its members in place of the route's (lookup_cfg): read as
  // scoped to a caller, never as a global one (deployed-unread.ts).
  const group = ref(p.consumer_group);
  const consumer = ref(p.consumer) ?? (group ? `consumer group ${group}` : undefined);
  const route = ref(p.route);
  const service = ref(p.service);
  return { name, fields, ...(consumer ? { consumer: names.get(consumer) ?? consumer } : {}), ...(route ? { route } : {}), ...(service ? { service } : {}) };
}

/** Whether a pre-function is gwc's query-key one (query-spellings.ts), enabled. */
export function stripsSpellings(p: { enabled?: unknown; config?: unknown } | undefined): boolean {
  if (!p || p.enabled === false || !isObject(p.config) || !Array.isArray(p.config.access)) return false;
  return p.config.access.some((code) => typeof code === 'string' && code.startsWith(QUERY_SPELLINGS_MARK));
}

export function pluginMap(plugins: Plugin[]): JsonObject {
  const out: JsonObject = {};
  for (const p of [...plugins].sort((a, b) => compareText(a.name, b.name))) out[p.consumer ? `${p.name}@${p.consumer}` : p.name] = p.fields;
  return out;
}
