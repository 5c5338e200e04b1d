import { insert, makeFixture } from './hub-fixture';

/**
 * A getMore reads the history for a bounded time, so one stream far behind does not hold every other
 * client; but a stream so far behind that writes would soon push its position out of the history reads
 * on, since losing history is what a real server's parallel oplog reads never do to it.
 */
describe('change stream scan budget', () => {
  const HISTORY = 1000;
  let clock = 0;
  beforeEach(() => {
    clock = 0;
    // Each reading of the clock is 10 ms later: the 25 ms budget runs out within the first few checks.
    jest.spyOn(performance, 'now').mockImplementation(() => (clock += 10));
  });
  afterEach(() => jest.restoreAllMocks());

  const behindBy = (events: number) => {
    const f = makeFixture({ maxEvents: HISTORY });
    const cursor = f.open();
    for (let k = 0; k < events; k++) f.hub.append([insert('users', { _id: k })]);
    return { f, cursor };
  };

  it('ends a getMore at its time budget while the stream is less than half the history behind', async () => {
    const { f, cursor } = behindBy(HISTORY * 0.4);
    const batch = await cursor.next(HISTORY, 0);
    expect(batch.documents.length).toBeGreaterThan(0);
    expect(batch.documents.length).toBeLessThan(HISTORY * 0.4);
    f.close();
  });

  it('reads past the budget until a stream over half the history behind is back under half', async () => {
    const { f, cursor } = behindBy(HISTORY * 0.9);
    const batch = await cursor.next(HISTORY, 0);
    expect(batch.documents.length).toBeGreaterThanOrEqual(HISTORY * 0.4);
    // Had it read one budget's worth, these writes would push its position out of the history.
    f.hub.append(Array.from({ length: HISTORY * 0.3 }, (_, k) => insert('users', { _id: `late-${k}` })));
    const next = await cursor.next(HISTORY, 0);
    expect(next.documents[0]?.documentKey._id).toBe(batch.documents.length);
    f.close();
  });
});
