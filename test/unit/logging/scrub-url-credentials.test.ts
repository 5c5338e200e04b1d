import { scrubUrlCredentials } from '../../../src/logging/scrub-url-credentials';

describe('scrubUrlCredentials', () => {
  it.each([
    ['mongodb://admin:s3cret@db:27017/app', 'mongodb://admin:***@db:27017/app'],
    [
      'mongodb+srv://svc:s3cret@cluster.example.net/app?x=1',
      'mongodb+srv://svc:***@cluster.example.net/app?x=1',
    ],
    ['redis://:s3cret@cache:6379', 'redis://:***@cache:6379'],
    ['rediss://default:s3cret@cache:6380/0', 'rediss://default:***@cache:6380/0'],
    ['mongodb://u:p@ss@db/app', 'mongodb://u:***@db/app'],
    ['mongodb://a:1@h1,b:2@h2/app', 'mongodb://a:***@h2/app'],
    [
      'failed: connect mongodb://u:pw@h:1 then redis://:pw2@r:2 too',
      'failed: connect mongodb://u:***@h:1 then redis://:***@r:2 too',
    ],
    ['{"url":"mongodb://u:pw@h","email":"a@b.co"}', '{"url":"mongodb://u:***@h","email":"a@b.co"}'],
  ])('masks %s', (input, expected) => {
    expect(scrubUrlCredentials(input)).toBe(expected);
  });

  it.each(['mongodb://db:27017/app', 'redis://cache:6379', 'https://user@example.com/x', 'plain text a:b@c'])(
    'leaves %s alone',
    input => {
      expect(scrubUrlCredentials(input)).toBe(input);
    },
  );
});
