import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Subscription } from './subscription.entity';
import { SubscriptionService } from './subscription.service';
import { SubscriptionsController } from './subscriptions.controller';
import { WebhookDeliveryAttempt } from './webhook-delivery-attempt.entity';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhookFanoutService } from './webhook-fanout.service';
import { WebhookTargetGuard } from './webhook-target.guard';
import { WebhookWorker } from './webhook.worker';

/** Webhook subscriptions: stored events matched to subscriptions, delivered signed, retried, dead-lettered. */
@Module({
  imports: [TypeOrmModule.forFeature([Subscription, WebhookDelivery, WebhookDeliveryAttempt])],
  controllers: [SubscriptionsController],
  providers: [SubscriptionService, WebhookFanoutService, WebhookDeliveryService, WebhookWorker, WebhookTargetGuard],
})
export class SubscriptionsModule {}
