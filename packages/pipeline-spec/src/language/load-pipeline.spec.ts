import { formatErrors } from '../errors/spec-error';
import { type PipelineGraph, type Step, type TaskNode } from '../graph/pipeline-graph';
import { stageTasks } from '../graph/select';
import { type TaskTypeRegistry } from '../task-types/task-types';
import { type LoadOptions, loadPipeline, parsePipelineText } from './load-pipeline';

const HEADER = 'component: hello\nteam: team-hello\nsolution: greetings\n';

function files(map: Record<string, string>): Pick<LoadOptions, 'readFile' | 'listDir'> {
  return {
    readFile: (file) => map[file],
    listDir: (dir) =>
      Object.keys(map)
        .filter((file) => file.startsWith(`${dir}/`))
        .map((file) => file.slice(dir.length + 1)),
  };
}

function load(text: string, options: LoadOptions = {}): PipelineGraph {
  const sut = parsePipelineText(text, 'pipewright.yml', options);
  if (!sut.ok) throw new Error(`expected the pipeline to load:\n${formatErrors(sut.errors)}`);
  return sut.graph;
}

function errorsOf(text: string, options: LoadOptions = {}): string[] {
  const sut = parsePipelineText(text, 'pipewright.yml', options);
  if (sut.ok) throw new Error('expected errors');
  return formatErrors(sut.errors).split('\n');
}

function task(graph: PipelineGraph, id: string): TaskNode {
  const found = graph.stages.flatMap(stageTasks).find((t) => t.id === id);
  if (found === undefined) throw new Error(`no task ${id}`);
  return found;
}

function names(steps: Step[]): (string | string[][])[] {
  return steps.map((step) =>
    step.kind === 'task' ? step.task.name : step.lanes.map((lane) => lane.map((t) => t.name)),
  );
}

describe(parsePipelineText.name, () => {
  describe('the simplest form', () => {
    const text = `${HEADER}pipeline:
  name: hello
  stages:
    - name: build
      tasks:
        - name: compile
          run: make
    - name: test
      tasks:
        - name: unit
          run: make test
`;

    it('turns `run:` into a shell task and runs stages in file order', () => {
      const graph = load(text);
      expect(graph.stages.map((s) => [s.name, s.needs])).toEqual([
        ['build', []],
        ['test', ['build']],
      ]);
      expect(task(graph, 'build.compile')).toMatchObject({
        uses: 'shell',
        with: { run: 'make' },
        stage: 'build',
        name: 'compile',
      });
    });

    it('applies the defaults: 1h timeout, one attempt, not idempotent, no condition', () => {
      const compile = task(load(text), 'build.compile');
      expect(compile.timeoutMs).toBe(3_600_000);
      expect(compile.retry).toEqual({ attempts: 1, initialDelayMs: 1000, maxDelayMs: 60_000, jitter: 0.5 });
      expect(compile.idempotent).toBe(false);
      expect(compile.if).toBeUndefined();
      expect(compile.pool).toBeUndefined();
    });

    it('records where each task and stage is written', () => {
      const graph = load(text);
      expect(graph.stages[1]?.source).toEqual({ file: 'pipewright.yml', line: 11, column: 7 });
      expect(task(graph, 'test.unit').source).toEqual({ file: 'pipewright.yml', line: 13, column: 11 });
    });

    it('names the pipeline after the component when it has no name', () => {
      expect(load(text.replace('  name: hello\n', '')).name).toBe('hello');
    });
  });

  describe('needs', () => {
    it('forms a DAG with fan-out and fan-in, ordered topologically', () => {
      const graph = load(`${HEADER}pipeline:
  stages:
    release:
      needs: [unit, integration]
      tasks: [{ name: tag, run: git tag }]
    build:
      needs: []
      tasks: [{ name: compile, run: make }]
    unit:
      needs: build
      tasks: [{ name: unit, run: make unit }]
    integration:
      needs: [build]
      tasks: [{ name: integration, run: make it }]
`);
      expect(graph.stages.map((s) => s.name)).toEqual(['build', 'unit', 'integration', 'release']);
      expect(graph.stages.find((s) => s.name === 'release')?.needs).toEqual(['unit', 'integration']);
    });

    it('starts a stage with `needs: []` at once', () => {
      const graph = load(`${HEADER}pipeline:
  stages:
    - name: build
      tasks: [{ name: compile, run: make }]
    - name: docs
      needs: []
      tasks: [{ name: site, run: make site }]
`);
      expect(graph.stages.find((s) => s.name === 'docs')?.needs).toEqual([]);
    });
  });

  describe('lifecycle sections and parallel lanes', () => {
    const graph = load(`${HEADER}pipeline:
  stages:
    - name: verify
      first:
        - name: setup
          run: ./setup.sh
      main:
        - name: build
          run: make
        - parallel:
            - - name: deploy-a
                run: ./deploy a
              - name: test-a
                run: ./test a
            - name: lint
              run: make lint
        - name: publish
          run: make publish
      last:
        - name: teardown
          run: ./teardown.sh
`);
    const stage = graph.stages[0];

    it('keeps first, main and last apart', () => {
      expect(names(stage?.sections.first ?? [])).toEqual(['setup']);
      expect(names(stage?.sections.last ?? [])).toEqual(['teardown']);
    });

    it('keeps parallel lanes, each a serial list (a single task is a lane of one)', () => {
      expect(names(stage?.sections.main ?? [])).toEqual(['build', [['deploy-a', 'test-a'], ['lint']], 'publish']);
    });
  });

  describe('task options', () => {
    const graph = load(`${HEADER}pipeline:
  stages:
    - name: deploy
      tasks:
        - name: compile
          run: make
          outputs:
            version: The version built.
        - name: ship
          uses: shell
          with:
            run: ./ship.sh \${{ tasks.compile.outputs.version }}
            shell: bash
          env:
            PORT: 8080
            VERSION: 1.10
            DEBUG: true
          timeout: 1h30m
          retry:
            attempts: 4
            backoff: { initial: 2s, max: 30s, jitter: false }
          if: \${{ tasks.compile.outcome == 'success' }}
          pool: linux-large
          idempotent: true
          outputs: [url]
        - name: quick-retry
          run: ./flaky.sh
          retry: 3
          if: failure()
        - name: disabled
          run: ./never.sh
          if: false
`);

    it('reads with, env (as written), timeout, retry, if, pool, idempotent and outputs', () => {
      expect(task(graph, 'deploy.ship')).toMatchObject({
        uses: 'shell',
        with: { run: './ship.sh ${{ tasks.compile.outputs.version }}', shell: 'bash' },
        env: { PORT: '8080', VERSION: '1.10', DEBUG: 'true' },
        timeoutMs: 5_400_000,
        retry: { attempts: 4, initialDelayMs: 2000, maxDelayMs: 30_000, jitter: 0 },
        if: "tasks.compile.outcome == 'success'",
        pool: 'linux-large',
        idempotent: true,
        outputs: ['url'],
      });
      expect(task(graph, 'deploy.compile').outputs).toEqual(['version']);
    });

    it('accepts `retry: <attempts>`, a bare condition, and `if: false`', () => {
      expect(task(graph, 'deploy.quick-retry')).toMatchObject({ retry: { attempts: 3 }, if: 'failure()' });
      expect(task(graph, 'deploy.disabled').if).toBe('false');
    });
  });

  describe('task types', () => {
    const taskTypes: TaskTypeRegistry = {
      deploy: {
        description: 'Deploys an image.',
        inputs: {
          image: { type: 'string', required: true, description: 'The image.' },
          replicas: { type: 'number', default: 2, description: 'How many.' },
          strategy: { type: 'string', enum: ['rolling', 'recreate'], description: 'How.' },
          hosts: { type: 'string-list', description: 'Hosts.' },
        },
      },
    };

    it('validates `with` against the registry the caller passes, applying defaults', () => {
      const graph = load(
        `${HEADER}pipeline:
  stages:
    - name: deploy
      tasks:
        - name: ship
          uses: deploy
          with: { image: "app:1", hosts: [a, b] }
`,
        { taskTypes },
      );
      expect(task(graph, 'deploy.ship').with).toEqual({ image: 'app:1', hosts: ['a', 'b'], replicas: 2 });
    });

    it('reports unknown types, wrong value types and values outside an enum', () => {
      expect(
        errorsOf(
          `${HEADER}pipeline:
  stages:
    - name: deploy
      tasks:
        - name: ship
          uses: deploy
          with: { image: "app:1", replicas: many, strategy: rolling-update, hosts: a }
        - name: build
          run: make
`,
          { taskTypes },
        ),
      ).toEqual([
        'pipewright.yml:10:45: input "replicas" of task "ship" in stage "deploy" must be a number; found the string "many"',
        'pipewright.yml:10:61: input "strategy" of task "ship" in stage "deploy" must be one of rolling, recreate; found "rolling-update"',
        'pipewright.yml:10:84: input "hosts" of task "ship" in stage "deploy" must be a list of strings; found the string "a"',
        'pipewright.yml:12:11: "run" needs the shell task type, which is not available here',
      ]);
    });

    it('lets an expression stand for a value of any type', () => {
      const graph = load(
        `${HEADER}pipeline:
  stages:
    - name: deploy
      tasks:
        - name: ship
          uses: deploy
          with: { image: app, replicas: "\${{ env.REPLICAS }}" }
`,
        { taskTypes },
      );
      expect(task(graph, 'deploy.ship').with.replicas).toBe('${{ env.REPLICAS }}');
    });
  });

  describe('environments and approvals', () => {
    const graph = load(`${HEADER}pipeline:
  stages:
    - name: acceptance
      environment:
        name: acceptance
        size: medium
        ephemeral:
          command: node server.js
          healthPath: /health
          readyTimeout: 90s
          env: { LOG_LEVEL: debug, WORKERS: 2 }
      tasks: [{ name: test, run: make acceptance }]
    - name: legacy-form
      environment:
        name: test
        command: node server.js
      tasks: [{ name: smoke, run: curl "$PIPEWRIGHT_ENV_URL" }]
    - name: production
      environment: production
      approval:
        approvers: [alice, "group:release-managers"]
        timeout: 2d
      tasks: [{ name: deploy, run: ./deploy.sh }]
    - name: gate
      approval: { approvers: "bob, carol" }
`);

    it('reads an ephemeral environment into a local-process spec', () => {
      expect(graph.stages[0]?.environment).toEqual({
        lifetime: 'ephemeral',
        name: 'acceptance',
        size: 'medium',
        spec: {
          driver: 'local-process',
          command: 'node server.js',
          healthPath: '/health',
          readyTimeoutSeconds: 90,
          env: { LOG_LEVEL: 'debug', WORKERS: '2' },
        },
      });
    });

    it('accepts the flat form of the walking skeleton (command beside name) as ephemeral', () => {
      expect(graph.stages[1]?.environment).toMatchObject({
        lifetime: 'ephemeral',
        name: 'test',
        size: 'small',
        spec: { healthPath: '/' },
      });
    });

    it('reads a named environment as long-lived, and approvals with their timeout', () => {
      expect(graph.stages[2]?.environment).toEqual({ lifetime: 'long-lived', name: 'production' });
      expect(graph.stages[2]?.approval).toEqual({
        approvers: ['alice', 'group:release-managers'],
        timeoutMs: 172_800_000,
      });
    });

    it('allows a stage that is only an approval gate', () => {
      expect(graph.stages[3]?.approval).toEqual({ approvers: ['bob', 'carol'] });
    });
  });

  describe('flavours', () => {
    const flavour = `description: Build and deploy.
inputs:
  build:
    default: make
  replicas:
    type: number
    default: 1
  verbose:
    type: boolean
  target:
    required: true
    description: Where to deploy.
  approvers:
    default: group:ops
pipeline:
  stages:
    - name: build
      tasks:
        - name: compile
          run: \${{ inputs.build }}
    - name: deploy
      environment: \${{ inputs.target }}
      approval:
        approvers: \${{ inputs.approvers }}
      tasks:
        - name: ship
          run: ./ship.sh --replicas \${{ inputs.replicas }}
          pool: \${{ inputs.target }}-pool
`;
    const io = files({
      'platform/flavours/service.yml': flavour,
      'repo/.pipewright/flavours/tiny.yml':
        'pipeline:\n  stages:\n    - name: only\n      tasks: [{ name: x, run: "true" }]\n',
    });
    const dirs = ['repo/.pipewright/flavours', 'platform/flavours'];

    it('resolves inputs (given, defaulted) and the fields fixed before the run', () => {
      const graph = load(`${HEADER}flavour: service\ninputs:\n  target: staging\n  replicas: 3\n`, {
        ...io,
        flavourDirs: dirs,
      });
      expect(graph.source).toEqual({
        file: 'pipewright.yml',
        flavour: { name: 'service', file: 'platform/flavours/service.yml' },
      });
      expect(graph.inputs).toEqual({ build: 'make', replicas: 3, target: 'staging', approvers: 'group:ops' });
      const deploy = graph.stages[1];
      expect(deploy?.environment).toEqual({ lifetime: 'long-lived', name: 'staging' });
      expect(deploy?.approval?.approvers).toEqual(['group:ops']);
      expect(task(graph, 'deploy.ship')).toMatchObject({
        pool: 'staging-pool',
        with: { run: './ship.sh --replicas ${{ inputs.replicas }}' },
      });
      expect(task(graph, 'build.compile').source.file).toBe('platform/flavours/service.yml');
    });

    it('lets command-line inputs win, converting text to the declared type', () => {
      const graph = load(`${HEADER}flavour: service\ninputs:\n  target: staging\n`, {
        ...io,
        flavourDirs: dirs,
        inputs: { target: 'production', replicas: '5', verbose: 'true' },
      });
      expect(graph.inputs).toMatchObject({ target: 'production', replicas: 5, verbose: true });
    });

    it('reports command-line inputs that are unknown or of the wrong type', () => {
      expect(
        errorsOf(`${HEADER}flavour: service\ninputs:\n  target: staging\n`, {
          ...io,
          flavourDirs: dirs,
          inputs: { replica: '2', verbose: 'yes' },
        }),
      ).toEqual([
        '--input: unknown input "replica" for flavour "service"; did you mean "replicas"?',
        '--input: input "verbose" must be true or false; found "yes"',
      ]);
    });

    it('finds flavours in the folders in the order given', () => {
      const graph = load(`${HEADER}flavour: tiny\n`, { ...io, flavourDirs: dirs });
      expect(graph.source.flavour?.file).toBe('repo/.pipewright/flavours/tiny.yml');
    });

    it('suggests a flavour from the folders for a typo', () => {
      expect(errorsOf(`${HEADER}flavour: servce\n`, { ...io, flavourDirs: dirs })).toEqual([
        'pipewright.yml:4:10: unknown flavour "servce"; did you mean "service"? (looked in: repo/.pipewright/flavours, platform/flavours)',
      ]);
    });
  });

  describe('includes', () => {
    const io = files({
      'ci/stages.yml': 'stages:\n  - name: lint\n    tasks:\n      - include: steps/lint.yml\n',
      'ci/steps/lint.yml':
        'tasks:\n  - name: eslint\n    run: npx eslint .\n  - name: prettier\n    run: npx prettier --check .\n',
      'ci/build.yml': 'tasks:\n  - name: compile\n    run: make\n',
    });

    it('splices stages and tasks from fragment files, relative to the including file', () => {
      const graph = load(
        `${HEADER}pipeline:
  stages:
    - include: ci/stages.yml
    - name: build
      tasks:
        - include: ci/build.yml
        - parallel:
            - include: ci/steps/lint.yml
            - name: docs
              run: make docs
`,
        io,
      );
      expect(graph.stages.map((s) => s.name)).toEqual(['lint', 'build']);
      expect(names(graph.stages[0]?.sections.main ?? [])).toEqual(['eslint', 'prettier']);
      expect(names(graph.stages[1]?.sections.main ?? [])).toEqual(['compile', [['eslint', 'prettier'], ['docs']]]);
      expect(task(graph, 'lint.eslint').source).toEqual({ file: 'ci/steps/lint.yml', line: 2, column: 5 });
    });

    it('reads files from disk by default, relative to the working directory', () => {
      const sut = loadPipeline({ file: 'test/fixtures/strawberry/pipewright.yml' });
      expect(sut.ok).toBe(true);
    });
  });

  describe('YAML features', () => {
    it('follows anchors, aliases and merge keys', () => {
      const graph = load(`${HEADER}pipeline:
  stages:
    - name: build
      tasks:
        - &defaults
          name: compile
          run: make
          timeout: 5m
          retry: 2
        - <<: *defaults
          name: package
          run: make package
`);
      expect(task(graph, 'build.package')).toMatchObject({
        timeoutMs: 300_000,
        retry: { attempts: 2 },
        with: { run: 'make package' },
      });
    });
  });

  describe('errors', () => {
    it('collects every error rather than stopping at the first, up to a limit', () => {
      const stages = Array.from(
        { length: 8 },
        (_, i) => `    - name: s${i}\n      tasks: [{ name: t, run: make, timeout: 5 }]\n`,
      ).join('');
      const sut = parsePipelineText(`${HEADER}pipeline:\n  stages:\n${stages}`, 'pipewright.yml', { maxErrors: 5 });
      expect(sut.ok).toBe(false);
      const errors = sut.ok ? [] : sut.errors;
      expect(errors).toHaveLength(6);
      expect(errors[5]).toMatchObject({ code: 'too-many-errors', message: 'too many errors; stopped after 5' });
    });

    it('gives each error a stable code', () => {
      const sut = parsePipelineText(
        `${HEADER}pipeline:\n  stages:\n    - name: a\n      need: []\n      tasks: [{ name: t, uses: nope }]\n`,
        'p.yml',
      );
      expect(sut.ok ? [] : sut.errors.map((e) => e.code)).toEqual(['unknown-key', 'unknown-task-type']);
    });

    it('reports a file that cannot be read', () => {
      expect(loadPipeline({ file: 'nowhere/pipewright.yml' })).toEqual({
        ok: false,
        errors: [
          {
            file: 'nowhere/pipewright.yml',
            line: 1,
            column: 1,
            code: 'file-not-found',
            message: 'cannot read the pipeline: no such file',
          },
        ],
      });
    });

    it('lists errors file by file, in the order the files were read', () => {
      const io = files({ 'frag.yml': 'tasks:\n  - name: x\n    runn: make\n' });
      expect(
        errorsOf(
          `${HEADER}pipeline:\n  stages:\n    - name: a\n      tasks:\n        - include: frag.yml\n        - name: y\n          run: \${{ bad( }}\n`,
          io,
        ),
      ).toEqual([
        'pipewright.yml:10:24: invalid expression: unexpected end of the expression; expected a value',
        'frag.yml:3:5: unknown key "runn" in task "x" in stage "a"; did you mean "run"?',
      ]);
    });
  });
});
