import { Command } from '@oclif/core';
import { runPipeline } from '../pipeline.js';
import { hasErrors } from '../diagnostics/diagnostic.js';
import { formatStylish, summary, toJson } from '../diagnostics/format.js';
import { formatFlag, specArg, specFlags, specOptions } from '../cli/flags.js';

export default class Validate extends Command {
  static override description = 'Parse the spec, check OpenAPI structure and the x-gateway schema, and build the gateway model.';
  static override examples = ['<%= config.bin %> validate fixtures/shop/gateway.yaml'];
  static override enableJsonFlag = true;
  static override args = specArg;
  static override flags = { ...specFlags, format: formatFlag };

  async run() {
    const { args, flags } = await this.parse(Validate);
    const { gateway, diagnostics } = await runPipeline(args.spec, specOptions(flags));
    const valid = gateway !== undefined && !hasErrors(diagnostics);
    if (!this.jsonEnabled()) {
      if (flags.format === 'json') this.log(JSON.stringify(diagnostics.map((d) => toJson(d)), null, 2));
      else if (diagnostics.length > 0) this.logToStderr(formatStylish(diagnostics));
      if (flags.format !== 'json') this.logToStderr(valid ? `valid: ${gateway!.routes.length} routes (${summary(diagnostics)})` : `invalid (${summary(diagnostics)})`);
    }
    if (!valid) process.exitCode = 1;
    return { valid, routes: gateway?.routes.length ?? 0, diagnostics: diagnostics.map((d) => toJson(d)) };
  }
}
