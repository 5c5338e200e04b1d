import { loadMongoEmulator, MONGO_EMULATOR_MISSING } from '../../../src/dev/load-mongo-emulator';

const failing = (code: string) => () =>
  Promise.reject(Object.assign(new Error(`Cannot find module`), { code }));

describe('loadMongoEmulator', () => {
  it.each(['MODULE_NOT_FOUND', 'ERR_MODULE_NOT_FOUND'])(
    'says what to install when the package is absent (%s)',
    async code => {
      await expect(loadMongoEmulator(failing(code))).rejects.toMatchObject({
        name: 'MongoEmulatorMissingError',
        message: MONGO_EMULATOR_MISSING,
      });
      expect(MONGO_EMULATOR_MISSING).toMatch(/@user-sync\/mongo-emulator.*npm install.*MONGO_URL/);
      expect(MONGO_EMULATOR_MISSING).not.toContain('\n');
    },
  );

  it('passes any other failure on unchanged', async () => {
    await expect(loadMongoEmulator(failing('EACCES'))).rejects.toMatchObject({ code: 'EACCES' });
  });

  it('loads the installed package', async () => {
    const { startMongoEmulator } = await loadMongoEmulator();
    expect(typeof startMongoEmulator).toBe('function');
  });
});
