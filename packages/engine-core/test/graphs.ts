import { parsePipelineText, type PipelineGraph } from '@pipewright/pipeline-spec';
import {
  executePipeline,
  mockTaskExecutor,
  type ExecuteOptions,
  type MockBehaviour,
  type RunReporter,
  type RunState,
} from '../src';

/** A graph from a `pipeline:` body (indented by 2); throws with the spec errors when it does not load. */
export function graphOf(pipelineBody: string, inputs: Record<string, string> = {}): PipelineGraph {
  const text = `component: shop\nteam: team-shop\nsolution: retail\npipeline:\n${pipelineBody}`;
  const result = parsePipelineText(text, 'pipewright.yml', { inputs });
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.line}:${e.column}: ${e.message}`).join('\n'));
  return result.graph;
}

/** A reporter that writes every event as one line (`task.started build.compile#1`), and the last state. */
export function recordingReporter(): RunReporter & { events: string[]; lines: string[]; states: RunState[] } {
  const events: string[] = [];
  const lines: string[] = [];
  const states: RunState[] = [];
  const snap = (state: Readonly<RunState>) => states.push(JSON.parse(JSON.stringify(state)) as RunState);
  return {
    events,
    lines,
    states,
    onRunStarted: (e) => void events.push(`run.started${e.resumed ? ' resumed' : ''}`),
    onStageStarted: (e) => void events.push(`stage.started ${e.stage.name}`),
    onStageFinished: (e) => {
      events.push(`stage.finished ${e.stage.name} ${e.outcome}${e.reason ? ` (${e.reason})` : ''}`);
      snap(e.state);
    },
    onApproval: (e) =>
      void events.push(
        e.kind === 'requested'
          ? `approval.requested ${e.stage.name}`
          : `approval.decided ${e.stage.name} ${e.decision.decision} by ${e.decision.by}`,
      ),
    onEnvironment: (e) => void events.push(`environment.${e.kind} ${e.stage.name} ${e.environment.url}`),
    onTaskStarted: (e) => {
      events.push(`task.started ${e.task.id}#${e.attempt}`);
      snap(e.state);
    },
    onTaskLine: (e) => void lines.push(`${e.task.id}: ${e.line.text}`),
    onTaskFinished: (e) =>
      void events.push(
        `task.finished ${e.task.id}#${e.result.attempt} ${e.result.outcome}${e.result.willRetry ? ` retry in ${e.result.retryInMs}ms` : ''}`,
      ),
    onWarning: (e) => void events.push(`warning ${e.message}`),
    onRunFinished: (e) => {
      events.push(`run.finished ${e.outcome}`);
      snap(e.state);
    },
  };
}

/**
 * A graph from a flavour: `flavourText` is the flavour file (`inputs:` and `pipeline:`), `inputs` the values
 * pipewright.yml gives it.
 */
export function flavourGraphOf(flavourText: string, inputs: Record<string, string> = {}): PipelineGraph {
  const inputLines = Object.entries(inputs).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`);
  const text = `component: shop\nteam: team-shop\nsolution: retail\nflavour: classic\n${inputLines.length ? `inputs:\n${inputLines.join('\n')}\n` : ''}`;
  const files: Record<string, string> = { 'flavours/classic.yml': flavourText };
  const result = parsePipelineText(text, 'pipewright.yml', {
    flavourDirs: ['flavours'],
    readFile: (file) => files[file],
    listDir: () => ['classic.yml'],
  });
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.file}:${e.line}:${e.column}: ${e.message}`).join('\n'));
  return result.graph;
}

/**
 * The state a durable reporter had committed when the engine died (`kill -9`) as `taskId` started its
 * first attempt: what a resumed run continues from.
 */
export async function crashWhenStarting(
  g: PipelineGraph,
  taskId: string,
  behaviour: MockBehaviour = {},
  options: Partial<ExecuteOptions> = {},
): Promise<RunState> {
  let saved: RunState | undefined;
  const mock = mockTaskExecutor(behaviour);
  await expect(
    executePipeline(g, {
      run: { id: 'run-1' },
      workspace: '/tmp',
      taskExecutor: mock,
      clock: mock.clock,
      ...options,
      reporter: {
        onTaskStarted: (event) => {
          saved = JSON.parse(JSON.stringify(event.state)) as RunState;
          if (event.task.id === taskId) throw new Error('kill -9');
        },
      },
    }),
  ).rejects.toMatchObject({ code: 'reporter-failed' });
  if (saved === undefined) throw new Error('no state saved');
  expect(saved.tasks[taskId]).toMatchObject({ status: 'running', attempts: 1 });
  return saved;
}
