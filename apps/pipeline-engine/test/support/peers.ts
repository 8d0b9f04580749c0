import {
  ENVIRONMENT_CREATED,
  EnvironmentCreated,
  LOG_LINES,
  newCDEvent,
  PIPELINE_RUN_QUEUED,
  PROVISION_ENVIRONMENT,
  Topics,
  VERSION_ALLOCATED,
  VersionAllocated,
  deadLetterTopic,
  type LogLines,
  type ProvisionEnvironment,
} from '@pipewright/contracts';
import { EventBus, EventTap, type TappedMessage } from '@pipewright/event-bus';

export interface CDEventData {
  subject: { id: string; content: Record<string, unknown> };
  customData: Record<string, unknown>;
}

export const cdevent = (m: TappedMessage) => m.data as CDEventData;
export const traceIdOf = (m: TappedMessage) => m.attributes.traceparent?.split('-')[1];

export const PROVISIONER_COMMANDS = Topics.commands('environment-provisioner');

/**
 * The engine's counterparts, played by a test: the build-data repository (versions) and the
 * environment provisioner (environments), plus a tap on everything the engine publishes.
 */
export class Peers {
  private constructor(
    readonly bus: EventBus,
    readonly tap: EventTap,
  ) {}

  static async open(brokers: string[], topicPrefix: string): Promise<Peers> {
    const bus = new EventBus({ brokers, service: 'test-peers', topicPrefix });
    await bus.connect();
    // The engine may not have started yet to create them (with their dead-letter topics).
    await bus.ensureTopics([Topics.cdevents, Topics.logs, PROVISIONER_COMMANDS]);
    const tap = await EventTap.open(bus, [
      Topics.cdevents,
      Topics.logs,
      PROVISIONER_COMMANDS,
      deadLetterTopic(Topics.cdevents),
    ]);
    return new Peers(bus, tap);
  }

  async close(): Promise<void> {
    await this.tap.close();
    await this.bus.disconnect();
  }

  /** The message of `type` about run `runId` (by partition key: every message of a run is keyed by it). */
  eventOf(type: string, runId: string, where: (m: TappedMessage) => boolean = () => true, timeoutMs = 60_000) {
    return this.tap.waitFor((m) => m.attributes?.type === type && m.attributes.partitionkey === runId && where(m), {
      timeoutMs,
      description: `${type} of run ${runId}`,
    });
  }

  /** Every message of `type` about run `runId` seen so far. */
  eventsOf(type: string, runId: string): TappedMessage[] {
    return this.tap.messages.filter((m) => m.attributes?.type === type && m.attributes.partitionkey === runId);
  }

  /** Plays the build-data repository: answers the run's `pipelinerun.queued` with a version. */
  async allocateVersion(runId: string, version: string): Promise<CDEventData> {
    const queued = cdevent(await this.eventOf(PIPELINE_RUN_QUEUED, runId));
    const component = queued.customData.component as string;
    await this.bus.publishDirect(
      VersionAllocated,
      newCDEvent(
        VERSION_ALLOCATED,
        '/test/build-data-repository',
        { id: `${component}@${version}`, content: { component, version, runId } },
        {},
      ),
    );
    return queued;
  }

  /** Plays the environment provisioner: answers the run's provision command with `environment.created`. */
  async createEnvironment(runId: string, url: string): Promise<ProvisionEnvironment> {
    const command = (await this.eventOf(PROVISION_ENVIRONMENT, runId)).data as ProvisionEnvironment;
    await this.bus.publishDirect(
      EnvironmentCreated,
      newCDEvent(
        ENVIRONMENT_CREATED,
        '/test/environment-provisioner',
        { id: command.environmentId, content: { name: command.name, url } },
        {
          runId,
          component: command.component,
          driver: command.spec.driver,
          lifetime: command.lifetime,
          tags: {
            service: command.component,
            team: command.team,
            solution: command.solution,
            environment: command.name,
            size: command.size,
          },
          resources: [],
        },
      ),
    );
    return command;
  }

  /** The output lines of a run's task seen so far, in order. */
  logLinesOf(runId: string, taskName: string) {
    return this.tap.messages
      .filter((m) => m.attributes?.type === LOG_LINES && (m.data as LogLines).runId === runId)
      .map((m) => m.data as LogLines)
      .filter((batch) => batch.taskName === taskName)
      .flatMap((batch) => batch.lines)
      .sort((a, b) => a.seq - b.seq);
  }
}
