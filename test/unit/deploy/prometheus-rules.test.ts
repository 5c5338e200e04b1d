/**
 * deploy/prometheus/alerts.yml through promtool (Debian's prometheus package): the rules load, and
 * alerts.test.yml's unit tests pass, with every alert firing in at least one of them.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ALERT_TESTS_FILE, ALERTS_FILE, loadAlertRules, unknownMetricNames } from './operator-kit-files';

interface RuleTests {
  rule_files: string[];
  tests: { name: string; alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
}

function promtool(...args: string[]) {
  const run = spawnSync('promtool', args, { encoding: 'utf8', timeout: 60_000 });
  if (run.error) throw new Error(`promtool (Debian package prometheus) could not run: ${run.error.message}`);
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

const rules = loadAlertRules();
const ruleTests = parse(readFileSync(ALERT_TESTS_FILE, 'utf8')) as RuleTests;

describe('deploy/prometheus/alerts.yml', () => {
  it('covers what an operator must hear about', () => {
    expect(rules.map(rule => rule.alert).sort()).toEqual(
      [
        'UserSyncDown',
        'UserSyncNoListenerLeader',
        'UserSyncChangeStreamClosed',
        'UserSyncChangeStreamFailing',
        'UserSyncListenerLagHigh',
        'UserSyncQueueBacklogGrowing',
        'UserSyncJobsFailing',
        'UserSyncJobsRetrying',
        'UserSyncDeadLettersGrowing',
        'UserSyncDeadLettersOld',
        'UserSyncRedisErrors',
        'UserSyncDrift',
      ].sort(),
    );
    for (const rule of rules) {
      expect({ [rule.alert]: rule.labels?.severity }).toEqual({ [rule.alert]: expect.stringMatching(/./) });
      expect({ [rule.alert]: rule.annotations?.summary }).toEqual({
        [rule.alert]: expect.stringMatching(/./),
      });
      expect({ [rule.alert]: unknownMetricNames(rule.expr) }).toEqual({ [rule.alert]: [] });
    }
  });

  it('passes promtool check rules', () => {
    const result = promtool('check', 'rules', ALERTS_FILE);
    expect(result).toEqual({
      status: 0,
      output: expect.stringContaining(`SUCCESS: ${rules.length} rules found`),
    });
  });

  it('passes its unit tests (promtool test rules), in which every alert fires', () => {
    expect(ruleTests.rule_files).toEqual(['alerts.yml']);
    const fired = new Set(
      ruleTests.tests.flatMap(test =>
        (test.alert_rule_test ?? [])
          .filter(check => check.exp_alerts.length > 0)
          .map(check => check.alertname),
      ),
    );
    expect(rules.map(rule => rule.alert).filter(alert => !fired.has(alert))).toEqual([]);
    const result = promtool('test', 'rules', ALERT_TESTS_FILE);
    expect(result).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('fails its unit tests when a rule changes (so the test above can fail)', () => {
    const directory = mkdtempSync(join(tmpdir(), 'alerts-'));
    try {
      const alerts = readFileSync(ALERTS_FILE, 'utf8');
      expect(alerts).toContain('max(user_sync_listener_lag_seconds) > 30');
      writeFileSync(
        join(directory, 'alerts.yml'),
        alerts.replace(
          'max(user_sync_listener_lag_seconds) > 30',
          'max(user_sync_listener_lag_seconds) > 300',
        ),
      );
      copyFileSync(ALERT_TESTS_FILE, join(directory, 'alerts.test.yml'));
      const result = promtool('test', 'rules', join(directory, 'alerts.test.yml'));
      expect(result.status).not.toBe(0);
      expect(result.output).toMatch(/FAILED[\s\S]*alertname: UserSyncListenerLagHigh/);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
