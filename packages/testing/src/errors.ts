/** A test needs a service (Kafka, Postgres) that is neither configured nor startable here. */
export class TestServiceUnavailableError extends Error {
  readonly code = 'TEST_SERVICE_UNAVAILABLE';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TestServiceUnavailableError';
  }
}

/** An environment variable for test services is set but cannot be used. */
export class TestServiceConfigError extends Error {
  readonly code = 'TEST_SERVICE_CONFIG';

  constructor(message: string) {
    super(message);
    this.name = 'TestServiceConfigError';
  }
}
