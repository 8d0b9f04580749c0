/**
 * Thrown by a handler when retrying cannot help (the message contradicts stored state):
 * the consumer dead-letters the message at once instead of retrying it.
 */
export class PermanentFailure extends Error {
  override readonly name = 'PermanentFailure';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
