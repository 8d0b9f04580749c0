import { nameSchema } from '@pipewright/contracts';
import { z } from 'zod';
import { DELIVERY_STATUSES } from './webhook-delivery.entity';

const eventTypeFilterSchema = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9.-]+\*?$/, 'must be a CloudEvents type, or a type prefix ending in *');

export const createSubscriptionSchema = z.object({
  team: nameSchema.describe('The team that owns the subscription.'),
  url: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .max(2_000)
    .describe('Where deliveries are POSTed.'),
  filter: z
    .object({
      eventTypes: z
        .array(eventTypeFilterSchema)
        .max(100)
        .default([])
        .describe('CloudEvents types, e.g. `dev.cdevents.service.deployed.0.3.0` or `dev.cdevents.service.*`.'),
      components: z.array(nameSchema).max(100).default([]),
      teams: z.array(nameSchema).max(100).default([]).describe("Events of these teams' components."),
    })
    .default({ eventTypes: [], components: [], teams: [] })
    .describe('Every non-empty list must match; an empty list matches everything.'),
  secret: z
    .string()
    .min(16)
    .max(200)
    .describe('Signs every delivery (X-Pipewright-Signature, HMAC-SHA256); never shown again.'),
});
export type CreateSubscription = z.infer<typeof createSubscriptionSchema>;

export const subscriptionParamsSchema = z.object({ id: z.uuid() });
export type SubscriptionParams = z.infer<typeof subscriptionParamsSchema>;

export const listSubscriptionsQuerySchema = z.object({ team: nameSchema.optional() });
export type ListSubscriptionsQuery = z.infer<typeof listSubscriptionsQuerySchema>;

export const listDeliveriesQuerySchema = z.object({
  status: z.enum(DELIVERY_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListDeliveriesQuery = z.infer<typeof listDeliveriesQuerySchema>;

export const subscriptionViewSchema = z.object({
  id: z.string(),
  team: z.string(),
  url: z.string(),
  filter: z.object({ eventTypes: z.array(z.string()), components: z.array(z.string()), teams: z.array(z.string()) }),
  createdAt: z.string(),
});
export type SubscriptionView = z.infer<typeof subscriptionViewSchema>;

export const subscriptionListSchema = z.object({ subscriptions: z.array(subscriptionViewSchema) });
export type SubscriptionList = z.infer<typeof subscriptionListSchema>;

export const deliveryViewSchema = z.object({
  id: z.string().describe('Sent as X-Pipewright-Delivery with every attempt.'),
  eventId: z.string(),
  eventType: z.string(),
  status: z.enum(DELIVERY_STATUSES).describe('`dead`: every attempt failed; no more are made.'),
  createdAt: z.string(),
  nextAttemptAt: z.string().nullable().describe('While pending.'),
  finishedAt: z.string().nullable(),
  attempts: z
    .array(
      z.object({
        number: z.number().int(),
        at: z.string(),
        durationMs: z.number().int(),
        httpStatus: z.number().int().nullable().describe('Null when the receiver did not answer.'),
        error: z.string().nullable().describe('Null for the successful attempt.'),
      }),
    )
    .describe('Every attempt, first first.'),
});
export type DeliveryView = z.infer<typeof deliveryViewSchema>;

export const deliveryListSchema = z.object({
  subscriptionId: z.string(),
  deliveries: z.array(deliveryViewSchema).describe('Newest first.'),
});
export type DeliveryList = z.infer<typeof deliveryListSchema>;
