/**
 * `npm run docs`: writes the generated reference pages, docs/configuration.md and docs/cli.md, from the
 * code they describe. Run it after changing the env schema, env-docs.ts or a CLI command; the unit tests
 * in test/unit/docs fail while a committed page is stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_DOC_PATH, renderCli } from './generate-cli';
import { CONFIGURATION_DOC_PATH, renderConfiguration } from './generate-configuration';

const root = join(__dirname, '..', '..');

for (const [path, render] of [
  [CONFIGURATION_DOC_PATH, renderConfiguration],
  [CLI_DOC_PATH, renderCli],
] as const) {
  writeFileSync(join(root, path), render());
  process.stdout.write(`wrote ${path}\n`);
}
