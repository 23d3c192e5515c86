import { Flags } from '@oclif/core';
import { GwcCommand } from '../cli/command.js';
import { quietFlag, specArg, specFlags, specOptions } from '../cli/flags.js';
import { hasErrors } from '../diagnostics/diagnostic.js';
import { formatStylish } from '../diagnostics/format.js';
import { FORMATS, render, renderJson, type Format } from '../diff/render.js';
import { jsonResult, renderDiagnostics, useColour } from '../cli/render.js';
import { diffBase, diffDeployed } from '../diff/run.js';
import { findTarget, TARGET_NAMES, TARGETS } from '../targets/index.js';
import { diffOptions, fromDeprecated, readerLabel } from '../cli/reader-options.js';
import { deprecatedReaderFlags } from '../cli/reader-flags.js';

/**
 * Exit codes, each meaning one thing (terraform's `-detailed-exitcode` separates "changes" from
 * "error"; gwc's commands already use 2 for usage errors, so changes take 3).
 */
export const DIFF_EXIT = { same: 0, error: 1, usage: 2, changes: 3, failOn: 4 } as const;

export default class Diff extends GwcCommand {
  static override description = 'Show what the spec would change on the deployed gateway: security and breaking changes first, then a plan.';
  static override examples = [
    '<%= config.bin %> diff gateway.yaml --target kong --deployed dump.yaml',
    {
      description: "A running Kong through its Admin API; the token from GWC_ADMIN_TOKEN (or --option kong.token=TOKEN: gwc targets lists each reader's options)",
      command: '<%= config.bin %> diff gateway.yaml --target kong --deployed http://localhost:8001 --exit-code',
    },
    '<%= config.bin %> diff gateway.yaml --target aws --option aws.stack=my-api --fail-on security',
    '<%= config.bin %> diff gateway.yaml --target nginx --deployed nginx-T.txt --deployed /etc/nginx/gwc/storefront.js --fail-on security --format markdown',
    '<%= config.bin %> diff gateway.yaml --target nginx --deployed /etc/nginx',
    '<%= config.bin %> diff gateway.yaml --target traefik --base origin/main',
  ];
  // --json: { ok, diagnostics, result } as every command (result: the --format json plan) (#16.8).
  static override enableJsonFlag = true;
  static override args = specArg;
  static override flags = {
    ...specFlags,
    ...quietFlag,
    target: Flags.string({ description: 'target gateway', options: [...TARGET_NAMES], required: true }),
    deployed: Flags.string({
      // Each reader says what it reads (DeployedReader.accepts): the help stays true as readers change.
      description: `deployed state, as the target's reader reads it; ${TARGETS.map((t) => `${t.name}: ${t.deployed?.accepts ?? 'no reader'}`).join('; ')}`,
      multiple: true,
    }),
    base: Flags.string({ description: 'compare with the spec at this git ref instead of deployed state' }),
    // A deployed gateway is one build: with x-gateway.environments, --env or --no-env says which (diff-env-required).
    'no-env': Flags.boolean({ description: 'the deployed gateway was built without --env (a spec with x-gateway.environments needs --env NAME or this)', default: false, exclusive: ['env', 'base'] }),
    format: Flags.string({ description: 'output format', options: [...FORMATS], default: 'plan' }),
    'exit-code': Flags.boolean({ description: `exit ${DIFF_EXIT.changes} when there are changes (0 none, ${DIFF_EXIT.error} error, ${DIFF_EXIT.usage} usage)`, default: false }),
    'fail-on': Flags.string({ description: `exit ${DIFF_EXIT.failOn} when a change of this class is found`, options: ['security', 'breaking'], multiple: true, default: [] }),
    option: Flags.string({
      description: "TARGET.NAME=VALUE: a build option of the target, or an option of its deployed-state reader; gwc targets lists both",
      multiple: true,
      default: [],
    }),
    // --token, --stack: the readers' own deprecated flags, mapped to --option TARGET.NAME.
    ...deprecatedReaderFlags(TARGETS),
  };

  async run() {
    const { args, flags } = await this.parse(Diff);
    // `--option kong.names=openapi2kong` and `names=openapi2kong` alike, checked as gwc build checks
    // them; a name the target's reader declares goes to the reader (src/cli/reader-options.ts).
    const target = findTarget(flags.target)!;
    const given = [...fromDeprecated(TARGETS, flags as Record<string, unknown>), ...flags.option];
    const parsed = diffOptions(given, target, TARGET_NAMES, process.env);
    if (parsed.diagnostics.length > 0) {
      if (!this.jsonEnabled()) this.logToStderr(formatStylish(parsed.diagnostics));
      process.exitCode = DIFF_EXIT.usage;
      return jsonResult(false, parsed.diagnostics, null);
    }
    const common = { ...specOptions(flags), target: flags.target, options: parsed.build };
    const [deployed, ...more] = flags.deployed ?? [];
    const read = { options: parsed.read, ...(more.length ? { more } : {}) };
    const result = flags.base
      ? await diffBase(args.spec, { ...common, base: flags.base })
      : await diffDeployed(args.spec, { ...common, ...(deployed ? { deployed } : {}), read, withoutEnv: flags['no-env'] });
    const { plan, from, to, environments, diagnostics } = result;
    // Coloured on a terminal, grouped, errors only with --quiet: as every command shows diagnostics (#16.8).
    const shown = this.jsonEnabled() ? '' : renderDiagnostics(diagnostics, { colour: useColour(process.stderr), quiet: flags.quiet });
    if (shown) this.logToStderr(shown);
    if (!plan || !from || !to || hasErrors(diagnostics)) {
      if (!this.jsonEnabled()) this.logToStderr('diff failed: no plan');
      // Which build to compare is the command line's to say (--env / --no-env): a usage error.
      process.exitCode = diagnostics.some((d) => d.code === 'diff-env-required') ? DIFF_EXIT.usage : DIFF_EXIT.error;
      return jsonResult(false, diagnostics, null);
    }
    const names = { from: flags.base ? `${flags.base}:${args.spec}` : deployed ?? readerLabel(target, parsed.read) ?? 'deployed', to: args.spec };
    if (!this.jsonEnabled()) process.stdout.write(render(flags.format as Format, plan, from, to, { target: flags.target, ...names, colour: useColour(process.stdout), ...(environments ? { environments } : {}) }));
    const failed = plan.findings.filter((f) => flags['fail-on'].includes(f.class));
    if (failed.length > 0) {
      if (!this.jsonEnabled()) this.logToStderr(`diff: ${failed.length} ${flags['fail-on'].join('/')} change(s) found (--fail-on)`);
      process.exitCode = DIFF_EXIT.failOn;
    } else if (flags['exit-code'] && (plan.changes.length > 0 || plan.findings.length > 0)) {
      // A finding is a change too, even where no entity field shows it (a reader's gap: NGX6).
      process.exitCode = DIFF_EXIT.changes;
    }
    const value = JSON.parse(renderJson(plan, { target: flags.target, ...names })) as Record<string, unknown>;
    return jsonResult((process.exitCode ?? 0) === 0, diagnostics, value);
  }
}
