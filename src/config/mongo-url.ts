/**
 * Reads the database out of a MongoDB connection string. Done by hand rather than with `new URL()`,
 * because seed lists (`mongodb://h1:27017,h2:27017/app?replicaSet=rs0`) are not WHATWG URLs.
 */
const MONGO_URL_SHAPE = /^mongodb(\+srv)?:\/\/([^/?#]+)(\/([^?#]*))?(\?[^#]*)?$/;

// Characters MongoDB refuses in database names (on any platform).
const FORBIDDEN_IN_DATABASE = /[/\\. "$*<>:|?\0]/;

export type MongoUrlParse = { ok: true; database: string } | { ok: false; problem: string };

export function parseMongoUrl(url: string): MongoUrlParse {
  const match = MONGO_URL_SHAPE.exec(url);
  if (!match) {
    return { ok: false, problem: 'must be a mongodb:// or mongodb+srv:// connection string' };
  }
  const rawPath = match[4] ?? '';
  let database: string;
  try {
    database = decodeURIComponent(rawPath);
  } catch {
    return { ok: false, problem: 'has a badly encoded database name' };
  }
  if (database === '') {
    return {
      ok: false,
      problem: 'must name the database in its path, as in mongodb://host:27017/app?replicaSet=rs0',
    };
  }
  if (FORBIDDEN_IN_DATABASE.test(database) || database.length > 63) {
    return { ok: false, problem: `names an invalid database ${JSON.stringify(database)}` };
  }
  return { ok: true, database };
}

/** `mongodb://h:p/?replicaSet=rs0` -> `mongodb://h:p/<database>?replicaSet=rs0` */
export function withDatabase(uri: string, database: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(?:\/[^?]*)?(\?.*)?$/.exec(uri);
  if (match === null) throw new Error(`not a MongoDB connection string: ${uri}`);
  return `${match[1]}/${encodeURIComponent(database)}${match[2] ?? ''}`;
}
