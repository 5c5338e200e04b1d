import { MongoBulkWriteError, MongoNetworkError, MongoServerError, MongoServerSelectionError } from 'mongodb';
import { UnrecoverableError } from 'bullmq';
import { isTransientMongoError } from '../../../src/errors/transient-mongo-error';

describe('isTransientMongoError', () => {
  it.each([
    ['InterruptedAtShutdown', 11600],
    ['NotWritablePrimary', 10107],
    ['ShutdownInProgress', 91],
    ['PrimarySteppedDown', 189],
  ])('is true for %s (%i) even without the RetryableWriteError label', (codeName, code) => {
    expect(isTransientMongoError(new MongoServerError({ code, codeName, errmsg: codeName }))).toBe(true);
  });

  it('is true for a labelled error, a dropped connection and an unanswered server selection', () => {
    expect(
      isTransientMongoError(new MongoServerError({ code: 1, errorLabels: ['RetryableWriteError'] })),
    ).toBe(true);
    expect(isTransientMongoError(new MongoNetworkError('connection closed'))).toBe(true);
    expect(
      isTransientMongoError(
        new MongoServerSelectionError('timed out', {
          type: 'Unknown',
          servers: new Map(),
          stale: false,
          compatible: true,
          heartbeatFrequencyMS: 10_000,
          localThresholdMS: 15,
          setName: null,
          maxElectionId: null,
          maxSetVersion: null,
          commonWireVersion: 0,
          logicalSessionTimeoutMinutes: null,
        } as never),
      ),
    ).toBe(true);
  });

  it("sees through a bulkWrite's wrapper to the server's error", () => {
    const wrapped = new MongoBulkWriteError(
      new MongoServerError({ code: 91, codeName: 'ShutdownInProgress', errmsg: 'shutting down' }),
      {} as never,
    );
    expect(isTransientMongoError(wrapped)).toBe(true);
  });

  it('is false for bad input and for errors no wait can fix', () => {
    expect(isTransientMongoError(new UnrecoverableError('invalid user: name must be a string'))).toBe(false);
    expect(isTransientMongoError(new MongoServerError({ code: 11000, errmsg: 'duplicate key' }))).toBe(false);
    expect(isTransientMongoError(new MongoServerError({ code: 13, codeName: 'Unauthorized' }))).toBe(false);
    expect(isTransientMongoError(new Error('boom'))).toBe(false);
    expect(isTransientMongoError(undefined)).toBe(false);
  });
});
