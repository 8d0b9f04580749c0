import { Controller, Get, Inject, Logger, Res } from '@nestjs/common';
import { Public } from '../auth/public.decorator';
import { type HealthCheck, type HealthReport, runHealthChecks } from './health-check';
import { HEALTH_CHECK_TIMEOUT_MS, HEALTH_CHECKS } from './health.tokens';

interface StatusResponse {
  status(code: number): unknown;
}

/** Public even when bearer tokens are required: load balancers and `npm start` ask without one. */
@Public()
@Controller('health')
export class HealthController {
  private readonly logger = new Logger(HealthController.name);

  constructor(
    @Inject(HEALTH_CHECKS) private readonly checks: readonly HealthCheck[],
    @Inject(HEALTH_CHECK_TIMEOUT_MS) private readonly timeoutMs: number,
  ) {}

  /** The process is up and serving HTTP. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Every dependency answers: 200 when all checks pass, 503 naming what failed otherwise. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) response: StatusResponse): Promise<HealthReport> {
    const report = await runHealthChecks(this.checks, this.timeoutMs);
    if (report.status !== 'ok') {
      this.logger.warn({ checks: report.checks }, 'not ready');
      response.status(503);
    }
    return report;
  }
}
