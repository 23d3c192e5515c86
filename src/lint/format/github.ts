/**
 * GitHub Actions workflow commands: `::error file=F,line=L,col=C,title=CODE::message`, one per
 * finding, which the runner turns into annotations on the pull request's lines.
 * Escaping as GitHub's toolkit does (@actions/core command.ts): data escapes % \r \n; property
 * values escape those and also : and ,.
 */
import path from 'node:path';
import type { Diagnostic, Severity } from '../../diagnostics/diagnostic.js';

const COMMAND: Record<Severity, string> = { error: 'error', warn: 'warning', info: 'notice' };

export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function formatGithub(diagnostics: readonly Diagnostic[], cwd = process.cwd()): string {
  return diagnostics
    .map((d) => {
      const props = [];
      if (d.loc?.file) props.push(`file=${escapeProperty(relative(d.loc.file, cwd))}`);
      if (d.position) props.push(`line=${d.position.line}`, `col=${d.position.column}`);
      props.push(`title=${escapeProperty(d.target ? `${d.code} [${d.target}]` : String(d.code))}`);
      return `::${COMMAND[d.severity]} ${props.join(',')}::${escapeData(d.message)}`;
    })
    .join('\n');
}

function relative(file: string, cwd: string): string {
  if (/^https?:\/\//.test(file)) return file;
  return path.relative(cwd, file).split(path.sep).join('/');
}
