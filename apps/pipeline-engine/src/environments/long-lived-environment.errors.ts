import { DomainError } from '@pipewright/service-runtime';
import type { LongLivedEnvironment } from './long-lived-environment.entity';

/** The newest environment of a name when it cannot be used, or null when the name is unknown. */
export type UnusableEnvironment =
  (Pick<LongLivedEnvironment, 'failureReason' | 'statusAt'> & { status: 'failed' | 'deleted' }) | null;

const HOW_TO_CREATE = 'with the environment provisioner (provision-environment command with lifetime long-lived)';

/**
 * A stage names a long-lived environment that is not ready: never created, failed, or deleted. The
 * message becomes the stage's error, so it says what to do about it.
 */
export class LongLivedEnvironmentUnavailable extends DomainError {
  constructor(name: string, newest: UnusableEnvironment) {
    super('environment.unavailable', messageFor(name, newest), {
      details: { name, status: newest?.status ?? 'unknown' },
    });
  }
}

function messageFor(name: string, newest: UnusableEnvironment): string {
  if (newest === null) return `no long-lived environment "${name}" is known: create it ${HOW_TO_CREATE}`;
  switch (newest.status) {
    case 'failed':
      return `long-lived environment "${name}" failed: ${newest.failureReason ?? 'the provisioner gave no reason'}`;
    case 'deleted':
      return `long-lived environment "${name}" was deleted at ${newest.statusAt.toISOString()}: create it again ${HOW_TO_CREATE}`;
  }
}
