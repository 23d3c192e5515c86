import path from 'node:path';
import { Command, Flags } from '@oclif/core';
import { diag, hasErrors, type Diagnostic } from '../diagnostics/diagnostic.js';
import { formatStylish } from '../diagnostics/format.js';
import { specArg, specFlags, specOptions } from '../cli/flags.js';
import { compareWithDisk, writeAtomically } from '../cli/write.js';
import { compileWith } from '../targets/compile.js';
import { loadTarget, TARGET_NAMES } from '../targets/names.js';
import { loadGateway } from '../validate/gateway.js';

export default class Build extends Command {
  static override description = 'Compile the spec to gateway configuration. Writes nothing unless every target compiles without error.';
  static override examples = [
    '<%= config.bin %> build fixtures/shop/gateway.yaml --target all --out out',
    '<%= config.bin %> build fixtures/shop/gateway.yaml --target nginx --stdout',
    '<%= config.bin %> build fixtures/shop/gateway.yaml --target kong --check',
  ];
  static override args = specArg;
  static override flags = {
    ...specFlags,
    target: Flags.string({ description: "target gateway; `all` builds the spec's x-gateway.targets, else every target", options: [...TARGET_NAMES, 'all'], required: true }),
    out: Flags.string({ description: 'output folder; each target writes to OUT/<target>/', default: 'out' }),
    stdout: Flags.boolean({ description: 'print the files instead of writing them', default: false }),
    check: Flags.boolean({ description: 'write nothing; fail if the files on disk differ from what would be written', default: false }),
    option: Flags.string({ description: 'target option key=value (see gwc targets)', multiple: true, default: [] }),
  };

  async run() {
    const { args, flags } = await this.parse(Build);
    const options = Object.fromEntries(flags.option.map((o) => [o.slice(0, o.indexOf('=')), o.slice(o.indexOf('=') + 1)]));
    const { gateway, spec, diagnostics } = await loadGateway(args.spec, specOptions(flags));
    const all: Diagnostic[] = [...diagnostics];
    // `all` means the targets the spec is deployed to when it names them (x-gateway.targets).
    const targets = flags.target === 'all' ? (gateway?.targets?.names ?? TARGET_NAMES) : [flags.target];
    // Only the targets built are imported (their compilers and template engines).
    const results = gateway ? await Promise.all(targets.map(async (t) => compileWith((await loadTarget(t))!, gateway, options, spec))) : [];
    for (const r of results) all.push(...r.diagnostics);
    if (!gateway || hasErrors(all)) {
      this.logToStderr(formatStylish(all));
      this.logToStderr('build failed: no files written');
      process.exitCode = 1;
      return;
    }
    if (all.length > 0) this.logToStderr(formatStylish(all));
    for (const r of results) {
      const dir = path.join(flags.out, r.target);
      if (flags.stdout) {
        for (const f of r.files) this.log(`# ${r.target}/${f.path}\n${f.contents}`);
      } else if (flags.check) {
        const c = await compareWithDisk(dir, r.files);
        const problems = [
          ...c.missing.map((p) => diag('check-missing', { path: p })),
          ...c.differs.map((p) => diag('check-mismatch', { path: p })),
          ...c.extra.map((p) => diag('check-extra', { path: p })),
        ];
        if (problems.length > 0) {
          this.logToStderr(formatStylish(problems));
          process.exitCode = 1;
        }
      } else {
        await writeAtomically(dir, r.files);
        this.logToStderr(`${r.target}: ${r.files.length} files written to ${dir}`);
      }
    }
  }
}
