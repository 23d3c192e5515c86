#!/usr/bin/env node
// `gwc --version` alone is answered without loading oclif (#18): the line oclif prints for it
// (Config.userAgent: name/version platform-arch node-version, platform `wsl` under WSL as oclif's
// getPlatform says), in about a third of the start-up. test/cli/version.test.ts holds the two equal.
if (process.argv.length === 3 && process.argv[2] === '--version') {
  const { readFileSync } = await import('node:fs');
  const os = await import('node:os');
  const { default: isWsl } = await import('is-wsl');
  const { name, version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const arch = os.arch() === 'ia32' ? 'x86' : os.arch();
  process.stdout.write(`${name}/${version ?? '0.0.0'} ${isWsl ? 'wsl' : os.platform()}-${arch} node-${process.version}\n`);
} else {
  // @oclif/core checks at import that node satisfies its engines (>=18.0.0) with semver, 47 modules
  // (#18); where that check passes by construction (a release node, 18 or later) it is skipped,
  // so a prerelease or older node still gets oclif's warning. A user's own setting is left alone.
  // entry.js: the bundled CLI after `npm run build`, else tsc's dist/ with node_modules' oclif.
  const skip = process.env.OCLIF_DISABLE_ENGINE_WARNING === undefined && Number(/^(\d+)\.\d+\.\d+$/.exec(process.versions.node)?.[1]) >= 18;
  if (skip) process.env.OCLIF_DISABLE_ENGINE_WARNING = '1';
  const { commands, execute } = await import('./entry.js');
  if (skip) delete process.env.OCLIF_DISABLE_ENGINE_WARNING;
  // One of gwc's own commands (not help, which may be asked about a plugin's command) runs without
  // oclif finding and reading @oclif/plugin-autocomplete, whose commands and hooks
  // (plugins:postinstall only) it never uses (#18): package.json as oclif reads it, plugins
  // emptied (`gwc lint --help` too: a command's help names no plugin). Everything else (autocomplete,
  // help, gwc --help, a mistyped command) loads it as before.
  const id = process.argv[2];
  const own = id !== undefined && id !== 'help' && Object.hasOwn(commands, id);
  if (own) {
    const { readFileSync } = await import('node:fs');
    const { fileURLToPath } = await import('node:url');
    const root = fileURLToPath(new URL('..', import.meta.url)).replace(/[\\/]$/, '');
    const pjson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    await execute({ loadOptions: { root, pjson: { ...pjson, oclif: { ...pjson.oclif, plugins: [] } } } });
  } else {
    await execute({ dir: import.meta.url });
  }
}
