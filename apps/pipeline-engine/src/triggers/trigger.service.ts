import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { timeOrderedUuid, type PipelineRunFinished } from '@pipewright/contracts';
import { DomainError } from '@pipewright/service-runtime';
import { DataSource, LessThanOrEqual, type Repository } from 'typeorm';
import { ENGINE_CONFIG } from '../config/engine-config.module';
import type { EngineConfig } from '../config/env';
import { resolveRunDefinition } from '../runs/run-definition';
import type { Run } from '../runs/run.entity';
import { RunService } from '../runs/run.service';
import type { CreateTrigger, TriggerDto } from './create-trigger.dto';
import { nextSlot } from './cron-schedule';
import { DELETED_REVISION, gitPushSchema } from './git-push.dto';
import { TriggerFiring } from './trigger-firing.entity';
import { Trigger } from './trigger.entity';
import {
  TriggerComponentMismatch,
  TriggerNotFound,
  WebhookPayloadInvalid,
  WebhookSignatureInvalid,
} from './trigger.errors';
import { isSignedBy } from './webhook-signature';

/** The headers of a delivery that matter, lower-cased as Node gives them. */
export interface WebhookDelivery {
  body: Buffer;
  signature: string | undefined;
  event: string | undefined;
  deliveryId: string | undefined;
}

export type WebhookOutcome =
  | { status: 204 }
  | { status: 202; body: { runId: string | null; duplicate?: true } | { ignored: 'branch' | 'event' | 'deleted' } };

/** How many due schedules one tick fires at most; the rest wait for the next tick. */
const SCHEDULE_BATCH = 100;

/**
 * Trigger registrations, and turning what they wait for (a signed push, a due schedule slot, an
 * upstream success) into a queued run of the workspace's pipewright.yml, once per occasion.
 */
@Injectable()
export class TriggerService {
  private readonly logger = new Logger(TriggerService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly runs: RunService,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
    @InjectRepository(Trigger) private readonly triggers: Repository<Trigger>,
    @InjectRepository(TriggerFiring) private readonly firings: Repository<TriggerFiring>,
  ) {}

  async create(body: CreateTrigger, now = new Date()): Promise<TriggerDto> {
    const base = { id: timeOrderedUuid(), component: body.component, workspace: body.workspace, createdAt: now };
    let trigger: Trigger;
    switch (body.kind) {
      case 'webhook':
        trigger = this.triggers.create({
          ...base,
          kind: body.kind,
          config: { webhook: body.webhook },
          nextRunAt: null,
        });
        break;
      case 'schedule': {
        const { cron, timezone } = body.schedule;
        const nextRunAt = nextSlot(cron, now, timezone);
        trigger = this.triggers.create({ ...base, kind: body.kind, config: { schedule: body.schedule }, nextRunAt });
        break;
      }
      case 'upstream':
        trigger = this.triggers.create({
          ...base,
          kind: body.kind,
          config: { upstream: body.upstream },
          nextRunAt: null,
        });
        break;
    }
    await this.triggers.insert(trigger);
    this.logger.log({ triggerId: trigger.id, kind: trigger.kind, component: trigger.component }, 'trigger registered');
    return toTriggerDto(trigger);
  }

  async list(): Promise<TriggerDto[]> {
    const triggers = await this.triggers.find({ order: { createdAt: 'ASC' } });
    return triggers.map(toTriggerDto);
  }

  async delete(id: string): Promise<void> {
    const result = await this.triggers.delete({ id });
    if (!result.affected) throw new TriggerNotFound(id);
  }

  /**
   * A push delivery: verified against the trigger's secret over the raw bytes before anything in it
   * is believed; a push to the trigger's branch queues a run of the pushed commit, once per delivery id.
   */
  async receiveWebhook(triggerId: string, delivery: WebhookDelivery): Promise<WebhookOutcome> {
    const trigger = await this.triggers.findOneBy({ id: triggerId, kind: 'webhook' });
    if (!trigger || !('webhook' in trigger.config)) throw new TriggerNotFound(triggerId);
    const { secret, branch } = trigger.config.webhook;
    if (delivery.signature === undefined) throw new WebhookSignatureInvalid('no X-Hub-Signature-256 header');
    if (!isSignedBy(secret, delivery.body, delivery.signature)) {
      throw new WebhookSignatureInvalid('X-Hub-Signature-256 does not match the body');
    }
    if (delivery.event === 'ping') return { status: 204 };
    if (delivery.event !== undefined && delivery.event !== 'push') return { status: 202, body: { ignored: 'event' } };

    let json: unknown;
    try {
      json = JSON.parse(delivery.body.toString('utf8'));
    } catch {
      throw new WebhookPayloadInvalid('the body is not JSON');
    }
    const parsed = gitPushSchema.safeParse(json);
    if (!parsed.success) {
      throw new WebhookPayloadInvalid(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    }
    const push = parsed.data;
    if (push.ref !== `refs/heads/${branch}`) return { status: 202, body: { ignored: 'branch' } };
    if (DELETED_REVISION.test(push.after)) return { status: 202, body: { ignored: 'deleted' } };

    const fired = await this.fire(
      trigger,
      `delivery:${delivery.deliveryId ?? push.after}`,
      { type: 'webhook', by: push.pusher.name },
      push.after,
    );
    this.logger.log(
      { triggerId, repository: push.repository.full_name, revision: push.after, runId: fired.runId },
      fired.duplicate ? 'webhook delivery replayed, no new run' : 'webhook started a run',
    );
    return { status: 202, body: fired.duplicate ? { runId: fired.runId, duplicate: true } : { runId: fired.runId } };
  }

  /**
   * Fires every schedule whose slot has come, each slot once across all engines: an engine claims a
   * slot by moving `next_run_at` into the future while it is still due, so a second engine's update
   * (which waits for the first one's row lock) matches no row. The firing key is the slot, as a
   * last guard against an engine that read the row long ago.
   * Slots missed while no engine ran are fired once, not caught up one by one. Returns the count fired.
   */
  async fireDueSchedules(now = new Date()): Promise<number> {
    const due = await this.triggers.find({
      where: { kind: 'schedule', nextRunAt: LessThanOrEqual(now) },
      order: { nextRunAt: 'ASC' },
      take: SCHEDULE_BATCH,
    });
    let fired = 0;
    for (const trigger of due) {
      if (!('schedule' in trigger.config) || trigger.nextRunAt === null) continue;
      const slot = trigger.nextRunAt;
      const { cron, timezone } = trigger.config.schedule;
      const next = nextSlot(cron, now > slot ? now : slot, timezone);
      // "Still due" rather than "still equal to what I read": the column keeps microseconds a Date drops.
      const claim = await this.triggers.update(
        { id: trigger.id, nextRunAt: LessThanOrEqual(now) },
        { nextRunAt: next },
      );
      if (!claim.affected) continue;
      try {
        await this.fire(trigger, `schedule:${slot.toISOString()}`, { type: 'schedule', by: `cron ${cron}` });
        fired += 1;
      } catch (error) {
        // The slot stays claimed: retrying a broken pipeline every tick would only fill the log.
        this.logger.error({ err: error, triggerId: trigger.id, slot }, 'scheduled run could not be queued');
      }
    }
    return fired;
  }

  /** The earliest slot any schedule waits for, so the scheduler can wake up for it. */
  async nextScheduledAt(): Promise<Date | undefined> {
    const [first] = await this.triggers.find({
      where: { kind: 'schedule' },
      order: { nextRunAt: 'ASC' },
      take: 1,
    });
    return first?.nextRunAt ?? undefined;
  }

  /**
   * A pipeline run finished somewhere (this engine or another): a success of a component starts the
   * runs of the triggers waiting for it, once per upstream run. The downstream runs its own
   * repository's checkout, so no revision is carried over.
   */
  async onRunFinished(event: PipelineRunFinished): Promise<void> {
    if (event.subject.content.outcome !== 'success') return;
    const { component } = event.customData;
    const upstreamRunId = event.subject.id;
    const waiting = await this.triggers
      .createQueryBuilder('trigger')
      .where(`trigger.kind = 'upstream'`)
      .andWhere(`trigger.config->'upstream'->>'component' = :component`, { component })
      .getMany();
    for (const trigger of waiting) {
      try {
        await this.fire(trigger, `upstream:${upstreamRunId}`, {
          type: 'upstream',
          by: `${component}#${upstreamRunId}`,
        });
      } catch (error) {
        // A broken downstream pipeline (or workspace) is its owners' to fix; redelivery would not help.
        if (!(error instanceof DomainError)) throw error;
        this.logger.error({ err: error, triggerId: trigger.id, upstreamRunId }, 'downstream run could not be queued');
      }
    }
  }

  /**
   * Queues a run of the trigger's workspace once per `dedupeKey`. The firing row is claimed first
   * (its primary key turns a replay into a no-op) and released again if queueing fails, so a fixed
   * pipeline can be fired by a redelivery.
   */
  private async fire(
    trigger: Trigger,
    dedupeKey: string,
    by: Run['trigger'],
    revision?: string,
  ): Promise<{ runId: string | null; duplicate: boolean }> {
    const claimed = await this.dataSource.query<unknown[]>(
      `INSERT INTO trigger_firings (trigger_id, dedupe_key, run_id, created_at) VALUES ($1, $2, NULL, now())
       ON CONFLICT DO NOTHING RETURNING dedupe_key`,
      [trigger.id, dedupeKey],
    );
    if (claimed.length === 0) {
      const existing = await this.firings.findOneBy({ triggerId: trigger.id, dedupeKey });
      return { runId: existing?.runId ?? null, duplicate: true };
    }
    try {
      const definition = resolveRunDefinition(
        { kind: 'source', request: { workspace: trigger.workspace, ...(revision ? { revision } : {}) } },
        { flavourDirs: this.config.PIPEWRIGHT_FLAVOURS_DIRS },
      );
      if (definition.graph.component !== trigger.component) {
        throw new TriggerComponentMismatch(trigger.id, trigger.component, definition.graph.component);
      }
      const run = await this.runs.queue(definition, by);
      await this.firings.update({ triggerId: trigger.id, dedupeKey }, { runId: run.id });
      return { runId: run.id, duplicate: false };
    } catch (error) {
      await this.firings.delete({ triggerId: trigger.id, dedupeKey });
      throw error;
    }
  }
}

export function toTriggerDto(trigger: Trigger): TriggerDto {
  const dto: TriggerDto = {
    id: trigger.id,
    component: trigger.component,
    workspace: trigger.workspace,
    kind: trigger.kind,
    createdAt: trigger.createdAt.toISOString(),
  };
  const { config } = trigger;
  if ('webhook' in config) dto.webhook = { branch: config.webhook.branch };
  if ('schedule' in config && trigger.nextRunAt) {
    dto.schedule = { ...config.schedule, nextRunAt: trigger.nextRunAt.toISOString() };
  }
  if ('upstream' in config) dto.upstream = config.upstream;
  return dto;
}
