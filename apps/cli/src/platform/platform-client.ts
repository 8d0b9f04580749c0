import type { StartRunRequest } from '@pipewright/contracts';
import { UsageError } from '../args/usage-error';

export const URL_VARIABLE = 'PIPEWRIGHT_URL';
export const TOKEN_VARIABLE = 'PIPEWRIGHT_TOKEN';

/** The engine answered with an error; `message` is the problem body's message when it sent one. */
export class PlatformError extends Error {
  readonly code = 'cli.platform';

  constructor(
    message: string,
    readonly status: number,
    /** The problem's stable code (`run.not_found`, `request.invalid`...), when the body had one. */
    readonly problemCode?: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'PlatformError';
  }
}

/** `GET /runs/:id` of the pipeline-engine service (apps/pipeline-engine/src/runs/run.dto.ts). */
export interface RunView {
  id: string;
  pipeline: string;
  component: string;
  team: string;
  solution: string;
  revision: string | null;
  version: string | null;
  status: string;
  errors: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  stages: StageRunView[];
}

export interface StageRunView {
  id: string;
  name: string;
  status: string;
  errors: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  environment: { id: string; name: string; status: string; url: string | null; failureReason: string | null } | null;
  tasks: TaskRunView[];
}

export interface TaskRunView {
  id: string;
  name: string;
  status: string;
  attempt: number;
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number | null;
  logLines: number;
  errors: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

/** One line of a task's log, as the (proposed) `GET /runs/:id/logs` answers it. */
export interface RunLogLine {
  taskRunId: string;
  stage: string;
  task: string;
  stream: 'stdout' | 'stderr';
  text: string;
  time: string;
}

/** `GET /runs/:id/logs?after=<cursor>`: lines after the cursor, and the cursor to ask with next. */
export interface RunLogPage {
  lines: RunLogLine[];
  next: string;
}

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** The terminal states of a run on the engine. */
export const FINISHED_RUN_STATUSES: ReadonlySet<string> = new Set(['success', 'failure', 'cancel', 'error']);

/** A small client for the pipeline-engine's HTTP API, authenticated with the bearer token. */
export class PlatformClient {
  private readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly token: string | undefined,
    private readonly fetchFn: FetchLike = fetch,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  /** From `PIPEWRIGHT_URL` and `PIPEWRIGHT_TOKEN`. */
  static fromEnv(env: Readonly<Record<string, string | undefined>>, command: string): PlatformClient {
    const url = env[URL_VARIABLE];
    if (url === undefined || url === '')
      throw new UsageError(
        `${URL_VARIABLE} is not set: it names the platform's pipeline engine, e.g. ${URL_VARIABLE}=http://localhost:3001`,
        command,
      );
    try {
      new URL(url);
    } catch {
      throw new UsageError(`${URL_VARIABLE} is not a URL: "${url}"`, command);
    }
    const token = env[TOKEN_VARIABLE];
    return new PlatformClient(url, token === '' ? undefined : token);
  }

  startRun(request: StartRunRequest): Promise<{ id: string; status: string }> {
    return this.request('POST', '/runs', request);
  }

  getRun(runId: string): Promise<RunView> {
    return this.request('GET', `/runs/${encodeURIComponent(runId)}`);
  }

  /** `GET /runs/:id/logs?after=`; undefined when the engine has no such endpoint (404 without a run.* problem). */
  async getRunLogs(runId: string, after: string | undefined): Promise<RunLogPage | undefined> {
    const query = after === undefined ? '' : `?after=${encodeURIComponent(after)}`;
    try {
      return await this.request<RunLogPage>('GET', `/runs/${encodeURIComponent(runId)}/logs${query}`);
    } catch (error) {
      if (error instanceof PlatformError && error.status === 404 && !error.problemCode?.startsWith('run.'))
        return undefined;
      throw error;
    }
  }

  approveStage(runId: string, stage: string, by: string, comment?: string): Promise<unknown> {
    return this.request(
      'POST',
      `/runs/${encodeURIComponent(runId)}/stages/${encodeURIComponent(stage)}/approve`,
      comment === undefined ? { by } : { by, comment },
    );
  }

  private async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const url = `${this.baseUrl}${path}`;
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.fetchFn(url, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (error) {
      throw new PlatformError(`cannot reach ${this.baseUrl} (${networkReason(error)})`, 0);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!response.ok) throw problemError(method, path, response, parsed, text);
    return parsed as T;
  }
}

function problemError(method: string, path: string, response: Response, body: unknown, text: string): PlatformError {
  const problem = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const message = typeof problem.message === 'string' ? problem.message : undefined;
  const code = typeof problem.code === 'string' ? problem.code : undefined;
  const fallback = text.trim().slice(0, 200) || response.statusText || 'no message';
  return new PlatformError(
    `${method} ${path} failed: ${response.status} ${message ?? fallback}`,
    response.status,
    code,
    problem.details,
  );
}

/** fetch() says only "fetch failed"; the reason (ECONNREFUSED, a DNS error...) is in its cause. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { message?: unknown; code?: unknown } } | undefined)?.cause;
  if (typeof cause?.message === 'string' && cause.message !== '') return cause.message;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof error === 'object' && error !== null && 'message' in error) return String(error.message);
  return String(error);
}
