/**
 * GitHub's REST description (@octokit/openapi) written as YAML by the `yaml` package with its
 * defaults (lineWidth 80: long strings wrapped over lines, as most real YAML specs are), so the
 * bench can compare reading the same spec as YAML and as JSON (issue #18: YAML as fast as JSON).
 * Written once into bench/.cache (about 4 s).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

export function githubYaml(githubJson: string, file: string): string {
  if (!existsSync(file)) writeFileSync(file, stringify(JSON.parse(readFileSync(githubJson, 'utf8'))));
  return file;
}
