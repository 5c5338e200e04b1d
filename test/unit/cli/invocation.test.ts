import { userSyncCommand } from '../../../src/cli/invocation';

describe('userSyncCommand: hints name a command that runs where the tool runs', () => {
  it('in a checkout, through an npm script: npm run user-sync --', () => {
    expect(
      userSyncCommand('verify --fix', { npm_lifecycle_event: 'dev', npm_package_name: 'user-sync' }),
    ).toBe('npm run user-sync -- verify --fix');
  });

  it('installed, or in the image: user-sync', () => {
    expect(userSyncCommand('resync --all', {})).toBe('user-sync resync --all');
    // Another project's npm script runs an installed user-sync, which is on PATH there.
    expect(
      userSyncCommand('resync --all', { npm_lifecycle_event: 'sync', npm_package_name: 'platform' }),
    ).toBe('user-sync resync --all');
  });
});
