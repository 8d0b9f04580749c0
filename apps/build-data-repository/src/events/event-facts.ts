/**
 * What the event log indexes of an event: the run and the component it belongs to. Read from where our
 * contracts put them, so types added later are indexed without a change here:
 * - run: the subject of a pipeline-run event; otherwise `subject.content.pipelineRun.id` (CDEvents'
 *   link from task and test runs), `customData.runId` or `subject.content.runId`.
 * - component: `customData.component` or `subject.content.component`.
 */
export interface EventFacts {
  runId: string | null;
  component: string | null;
}

const PIPELINE_RUN_TYPE = /^dev\.cdevents\.pipelinerun\./;

export function factsOf(type: string, event: unknown): EventFacts {
  const subject = field(event, 'subject');
  const content = field(subject, 'content');
  const customData = field(event, 'customData');
  const runId = PIPELINE_RUN_TYPE.test(type)
    ? text(field(subject, 'id'))
    : (text(field(field(content, 'pipelineRun'), 'id')) ?? text(field(customData, 'runId')) ?? text(field(content, 'runId')));
  return {
    runId: runId ?? null,
    component: text(field(customData, 'component')) ?? text(field(content, 'component')) ?? null,
  };
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
