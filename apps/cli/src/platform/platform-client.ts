import type { PipelineGraph } from '@pipewright/pipeline-spec';
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

/** One line of a task's output, as `GET /runs/:id/logs` answers it (apps/pipeline-engine/src/logs/run-logs.dto.ts). */
export interface RunLogLine {
  taskRunId: string;
  stage: string;
  task: string;
  seq: number;
  stream: 'stdout' | 'stderr';
  text: string;
  time: string;
}

/** `GET /runs/:id/logs?after=<cursor>`: lines after the cursor, what left the engine's tail unread, the next cursor. */
export interface RunLogPage {
  lines: RunLogLine[];
  dropped: { taskRunId: string; stage: string; task: string; lines: number }[];
  next: string;
  /** More lines are waiting: ask again at once. */
  more: boolean;
}

/** A run in `GET /runs`: the run without its stages. */
export type RunSummary = Omit<RunView, 'stages'>;

/** `GET /runs` answer, newest first. */
export interface RunList {
  runs: RunSummary[];
  next: string | null;
}

export interface RunListFilter {
  component?: string;
  team?: string;
  status?: string;
  limit?: number;
  after?: string;
}

/** `POST /runs` with the pipeline resolved here: the run records the revision and executes exactly this graph. */
export interface StartRunFromGraph {
  workspace: string;
  revision?: string;
  graph: PipelineGraph;
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

  startRun(body: StartRunFromGraph): Promise<{ id: string; status: string }> {
    return this.request('POST', '/runs', body);
  }

  getRun(runId: string): Promise<RunView> {
    return this.request('GET', `/runs/${encodeURIComponent(runId)}`);
  }

  listRuns(filter: RunListFilter): Promise<RunList> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) if (value !== undefined) query.set(key, String(value));
    const text = query.toString();
    return this.request('GET', `/runs${text === '' ? '' : `?${text}`}`);
  }

  /** `GET /runs/:id/logs?after=`: the lines after the cursor (from the start without one). */
  getRunLogs(runId: string, after: string | undefined): Promise<RunLogPage> {
    const query = after === undefined || after === '' ? '' : `?after=${encodeURIComponent(after)}`;
    return this.request('GET', `/runs/${encodeURIComponent(runId)}/logs${query}`);
  }

  /** With a token, the engine takes the approver from it: `by` is for an engine without tokens. */
  approveStage(runId: string, stage: string, by: string | undefined, comment?: string): Promise<{ by: string }> {
    return this.request('POST', `/runs/${encodeURIComponent(runId)}/stages/${encodeURIComponent(stage)}/approve`, {
      ...(by !== undefined ? { by } : {}),
      ...(comment !== undefined ? { comment } : {}),
    });
  }

  /** With a token, the engine takes who cancels from it: `by` is for an engine without tokens. */
  cancelRun(runId: string, by: string | undefined, reason?: string): Promise<{ status: string }> {
    return this.request('POST', `/runs/${encodeURIComponent(runId)}/cancel`, {
      ...(by !== undefined ? { by } : {}),
      ...(reason !== undefined ? { reason } : {}),
    });
  }

  /** The new run; with a token, the engine takes who re-runs from it. */
  rerunRun(
    runId: string,
    by: string | undefined,
  ): Promise<{ id: string; status: string; version: string | null; reusedStages: string[] }> {
    return this.request('POST', `/runs/${encodeURIComponent(runId)}/rerun`, by !== undefined ? { by } : {});
  }

  /** Whether requests carry a bearer token. */
  get authenticated(): boolean {
    return this.token !== undefined;
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
