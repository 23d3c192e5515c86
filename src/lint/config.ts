/**
 * The lint configuration: `--ruleset FILE`, or `.gwc.yaml` / `gwc.config.yaml` found next to the
 * spec, then in the working directory.
 *
 * ```yaml
 * extends: [gwc:recommended, spectral:oas, ./.spectral.yaml]   # gwc:recommended (rules/gwc.yaml) is always on; gwc:all adds its non-recommended rules
 * rules: { public-no-rate-limit: off, route-ambiguous: error }
 * overrides:
 *   - files: ['legacy/**', 'gateway.yaml#/paths/~1internal']
 *     rules: { security-missing: off }
 * ```
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { diag, type Diagnostic, type Severity } from '../diagnostics/diagnostic.js';

export type Setting = Severity | 'off';

export interface Override {
  /** Globs (relative to the config's folder) matched against the file, optionally `#/json/pointer` (that node and below). */
  files: string[];
  rules: Record<string, Setting>;
}

export interface LintConfig {
  /** The config file, when one was read. */
  file?: string;
  dir: string;
  /** Spectral rulesets to run besides gwc's: `spectral:oas`, `spectral:asyncapi` or a file path (resolved). */
  spectral: string[];
  rules: Record<string, Setting>;
  overrides: Override[];
  /**
   * `extends: gwc:all`: also the rules rules/gwc.yaml marks `recommended: false`. By default
   * (`gwc:recommended`, always on) those run only when the config names them.
   */
  gwcAll?: boolean;
}

export const CONFIG_NAMES = ['.gwc.yaml', '.gwc.yml', 'gwc.config.yaml', 'gwc.config.yml'] as const;

export function emptyConfig(dir = process.cwd()): LintConfig {
  return { dir, spectral: [], rules: {}, overrides: [] };
}

/** Finds the config: the explicit file, else next to the spec, else in the cwd. */
export function findConfig(specFile: string, explicit?: string, cwd = process.cwd()): string | undefined {
  if (explicit) return path.resolve(cwd, explicit);
  for (const dir of [path.dirname(path.resolve(specFile)), cwd]) {
    for (const name of CONFIG_NAMES) {
      const f = path.join(dir, name);
      if (existsSync(f)) return f;
    }
  }
  return undefined;
}

export function readConfig(file: string): { config: LintConfig; diagnostics: Diagnostic[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { config: emptyConfig(path.dirname(file)), diagnostics: [diag('file-not-found', { path: file })] };
  }
  let data: unknown;
  try {
    // Loaded here: a lint without a config file never needs the yaml package (#18).
    data = (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text);
  } catch (e) {
    return { config: emptyConfig(path.dirname(file)), diagnostics: [invalid(file, e instanceof Error ? e.message.split('\n')[0]! : String(e))] };
  }
  return parseConfig(data ?? {}, file);
}

const SETTINGS: Record<string, Setting> = { off: 'off', error: 'error', warn: 'warn', warning: 'warn', info: 'info', hint: 'info', information: 'info' };

export function parseConfig(data: unknown, file: string): { config: LintConfig; diagnostics: Diagnostic[] } {
  const dir = path.dirname(file);
  const config: LintConfig = { file, dir, spectral: [], rules: {}, overrides: [] };
  const out: Diagnostic[] = [];
  if (!isObj(data)) return { config, diagnostics: [invalid(file, 'must be a mapping with extends, rules, overrides')] };
  for (const key of Object.keys(data)) if (!['extends', 'rules', 'overrides'].includes(key)) out.push(invalid(file, `unknown key "${key}"`));
  const ext = data.extends === undefined ? [] : Array.isArray(data.extends) ? data.extends : [data.extends];
  for (const e of ext) {
    // Spectral's [ruleset, 'recommended'|'all'|'off'] form is read as the ruleset itself.
    const name = Array.isArray(e) ? e[0] : e;
    if (typeof name !== 'string') out.push(invalid(file, `extends: ${JSON.stringify(e)} is not a ruleset name`));
    else if (name === 'gwc:recommended') continue;
    else if (name === 'gwc:all') config.gwcAll = true;
    else if (/^spectral:/.test(name)) config.spectral.push(name);
    else config.spectral.push(path.resolve(dir, name));
  }
  config.rules = readRules(data.rules, file, out, 'rules');
  if (data.overrides !== undefined) {
    if (!Array.isArray(data.overrides)) out.push(invalid(file, 'overrides must be a list'));
    else
      data.overrides.forEach((o: unknown, i: number) => {
        if (!isObj(o) || !Array.isArray(o.files) || !o.files.every((f) => typeof f === 'string')) {
          out.push(invalid(file, `overrides[${i}] needs files: [glob or path#pointer, ...] and rules`));
          return;
        }
        config.overrides.push({ files: o.files as string[], rules: readRules(o.rules, file, out, `overrides[${i}].rules`) });
      });
  }
  return { config, diagnostics: out };
}

function readRules(v: unknown, file: string, out: Diagnostic[], where: string): Record<string, Setting> {
  const rules: Record<string, Setting> = {};
  if (v === undefined) return rules;
  if (!isObj(v)) {
    out.push(invalid(file, `${where} must be a mapping of rule id to off|error|warn|info`));
    return rules;
  }
  for (const [id, s] of Object.entries(v)) {
    // Spectral also accepts { severity: ... } and booleans; numbers 0-3 are error..hint.
    const raw = isObj(s) ? s.severity : s === false ? 'off' : typeof s === 'number' ? ['error', 'warn', 'info', 'hint'][s] : s;
    const setting = typeof raw === 'string' ? SETTINGS[raw.toLowerCase()] : undefined;
    if (setting) rules[id] = setting;
    else out.push(invalid(file, `${where}.${id}: "${String(raw)}" is not off, error, warn or info`));
  }
  return rules;
}

/** The setting of `rule` for a diagnostic at `file#pointer`: the last matching override wins. */
export function settingFor(config: LintConfig, rule: string, file: string | undefined, pointer: string | undefined): Setting | undefined {
  let setting = config.rules[rule];
  for (const o of config.overrides) {
    if (o.rules[rule] === undefined || !file) continue;
    if (o.files.some((f) => matches(config.dir, f, file, pointer ?? ''))) setting = o.rules[rule];
  }
  return setting;
}

function matches(dir: string, spec: string, file: string, pointer: string): boolean {
  const hash = spec.indexOf('#');
  const glob = hash >= 0 ? spec.slice(0, hash) : spec;
  const ptr = hash >= 0 ? spec.slice(hash + 1) : undefined;
  const rel = path.relative(dir, file).split(path.sep).join('/');
  if (glob !== '' && !globToRegExp(glob).test(rel)) return false;
  return ptr === undefined || pointer === ptr || pointer.startsWith(`${ptr}/`);
}

/** `**` any folders, `*` within one segment, `?` one character; a pattern with no `/` matches the base name anywhere. */
export function globToRegExp(glob: string): RegExp {
  const g = glob.replace(/^\.\//, '');
  let re = '';
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === '*' && g[i + 1] === '*') {
      re += g[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += g[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(g.includes('/') ? `^${re}$` : `(?:^|/)${re}$`);
}

function invalid(file: string, detail: string): Diagnostic {
  return diag('lint-config-invalid', { file, detail }, { file, pointer: '' });
}

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
