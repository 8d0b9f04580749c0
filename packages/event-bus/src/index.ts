export { EventBus, type EventBusOptions } from './event-bus';
export { type Envelope, type ReceivedEnvelope, fromKafkaMessage, toKafkaMessage } from './envelope';
export { type BusLogger, silentLogger } from './logger';
export { OutboxMessage } from './outbox/outbox-message.entity';
export { OutboxWriter, type PreparedOutbox, type PreparedOutboxRow } from './outbox/outbox-writer';
export { OutboxRelay, type OutboxRelayOptions } from './outbox/outbox-relay';
export { ProcessedMessage } from './consumer/processed-message.entity';
export {
  ProcessedMessagesPruner,
  DEFAULT_PROCESSED_MESSAGES_RETENTION_DAYS,
  type ProcessedMessagesPrunerOptions,
} from './consumer/processed-messages-pruner';
export {
  EventConsumer,
  DeadLetterHeaders,
  type EventConsumerOptions,
  type MessageContext,
  type MessageHandler,
} from './consumer/event-consumer';
export { PermanentFailure } from './consumer/permanent-failure';
export {
  DirectConsumer,
  HandBack,
  type DirectConsumerOptions,
  type DirectMessageContext,
  type DirectMessageHandler,
} from './consumer/direct-consumer';
export {
  BatchEventConsumer,
  type BatchEventConsumerOptions,
  type BatchMessage,
  type BatchContext,
  type BatchHandler,
} from './consumer/batch-event-consumer';
export { EventTap, type TappedMessage } from './tap/event-tap';
export {
  TaskLogPublisher,
  type TaskLogPublisherOptions,
  type TaskLogTailSink,
  type UnnumberedLogLine,
} from './logs/task-log-publisher';
export { EventBusTables1763800000000 } from './migrations/event-bus-tables.migration';

import { ProcessedMessage } from './consumer/processed-message.entity';
import { OutboxMessage } from './outbox/outbox-message.entity';
/** Entities every service adds to its DataSource. */
export const eventBusEntities = [OutboxMessage, ProcessedMessage];
export { EventBusModule, type EventBusModuleOptions } from './nest/event-bus.module';
