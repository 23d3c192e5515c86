import { Command, Flags } from '@oclif/core';
import { specArg, specFlags, specOptions } from '../cli/flags.js';
import { hasErrors } from '../diagnostics/diagnostic.js';
import { formatStylish } from '../diagnostics/format.js';
import { FORMATS, render, type Format } from '../diff/render.js';
import { diffBase, diffDeployed } from '../diff/run.js';
import { findTarget, TARGET_NAMES } from '../targets/index.js';
import { targetOptions } from '../cli/target-options.js';

/**
 * Exit codes, each meaning one thing (terraform's `-detailed-exitcode` separates "changes" from
 * "error"; gwc's commands already use 2 for usage errors, so changes take 3).
 */
export const DIFF_EXIT = { same: 0, error: 1, usage: 2, changes: 3, failOn: 4 } as const;

export default class Diff extends Command {
  static override description = 'Show what the spec would change on the deployed gateway: security and breaking changes first, then a plan.';
  static override examples = [
    '<%= config.bin %> diff gateway.yaml --target kong --deployed dump.yaml',
    '<%= config.bin %> diff gateway.yaml --target kong --deployed http://localhost:8001 --token "$KONG_ADMIN_TOKEN" --exit-code',
    '<%= config.bin %> diff gateway.yaml --target nginx --deployed nginx-T.txt --deployed /etc/nginx/gwc/storefront.js --fail-on security --format markdown',
    '<%= config.bin %> diff gateway.yaml --target nginx --deployed /etc/nginx',
    '<%= config.bin %> diff gateway.yaml --target traefik --base origin/main',
  ];
  static override args = specArg;
  static override flags = {
    ...specFlags,
    target: Flags.string({ description: 'target gateway', options: [...TARGET_NAMES], required: true }),
    deployed: Flags.string({
      description: 'deployed state: a file (deck dump, nginx -T output, dynamic config, template), a folder (nginx build), or a Kong Admin API URL; nginx: again for the njs module beside an nginx -T dump',
      multiple: true,
    }),
    stack: Flags.string({ description: 'aws: read the template of this CloudFormation stack (needs @aws-sdk/client-cloudformation)' }),
    token: Flags.string({ description: 'Admin API token (Kong: Kong-Admin-Token header)', env: 'GWC_ADMIN_TOKEN' }),
    base: Flags.string({ description: 'compare with the spec at this git ref instead of deployed state' }),
    format: Flags.string({ description: 'output format', options: [...FORMATS], default: 'plan' }),
    'exit-code': Flags.boolean({ description: `exit ${DIFF_EXIT.changes} when there are changes (0 none, ${DIFF_EXIT.error} error, ${DIFF_EXIT.usage} usage)`, default: false }),
    'fail-on': Flags.string({ description: `exit ${DIFF_EXIT.failOn} when a change of this class is found`, options: ['security', 'breaking'], multiple: true, default: [] }),
    option: Flags.string({ description: 'target option key=value (see gwc targets)', multiple: true, default: [] }),
  };

  async run() {
    const { args, flags } = await this.parse(Diff);
    // `--option kong.names=openapi2kong` and `names=openapi2kong` alike, checked as gwc build checks them.
    const target = findTarget(flags.target);
    const parsed = targetOptions(flags.option, target ? [target] : [], TARGET_NAMES);
    if (parsed.diagnostics.length > 0) {
      this.logToStderr(formatStylish(parsed.diagnostics));
      process.exitCode = DIFF_EXIT.usage;
      return;
    }
    const options = parsed.byTarget.get(flags.target) ?? {};
    const common = { ...specOptions(flags), target: flags.target, options };
    const [deployed, ...more] = flags.deployed ?? [];
    const read = { ...(flags.token ? { token: flags.token } : {}), ...(flags.stack ? { stack: flags.stack } : {}), ...(more.length ? { more } : {}) };
    const result = flags.base
      ? await diffBase(args.spec, { ...common, base: flags.base })
      : await diffDeployed(args.spec, { ...common, ...(deployed ? { deployed } : {}), read });
    const { plan, from, to, diagnostics } = result;
    if (diagnostics.length > 0) this.logToStderr(formatStylish(diagnostics));
    if (!plan || !from || !to || hasErrors(diagnostics)) {
      this.logToStderr('diff failed: no plan');
      process.exitCode = DIFF_EXIT.error;
      return;
    }
    const names = { from: flags.base ? `${flags.base}:${args.spec}` : deployed ?? flags.stack ?? 'deployed', to: args.spec };
    process.stdout.write(render(flags.format as Format, plan, from, to, { target: flags.target, ...names, colour: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR }));
    const failed = plan.findings.filter((f) => flags['fail-on'].includes(f.class));
    if (failed.length > 0) {
      this.logToStderr(`diff: ${failed.length} ${flags['fail-on'].join('/')} change(s) found (--fail-on)`);
      process.exitCode = DIFF_EXIT.failOn;
    } else if (flags['exit-code'] && plan.changes.length > 0) process.exitCode = DIFF_EXIT.changes;
  }
}
