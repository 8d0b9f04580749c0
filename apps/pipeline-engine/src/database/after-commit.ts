import {
  EventSubscriber,
  type EntityManager,
  type EntitySubscriberInterface,
  type QueryRunner,
  type TransactionCommitEvent,
  type TransactionRollbackEvent,
} from 'typeorm';

const pending = new WeakMap<QueryRunner, (() => void)[]>();

/**
 * Runs `callback` once the transaction `manager` belongs to has committed, and never if it rolls
 * back: for work that must only see committed state (starting a run, waking a waiter). Callbacks
 * run on a later tick, outside the commit, so they cannot fail it. Needs AfterCommitSubscriber
 * among the DataSource's subscribers.
 */
export function afterCommit(manager: EntityManager, callback: () => void): void {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) throw new Error('afterCommit needs an EntityManager inside a transaction');
  const callbacks = pending.get(runner);
  if (callbacks) callbacks.push(callback);
  else pending.set(runner, [callback]);
}

// The decorator only marks the class; it takes effect for DataSources that list it in `subscribers`.
@EventSubscriber()
export class AfterCommitSubscriber implements EntitySubscriberInterface {
  afterTransactionCommit(event: TransactionCommitEvent): void {
    // A released savepoint also "commits"; only the outermost commit makes the changes visible.
    if (event.queryRunner.isTransactionActive) return;
    const callbacks = pending.get(event.queryRunner);
    pending.delete(event.queryRunner);
    for (const callback of callbacks ?? []) setImmediate(callback);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) pending.delete(event.queryRunner);
  }
}
