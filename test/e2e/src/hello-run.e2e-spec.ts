import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafka, postgres, topicPrefix, waitFor, type PostgresService } from '@pipewright/testing';
import { parse } from 'yaml';
import { OtlpReceiver } from './otlp-receiver';
import { freePortBase, repoRoot, startPlatform, type RunningPlatform } from './platform';

const SERVICES = [
  'pipeline-engine',
  'build-data-repository',
  'environment-provisioner',
  'telemetry-forwarder',
  'cost-reporter',
] as const;

interface RunView {
  id: string;
  status: string;
  outcome?: string | null;
  version?: string | null;
  stages: {
    name: string;
    outcome?: string | null;
    taskRuns: { taskName: string; status: string; outcome?: string | null }[];
  }[];
}

async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as T };
}

/**
 * The walking skeleton, end to end: a user triggers the hello example's pipeline and checks
 * what each of the five services did for it. Every assertion fails if one service stops
 * doing its part.
 */
describe('a run of examples/hello through the whole platform', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'pipewright-e2e-'));
  const ndjsonPath = join(workDir, 'logs.ndjson');
  const example = join(repoRoot, 'examples/hello');
  let db: PostgresService;
  let otlp: OtlpReceiver;
  let platform: RunningPlatform;

  async function trigger(): Promise<string> {
    const definition = parse(readFileSync(join(example, 'pipewright.yml'), 'utf8')) as Record<string, unknown>;
    const response = await fetch(`${platform.urls['pipeline-engine']}/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...definition, workspace: example, revision: 'e2e-rev-1' }),
    });
    const body = (await response.json()) as { id: string };
    expect(response.status).toBe(201);
    return body.id;
  }

  async function finishedRun(runId: string): Promise<RunView> {
    let run: RunView | undefined;
    await waitFor(
      async () => {
        const { status, body } = await getJson<RunView>(`${platform.urls['build-data-repository']}/runs/${runId}`);
        run = body;
        return status === 200 && !!body.outcome;
      },
      { timeoutMs: 120_000, intervalMs: 250, description: `run ${runId} finished in the build-data repository` },
    );
    return run!;
  }

  beforeAll(async () => {
    const [{ brokers }, database, receiver, portBase] = await Promise.all([
      kafka(),
      postgres(),
      OtlpReceiver.start(),
      freePortBase(),
    ]);
    db = database;
    otlp = receiver;
    platform = await startPlatform(
      {
        DATABASE_URL: db.url,
        KAFKA_BROKERS: brokers.join(','),
        KAFKA_TOPIC_PREFIX: topicPrefix(),
        PIPEWRIGHT_PORT_BASE: String(portBase),
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
        OTEL_BSP_SCHEDULE_DELAY: '200',
        FORWARDER_NDJSON_PATH: ndjsonPath,
        PROVISIONER_LOG_DIR: join(workDir, 'environments'),
        LOG_LEVEL: 'info',
      },
      join(workDir, 'platform.log'),
    );
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    await otlp?.close();
    await db?.drop();
  }, 60_000);

  it('builds, deploys to an ephemeral environment, records, forwards, prices and traces the run', async () => {
    const runId = await trigger();
    const run = await finishedRun(runId);

    // Build-data repository: the run as executed, every task, version 1.
    expect(run.outcome).toBe('success');
    expect(run.version).toBe('1');
    expect(run.stages.map((s) => [s.name, s.outcome])).toEqual([
      ['build', 'success'],
      ['deploy', 'success'],
    ]);
    expect(run.stages.flatMap((s) => s.taskRuns).map((t) => [t.taskName, t.outcome])).toEqual([
      ['check', 'success'],
      ['unit-test', 'success'],
      ['smoke', 'success'],
    ]);

    // Provisioner: the environment was created for the run and deleted after it; its process is gone.
    let environments: { status: string; url: string; resources: { details?: { pid?: number } }[] }[] = [];
    await waitFor(
      async () => {
        const { body } = await getJson<{ items: typeof environments }>(
          `${platform.urls['environment-provisioner']}/environments?runId=${runId}`,
        );
        environments = body.items;
        return body.items.length === 1 && body.items[0]?.status === 'deleted';
      },
      { timeoutMs: 60_000, description: 'the run environment deleted' },
    );
    const pid = environments[0]?.resources[0]?.details?.pid;
    expect(typeof pid).toBe('number');
    expect(() => process.kill(pid!, 0)).toThrow(/ESRCH/);

    // Telemetry forwarder: the tasks' output lines reached its sink.
    await waitFor(
      () => {
        let text: string;
        try {
          text = readFileSync(ndjsonPath, 'utf8');
        } catch {
          return false;
        }
        const lines = text
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { runId: string; taskName: string; text: string });
        const ours = lines.filter((l) => l.runId === runId);
        return (
          ours.some((l) => l.taskName === 'unit-test' && l.text === 'greet: ok') &&
          ours.some((l) => l.taskName === 'smoke' && l.text === 'hello, pipewright')
        );
      },
      { timeoutMs: 60_000, description: 'the unit-test and smoke output in the NDJSON sink' },
    );

    // Cost reporter: the environment's lifetime costs the component's team something.
    let teamCost = 0;
    await waitFor(
      async () => {
        const { body } = await getJson<{ items: { key: string; cost: number }[] }>(
          `${platform.urls['cost-reporter']}/costs?groupBy=team`,
        );
        teamCost = body.items.find((i) => i.key === 'team-hello')?.cost ?? 0;
        return teamCost > 0;
      },
      { timeoutMs: 60_000, description: 'a cost for team-hello' },
    );
    expect(teamCost).toBeGreaterThan(0);

    // Traces: every service's work for this run is in the run's one trace.
    const runSpan = await waitFor(
      () => otlp.spans.find((s) => s.name === 'RUN hello' && s.attributes['cicd.pipeline.run.id'] === runId),
      { timeoutMs: 60_000, description: 'the RUN hello span' },
    );
    await waitFor(
      () => SERVICES.every((service) => otlp.spans.some((s) => s.service === service && s.traceId === runSpan.traceId)),
      {
        timeoutMs: 60_000,
        description: `spans of all five services in trace ${runSpan.traceId}`,
      },
    ).catch((error: Error) => {
      const present = new Set(otlp.spans.filter((s) => s.traceId === runSpan.traceId).map((s) => s.service));
      throw new Error(`${error.message}; services present: ${[...present].join(', ')}`);
    });
  });

  it('gives the next run of the component the next version', async () => {
    const run = await finishedRun(await trigger());
    expect(run.outcome).toBe('success');
    expect(run.version).toBe('2');
  });
});
