import { Controller, Get, Res } from '@nestjs/common';
import { PrometheusSink } from './prometheus.sink';

interface HeaderResponse {
  setHeader(name: string, value: string): unknown;
}

/** The Prometheus scrape endpoint; only mounted when the `prometheus` sink is enabled. */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly prometheus: PrometheusSink) {}

  @Get()
  async scrape(@Res({ passthrough: true }) response: HeaderResponse): Promise<string> {
    const { contentType, body } = await this.prometheus.scrape();
    response.setHeader('Content-Type', contentType);
    return body;
  }
}
