import { ValidationError } from '@pipewright/service-runtime';
import { z } from 'zod';
import { cronProblem, isTimeZone } from './cron-schedule';

const webhookSettings = z.strictObject({
  /** Shared with the git host, which signs each delivery with it (HMAC-SHA256). */
  secret: z.string().min(16, 'must be at least 16 characters'),
  branch: z.string().min(1).default('main'),
});

const scheduleSettings = z.strictObject({
  cron: z.string().superRefine((cron, ctx) => {
    const problem = cronProblem(cron);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  }),
  timezone: z.string().refine(isTimeZone, 'not a known IANA time zone (e.g. Europe/Berlin)').optional(),
});

const upstreamSettings = z.strictObject({
  component: z.string().min(1),
  outcome: z.literal('success').default('success'),
});

const common = {
  component: z.string().min(1),
  workspace: z.string().startsWith('/', 'must be an absolute path'),
};

/** `POST /triggers`: which component's pipeline, where, and what starts it (the settings of that kind only). */
export const createTriggerSchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...common, kind: z.literal('webhook'), webhook: webhookSettings }),
  z.strictObject({ ...common, kind: z.literal('schedule'), schedule: scheduleSettings }),
  z.strictObject({ ...common, kind: z.literal('upstream'), upstream: upstreamSettings }),
]);
export type CreateTrigger = z.output<typeof createTriggerSchema>;
export type TriggerKind = CreateTrigger['kind'];
export type WebhookSettings = z.output<typeof webhookSettings>;
export type ScheduleSettings = z.output<typeof scheduleSettings>;
export type UpstreamSettings = z.output<typeof upstreamSettings>;
export type TriggerConfig =
  { webhook: WebhookSettings } | { schedule: ScheduleSettings } | { upstream: UpstreamSettings };

/** Validates the body; a bad one throws a 400 ValidationError naming each field (`schedule.cron`). */
export function parseCreateTrigger(body: unknown): CreateTrigger {
  const result = createTriggerSchema.safeParse(body);
  if (result.success) return result.data;
  throw new ValidationError(
    'request body',
    result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
  );
}

/** A trigger as `GET /triggers` shows it: the webhook secret never leaves the engine. */
export interface TriggerDto {
  id: string;
  component: string;
  workspace: string;
  kind: TriggerKind;
  webhook?: { branch: string };
  schedule?: ScheduleSettings & { nextRunAt: string };
  upstream?: UpstreamSettings;
  createdAt: string;
}
