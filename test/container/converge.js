/**
 * The compose smoke test's end-to-end check, run inside a user-sync container (`node - < converge.js`, cwd
 * /app) so it reaches MongoDB as the roles do and needs nothing on the host: an owner is inserted, then
 * renamed, and each time the account's `owner` copy must follow. Prints one JSON line with the delays.
 */
const { setTimeout: sleep } = require('node:timers/promises');
const { MongoClient, ObjectId } = require('mongodb');

// Generous: right after compose stops a container, DNS lookups in the others can stall for tens of seconds
// (podman with aardvark-dns), and this process has to look up \`mongo\` once.
const TIMEOUT_MS = 90_000;

async function waitFor(what, check) {
  const deadline = Date.now() + TIMEOUT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${TIMEOUT_MS} ms`);
    await sleep(20);
  }
}

async function main() {
  const client = await new MongoClient(process.env.MONGO_URL, {
    serverSelectionTimeoutMS: TIMEOUT_MS,
    connectTimeoutMS: TIMEOUT_MS,
  }).connect();
  try {
    const db = client.db();
    const users = db.collection(process.env.USERS_COLLECTION || '_users');
    const accounts = db.collection(process.env.ACCOUNTS_COLLECTION || '_accounts');
    const account = new ObjectId();
    const owner = {
      _id: new ObjectId(),
      account,
      is_owner: true,
      name: 'Smoke Owner',
      email: 'o@smoke.test',
    };
    await accounts.insertOne({ _id: account });

    let started = Date.now();
    await users.insertOne(owner);
    await waitFor('the owner copy after the insert', async () => {
      const copy = await accounts.findOne({ _id: account });
      return copy?.owner?.name === 'Smoke Owner' && copy.owner.id.equals(owner._id);
    });
    const insertMs = Date.now() - started;

    started = Date.now();
    await users.updateOne({ _id: owner._id }, { $set: { name: 'Smoke Owner Renamed' } });
    await waitFor('the owner copy after the update', async () => {
      const copy = await accounts.findOne({ _id: account });
      return copy?.owner?.name === 'Smoke Owner Renamed';
    });
    const updateMs = Date.now() - started;
    process.stdout.write(`${JSON.stringify({ insertMs, updateMs })}\n`);
  } finally {
    await client.close();
  }
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 1;
});
