import { parsePipelineText, type PipelineGraph } from '@pipewright/pipeline-spec';
import { InexpressiblePipelineError, toStartRunRequest } from './to-start-run-request';

function graphOf(yaml: string): PipelineGraph {
  const result = parsePipelineText(yaml, 'pipewright.yml', { readFile: () => undefined });
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.graph;
}

const hello = `
component: hello
team: team-hello
solution: greetings
pipeline:
  name: hello
  stages:
    - name: build
      tasks:
        - name: check
          run: node --check server.js && echo "\${{ run.component }} ok"
          timeout: 90s
    - name: deploy
      environment: { name: test, command: node server.js, healthPath: /health }
      tasks:
        - name: smoke
          run: curl -fsS "$PIPEWRIGHT_ENV_URL/hello"
          env: { WHO: "\${{ run.team }}" }
`;

describe(toStartRunRequest.name, () => {
  it('turns stages in order with shell tasks and an ephemeral environment into the POST /runs body', () => {
    const sut = toStartRunRequest(graphOf(hello), { workspace: '/repo', revision: 'abc123' });
    expect(sut).toEqual({
      component: 'hello',
      team: 'team-hello',
      solution: 'greetings',
      revision: 'abc123',
      workspace: '/repo',
      pipeline: {
        name: 'hello',
        stages: [
          {
            name: 'build',
            tasks: [{ name: 'check', run: 'node --check server.js && echo "hello ok"', env: {}, timeoutSeconds: 90 }],
          },
          {
            name: 'deploy',
            environment: {
              name: 'test',
              size: 'small',
              command: 'node server.js',
              healthPath: '/health',
              readyTimeoutSeconds: 60,
              env: {},
            },
            tasks: [
              {
                name: 'smoke',
                run: 'curl -fsS "$PIPEWRIGHT_ENV_URL/hello"',
                env: { WHO: 'team-hello' },
                timeoutSeconds: 3600,
              },
            ],
          },
        ],
      },
    });
  });

  it('lists everything the engine cannot run yet', () => {
    const graph = graphOf(`
component: berry
team: berries
solution: fruit
pipeline:
  stages:
    - name: build
      tasks:
        - { name: compile, run: make, outputs: [version] }
      last:
        - { name: clean, run: make clean }
    - name: verify
      needs: []
      approval: { approvers: alice }
      tasks:
        - parallel:
            - { name: a, run: ./test.sh a }
            - { name: b, run: "./deploy.sh \${{ env.TARGET }}" }
`);
    let error: unknown;
    try {
      toStartRunRequest(graph, { workspace: '/repo' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InexpressiblePipelineError);
    expect((error as InexpressiblePipelineError).reasons).toEqual([
      'stage "build" has a "last" section',
      'task "build.compile" declares outputs',
      'stage "verify" needs []; the engine runs stages one after another, so each may only need the stage before it',
      'stage "verify" has an approval',
      'stage "verify" has parallel lanes',
      'task "verify.b" command uses env.TARGET, known only while the run executes',
    ]);
  });
});
