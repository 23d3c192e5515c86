import { Args, loadHelpClass } from '@oclif/core';
import { GwcCommand } from '../cli/command.js';

/** `gwc help [COMMAND]`, as git and npm take it; the same text as `gwc COMMAND --help` (or -h). */
export default class HelpCommand extends GwcCommand {
  static override description = 'Show help for gwc or for one command.';
  static override examples = ['<%= config.bin %> help', '<%= config.bin %> help build'];
  static override strict = false;
  static override args = { command: Args.string({ description: 'the command to explain' }) };

  async run() {
    const { argv } = await this.parse(HelpCommand);
    const Help = await loadHelpClass(this.config);
    await new Help(this.config).showHelp(argv as string[]);
  }
}
