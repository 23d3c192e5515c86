import { Flags } from '@oclif/core';
import { GwcCommand } from '../cli/command.js';
import { targetsText, targetsJson } from '../cli/targets.js';
import { targetKeysJson, targetKeysText } from '../cli/targets-keys.js';
import { jsonResult } from '../cli/render.js';

export default class Targets extends GwcCommand {
  static override description =
    "The capability matrix (feature x target), generated from the targets' own tables, and each target's --option settings; with --keys, every x-gateway key's answer on every target.";
  static override examples = ['<%= config.bin %> targets', '<%= config.bin %> targets --json', '<%= config.bin %> targets --keys', '<%= config.bin %> targets --keys --json'];
  static override enableJsonFlag = true;
  static override flags = {
    keys: Flags.boolean({ description: 'show every x-gateway key and how each target answers it (native, emulated, refused, warned, ignored), from the same tables the build uses' }),
  };

  async run() {
    const { flags } = await this.parse(Targets);
    if (flags.keys) {
      this.log(targetKeysText());
      return jsonResult(true, [], targetKeysJson());
    }
    this.log(targetsText());
    return jsonResult(true, [], targetsJson());
  }
}
