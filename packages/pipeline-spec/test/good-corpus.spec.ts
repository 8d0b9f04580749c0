import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { type ZodType } from 'zod';
import {
  formatErrors,
  loadPipeline,
  type LoadOptions,
  type PipelineGraph,
  pipelineGraphSchema,
  stageTasks,
  type Step,
  type TaskNode,
} from '../src';
import { documentSchemas } from '../src/language/document.schema';

const repoRoot = path.join(__dirname, '..', '..', '..');
const fixtures = path.join(__dirname, 'fixtures');

function load(file: string, options: LoadOptions = {}): PipelineGraph {
  const result = loadPipeline({ file, ...options });
  if (!result.ok) throw new Error(`expected ${file} to load:\n${formatErrors(result.errors)}`);
  // Every good graph survives being stored as the run's definition snapshot and read back.
  expect(pipelineGraphSchema.parse(JSON.parse(JSON.stringify(result.graph)))).toEqual(result.graph);
  return result.graph;
}

function task(graph: PipelineGraph, id: string): TaskNode {
  const found = graph.stages.flatMap(stageTasks).find((t) => t.id === id);
  if (found === undefined)
    throw new Error(
      `no task ${id} in ${graph.stages
        .flatMap(stageTasks)
        .map((t) => t.id)
        .join(', ')}`,
    );
  return found;
}

function needs(graph: PipelineGraph): Record<string, string[]> {
  return Object.fromEntries(graph.stages.map((s) => [s.name, s.needs]));
}

function steps(list: Step[]) {
  return list.map((s) => (s.kind === 'task' ? s.task.name : s.lanes.map((lane) => lane.map((t) => t.name))));
}

describe('good pipelines', () => {
  it('examples/hello/pipewright.yml: the walking skeleton form, as it is', () => {
    const graph = load(path.join(repoRoot, 'examples/hello/pipewright.yml'));
    expect(graph).toMatchObject({
      component: 'hello',
      team: 'team-hello',
      solution: 'greetings',
      name: 'hello',
      inputs: {},
    });
    expect(needs(graph)).toEqual({ build: [], deploy: ['build'] });
    expect(steps(graph.stages[0]?.sections.main ?? [])).toEqual(['check', 'unit-test']);
    expect(task(graph, 'build.check').with).toEqual({ run: 'node --check server.js && echo "syntax ok"' });
    expect(graph.stages[1]?.environment).toEqual({
      lifetime: 'ephemeral',
      name: 'test',
      size: 'small',
      spec: {
        driver: 'local-process',
        command: 'node server.js',
        healthPath: '/health',
        readyTimeoutSeconds: 60,
        env: {},
      },
    });
  });

  describe('the classic flavour', () => {
    const dirs = [path.join(fixtures, 'classic-service/.pipewright/flavours'), path.join(fixtures, 'flavours')];
    const graph = load(path.join(fixtures, 'classic-service/pipewright.yml'), { flavourDirs: dirs });

    it('has the classic stages, with capacity and exploratory side by side and pre-production after both', () => {
      expect(needs(graph)).toEqual({
        commit: [],
        acceptance: ['commit'],
        capacity: ['acceptance'],
        exploratory: ['acceptance'],
        'pre-production': ['capacity', 'exploratory'],
        production: ['pre-production'],
      });
    });

    it('resolves the inputs the service gives, and the defaults', () => {
      expect(graph.source.flavour?.name).toBe('classic');
      expect(graph.inputs).toMatchObject({
        start: 'node server.js',
        deploy: './deploy.sh',
        capacityUsers: 200,
        healthPath: '/health',
      });
    });

    it('creates ephemeral environments for acceptance and capacity from the inputs', () => {
      const byName = Object.fromEntries(graph.stages.map((s) => [s.name, s]));
      expect(byName.acceptance?.environment).toMatchObject({
        lifetime: 'ephemeral',
        size: 'small',
        spec: { command: 'node server.js', healthPath: '/health' },
      });
      expect(byName.capacity?.environment).toMatchObject({ lifetime: 'ephemeral', size: 'large' });
      expect(byName.production?.environment).toEqual({ lifetime: 'long-lived', name: 'production' });
    });

    it('asks for approval before exploratory testing and production', () => {
      const byName = Object.fromEntries(graph.stages.map((s) => [s.name, s]));
      expect(byName.exploratory?.approval).toEqual({ approvers: ['group:qa'] });
      expect(byName.production?.approval).toEqual({
        approvers: ['alice', 'group:release-managers'],
        timeoutMs: 604_800_000,
      });
    });

    it('retries the pre-production deploy with backoff and marks deploys idempotent', () => {
      expect(task(graph, 'pre-production.deploy')).toMatchObject({
        retry: { attempts: 3, initialDelayMs: 10_000, maxDelayMs: 120_000, jitter: 0.2 },
        idempotent: true,
      });
      expect(steps(graph.stages[5]?.sections.last ?? [])).toEqual(['announce']);
    });

    it('finds a flavour in the repository folder first', () => {
      const quick = load(path.join(fixtures, 'classic-service/quick.pipewright.yml'), { flavourDirs: dirs });
      expect(quick).toMatchObject({ name: 'quick', inputs: { test: 'npm test' } });
    });
  });

  it('strawberry: shared build steps from includes, then parallel lanes, then publish', () => {
    const graph = load(path.join(fixtures, 'strawberry/pipewright.yml'));
    expect(needs(graph)).toEqual({ build: [], verify: ['build'], publish: ['verify'] });
    const build = graph.stages[0];
    expect(steps(build?.sections.first ?? [])).toEqual(['toolchain', 'cache']);
    expect(steps(build?.sections.main ?? [])).toEqual(['compile']);
    expect(steps(build?.sections.last ?? [])).toEqual(['clean']);
    expect(task(graph, 'build.cache').source.file).toBe(path.join(fixtures, 'strawberry/fragments/setup-tasks.yml'));
    expect(steps(graph.stages[1]?.sections.main ?? [])).toEqual([
      [
        ['deploy-a', 'test-a'],
        ['deploy-b', 'test-b'],
      ],
    ]);
    expect(task(graph, 'publish.publish').if).toBe("stages.verify.outcome == 'success'");
  });

  it('fan-out: a map of stages fanning out after build and in at release', () => {
    const graph = load(path.join(fixtures, 'fan-out/pipewright.yml'));
    expect(graph.stages.map((s) => s.name)).toEqual(['build', 'lint', 'unit', 'integration', 'release']);
    expect(needs(graph)).toMatchObject({
      lint: [],
      unit: ['build'],
      integration: ['build'],
      release: ['unit', 'integration', 'lint'],
    });
    expect(task(graph, 'integration.integration')).toMatchObject({
      pool: 'linux-large',
      with: { run: 'make integration SCHEMA=${{ tasks.migrate.outputs.schema }}' },
    });
    expect(task(graph, 'integration.report').if).toBe('failure()');
    expect(task(graph, 'release.tag').env).toEqual({
      TOKEN: '${{ secrets.RELEASE_TOKEN }}',
      COMMIT: '${{ run.revision }}',
    });
  });

  it('every good file also matches the published JSON Schema (via the zod schemas it is generated from)', () => {
    const { pipewrightFile, flavourFile, fragmentFile } = documentSchemas();
    const check = (schema: ZodType, file: string) => {
      const result = schema.safeParse(parse(fs.readFileSync(file, 'utf8')));
      expect({ file, issues: result.success ? [] : result.error.issues }).toEqual({ file, issues: [] });
    };
    check(pipewrightFile, path.join(repoRoot, 'examples/hello/pipewright.yml'));
    for (const file of ['classic-service/pipewright.yml', 'strawberry/pipewright.yml', 'fan-out/pipewright.yml'])
      check(pipewrightFile, path.join(fixtures, file));
    check(flavourFile, path.join(fixtures, 'flavours/classic.yml'));
    for (const file of ['strawberry/fragments/build-stage.yml', 'strawberry/fragments/setup-tasks.yml'])
      check(fragmentFile, path.join(fixtures, file));
  });
});
