/**
 * A decK file's text as decK reads it (red team 21), before the deployed-state reader takes it:
 *
 * - decK renders the file as a Go template with `${{ ... }}` delimiters first (emit.ts). gwc
 *   writes exactly one kind of action, the credential template of secrets.ts, which substitutes
 *   one double-quoted scalar; any other action (`# ${{ if false }}` ... `# ${{ end }}` in YAML
 *   comments removes a plugin from what decK syncs) is refused: gwc cannot evaluate it.
 * - decK parses YAML as go-yaml v2 does, YAML 1.1: `enabled: off`, `no`, `n`, `y` are booleans,
 *   `010` is octal, `1_000` a number, `<<` merges a mapping. The `yaml` package reads YAML 1.2
 *   (the strings "off", "1_000"), so those scalars are resolved here as decK resolves them.
 * - decK merges `_plugin_configs` into each plugin naming one with `_config` (its own config keys
 *   win; `deck dump --dedup-plugin-configs` writes this shape): merged here, and an unknown name
 *   refused, as decK refuses it.
 * https://developer.konghq.com/deck/gateway/deduplicate/ ; go-yaml v2 resolve.go
 */
import { parse, type ScalarTag } from 'yaml';
import type { Json } from '../../diff/entity.js';
import { isObject, toJson, type JsonObject } from '../../diff/json-util.js';

/** gwc's own decK action (secrets.ts deckEnv), the only one the reader lets through. */
const OWN_ACTION = /^\$\{\{ printf "%q" \(env "DECK_[A-Za-z0-9_]+"\) \}\}/;

/** The first decK template action in `text` that is not gwc's credential template, with its offset. */
export function foreignDeckAction(text: string): string | undefined {
  for (let i = text.indexOf('${{'); i >= 0; i = text.indexOf('${{', i + 3)) {
    if (!OWN_ACTION.test(text.slice(i))) return `${JSON.stringify(text.slice(i, i + 40))} at offset ${i}`;
  }
  return undefined;
}

const TRUE_11 = /^(?:y|Y|yes|Yes|YES|on|On|ON|true|True|TRUE)$/;
const BOOL_11: ScalarTag = {
  tag: 'tag:yaml.org,2002:bool',
  default: true,
  test: /^(?:y|Y|yes|Yes|YES|on|On|ON|true|True|TRUE|n|N|no|No|NO|off|Off|OFF|false|False|FALSE)$/,
  resolve: (s: string) => TRUE_11.test(s),
};
/** go-yaml v2: `_` removed, then strconv.ParseInt(s, 0, 64) (0x, 0o, 0b, a leading 0 is octal), else ParseFloat. */
const INT_11: ScalarTag = {
  tag: 'tag:yaml.org,2002:int',
  default: true,
  test: /^[-+]?(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|[0-9][0-9_]*)$/,
  resolve: (s: string) => {
    const t = s.replace(/_/g, '');
    const sign = t.startsWith('-') ? -1 : 1;
    const u = t.replace(/^[-+]/, '');
    if (/^0[xX]/.test(u)) return sign * parseInt(u.slice(2), 16);
    if (/^0[bB]/.test(u)) return sign * parseInt(u.slice(2), 2);
    if (/^0[oO]/.test(u)) return sign * parseInt(u.slice(2), 8);
    if (/^0[0-7]+$/.test(u)) return sign * parseInt(u, 8);
    return sign * Number(u);
  },
};

/** The decK file's data as decK reads it, or the reason it cannot be read so. */
export function deckData(text: string): { doc: Json } | { error: string } {
  const action = foreignDeckAction(text);
  if (action) return { error: `decK renders the file as a Go template before reading it, and gwc diff evaluates only the credential templates gwc writes: \${{ action ${action}` };
  let doc: Json;
  try {
    doc = toJson(parse(text, { maxAliasCount: 100, merge: true, customTags: (tags) => [BOOL_11, INT_11, ...tags] }));
  } catch (e) {
    return { error: `not YAML or JSON: ${e instanceof Error ? e.message.split('\n')[0]! : String(e)}` };
  }
  const merged = mergePluginConfigs(doc);
  return typeof merged === 'string' ? { error: merged } : { doc: merged };
}

/** Each plugin's `_config` merged as decK merges it, `_plugin_configs` removed; a string says why not. */
function mergePluginConfigs(doc: Json): Json | string {
  if (!isObject(doc)) return doc;
  const named = isObject(doc._plugin_configs) ? doc._plugin_configs : {};
  let missing: string | undefined;
  const walk = (v: Json, key?: string): Json => {
    if (Array.isArray(v)) return v.map((x) => (key === 'plugins' && isObject(x) ? plugin(x) : walk(x)));
    if (!isObject(v)) return v;
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) if (k !== '_plugin_configs') out[k] = walk(x, k);
    return out;
  };
  const plugin = (p: JsonObject): Json => {
    const rest = walk(p) as JsonObject;
    if (!('_config' in p)) return rest;
    const { _config: name, ...own } = rest;
    const shared = typeof name === 'string' && Object.hasOwn(named, name) ? named[name] : undefined;
    if (!isObject(shared)) {
      missing ??= `plugin ${JSON.stringify(p.name ?? '?')} names _config ${JSON.stringify(name)}, which _plugin_configs does not define (decK refuses the file)`;
      return rest;
    }
    const config = isObject(own.config) ? own.config : {};
    return { ...own, config: { ...shared, ...config } };
  };
  const out = walk(doc);
  return missing ?? out;
}
