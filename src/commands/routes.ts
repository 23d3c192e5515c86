import { Flags } from '@oclif/core';
import { GwcCommand } from '../cli/command.js';
import { quietFlag, specArg, specFlags, specOptions } from '../cli/flags.js';
import { runFromArg } from '../cli/load.js';
import { jsonResult, renderDiagnostics, useColour } from '../cli/render.js';
import { routeRows, routeTable } from '../cli/routes.js';
import { TARGET_NAMES } from '../targets/names.js';

export default class Routes extends GwcCommand {
  static override description =
    'The route table in the order every target matches it (OpenAPI precedence: concrete before templated): method, public path, backend, upstream path, security, policies.';
  static override examples = ['<%= config.bin %> routes fixtures/shop/gateway.yaml', '<%= config.bin %> routes fixtures/shop/gateway.yaml --json'];
  static override enableJsonFlag = true;
  static override args = specArg;
  static override flags = { ...specFlags, ...quietFlag, target: Flags.string({ description: 'the target whose match order to show (all targets share it)', options: [...TARGET_NAMES] }) };

  async run() {
    const { args, flags } = await this.parse(Routes);
    const { gateway, diagnostics } = await runFromArg(args.spec, specOptions(flags));
    const shown = renderDiagnostics(diagnostics, { colour: useColour(process.stderr), quiet: flags.quiet });
    if (shown) this.logToStderr(shown);
    if (!gateway) process.exitCode = 1;
    const routes = gateway ? routeRows(gateway) : [];
    if (gateway) this.log(routeTable(routes));
    return jsonResult(gateway !== undefined, diagnostics, gateway ? { routes } : null);
  }
}
