import { Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ZodBody, ZodParams, ZodQuery } from '@pipewright/service-runtime';
import { ApiRoute } from '../openapi/api-route.decorator';
import {
  createSubscriptionSchema,
  deliveryListSchema,
  listDeliveriesQuerySchema,
  listSubscriptionsQuerySchema,
  subscriptionListSchema,
  subscriptionParamsSchema,
  subscriptionViewSchema,
  type CreateSubscription,
  type DeliveryList,
  type ListDeliveriesQuery,
  type ListSubscriptionsQuery,
  type SubscriptionList,
  type SubscriptionParams,
  type SubscriptionView,
} from './subscription.dto';
import { SubscriptionService } from './subscription.service';

const SIGNING =
  'Each delivery is one POST of the CloudEvent in structured mode (`application/cloudevents+json`), with ' +
  '`X-Pipewright-Timestamp: <unix seconds>` and `X-Pipewright-Signature: sha256=<hex HMAC-SHA256 of ' +
  '"<timestamp>.<raw body>" under the secret>`; refuse timestamps older than five minutes. A non-2xx answer ' +
  'or none is retried with exponential backoff, up to the attempt limit; then the delivery is `dead`.';

@Controller('subscriptions')
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionService) {}

  @Post()
  @HttpCode(201)
  @ApiRoute({
    summary: 'Subscribe a webhook to events',
    description: `Matching events stored from now on are delivered. ${SIGNING}`,
    body: createSubscriptionSchema,
    responses: { 201: { description: 'The subscription (without its secret)', schema: subscriptionViewSchema } },
  })
  create(@ZodBody(createSubscriptionSchema) body: CreateSubscription): Promise<SubscriptionView> {
    return this.subscriptions.create(body);
  }

  @Get()
  @ApiRoute({
    summary: 'List subscriptions',
    query: listSubscriptionsQuerySchema,
    responses: { 200: { description: 'Oldest first', schema: subscriptionListSchema } },
  })
  async list(@ZodQuery(listSubscriptionsQuerySchema) query: ListSubscriptionsQuery): Promise<SubscriptionList> {
    return { subscriptions: await this.subscriptions.list(query.team) };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiRoute({
    summary: 'Delete a subscription and its deliveries',
    params: subscriptionParamsSchema,
    responses: { 204: { description: 'Deleted' }, 404: { description: 'No such subscription' } },
  })
  delete(@ZodParams(subscriptionParamsSchema) params: SubscriptionParams): Promise<void> {
    return this.subscriptions.delete(params.id);
  }

  @Get(':id/deliveries')
  @ApiRoute({
    summary: "A subscription's deliveries with every attempt",
    params: subscriptionParamsSchema,
    query: listDeliveriesQuerySchema,
    responses: {
      200: { description: 'Newest first', schema: deliveryListSchema },
      404: { description: 'No such subscription' },
    },
  })
  deliveries(
    @ZodParams(subscriptionParamsSchema) params: SubscriptionParams,
    @ZodQuery(listDeliveriesQuerySchema) query: ListDeliveriesQuery,
  ): Promise<DeliveryList> {
    return this.subscriptions.deliveries(params.id, query);
  }
}
