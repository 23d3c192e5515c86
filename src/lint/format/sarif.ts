/**
 * SARIF 2.1.0 as GitHub code scanning reads it: tool.driver.rules (id, shortDescription), results
 * with ruleId, level, message.text and a physical location whose URI is relative to the
 * repository root (uriBaseId %SRCROOT%), region 1-based.
 * https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
 */
import path from 'node:path';
import type { Diagnostic, Severity } from '../../diagnostics/diagnostic.js';
import type { RuleInfo } from '../index.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warn: 'warning', info: 'note' };

export function formatSarif(diagnostics: readonly Diagnostic[], rules: readonly RuleInfo[], cwd = process.cwd(), version = '0.0.0'): string {
  const known = new Map(rules.map((r) => [r.id, r]));
  const used = [...new Set(diagnostics.map((d) => String(d.code)))].sort();
  const driverRules = used.map((id) => {
    const r = known.get(id);
    const doc = r?.doc ?? diagnostics.find((d) => d.code === id)!.message.split('\n')[0]!;
    return {
      id,
      shortDescription: { text: doc },
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
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: uriOf(d.loc?.file, cwd), uriBaseId: '%SRCROOT%' },
          region: { startLine: d.position?.line ?? 1, startColumn: d.position?.column ?? 1 },
        },
        ...(d.loc?.pointer ? { logicalLocations: [{ fullyQualifiedName: d.loc.pointer }] } : {}),
      },
    ],
  }));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'gwc', informationUri: 'https://gwc.dev', version, rules: driverRules } },
        originalUriBaseIds: { '%SRCROOT%': { uri: `${pathToUri(cwd)}/` } },
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2);
}

function uriOf(file: string | undefined, cwd: string): string {
  if (!file) return '';
  if (/^https?:\/\//.test(file)) return file;
  return path.relative(cwd, file).split(path.sep).map(encodeURIComponent).join('/');
}

function pathToUri(p: string): string {
  return `file://${p.split(path.sep).map(encodeURIComponent).join('/')}`;
}
