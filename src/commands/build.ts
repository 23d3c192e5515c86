import { Flags } from '@oclif/core';
import { GwcCommand } from '../cli/command.js';
import { build } from '../cli/build.js';
import { quietFlag, specArg, specFlags, specOptions } from '../cli/flags.js';
import { buildJson, buildSummary } from '../cli/build-render.js';
import { renderDiagnostics, useColour } from '../cli/render.js';
import { TARGET_NAMES } from '../targets/names.js';

export default class Build extends GwcCommand {
  static override description =
    'Compile the spec to gateway configuration. Writes nothing unless every target compiles without error, and never deletes files it did not write (--force to).';
  static override examples = [
    '<%= config.bin %> build fixtures/shop/gateway.yaml --target nginx --out out',
    '<%= config.bin %> build fixtures/portable/gateway.yaml --target all --option aws.publicHosts=catalog.internal,orders.internal',
    'cat gateway.yaml | <%= config.bin %> build - --target kong --stdout',
    '<%= config.bin %> build fixtures/shop/gateway.yaml --target nginx --check',
  ];
  static override enableJsonFlag = true;
  static override args = specArg;
  static override flags = {
    ...specFlags,
    ...quietFlag,
    target: Flags.string({ description: "target gateway; `all` builds the spec's x-gateway.targets, else every target", options: [...TARGET_NAMES, 'all'], required: true }),
    out: Flags.string({ description: 'output folder; each target writes to OUT/<target>/', default: 'out' }),
    stdout: Flags.boolean({ description: 'print the files instead of writing them', default: false, exclusive: ['check'] }),
    check: Flags.boolean({ description: 'write nothing; print what differs from the files on disk and fail if anything does', default: false }),
    force: Flags.boolean({ description: 'replace target folders even when they hold files gwc did not write (they are deleted)', default: false }),
    option: Flags.string({ description: 'target option TARGET.NAME=VALUE, or NAME=VALUE when one target takes it (see gwc targets)', multiple: true, default: [] }),
  };

  async run() {
    const { args, flags } = await this.parse(Build);
    const mode = flags.stdout ? 'stdout' : flags.check ? 'check' : 'write';
    const report = await build({ spec: args.spec, specOptions: specOptions(flags), target: flags.target, out: flags.out, mode, force: flags.force, options: flags.option });
    process.exitCode = report.usage ? 2 : report.ok ? 0 : 1;
    if (this.jsonEnabled()) return buildJson(report, mode);
    const shown = renderDiagnostics(report.diagnostics, { colour: useColour(process.stderr), quiet: flags.quiet });
    if (shown) this.logToStderr(shown);
    const { stdout, stderr } = buildSummary(report, mode, { quiet: flags.quiet, colour: useColour(process.stdout) });
    if (stdout) this.log(stdout);
    if (stderr) this.logToStderr(stderr);
    return buildJson(report, mode);
  }
}
