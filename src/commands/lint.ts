import { Args, Flags } from '@oclif/core';
import { GwcCommand } from '../cli/command.js';
import { atLeast, type Severity } from '../diagnostics/diagnostic.js';
import { summary } from '../diagnostics/format.js';
import { quietFlag, specFlags, specOptions } from '../cli/flags.js';
import { jsonResult, lazyJsonResult, renderDiagnostics, useColour } from '../cli/render.js';
import { emptyConfig, findConfig, readConfig } from '../lint/config.js';
import { lint, listRules, loadTargets } from '../lint/index.js';
import { FORMATS, renderLint, renderRuleList, type Format } from '../lint/render.js';
import { targetOptions } from '../cli/target-options.js';
import { TARGET_NAMES } from '../targets/names.js';

/** Codes that mean gwc could not do its job (exit 2), not that the spec has findings. */
const USAGE = new Set(['internal-error', 'lint-config-invalid', 'lint-ruleset-failed', 'unknown-target']);

export default class Lint extends GwcCommand {
  static override description = 'Validate the spec, then run the gwc ruleset, route and portability checks and any Spectral rulesets the config extends.';
  static override examples = [
    '<%= config.bin %> lint gateway.yaml',
    '<%= config.bin %> lint gateway.yaml --target aws --format github',
    '<%= config.bin %> lint gateway.yaml --format sarif > gwc.sarif',
    '<%= config.bin %> lint --list-rules',
  ];
  static override enableJsonFlag = true;
  static override args = { spec: Args.string({ description: 'the gateway spec (OpenAPI 3 YAML or JSON)' }) };
  static override flags = {
    ...specFlags,
    ...quietFlag,
    target: Flags.string({ description: "check portability to this target only (default: the spec's x-gateway.targets, else every target)", options: [...TARGET_NAMES] }),
    format: Flags.string({ description: 'output format', options: [...FORMATS], default: 'stylish' }),
    'fail-severity': Flags.string({ description: 'exit 1 when a finding is at least this severe', options: ['error', 'warn', 'info'], default: 'error' }),
    ruleset: Flags.string({ description: 'lint config file (default: .gwc.yaml or gwc.config.yaml next to the spec, then in the cwd)' }),
    option: Flags.string({ description: 'target option TARGET.NAME=VALUE as gwc build takes it (aws.api=http lints for HTTP APIs)', multiple: true, default: [] }),
    'list-rules': Flags.boolean({ description: 'print every rule with its default severity and what it checks', default: false }),
  };

  async run() {
    const { args, flags } = await this.parse(Lint);
    if (flags['list-rules']) {
      if (!this.jsonEnabled()) this.log(renderRuleList());
      return jsonResult(true, [], { rules: listRules() });
    }
    if (!args.spec) this.error('a spec file is required (or --list-rules)', { exit: 2 });
    const configFile = findConfig(args.spec, flags.ruleset);
    const read = configFile ? readConfig(configFile) : { config: emptyConfig(), diagnostics: [] };
    // The targets' option tables are read only when options are given: no compiler is imported for nothing (#18).
    const chosen = flags.target ? [flags.target] : TARGET_NAMES;
    const opts =
      flags.option.length > 0 ? targetOptions(flags.option, await loadTargets(chosen), TARGET_NAMES) : { byTarget: new Map(chosen.map((n) => [n, {}])), diagnostics: [] };
    const byTarget = Object.fromEntries(opts.byTarget);
    const { diagnostics: found } = await lint(args.spec, { ...specOptions(flags), ...(flags.target ? { target: flags.target } : {}), config: read.config, targetOptions: byTarget });
    const diagnostics = [...read.diagnostics, ...opts.diagnostics, ...found];
    const threshold = flags['fail-severity'] as Severity;
    const usage = read.diagnostics.length > 0 || diagnostics.some((d) => USAGE.has(String(d.code)));
    const failed = diagnostics.some((d) => atLeast(d.severity, threshold));
    process.exitCode = usage ? 2 : failed ? 1 : 0;
    // One machine shape (README "Machine-readable output"): `--format json` is `--json` (#16.8).
    // Shaped as it is printed (render.ts lazyJsonResult, #18); the same JSON text as jsonResult's.
    const value = lazyJsonResult(!failed && !usage, diagnostics, { failSeverity: threshold });
    if (this.jsonEnabled()) return value;
    if (flags.format === 'json') {
      this.logJsonText(value);
      return value;
    }
    // Infos are shown when they can fail the run; otherwise they would bury the findings. --quiet: errors only.
    const shown = diagnostics.filter((d) => (flags.quiet ? d.severity === 'error' : threshold === 'info' || d.severity !== 'info'));
    // Stylish is for people: coloured on a terminal (NO_COLOR/FORCE_COLOR honoured); the CI formats never are.
    const text =
      flags.format === 'stylish' ? renderDiagnostics(shown, { colour: useColour(process.stdout), quiet: false }) : renderLint(flags.format as Format, shown, args.spec, process.cwd(), this.config.version);
    if (text) this.log(text);
    if (flags.format === 'stylish' && (failed || usage || !flags.quiet)) {
      this.logToStderr(failed ? `lint failed at --fail-severity ${threshold} (${summary(diagnostics)})` : `lint passed (${summary(diagnostics)})`);
    }
    return value;
  }
}
