import { startRunRequestSchema } from '@pipewright/contracts';
import { stageTasks } from '@pipewright/pipeline-spec';
import { PipelineInvalid } from './run.errors';
import { resolveRunDefinition } from './run-definition';
import { parseStartRunBody } from './start-run.dto';

const inlineBody = {
  component: 'shop',
  team: 'team-a',
  solution: 'web',
  revision: 'abc123',
  workspace: '/srv/shop',
  pipeline: {
    name: 'ci',
    stages: [
      { name: 'build', tasks: [{ name: 'compile', run: 'make', env: { CC: 'gcc' }, timeoutSeconds: 90 }] },
      {
        name: 'verify',
        environment: { name: 'test', command: 'node server.js', healthPath: '/health', readyTimeoutSeconds: 30 },
        tasks: [{ name: 'smoke', run: 'curl "$PIPEWRIGHT_ENV_URL"' }],
      },
    ],
  },
};

const files = (entries: Record<string, string>) => (file: string) => entries[file];

describe(resolveRunDefinition.name, () => {
  it('turns the inline body into the graph it stands for: stages one after another, shell tasks, the environment', () => {
    const sut = resolveRunDefinition(
      { kind: 'inline', request: startRunRequestSchema.parse(inlineBody) },
      {
        flavourDirs: [],
      },
    );

    expect(sut).toMatchObject({ workspace: '/srv/shop', revision: 'abc123' });
    expect(sut.graph).toMatchObject({ component: 'shop', team: 'team-a', solution: 'web', name: 'ci' });
    const [build, verify] = sut.graph.stages;
    expect(build).toMatchObject({ name: 'build', needs: [] });
    expect(stageTasks(build!)).toEqual([
      expect.objectContaining({
        id: 'build.compile',
        uses: 'shell',
        with: { run: 'make' },
        env: { CC: 'gcc' },
        timeoutMs: 90_000,
      }),
    ]);
    expect(verify).toMatchObject({
      name: 'verify',
      needs: ['build'],
      environment: {
        lifetime: 'ephemeral',
        name: 'test',
        size: 'small',
        spec: { driver: 'local-process', command: 'node server.js', healthPath: '/health', readyTimeoutSeconds: 30 },
      },
    });
    expect(stageTasks(verify!).map((t) => [t.id, t.timeoutMs])).toEqual([['verify.smoke', 3_600_000]]);
  });

  it("loads the workspace's pipewright.yml with the repository's flavours before the platform's", () => {
    const read = files({
      '/srv/shop/pipewright.yml': 'component: shop\nteam: t\nsolution: s\nflavour: tiny\ninputs:\n  greeting: hi\n',
      '/srv/shop/.pipewright/flavours/tiny.yml':
        'inputs:\n  greeting: { required: true }\npipeline:\n  stages:\n    - name: only\n      tasks:\n        - name: greet\n          run: echo ${{ inputs.greeting }}\n',
    });

    const sut = resolveRunDefinition(parseStartRunBody({ workspace: '/srv/shop', inputs: { greeting: 'hello' } }), {
      flavourDirs: ['/platform/flavours'],
      readFile: read,
    });

    expect(sut.graph.source.flavour).toEqual({ name: 'tiny', file: '/srv/shop/.pipewright/flavours/tiny.yml' });
    expect(sut.graph.inputs).toEqual({ greeting: 'hello' });
  });

  it('locates each mistake of a pipewright.yml relative to the repository', () => {
    const body = parseStartRunBody({
      workspace: '/srv/shop',
      pipelineYaml: 'component: shop\nteam: t\nsolution: s\npipeline:\n  stages:\n    - name: build\n      taks: []\n',
    });

    const error = (() => {
      try {
        resolveRunDefinition(body, { flavourDirs: [], readFile: () => undefined });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();

    expect(error).toBeInstanceOf(PipelineInvalid);
    expect((error as PipelineInvalid).details).toContainEqual(
      expect.objectContaining({ file: 'pipewright.yml', line: 7, column: 7, location: 'pipewright.yml:7:7' }),
    );
  });

  it("puts the body's inputs over a posted graph's resolved values", () => {
    const graph = resolveRunDefinition(
      { kind: 'inline', request: startRunRequestSchema.parse(inlineBody) },
      {
        flavourDirs: [],
      },
    ).graph;

    const sut = resolveRunDefinition(
      parseStartRunBody({ workspace: '/srv/other', graph: { ...graph, inputs: { a: 1, b: 'x' } }, inputs: { b: 'y' } }),
      { flavourDirs: [] },
    );

    expect(sut).toMatchObject({ workspace: '/srv/other', graph: { inputs: { a: 1, b: 'y' } } });
    expect(sut.revision).toBeUndefined();
  });
});

describe(parseStartRunBody.name, () => {
  it('validates a body with inline keys as an inline pipeline, naming the fields', () => {
    expect(() => parseStartRunBody({ component: 'shop', workspace: '/w' })).toThrow(/team: .*pipeline: /s);
  });

  it('refuses both a pipewright.yml and a graph, keys it does not know, and relative workspaces', () => {
    const { graph } = resolveRunDefinition(
      { kind: 'inline', request: startRunRequestSchema.parse(inlineBody) },
      {
        flavourDirs: [],
      },
    );

    expect(() => parseStartRunBody({ workspace: '/w', pipelineYaml: 'x: 1', graph })).toThrow(
      /graph: give either "pipelineYaml" or "graph", not both/,
    );
    expect(() => parseStartRunBody({ workspace: '/w', pipelineYAML: 'x' })).toThrow(/pipelineYAML/);
    expect(() => parseStartRunBody({ workspace: 'relative' })).toThrow(/workspace: must be an absolute path/);
  });
});
