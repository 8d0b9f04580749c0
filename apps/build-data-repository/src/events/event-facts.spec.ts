import {
  ENVIRONMENT_CREATED,
  PIPELINE_RUN_QUEUED,
  TASK_RUN_FINISHED,
  VERSION_ALLOCATED,
} from '@pipewright/contracts';
import { factsOf } from './event-facts';

describe(factsOf.name, () => {
  it('takes a pipeline run event’s run from its subject', () => {
    const event = { subject: { id: 'run-1', content: {} }, customData: { component: 'shop' } };

    expect(factsOf(PIPELINE_RUN_QUEUED, event)).toEqual({ runId: 'run-1', component: 'shop' });
  });

  it('takes a task run event’s run from its pipelineRun link', () => {
    const event = { subject: { id: 'task-1', content: { pipelineRun: { id: 'run-1' } } }, customData: { component: 'shop' } };

    expect(factsOf(TASK_RUN_FINISHED, event)).toEqual({ runId: 'run-1', component: 'shop' });
  });

  it('reads an environment’s run from customData, and none when it is long-lived', () => {
    const ephemeral = { subject: { id: 'env-1', content: {} }, customData: { runId: 'run-1', component: 'shop' } };
    const longLived = { subject: { id: 'env-2', content: {} }, customData: { component: 'shop' } };

    expect(factsOf(ENVIRONMENT_CREATED, ephemeral)).toEqual({ runId: 'run-1', component: 'shop' });
    expect(factsOf(ENVIRONMENT_CREATED, longLived)).toEqual({ runId: null, component: 'shop' });
  });

  it('reads a version’s run and component from its subject content', () => {
    const event = { subject: { id: 'shop@7', content: { component: 'shop', version: '7', runId: 'run-1' } } };

    expect(factsOf(VERSION_ALLOCATED, event)).toEqual({ runId: 'run-1', component: 'shop' });
  });

  it('knows nothing of an event that names neither', () => {
    expect(factsOf('dev.cdevents.incident.detected.0.2.0', { subject: { id: 'i-1', content: {} } })).toEqual({
      runId: null,
      component: null,
    });
  });
});
