/**
 * The `failCommand` fail point, with mongod's semantics so one test suite runs against both: a mode
 * decides how often it fires (`alwaysOn`, `off`, `{times}`, `{skip}`, `{activationProbability}`),
 * `data` decides which commands it hits and what happens to them.
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

export class FailPointRegistry {
  private failCommand: ActiveFailPoint | null = null;
  private timesEntered = 0;

  /** Returns how many times the fail point fired before, as mongod's `count`. */
  configure(mode: FailPointMode, data: FailCommandData): number {
    const count = this.timesEntered;
    this.timesEntered = 0;
    this.failCommand = mode.kind === 'off' ? null : { mode, data };
    return count;
  }

  /** Whether the fail point fires for this command; consumes one of `times`/`skip` when it matches. */
  match(commandName: string, appName: string | undefined): FailCommandData | null {
    const active = this.failCommand;
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
        if (mode.remaining <= 0) this.failCommand = null;
        break;
      case 'probability':
        if (Math.random() >= mode.p) return null;
        break;
      default:
        break;
    }
    this.timesEntered++;
    return active.data;
  }

  clear(): void {
    this.failCommand = null;
    this.timesEntered = 0;
  }
}
