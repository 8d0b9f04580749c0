import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DESTROY_ENVIRONMENT,
  ENVIRONMENT_CREATED,
  ENVIRONMENT_DELETED,
  ENVIRONMENT_FAILED,
  EnvironmentCreated,
  EnvironmentDeleted,
  EnvironmentFailed,
  newCDEvent,
  PIPELINE_RUN_FINISHED,
  PROVISION_ENVIRONMENT,
  type DestroyEnvironment,
} from '@pipewright/contracts';
import { OutboxMessage, ProcessedMessage } from '@pipewright/event-bus';
import { uniqueId, waitFor } from '@pipewright/testing';
import { LongLivedEnvironmentService } from '../src/environments/long-lived-environment.service';
import type { RunDto } from '../src/runs/run.dto';
import { EngineAppTestbed } from './support/engine-app';
import { PROVISIONER_COMMANDS } from './support/peers';

jest.setTimeout(120_000);

const PROVISIONER = '/test/environment-provisioner';
const HOW_TO_CREATE = 'with the environment provisioner (provision-environment command with lifetime long-lived)';

/** A one-stage pipeline deploying to the long-lived environment `environment`; its task keeps $PIPEWRIGHT_ENV_URL. */
const pipeline = (component: string, environment: string) => `component: ${component}
team: team-qa
solution: shop
pipeline:
  name: deploy
  stages:
    - name: deploy
      environment: ${environment}
      tasks:
        - name: remember-url
          run: printf '%s' "$PIPEWRIGHT_ENV_URL" > env-url.txt
`;

describe('pipeline-engine long-lived environments', () => {
  let bed: EngineAppTestbed;

  beforeAll(async () => {
    bed = await EngineAppTestbed.open();
  });

  afterAll(() => bed?.close());

  const http = () => bed.http();

  /** Plays the provisioner: `environment.created` of a long-lived environment, as of `at`. */
  function created(environmentId: string, name: string, url: string, at: Date): Promise<string> {
    const event = newCDEvent(
      ENVIRONMENT_CREATED,
      PROVISIONER,
      { id: environmentId, content: { name, url } },
      { ...OWNERSHIP, tags: tagsOf(name), resources: [] },
    );
    return bed.peers.bus.publishDirect(EnvironmentCreated, sentAt(event, at));
  }

  /** Plays the provisioner: `environment.deleted` of a long-lived environment, as of `at`. */
  function deleted(environmentId: string, name: string, at: Date): Promise<string> {
    const event = newCDEvent(
      ENVIRONMENT_DELETED,
      PROVISIONER,
      { id: environmentId, content: { name } },
      { ...OWNERSHIP, tags: tagsOf(name), deletedAt: at.toISOString(), resources: [] },
    );
    return bed.peers.bus.publishDirect(EnvironmentDeleted, sentAt(event, at));
  }

  /** Plays the provisioner: `environment.failed` of a long-lived environment, as of `at`. */
  function failed(environmentId: string, name: string, reason: string, at: Date): Promise<string> {
    const event = newCDEvent(
      ENVIRONMENT_FAILED,
      PROVISIONER,
      { id: environmentId, content: { name, reason } },
      OWNERSHIP,
    );
    return bed.peers.bus.publishDirect(EnvironmentFailed, sentAt(event, at));
  }

  /** Until the engine has applied these messages (they leave no trace on Kafka). */
  async function consumed(...messageIds: string[]): Promise<void> {
    await waitFor(
      async () => {
        const count = await bed.dataSource
          .getRepository(ProcessedMessage)
          .countBy(messageIds.map((messageId) => ({ consumer: 'environment-events', messageId })));
        return count === messageIds.length;
      },
      { timeoutMs: 30_000, description: `environment events ${messageIds.join(', ')} consumed` },
    );
  }

  /** Runs the pipeline deploying to `environment` in a new workspace, until it is finished. */
  async function runDeployingTo(environment: string): Promise<{ run: RunDto; workspace: string }> {
    const workspace = await bed.workspace('engine-long-lived-');
    const response = await http()
      .post('/runs')
      .send({ workspace, pipelineYaml: pipeline(uniqueId('shop-'), environment) })
      .expect(201);
    const runId = (response.body as { id: string }).id;
    await bed.peers.allocateVersion(runId, '1.0.0');
    await bed.peers.eventOf(PIPELINE_RUN_FINISHED, runId);
    const run = await waitFor(
      async () => {
        const answer = (await http().get(`/runs/${runId}`).expect(200)).body as RunDto;
        return answer.finishedAt !== null ? answer : null;
      },
      { timeoutMs: 30_000, description: `run ${runId} finished in GET /runs/:id` },
    );
    return { run, workspace };
  }

  it('gives a stage the URL of the ready environment it names, and never destroys or provisions it', async () => {
    const environmentId = uniqueId('qa-');
    await consumed(await created(environmentId, 'qa', 'http://qa.shop.test:8443', minutesAgo(10)));

    const { run, workspace } = await runDeployingTo('qa');

    expect(run).toMatchObject({ status: 'success', errors: null });
    expect(run.stages.map((s) => [s.name, s.status, s.errors])).toEqual([['deploy', 'success', null]]);
    expect(await readFile(join(workspace, 'env-url.txt'), 'utf8')).toBe('http://qa.shop.test:8443');
    // The run says which environment the stage ran in, as for an ephemeral one.
    expect(run.stages[0]!.environment).toEqual({
      id: environmentId,
      name: 'qa',
      lifetime: 'long-lived',
      status: 'ready',
      url: 'http://qa.shop.test:8443',
      failureReason: null,
    });
    // Every command the engine ever sent is in its outbox, written before the run was finished.
    const sent = await bed.dataSource
      .getRepository(OutboxMessage)
      .findBy([{ type: DESTROY_ENVIRONMENT }, { type: PROVISION_ENVIRONMENT }]);
    expect(sent).toEqual([]);
    const commands = bed.peers.tap.messages.filter((m) => m.topic.endsWith(PROVISIONER_COMMANDS));
    expect(commands.filter((m) => (m.data as DestroyEnvironment).environmentId === environmentId)).toEqual([]);
  });

  it('errors the stage of an unknown long-lived environment, saying how to create it', async () => {
    const { run } = await runDeployingTo('staging');

    expect(run.status).toBe('failure');
    expect(run.stages[0]).toMatchObject({
      name: 'deploy',
      status: 'error',
      errors: `environment "staging" could not be provided: no long-lived environment "staging" is known: create it ${HOW_TO_CREATE}`,
      environment: null,
      tasks: [expect.objectContaining({ name: 'remember-url', status: 'skipped' })],
    });
  });

  it('stays deleted when an older environment.created arrives after the deletion', async () => {
    const environmentId = uniqueId('perf-');
    const deletedAt = minutesAgo(5);
    const deletion = await deleted(environmentId, 'perf', deletedAt);
    const lateCreation = await created(environmentId, 'perf', 'http://perf.shop.test', minutesAgo(30));
    await consumed(deletion, lateCreation);

    const { run } = await runDeployingTo('perf');

    expect(run.status).toBe('failure');
    expect(run.stages[0]?.errors).toBe(
      `environment "perf" could not be provided: long-lived environment "perf" was deleted at ${deletedAt.toISOString()}: create it again ${HOW_TO_CREATE}`,
    );
  });

  it('errors with the reason the provisioner gave when the environment failed since it was created', async () => {
    const environmentId = uniqueId('load-');
    await consumed(
      await failed(environmentId, 'load', 'the database did not start', minutesAgo(1)),
      await created(environmentId, 'load', 'http://load.shop.test', minutesAgo(20)),
    );

    await expect(bed.app.get(LongLivedEnvironmentService).lookUp('load')).rejects.toThrow(
      'long-lived environment "load" failed: the database did not start',
    );
  });

  it("does not let a late deletion of a name's previous environment hide the one that replaced it", async () => {
    const previous = uniqueId('uat-old-');
    const replacement = uniqueId('uat-new-');
    await consumed(
      await created(replacement, 'uat', 'http://uat-2.shop.test', minutesAgo(10)),
      await deleted(previous, 'uat', minutesAgo(5)),
      await created(previous, 'uat', 'http://uat-1.shop.test', minutesAgo(60)),
    );

    const provided = await bed.app.get(LongLivedEnvironmentService).lookUp('uat');

    expect(provided).toEqual({
      url: 'http://uat-2.shop.test',
      details: { environmentId: replacement, lifetime: 'long-lived' },
    });
  });
});

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

/** Whose environments the test's long-lived ones are, as their events say. */
const OWNERSHIP = { component: 'platform', driver: 'local-process', lifetime: 'long-lived' as const };
const tagsOf = (environment: string) => ({
  service: 'platform',
  team: 'team-platform',
  solution: 'shop',
  environment,
  size: 'small',
});

/** The event as the provisioner would have sent it at `at` (its CDEvent timestamp is what orders events). */
const sentAt = <E extends { context: { timestamp: string } }>(event: E, at: Date): E => ({
  ...event,
  context: { ...event.context, timestamp: at.toISOString() },
});
