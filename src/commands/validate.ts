import { GwcCommand } from '../cli/command.js';
import { validateSpec } from '../validate/neutral.js';
import { summary } from '../diagnostics/format.js';
import { formatFlag, quietFlag, specArg, specFlags, specOptions } from '../cli/flags.js';
import { jsonResult, renderDiagnostics, useColour } from '../cli/render.js';

export default class Validate extends GwcCommand {
  static override description = 'Parse the spec, check OpenAPI structure and the x-gateway schema, build the gateway model, and report what every target refuses.';
  static override examples = ['<%= config.bin %> validate fixtures/shop/gateway.yaml', '<%= config.bin %> validate fixtures/shop/gateway.yaml --json'];
  static override enableJsonFlag = true;
  static override args = specArg;
  static override flags = { ...specFlags, ...quietFlag, format: formatFlag };

  async run() {
    const { args, flags } = await this.parse(Validate);
    // The refusals every target makes are validate's too (src/validate/neutral.ts).
    const { valid, routes, diagnostics } = await validateSpec(args.spec, specOptions(flags));
    if (!valid) process.exitCode = 1;
    // One machine shape (README "Machine-readable output"): `--format json` is `--json` (#16.8).
    const value = jsonResult(valid, diagnostics, { routes });
    if (this.jsonEnabled()) return value;
    if (flags.format === 'json') {
      this.logJsonText(value);
      return value;
    }
    const shown = renderDiagnostics(diagnostics, { colour: useColour(process.stderr), quiet: flags.quiet });
    if (shown) this.logToStderr(shown);
    if (!valid || !flags.quiet) this.logToStderr(valid ? `valid: ${routes} routes (${summary(diagnostics)})` : `invalid (${summary(diagnostics)})`);
    return value;
  }
}
