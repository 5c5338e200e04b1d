/**
 * mongod's test fail points, with its semantics so one test suite runs against both: `failCommand`
 * (before a command runs) and `failGetMoreAfterCursorCheckout` (inside a getMore, once its cursor is
 * known). A mode decides how often each fires (`alwaysOn`, `off`, `{times}`, `{skip}`,
 * `{activationProbability}`), `data` decides which commands it hits and what happens to them.
 */
import type { Document } from '../types';

export interface FailCommandData {
  failCommands: string[];
  errorCode?: number;
  /** When present (even empty) replaces the labels the server would have attached. */
  errorLabels?: string[];
  closeConnection?: boolean;
  blockConnection?: boolean;
  blockTimeMS?: number;
  /** Only connections whose handshake named this appName are affected. */
  appName?: string;
  writeConcernError?: Document;
}

export type FailPointMode =
  | { kind: 'off' }
  | { kind: 'alwaysOn' }
  | { kind: 'times'; remaining: number }
  | { kind: 'skip'; remaining: number }
  | { kind: 'probability'; p: number };

interface ActiveFailPoint {
  mode: FailPointMode;
  data: FailCommandData;
}

export const FAIL_POINTS = ['failCommand', 'failGetMoreAfterCursorCheckout'] as const;
export type FailPointName = (typeof FAIL_POINTS)[number];

export class FailPointRegistry {
  private readonly active = new Map<FailPointName, ActiveFailPoint>();
  private readonly timesEntered = new Map<FailPointName, number>();

  /** Returns how many times the fail point fired before, as mongod's `count`. */
  configure(name: FailPointName, mode: FailPointMode, data: FailCommandData): number {
    const count = this.timesEntered.get(name) ?? 0;
    this.timesEntered.set(name, 0);
    if (mode.kind === 'off') this.active.delete(name);
    else this.active.set(name, { mode, data });
    return count;
  }

  /** Whether the fail point fires for this command; consumes one of `times`/`skip` when it matches. */
  match(name: FailPointName, commandName: string, appName: string | undefined): FailCommandData | null {
    const active = this.active.get(name);
    if (!active || !active.data.failCommands.includes(commandName)) return null;
    if (active.data.appName !== undefined && active.data.appName !== appName) return null;
    const { mode } = active;
    switch (mode.kind) {
      case 'skip':
        if (mode.remaining > 0) {
          mode.remaining--;
          return null;
        }
        break;
      case 'times':
        mode.remaining--;
        if (mode.remaining <= 0) this.active.delete(name);
        break;
      case 'probability':
        if (Math.random() >= mode.p) return null;
        break;
      default:
        break;
    }
    this.timesEntered.set(name, (this.timesEntered.get(name) ?? 0) + 1);
    return active.data;
  }

  clear(): void {
    this.active.clear();
    this.timesEntered.clear();
  }
}
