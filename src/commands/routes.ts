import { Command, Flags } from '@oclif/core';
import { loadGateway } from '../validate/gateway.js';
import { formatStylish } from '../diagnostics/format.js';
import { specArg, specFlags, specOptions } from '../cli/flags.js';
import { table } from '../cli/table.js';
import { describePolicies, describeSecurity, describeUpstream } from '../model/describe.js';
import { TARGET_NAMES } from '../targets/names.js';

export default class Routes extends Command {
  static override description =
    'The route table in the order every target matches it (OpenAPI precedence: concrete before templated): method, public path, backend, upstream path, security, policies.';
  static override examples = ['<%= config.bin %> routes fixtures/shop/gateway.yaml', '<%= config.bin %> routes fixtures/shop/gateway.yaml --json'];
  static override enableJsonFlag = true;
  static override args = specArg;
  static override flags = { ...specFlags, target: Flags.string({ description: 'the target whose match order to show (all targets share it)', options: [...TARGET_NAMES] }) };

  async run() {
    const { args, flags } = await this.parse(Routes);
    const { gateway, diagnostics } = await loadGateway(args.spec, specOptions(flags));
    if (diagnostics.length > 0 && !this.jsonEnabled()) this.logToStderr(formatStylish(diagnostics));
    if (!gateway) {
      process.exitCode = 1;
      return { routes: [] };
    }
    const routes = gateway.routes.map((r, i) => ({
      order: i + 1,
      id: r.id,
      method: r.method,
      path: r.publicPath,
      hosts: r.hosts,
      backend: r.backend,
      upstream: describeUpstream(gateway, r),
      security: describeSecurity(r.security, r.optionalAuth),
      policies: describePolicies(r),
    }));
    if (!this.jsonEnabled()) {
      const rows = routes.map((r) => [String(r.order), r.method, r.path, r.backend, r.upstream, r.security, r.policies, r.id]);
      this.log(table(['#', 'METHOD', 'PATH', 'BACKEND', 'UPSTREAM', 'SECURITY', 'POLICIES', 'OPERATION'], rows));
    }
    return { routes };
  }
}
