import { Command } from '@oclif/core';
import { targetsText, targetsJson } from '../cli/targets.js';
import { jsonResult } from '../cli/render.js';

export default class Targets extends Command {
  static override description = "The capability matrix (feature x target), generated from the targets' own tables, and each target's --option settings.";
  static override examples = ['<%= config.bin %> targets', '<%= config.bin %> targets --json'];
  static override enableJsonFlag = true;

  async run() {
    await this.parse(Targets);
    this.log(targetsText());
    return jsonResult(true, [], targetsJson());
  }
}
