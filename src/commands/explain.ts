import { Args, Flags } from '@oclif/core';
import { GwcCommand } from '../cli/command.js';
import { jsonResult } from '../cli/render.js';
import { closestId, explain, renderExplanation, reportableIds } from '../explain/index.js';

export default class Explain extends GwcCommand {
  static override description = 'Explain a diagnostic code or lint rule: what it means, why it matters, how to fix it, with an example.';
  static override examples = ['<%= config.bin %> explain security-undecided', '<%= config.bin %> explain jwt-key-family-ambiguous --json', '<%= config.bin %> explain --list'];
  static override enableJsonFlag = true;
  static override args = { id: Args.string({ description: 'a diagnostic code or lint rule id, as printed after the severity' }) };
  static override flags = { list: Flags.boolean({ description: 'print every code and rule id gwc can report', default: false }) };

  async run() {
    const { args, flags } = await this.parse(Explain);
    if (flags.list || !args.id) {
      if (!args.id && !flags.list) this.error('a code or rule id is required (or --list)', { exit: 2 });
      const ids = reportableIds();
      if (!this.jsonEnabled()) this.log(ids.join('\n'));
      return jsonResult(true, [], { ids });
    }
    const entry = explain(args.id);
    if (!entry) {
      const near = closestId(args.id);
      this.error(`no code or rule "${args.id}"${near ? `; did you mean "${near}"?` : ''} (gwc explain --list prints every id)`, { exit: 2 });
    }
    if (!this.jsonEnabled()) this.log(renderExplanation(entry));
    // The one --json shape of every command (README "Machine-readable output"): the entry is the result.
    return jsonResult(true, [], entry);
  }
}
