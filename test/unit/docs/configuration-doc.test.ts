import { ENV_DOCS } from '../../../src/config/env-docs';
import {
  CONFIGURATION_DOC_PATH,
  renderConfiguration,
  schemaDefaults,
  schemaVariables,
} from '../../../scripts/docs/generate-configuration';
import { expectUpToDate } from './expect-up-to-date';

describe('docs/configuration.md', () => {
  it('describes every variable of the env schema', () => {
    const described = new Map(Object.entries(ENV_DOCS));
    const undescribed = schemaVariables().filter(
      variable => (described.get(variable)?.description.trim() ?? '') === '',
    );
    expect(undescribed).toEqual([]);
  });

  it('describes no variable the schema does not have', () => {
    const known = new Set<string>(schemaVariables());
    expect(Object.keys(ENV_DOCS).filter(variable => !known.has(variable))).toEqual([]);
  });

  it('shows the schema defaults', () => {
    const page = renderConfiguration();
    expect(schemaDefaults().WORKER_CONCURRENCY).toBe(4);
    expect(page).toMatch(/\| `WORKER_CONCURRENCY` +\| `4` +\|/);
    expect(page).toMatch(/\| `WEBHOOK_PORT` +\| `3001` +\|/);
    expect(page).toMatch(/\| `CLERK_API_URL` +\| `https:\/\/api\.clerk\.com\/v1` +\|/);
  });

  it('is up to date with the schema and env-docs.ts', () => {
    expectUpToDate(CONFIGURATION_DOC_PATH, renderConfiguration());
  });
});
