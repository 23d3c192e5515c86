/**
 * SARIF 2.1.0 as GitHub code scanning reads it: tool.driver.rules (id, shortDescription), results
 * with ruleId, level, message.text and a physical location whose URI is relative to the
 * repository root (uriBaseId %SRCROOT%), region 1-based (columns in UTF-16 code units, as the
 * positions are JavaScript string offsets). Each rule has a helpUri (code scanning links "learn
 * more" to it): the rule's documentationUrl from rules/gwc.yaml, absolute.
 * https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
 */
import path from 'node:path';
import type { Diagnostic, Severity } from '../../diagnostics/diagnostic.js';
import type { RuleInfo } from '../index.js';
import { ruleData } from '../ruleset.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warn: 'warning', info: 'note' };

/** Where gwc's documentation (the package root: README.md, docs/) is published; informationUri too. */
export const DOCS_BASE = 'https://gwc.dev/';

/**
 * A rule's help link, absolute (SARIF's helpUri is a URI; rules/gwc.yaml links relative to the
 * package root). A code outside the ruleset (a validator's) links to the README's command reference.
 */
export function helpUri(id: string): string {
  return new URL(ruleData(id)?.documentationUrl ?? 'README.md#commands', DOCS_BASE).href;
}

/**
 * `specFile` places a finding that has no file of its own (the command line, the target list): code
 * scanning rejects the whole upload when one result has no location or an empty URI
 * ("locationFromSarifResult: expected at least one location", github/codeql-action#1738).
 */
export function formatSarif(diagnostics: readonly Diagnostic[], rules: readonly RuleInfo[], cwd = process.cwd(), version = '0.0.0', specFile?: string): string {
  const known = new Map(rules.map((r) => [r.id, r]));
  const used = [...new Set(diagnostics.map((d) => String(d.code)))].sort();
  const driverRules = used.map((id) => {
    const r = known.get(id);
    const doc = r?.doc ?? diagnostics.find((d) => d.code === id)!.message.split('\n')[0]!;
    return {
      id,
      shortDescription: { text: doc },
      helpUri: helpUri(id),
      defaultConfiguration: { level: LEVEL[r?.severity ?? 'warn'] },
      properties: { tags: [r?.category ?? 'spectral'] },
    };
  });
  const index = new Map(used.map((id, i) => [id, i]));
  const results = diagnostics.map((d) => ({
    ruleId: String(d.code),
    ruleIndex: index.get(String(d.code))!,
    level: LEVEL[d.severity],
    message: { text: d.target && !d.message.startsWith(d.target) ? `${d.message} [${d.target}]` : d.message },
    // A finding with no file of its own is about the spec as a whole: the spec file, no region
    // (never line 1 of an empty URI); a region only where the position is known.
    ...locationOf(d, cwd, specFile),
  }));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'gwc', informationUri: DOCS_BASE, version, rules: driverRules } },
        columnKind: 'utf16CodeUnits',
        originalUriBaseIds: { '%SRCROOT%': { uri: `${pathToUri(cwd)}/` } },
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2);
}

function locationOf(d: Diagnostic, cwd: string, specFile: string | undefined) {
  const file = d.loc?.file ?? specFile;
  if (!file) return {};
  const region = d.loc?.file && d.position ? { region: { startLine: d.position.line, startColumn: d.position.column } } : {};
  return {
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: uriOf(file, cwd), uriBaseId: '%SRCROOT%' }, ...region },
        ...(d.loc?.pointer ? { logicalLocations: [{ fullyQualifiedName: d.loc.pointer }] } : {}),
      },
    ],
  };
}

function uriOf(file: string, cwd: string): string {
  if (/^https?:\/\//.test(file)) return file;
  return path.relative(cwd, file).split(path.sep).map(encodeURIComponent).join('/');
}

function pathToUri(p: string): string {
  return `file://${p.split(path.sep).map(encodeURIComponent).join('/')}`;
}
