import { createRequire } from 'node:module';

/**
 * kafkajs 2.2.4's RequestQueue re-arms its "check pending requests" timer every time it runs, even
 * with nothing pending and no throttle: `throttledUntil - Date.now()` is then negative, which Node
 * turns into 1 ms. So every broker connection wakes the event loop a thousand times a second for as
 * long as it lives (tulios/kafkajs#1704; Node 24 prints it as TimeoutNegativeWarning, #1751). The fix
 * upstream is unreleased. Here the check is only scheduled when a request is pending; one that gets
 * queued later schedules its own check (`push`), and a fulfilled request checks the queue anyway.
 */
interface RequestQueueInternals {
  pending: unknown[];
  scheduleCheckPendingRequests: (this: RequestQueueInternals) => void;
}

const PATCHED = Symbol.for('pipewright.kafkajs.request-queue-idle-fix');

export function fixKafkajsIdleRequestQueue(): void {
  const require = createRequire(__filename);
  const version = (require('kafkajs/package.json') as { version: string }).version;
  // Checked rather than assumed: another kafkajs may have fixed it, or moved the class.
  if (version !== '2.2.4') throw new Error(`the RequestQueue fix is written for kafkajs 2.2.4, found ${version}`);
  const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as {
    prototype: RequestQueueInternals & { [PATCHED]?: true };
  };
  const prototype = RequestQueue.prototype;
  if (prototype[PATCHED]) return;
  const schedule = prototype.scheduleCheckPendingRequests;
  prototype.scheduleCheckPendingRequests = function (this: RequestQueueInternals) {
    if (this.pending.length === 0) return;
    schedule.call(this);
  };
  prototype[PATCHED] = true;
}
