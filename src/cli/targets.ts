/** `gwc targets`: the capability matrix, then each target's `--option` settings. */
import { capabilityMatrix } from '../targets/matrix.js';
import { TARGETS } from '../targets/index.js';
import { readerOptions } from './reader-options.js';
import { table } from './table.js';

export function targetsText(): string {
  const matrix = capabilityMatrix();
  const options = TARGETS.flatMap((t) =>
    (t.options ?? []).map((o) => [`${t.name}.${o.name}`, o.values ? o.values.join('|') : 'text', o.default === '' ? '(empty)' : o.default, o.description]),
  );
  // Declared by each target's deployed-state reader (DeployedReader.options); gwc diff takes them.
  const reading = TARGETS.flatMap((t) => readerOptions(t).map((o) => [`${t.name}.${o.name}`, o.env ?? '-', o.description]));
  return [
    table(matrix.header, matrix.rows),
    '',
    'Options: --option TARGET.NAME=VALUE (or NAME=VALUE when only one target being built takes NAME)',
    table(['OPTION', 'VALUES', 'DEFAULT', 'DESCRIPTION'], options),
    '',
    'Deployed-state reader options: gwc diff --option TARGET.NAME=VALUE (or the environment variable)',
    table(['OPTION', 'ENV', 'DESCRIPTION'], reading),
  ].join('\n');
}

export function targetsJson() {
  const { json } = capabilityMatrix();
  return Object.fromEntries(TARGETS.map((t) => [t.name, { ...json[t.name], options: t.options ?? [], readerOptions: readerOptions(t) }]));
}
