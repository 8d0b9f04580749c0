import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import { type ErrorStatusMap, toProblem } from './problem-details';

/** The few parts of Express' request and response the filter uses. */
interface HttpRequest {
  readonly method?: string;
  readonly originalUrl?: string;
  readonly url?: string;
}
interface HttpResponse {
  readonly headersSent: boolean;
  status(code: number): this;
  type(contentType: string): this;
  json(body: unknown): this;
}

/**
 * The one global exception filter: every error becomes an `application/problem+json` response.
 * DomainError -> status by `statuses` or code suffix; ValidationError -> 400 with each issue;
 * HttpException (incl. malformed JSON) -> its status; anything else -> 500 without internals, logged.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  constructor(private readonly statuses: ErrorStatusMap = {}) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    const response = http.getResponse<HttpResponse>();
    const { problem, logReason } = toProblem(exception, this.statuses);
    if (logReason !== undefined) {
      this.logger.error(
        { err: exception, method: request.method, url: request.originalUrl ?? request.url, status: problem.status },
        logReason,
      );
    }
    if (response.headersSent) return;
    response.status(problem.status).type('application/problem+json').json(problem);
  }
}
