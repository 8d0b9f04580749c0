import type { ServerResponse } from 'node:http';
import { Controller, Post, Req, Res } from '@nestjs/common';
import { Public, ZodParams } from '@pipewright/service-runtime';
import { z } from 'zod';
import type { RequestWithRawBody } from './raw-body.middleware';
import { TriggerService } from './trigger.service';
import { WebhookPayloadInvalid } from './trigger.errors';

const webhookParams = z.object({ triggerId: z.uuid() });

/**
 * Where git hosts deliver pushes; the URL names the trigger whose secret signs them. Public: a git host
 * sends no bearer token, the HMAC signature over the body proves the delivery instead.
 */
@Public()
@Controller('webhooks/git')
export class WebhooksController {
  constructor(private readonly triggers: TriggerService) {}

  @Post(':triggerId')
  async receive(
    @ZodParams(webhookParams) params: z.output<typeof webhookParams>,
    @Req() req: RequestWithRawBody,
    @Res({ passthrough: true }) res: ServerResponse,
  ): Promise<object | undefined> {
    if (req.rawBody === undefined) throw new WebhookPayloadInvalid('the raw body was not captured');
    const outcome = await this.triggers.receiveWebhook(params.triggerId, {
      body: req.rawBody,
      signature: header(req, 'x-hub-signature-256'),
      event: header(req, 'x-github-event'),
      deliveryId: header(req, 'x-github-delivery'),
    });
    res.statusCode = outcome.status;
    return outcome.status === 204 ? undefined : outcome.body;
  }
}

function header(req: RequestWithRawBody, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
