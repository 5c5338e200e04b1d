import { COMMANDS } from '../../../src/cli/commands';
import { CLI_DOC_PATH, renderCli } from '../../../scripts/docs/generate-cli';
import { expectUpToDate } from './expect-up-to-date';

describe('docs/cli.md', () => {
  it('has a section for every command', () => {
    const page = renderCli();
    const missing = COMMANDS.filter(command => !page.includes(`\n## \`${command.name}\`\n`));
    expect(missing.map(command => command.name)).toEqual([]);
  });

  it('lists each option with its default', () => {
    expect(renderCli()).toMatch(/\| `--grace <seconds>` +\| `5` +\|/);
  });

  it('is up to date with the commands in src/cli', () => {
    expectUpToDate(CLI_DOC_PATH, renderCli());
  });
});
