/**
 * Counts the database commands a piece of code sends, through the driver's command monitoring
 * (`monitorCommands: true`): what reaches the server, including every getMore of a long cursor.
 */
import type { CommandStartedEvent, MongoClient } from 'mongodb';

export class CommandCounter {
  private counts: Record<string, number> | undefined;

  constructor(client: MongoClient) {
    client.on('commandStarted', (event: CommandStartedEvent) => {
      if (this.counts === undefined) return;
      this.counts[event.commandName] = (this.counts[event.commandName] ?? 0) + 1;
    });
  }

  /** Counts the commands `run` issues; commands of anything else running at the same time count too. */
  async count<T>(
    run: () => Promise<T>,
  ): Promise<{ result: T; total: number; byName: Record<string, number> }> {
    this.counts = {};
    try {
      const result = await run();
      const byName = this.counts;
      return { result, total: Object.values(byName).reduce((a, b) => a + b, 0), byName };
    } finally {
      this.counts = undefined;
    }
  }
}
