/**
 * deploy/kubernetes/*.yaml checked without a cluster. kubectl's own validation downloads the schemas from
 * an API server, so it cannot run here; instead every document is type-checked against kubernetes-types,
 * the TypeScript declarations generated from Kubernetes' OpenAPI spec. An object literal checked with
 * `satisfies` rejects unknown fields (a misspelled one), wrong types and missing required fields, as the
 * API server's strict field validation does. kubectl still renders the kustomization (offline), and
 * yamllint checks the style.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { parse, parseAllDocuments } from 'yaml';

const ROOT = join(__dirname, '..', '..', '..');
const MANIFESTS = join(ROOT, 'deploy', 'kubernetes');

interface Manifest {
  file: string;
  index: number;
  text: string;
  doc: K8sObject;
}

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

interface Container {
  name: string;
  args?: string[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  ports?: { name?: string; containerPort: number }[];
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
}

interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: { terminationGracePeriodSeconds?: number; containers: Container[] };
}

function loadManifests(directory: string): Manifest[] {
  return readdirSync(directory)
    .filter(file => file.endsWith('.yaml') && file !== 'kustomization.yaml')
    .sort()
    .flatMap(file =>
      parseAllDocuments(readFileSync(join(directory, file), 'utf8')).map((document, index) => {
        if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0].message}`);
        return { file, index, text: String(document), doc: document.toJS() as K8sObject };
      }),
    );
}

/** kubernetes-types lays its modules out by API group: `apps/v1`, `core/v1` (the core group, `v1`)... */
function typesModuleOf(typesRoot: string, apiVersion: string): string | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['core', apiVersion];
  const module = join(typesRoot, group.replace(/\.k8s\.io$/, '').split('.')[0], version);
  return existsSync(`${module}.d.ts`) ? module : undefined;
}

function kubernetesTypesRoot(): string {
  try {
    return dirname(require.resolve('kubernetes-types/package.json'));
  } catch {
    throw new Error('kubernetes-types (a devDependency) is not installed: run npm ci');
  }
}

/** Every problem TypeScript finds in the manifests, as `file#document: message`; empty when all conform. */
function schemaProblems(manifests: Manifest[]): string[] {
  const typesRoot = kubernetesTypesRoot();
  const problems: string[] = [];
  const lines: string[] = [];
  const owners: string[] = [];
  const emit = (line: string, owner: string) => {
    lines.push(line);
    owners.push(owner);
  };
  manifests.forEach(({ file, index, doc }, n) => {
    const where = `${file}#${index} (${doc.kind} ${doc.metadata?.name})`;
    const module = typesModuleOf(typesRoot, doc.apiVersion);
    if (module === undefined) {
      problems.push(`${where}: kubernetes-types has no schema for apiVersion ${doc.apiVersion}`);
      return;
    }
    emit(`import type { ${doc.kind} as T${n} } from ${JSON.stringify(module)};`, where);
    // One property per line, so a diagnostic's line tells which document it is about.
    const literal = JSON.stringify(doc, null, 1).split('\n');
    literal[0] = `export const d${n} = ${literal[0]}`;
    literal[literal.length - 1] += ` satisfies T${n};`;
    for (const text of literal) emit(text, where);
  });

  const directory = mkdtempSync(join(tmpdir(), 'k8s-manifests-'));
  try {
    const source = join(directory, 'manifests.ts');
    writeFileSync(source, lines.join('\n'));
    const program = ts.createProgram([source], {
      strict: true,
      noEmit: true,
      types: [],
      lib: ['lib.es2022.d.ts'],
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
    });
    for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
      if (diagnostic.file?.fileName !== source || diagnostic.start === undefined) {
        problems.push(message);
        continue;
      }
      const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
      problems.push(`${owners[line]}: ${lines[line].trim()}: ${message}`);
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  return problems;
}

const manifests = loadManifests(MANIFESTS);
const byKind = (kind: string) => manifests.map(m => m.doc).filter(doc => doc.kind === kind);
const podTemplateOf = (doc: K8sObject): PodTemplate =>
  doc.kind === 'CronJob'
    ? (doc.spec as { jobTemplate: { spec: { template: PodTemplate } } }).jobTemplate.spec.template
    : (doc.spec as { template: PodTemplate }).template;
const deployment = (role: string) => {
  const found = byKind('Deployment').find(doc => doc.metadata.name === `user-sync-${role}`);
  if (found === undefined) throw new Error(`no Deployment user-sync-${role}`);
  return found;
};
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

describe('deploy/kubernetes', () => {
  it('has the namespace, config, secrets, every role, the budgets, the autoscaler and verify', () => {
    const names = manifests.map(({ doc }) => `${doc.kind}/${doc.metadata.name}`).sort();
    expect(names).toEqual(
      [
        'Namespace/user-sync',
        'ConfigMap/user-sync',
        'Secret/user-sync-dashboard',
        'Secret/user-sync-webhooks',
        'Deployment/user-sync-listener',
        'Deployment/user-sync-worker',
        'Deployment/user-sync-dashboard',
        'Deployment/user-sync-webhooks',
        'Service/user-sync-dashboard',
        'Service/user-sync-webhooks',
        'PodDisruptionBudget/user-sync-listener',
        'PodDisruptionBudget/user-sync-worker',
        'PodDisruptionBudget/user-sync-webhooks',
        'HorizontalPodAutoscaler/user-sync-worker',
        'CronJob/user-sync-verify',
      ].sort(),
    );
  });

  it("conforms to Kubernetes' schemas, every document", () => {
    expect(schemaProblems(manifests)).toEqual([]);
  }, 60_000);

  it('rejects a misspelled field, a wrong type and an unknown kind (the check above can fail)', () => {
    const deployment = manifests.find(({ doc }) => doc.kind === 'Deployment')!;
    const broken = (from: string, to: string): Manifest => {
      expect(deployment.text).toContain(from);
      return { ...deployment, doc: parse(deployment.text.replace(from, to)) as K8sObject };
    };
    const problems = schemaProblems([
      broken('containerPort:', 'containerPrt:'),
      broken('terminationGracePeriodSeconds: 45', "terminationGracePeriodSeconds: '45'"),
      broken('kind: Deployment', 'kind: Deploymnet'),
    ]);
    expect(problems).toEqual([
      expect.stringMatching(/containerPrt.*does not exist in type 'ContainerPort'/s),
      expect.stringMatching(/terminationGracePeriodSeconds.*not assignable to type 'number'/s),
      expect.stringMatching(/has no exported member named 'Deploymnet'/),
    ]);
  }, 60_000);

  it('selects its own pods: Deployments, Services and budgets match the pod labels', () => {
    const templates = byKind('Deployment').map(doc => {
      const spec = doc.spec as { selector: { matchLabels: Record<string, string> } };
      const template = podTemplateOf(doc);
      expect(matches(spec.selector.matchLabels, template.metadata.labels)).toBe(true);
      return template;
    });
    for (const doc of [...byKind('Service'), ...byKind('PodDisruptionBudget')]) {
      // A Service selects with a plain map, a budget with a LabelSelector.
      const { selector } = doc.spec as { selector: Record<string, unknown> };
      const labels = (doc.kind === 'Service' ? selector : selector.matchLabels) as Record<string, string>;
      const selected = templates.filter(template => matches(labels, template.metadata.labels));
      expect({ [doc.metadata.name]: selected.length }).toEqual({ [doc.metadata.name]: 1 });
    }
  });

  it('refers only to ConfigMaps, Secrets, keys and ports that exist', () => {
    const configMaps = new Set(byKind('ConfigMap').map(doc => doc.metadata.name));
    const secrets = new Map(
      byKind('Secret').map(doc => [doc.metadata.name, Object.keys(doc.stringData as Record<string, string>)]),
    );
    for (const doc of [...byKind('Deployment'), ...byKind('CronJob')]) {
      for (const container of podTemplateOf(doc).spec.containers) {
        for (const source of container.envFrom ?? []) {
          if (source.configMapRef) expect(configMaps).toContain(source.configMapRef.name);
          if (source.secretRef) expect([...secrets.keys()]).toContain(source.secretRef.name);
        }
        for (const variable of container.env ?? []) {
          const ref = variable.valueFrom?.secretKeyRef;
          if (ref) expect(secrets.get(ref.name)).toContain(ref.key);
        }
        const portNames = (container.ports ?? []).map(port => port.name);
        for (const probe of [container.livenessProbe, container.readinessProbe])
          if (probe?.httpGet) expect(portNames).toContain(probe.httpGet.port);
      }
    }
    for (const service of byKind('Service')) {
      const role = service.metadata.labels?.role ?? '';
      const portNames = podTemplateOf(deployment(role)).spec.containers.flatMap(c => c.ports ?? []);
      for (const port of (service.spec as { ports: { targetPort: string }[] }).ports)
        expect(portNames.map(p => p.name)).toContain(port.targetPort);
    }
  });

  it('gives every pod longer to stop than user-sync takes to drain', () => {
    const config = byKind('ConfigMap')[0].data as Record<string, string>;
    for (const role of ['listener', 'worker', 'dashboard', 'webhooks']) {
      const grace = podTemplateOf(deployment(role)).spec.terminationGracePeriodSeconds ?? 30;
      expect(grace * 1000).toBeGreaterThan(Number(config.SHUTDOWN_TIMEOUT_MS));
    }
  });

  it('runs each role with its command; listeners are gated on /healthz, the others on /readyz', () => {
    for (const role of ['listener', 'worker', 'dashboard', 'webhooks']) {
      const [container] = podTemplateOf(deployment(role)).spec.containers;
      expect(container.args).toEqual([role]);
      expect(container.livenessProbe?.httpGet?.path).toBe('/healthz');
      expect(container.readinessProbe?.httpGet?.path).toBe(role === 'listener' ? '/healthz' : '/readyz');
    }
  });

  it('serves the webhook on WEBHOOK_PORT 3001 with its secret, and exposes only that port', () => {
    const [container] = podTemplateOf(deployment('webhooks')).spec.containers;
    const env = Object.fromEntries((container.env ?? []).map(variable => [variable.name, variable]));
    expect(env.WEBHOOK_PORT.value).toBe('3001');
    expect(env.CLERK_WEBHOOK_SECRET.valueFrom?.secretKeyRef).toEqual({
      name: 'user-sync-webhooks',
      key: 'CLERK_WEBHOOK_SECRET',
    });
    expect(container.ports).toContainEqual({ name: 'webhooks', containerPort: 3001 });
    const service = byKind('Service').find(doc => doc.metadata.name === 'user-sync-webhooks');
    expect((service?.spec as { ports: { targetPort: string }[] }).ports.map(port => port.targetPort)).toEqual(
      ['webhooks'],
    );
    // The dashboard's credentials stay out of the internet-facing role.
    expect(container.envFrom?.some(source => source.secretRef !== undefined)).toBe(false);
  });

  it('runs verify as a CronJob that fails its Job, once, when verify exits 1', () => {
    const [cron] = byKind('CronJob');
    const spec = cron.spec as { concurrencyPolicy: string; jobTemplate: { spec: { backoffLimit: number } } };
    const pod = podTemplateOf(cron) as PodTemplate & { spec: { restartPolicy: string } };
    expect(spec.jobTemplate.spec.backoffLimit).toBe(0);
    expect(pod.spec.restartPolicy).toBe('Never');
    expect(pod.spec.containers[0].args?.[0]).toBe('verify');
    expect(spec.concurrencyPolicy).toBe('Forbid');
  });

  it('renders with kubectl kustomize (offline): every role in one namespace, the opt-ins left out', () => {
    const run = spawnSync('kubectl', ['kustomize', MANIFESTS], { encoding: 'utf8', timeout: 30_000 });
    expect(run.error).toBeUndefined();
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    const rendered = parseAllDocuments(run.stdout).map(document => document.toJS() as K8sObject);
    const optIn = ['secrets.example.yaml', 'worker-hpa.yaml'];
    const expected = manifests.filter(({ file }) => !optIn.includes(file)).map(({ doc }) => doc);
    expect(rendered.map(doc => `${doc.kind}/${doc.metadata.name}`).sort()).toEqual(
      expected.map(doc => `${doc.kind}/${doc.metadata.name}`).sort(),
    );
    for (const doc of rendered.filter(doc => doc.kind !== 'Namespace'))
      expect((doc.metadata as { namespace?: string }).namespace).toBe('user-sync');
  });

  it('passes yamllint, with deploy/.yamllint (which agrees with prettier)', () => {
    const run = spawnSync(
      'yamllint',
      ['--strict', '-c', join(ROOT, 'deploy', '.yamllint'), join(ROOT, 'deploy')],
      {
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(run.error).toBeUndefined();
    expect({ status: run.status, output: run.stdout + run.stderr }).toEqual({ status: 0, output: '' });
  });
});
