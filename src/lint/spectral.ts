/**
 * Spectral rulesets named in the config (`spectral:oas`, a team's `.spectral.yaml`), run by
 * @stoplight/spectral-core on the data gwc already parsed (a ParsedDocument: Spectral does not
 * re-parse the text), with every result turned into a gwc diagnostic located through gwc's own
 * source map, $refs into other files included.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import spectralCore from '@stoplight/spectral-core';
import type { RulesetDefinition } from '@stoplight/spectral-core';
import { diag, type Diagnostic, type Loc, type Severity } from '../diagnostics/diagnostic.js';
import type { LoadedSpec, Located } from '../spec/loaded-spec.js';
import { walker } from './walk.js';

const { Spectral } = spectralCore;
const require = createRequire(import.meta.url);

const SEVERITY: Severity[] = ['error', 'warn', 'info', 'info'];

async function loadRuleset(name: string): Promise<RulesetDefinition | InstanceType<typeof spectralCore.Ruleset>> {
  if (name.startsWith('spectral:')) {
    const rulesets = require('@stoplight/spectral-rulesets') as Record<string, RulesetDefinition>;
    const ruleset = rulesets[name.slice('spectral:'.length)];
    if (!ruleset) throw new Error(`no Spectral ruleset ${name}`);
    return { extends: [[ruleset, 'recommended']] } as RulesetDefinition;
  }
  const { bundleAndLoadRuleset } = require('@stoplight/spectral-ruleset-bundler/with-loader') as {
    bundleAndLoadRuleset: (file: string, io: unknown) => Promise<InstanceType<typeof spectralCore.Ruleset>>;
  };
  const { fetch } = require('@stoplight/spectral-runtime') as { fetch: unknown };
  return bundleAndLoadRuleset(name, { fs, fetch });
}

export async function runSpectral(spec: LoadedSpec, rulesets: readonly string[]): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  for (const name of rulesets) {
    try {
      const spectral = new Spectral();
      spectral.setRuleset((await loadRuleset(name)) as never);
      // A parsed result (not a Document): Spectral wraps it in a ParsedDocument itself.
      const document = {
        source: spec.rootFile,
        parsed: { data: spec.root.value, diagnostics: [], ast: null, lineMap: null } as never,
        // gwc locates results itself, once, at the edge.
        getLocationForJsonPath: () => ({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }) as never,
      };
      for (const r of await spectral.run(document as never)) {
        const d: Diagnostic = {
          code: String(r.code),
          severity: SEVERITY[r.severity] ?? 'warn',
          message: r.message,
          params: { ...(typeof r.path.join === 'function' ? { path: r.path.join('.') } : {}) },
          source: name,
        };
        const loc = locOf(spec, r.path as Array<string | number>);
        if (loc) d.loc = loc;
        out.push(d);
      }
    } catch (e) {
      out.push(diag('lint-ruleset-failed', { ruleset: name, detail: e instanceof Error ? e.message.split('\n')[0]! : String(e) }));
    }
  }
  return out;
}

/** A path in the resolved document → where it is written, following $refs across files. */
export function locOf(spec: LoadedSpec, path: ReadonlyArray<string | number>): Loc | undefined {
  const w = walker(spec);
  let node: Located = spec.root;
  for (const token of path) {
    const next = w.child(node, token);
    if (next.value === undefined) return next.loc; // the key is missing: point at where it would be
    node = next;
  }
  return node.loc;
}
