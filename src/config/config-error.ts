/**
 * Boot-time configuration failure. `problems` holds one line per offending variable, each starting with the
 * variable's name, so an operator can fix every bad value in one go instead of one per restart.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly problems: readonly string[]) {
    super(
      problems.length === 1
        ? `Invalid configuration: ${problems[0]}`
        : `Invalid configuration:\n${problems.map(problem => `  - ${problem}`).join('\n')}`,
    );
  }
}

export function isConfigError(error: unknown): error is ConfigError {
  return error instanceof ConfigError;
}
