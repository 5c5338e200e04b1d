/**
 * zod builders for single environment variables. Each one takes the raw string (or undefined), treats an
 * empty string like an unset variable (so `PORT=` in a compose file means "default", not "error"), and
 * reports problems as "must be ... (got ...)" so `loadConfig` can prefix the variable name.
 */
import { z } from 'zod';

const optionalString = z.string().optional();

/** The raw value, or undefined when unset or empty. */
function present(raw: string | undefined): string | undefined {
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

/** How a rejected value is quoted back; `mask` hides values that may hold secrets. */
function got(raw: string, mask?: (raw: string) => string): string {
  return `(got ${JSON.stringify(mask ? mask(raw) : raw)})`;
}

export function integerField(fallback: number, { min, max }: { min: number; max?: number }) {
  const what =
    min === 1 && max === undefined
      ? 'a positive integer'
      : min === 0 && max === undefined
        ? 'a non-negative integer'
        : max === undefined
          ? `an integer of at least ${min}`
          : `an integer between ${min} and ${max}`;
  return optionalString.transform((raw, ctx) => {
    const value = present(raw);
    if (value === undefined) return fallback;
    const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || (max !== undefined && parsed > max)) {
      ctx.addIssue({ code: 'custom', message: `must be ${what} ${got(value)}` });
      return z.NEVER;
    }
    return parsed;
  });
}

const TRUE_WORDS = ['true', '1', 'yes', 'on'];
const FALSE_WORDS = ['false', '0', 'no', 'off'];

export function booleanField(fallback: boolean) {
  return optionalString.transform((raw, ctx) => {
    const value = present(raw)?.toLowerCase();
    if (value === undefined) return fallback;
    if (TRUE_WORDS.includes(value)) return true;
    if (FALSE_WORDS.includes(value)) return false;
    ctx.addIssue({ code: 'custom', message: `must be true or false ${got(raw ?? '')}` });
    return z.NEVER;
  });
}

export function oneOfField<const T extends string>(choices: readonly T[], fallback: T) {
  return optionalString.transform((raw, ctx): T => {
    const value = present(raw)?.toLowerCase();
    if (value === undefined) return fallback;
    const match = choices.find(choice => choice === value);
    if (match === undefined) {
      ctx.addIssue({ code: 'custom', message: `must be one of ${choices.join(', ')} ${got(raw ?? '')}` });
      return z.NEVER;
    }
    return match;
  });
}

/**
 * A free-form string checked by `problem`, which returns what is wrong or undefined.
 * `mask` rewrites the value before it is quoted in an error (credentials in URLs, passwords).
 */
export function stringField<F extends string | undefined>(
  fallback: F,
  problem: (value: string) => string | undefined = () => undefined,
  mask?: (raw: string) => string,
) {
  return optionalString.transform((raw, ctx): string | F => {
    const value = present(raw);
    if (value === undefined) return fallback;
    const wrong = problem(value);
    if (wrong !== undefined) {
      ctx.addIssue({ code: 'custom', message: `${wrong} ${got(value, mask)}` });
      return z.NEVER;
    }
    return value;
  });
}
