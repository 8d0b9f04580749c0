import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';
import { DomainError } from './domain-error';
import { ValidationError } from './validation-error';

/** Body of every error response (`application/problem+json`, RFC 9457/7807 style). */
export interface ProblemDetails {
  /** `urn:pipewright:problem:<code>` */
  readonly type: string;
  /** The HTTP status text, e.g. `Not Found`. */
  readonly title: string;
  readonly status: number;
  /** Stable, machine-readable: `run.not_found`, `request.invalid`, `internal`, ... */
  readonly code: string;
  /** For a person. */
  readonly message: string;
  readonly details?: unknown;
}

/** Domain error code -> HTTP status, registered by the app for codes the suffix rules don't cover. */
export type ErrorStatusMap = Readonly<Record<string, number>>;

/** Codes ending like this get the status without being registered. */
const STATUS_BY_SUFFIX: ReadonlyArray<readonly [suffix: string, status: number]> = [
  ['.not_found', 404],
  ['.invalid', 400],
  ['.conflict', 409],
  ['.forbidden', 403],
  ['.unauthorized', 401],
];

export interface ProblemOutcome {
  readonly problem: ProblemDetails;
  /** Why it must be logged as an error (a server fault), or undefined when the caller was at fault. */
  readonly logReason?: string;
}

export function statusForCode(code: string, statuses: ErrorStatusMap): number | undefined {
  return statuses[code] ?? STATUS_BY_SUFFIX.find(([suffix]) => code.endsWith(suffix))?.[1];
}

/** Turns anything thrown while handling a request into the problem to answer with. */
export function toProblem(exception: unknown, statuses: ErrorStatusMap): ProblemOutcome {
  if (exception instanceof ValidationError) {
    return { problem: problem(400, exception.code, exception.message, exception.details) };
  }
  if (exception instanceof DomainError) {
    const status = statusForCode(exception.code, statuses);
    if (status === undefined) {
      // A domain message is written for the caller, so it is still shown; the missing mapping is a bug.
      return {
        problem: problem(500, exception.code, exception.message, exception.details),
        logReason: `no HTTP status registered for domain error code '${exception.code}'`,
      };
    }
    return {
      problem: problem(status, exception.code, exception.message, exception.details),
      ...(status >= 500 ? { logReason: 'domain error mapped to a server error' } : {}),
    };
  }
  if (exception instanceof HttpException) {
    return fromHttpException(exception);
  }
  return { problem: internal(), logReason: 'unhandled error' };
}

function fromHttpException(exception: HttpException): ProblemOutcome {
  const status = exception.getStatus();
  if (status >= 500) {
    return {
      problem: problem(status, `http.${snake(statusText(status))}`, statusText(status)),
      logReason: 'server error',
    };
  }
  // Nest's Express adapter turns body-parser's SyntaxError into a BadRequestException with it as the cause.
  if (status === 400 && exception.cause instanceof SyntaxError) {
    return {
      problem: problem(400, 'request.malformed_json', `Malformed JSON in request body: ${exception.cause.message}`),
    };
  }
  const response = exception.getResponse();
  const raw: unknown = typeof response === 'string' ? response : (response as { message?: unknown }).message;
  if (Array.isArray(raw)) {
    const messages = raw.map(String);
    return { problem: problem(status, `http.${snake(statusText(status))}`, messages.join('; '), messages) };
  }
  const message = typeof raw === 'string' ? raw : exception.message;
  return { problem: problem(status, `http.${snake(statusText(status))}`, message) };
}

function internal(): ProblemDetails {
  return problem(500, 'internal', 'Internal server error');
}

function problem(status: number, code: string, message: string, details?: unknown): ProblemDetails {
  return {
    type: `urn:pipewright:problem:${code}`,
    title: statusText(status),
    status,
    code,
    message,
    ...(details === undefined ? {} : { details }),
  };
}

function statusText(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

function snake(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}
