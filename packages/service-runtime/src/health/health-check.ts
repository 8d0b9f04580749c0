/** A named readiness check: resolves when the dependency is usable, rejects (or hangs) when not. */
export interface HealthCheck {
  readonly name: string;
  readonly check: () => Promise<void>;
}

export type HealthStatus = 'ok' | 'error';

export interface HealthReport {
  readonly status: HealthStatus;
  /** Check name -> `'ok'` or what went wrong. */
  readonly checks: Readonly<Record<string, string>>;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 2_000;

/** Runs every check in parallel, each bounded by `timeoutMs`. */
export async function runHealthChecks(
  checks: readonly HealthCheck[],
  timeoutMs = DEFAULT_CHECK_TIMEOUT_MS,
): Promise<HealthReport> {
  const outcomes = await Promise.all(
    checks.map(async ({ name, check }) => [name, await outcome(check, timeoutMs)] as const),
  );
  return {
    status: outcomes.every(([, result]) => result === 'ok') ? 'ok' : 'error',
    checks: Object.fromEntries(outcomes),
  };
}

async function outcome(check: () => Promise<void>, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch (error) {
    return error instanceof Error && error.message ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}
