import { readFile, writeFile } from 'node:fs/promises';
import { Args, Flags } from '@oclif/core';
import { GwcCommand } from '../cli/command.js';
import { diag } from '../diagnostics/diagnostic.js';
import { quietFlag } from '../cli/flags.js';
import { locateInSpec } from '../cli/locate.js';
import { jsonResult, renderDiagnostics, useColour } from '../cli/render.js';
import { initSpec } from '../init/index.js';

export default class Init extends GwcCommand {
  static override description =
    'Start an x-gateway for a plain OpenAPI spec: backends from servers, a rate-limit policy, consumers per API-key/basic scheme with ${env:...} secrets, and commented choices where a target needs a fallback. Operations without security are flagged, never made public.';
  static override examples = ['<%= config.bin %> init openapi.yaml > gateway.yaml', '<%= config.bin %> init openapi.yaml --write'];
  static override enableJsonFlag = true;
  static override args = { spec: Args.string({ description: 'a plain OpenAPI 3 spec (YAML)', required: true }) };
  static override flags = { ...quietFlag, write: Flags.boolean({ description: 'write into SPEC (comments and formatting kept) instead of printing', default: false }) };

  async run() {
    const { args, flags } = await this.parse(Init);
    let text: string;
    try {
      text = await readFile(args.spec, 'utf8');
    } catch {
      const missing = [diag('file-not-found', { path: args.spec })];
      if (!this.jsonEnabled()) this.logToStderr(renderDiagnostics(missing, { colour: useColour(process.stderr), quiet: false }));
      process.exitCode = 1;
      return jsonResult(false, missing, null);
    }
    const result = initSpec(text, args.spec);
    if (!result.text || !result.plan) {
      const refused = await locateInSpec(args.spec, result.diagnostics);
      if (!this.jsonEnabled()) this.logToStderr(renderDiagnostics(refused, { colour: useColour(process.stderr), quiet: false }));
      process.exitCode = 1;
      return jsonResult(false, refused, null);
    }
    // --json: the proposed spec is result.text (the one shape of README "Machine-readable output").
    const value = jsonResult(true, result.diagnostics, { text: result.text, written: flags.write ? args.spec : null, plan: result.plan });
    if (flags.write) await writeFile(args.spec, result.text);
    else if (!this.jsonEnabled()) process.stdout.write(result.text);
    if (this.jsonEnabled()) return value;
    if (!flags.quiet) {
      const p = result.plan;
      this.logToStderr(
        `${flags.write ? `wrote x-gateway into ${args.spec}` : 'x-gateway proposed'}: ${p.backends.length} backend(s), ${p.consumers.length} consumer(s), ${p.schemes.length} scheme(s) with commented choices, ${p.unsecured.length} operation(s) without security flagged (# gwc init). Next: decide each flagged line, then gwc build ${args.spec} --target all.`,
      );
    }
    return value;
  }
}
