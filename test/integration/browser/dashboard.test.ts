import { chromium, type Browser, type Page } from 'playwright-core';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness';
import { aUser, anOrder, insertAll, metaOf } from '../../support/sync-fixtures';
import { spawnCli, type CliProcess } from '../../support/cli-process';
import { trackResource } from '../../support/leak-guard';
import { waitUntil } from '../../support/wait-until';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const QUEUES = [
  'owner-sync',
  'manager-sync',
  'specialist-sync',
  'responsible-rebuild',
  'task-cascade',
  'dead-letter',
];
const CREDENTIALS = { username: 'ops', password: 'browser-secret' };

/** SCREENSHOT_DIR=/tmp keeps what the browser saw, to look at. */
async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.SCREENSHOT_DIR;
  if (dir !== undefined) await page.screenshot({ path: join(dir, `user-sync-dashboard-${name}.png`) });
}

/**
 * An operator in a real (headless) browser, on a machine with no way out: logs in to the dashboard, sees
 * every queue, finds the failed job in dead-letter with its reason and the command that replays it, and
 * retries it with a click once the bad data is fixed; the job then completes. Every request to another
 * origin is refused and recorded, as an offline machine would refuse it.
 */
describe('the dashboard in a browser', () => {
  let h: SyncHarness;
  let dashboard: CliProcess;
  let url: string;
  let browser: Browser;
  /** Requests the pages tried to send anywhere but the dashboard's own origin. */
  const foreign: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run installs it)`);
    }
    h = await startSyncHarness({ JOB_ATTEMPTS: '3' });
    await h.startWorkers();
    dashboard = spawnCli(['dashboard'], {
      MONGO_URL: h.mongo.urlFor(h.db.databaseName),
      REDIS_URL: h.config.redisUrl,
      QUEUE_PREFIX: h.config.queuePrefix,
      HOST: '127.0.0.1',
      PORT: '0',
      DASHBOARD_USER: CREDENTIALS.username,
      DASHBOARD_PASSWORD: CREDENTIALS.password,
      LOG_LEVEL: 'info',
    });
    // The line that says the board is served: the server listens earlier, while the role waits for its servers.
    [, url] = await dashboard.waitFor(/"url":"(http:\/\/[^"]+)","dashboard"/);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    trackResource(browser, 'browser', 'chromium', () => browser.isConnected());
  });
  afterAll(async () => {
    await browser?.close();
    await dashboard?.stop();
    await h?.close();
  });

  async function pageWith(httpCredentials?: { username: string; password: string }): Promise<Page> {
    const context = await browser.newContext(httpCredentials ? { httpCredentials } : {});
    await context.route('**/*', route => {
      const target = new URL(route.request().url());
      if (target.origin === new URL(url).origin) return route.continue();
      foreign.push(target.href);
      return route.abort('internetdisconnected');
    });
    return context.newPage();
  }

  /**
   * The status the browser got for the page. Headless Chromium answers an auth challenge it cannot meet
   * by aborting the navigation (net::ERR_INVALID_AUTH_CREDENTIALS), so the status is read off the response.
   */
  async function navigationStatus(page: Page, target: string): Promise<number> {
    const response = page.waitForResponse(candidate => candidate.url() === target);
    await page.goto(target).catch(() => undefined);
    return (await response).status();
  }

  it('refuses the page without credentials and with wrong ones (401)', async () => {
    const anonymous = await pageWith();
    expect(await navigationStatus(anonymous, `${url}/`)).toBe(401);
    expect(await anonymous.getByText('manager-sync').count()).toBe(0);
    await anonymous.context().close();

    const wrong = await pageWith({ username: 'ops', password: 'guess' });
    expect(await navigationStatus(wrong, `${url}/`)).toBe(401);
    expect(await wrong.getByText('manager-sync').count()).toBe(0);
    await wrong.context().close();
  });

  it('shows the six queues, the failed job in dead-letter, and retries it by clicking; the job completes', async () => {
    const user = aUser({ email: 42 });
    const order = anOrder({ manager: user._id });
    await insertAll(h.collections, { users: [user], orders: [order] });
    await h.enqueue('manager-sync', { userId: user._id.toHexString() }, 'browser-1');
    const managerSync = h.queues.get('manager-sync');
    await waitUntil(
      'the job to fail',
      async () => (await (await managerSync.getJob('browser-1'))?.getState()) === 'failed',
    );

    const page = await pageWith(CREDENTIALS);
    expect((await page.goto(`${url}/`))?.status()).toBe(200);
    const sidebar = page.locator('#bull-board-sidebar, nav, aside').first();
    for (const queue of QUEUES) await sidebar.getByText(queue, { exact: true }).first().waitFor();

    await sidebar.getByText('dead-letter', { exact: true }).first().click();
    await page.waitForURL(/\/queue\/dead-letter/);
    await page.getByText('manager-sync__browser-1', { exact: true }).first().waitFor();
    // A parking lot, not a stuck queue: its title and description say so, and no "No workers" alarm shows.
    await page.getByText('dead-letter (parked failures)', { exact: true }).first().waitFor();
    // Bull Board shows the description on one line and cuts it where the window ends: the replay command
    // must be inside what is shown.
    const description = page.getByText(/^Parked failures, not a backlog/).first();
    await description.waitFor();
    expect(await description.textContent()).toContain('user-sync replay --all');
    const { shown, whole } = await description.evaluate(element => ({
      shown: element.clientWidth,
      whole: element.scrollWidth,
    }));
    expect(whole).toBeLessThanOrEqual(shown);
    expect(await page.getByText('No workers').count()).toBe(0);

    // The entry's Error tab carries the failure it recorded, not "No errors recorded".
    const entry = await h.queues.get('dead-letter').getJob('manager-sync__browser-1');
    const reason = String(entry?.data.failedReason);
    expect(reason).toMatch(/email must be a string/);
    const entryCard = page
      .locator('[class^="card-"]', { has: page.getByText('manager-sync__browser-1', { exact: true }) })
      .first();
    await entryCard.getByText('Error', { exact: true }).first().click();
    await entryCard.getByText(reason).first().waitFor();
    expect(await entryCard.getByText('No errors recorded').count()).toBe(0);
    await screenshot(page, 'dead-letter');
    await page.goto(`${url}/`);
    await page.getByText('dead-letter (parked failures)', { exact: true }).first().waitFor();
    expect(await page.getByText('No workers').count()).toBe(0);
    await screenshot(page, 'overview');
    await sidebar.getByText('dead-letter', { exact: true }).first().click();
    await page.getByText('manager-sync__browser-1', { exact: true }).first().waitFor();

    // The fix: the user gets a valid email. The job reads the user when it runs again.
    await h.collections.users.updateOne({ _id: user._id }, { $set: { email: 'fixed@example.com' } });

    await sidebar.getByText('manager-sync', { exact: true }).first().click();
    await page.waitForURL(/\/queue\/manager-sync/);
    await page
      .getByText(/^failed$/i)
      .first()
      .click();
    const card = page
      .locator('[class^="card-"]', { has: page.getByText('browser-1', { exact: true }) })
      .first();
    await card.waitFor();
    await card.locator('ul[class^="jobActions"] button:has(svg.lucide-refresh-cw)').click();
    await page.getByRole('button', { name: 'Confirm' }).click();

    await waitUntil(
      'the retried job to complete',
      async () => (await (await managerSync.getJob('browser-1'))?.getState()) === 'completed',
    );
    expect(
      (await h.collections.orders.findOne({ _id: order._id }))?.metadata.dashclicks_team.manager,
    ).toEqual(metaOf({ ...user, email: 'fixed@example.com' }));
    await page.context().close();
  });

  it('fetches nothing from another origin: with the machine offline, the page renders in full', async () => {
    foreign.length = 0;
    const page = await pageWith(CREDENTIALS);
    expect((await page.goto(`${url}/`))?.status()).toBe(200);
    const sidebar = page.locator('#bull-board-sidebar, nav, aside').first();
    for (const queue of QUEUES) await sidebar.getByText(queue, { exact: true }).first().waitFor();
    await sidebar.getByText('dead-letter', { exact: true }).first().click();
    await page.getByText('dead-letter (parked failures)', { exact: true }).first().waitFor();
    await page.waitForLoadState('networkidle');
    await screenshot(page, 'offline');
    expect(foreign).toEqual([]);
    await page.context().close();
  });
});
