import { Module } from '@nestjs/common';
import { HealthModule } from '../health/health.module';
import { LoggingModule } from '../logging/logging.module';
import { bootstrapService } from './bootstrap-service';

describe(bootstrapService.name, () => {
  it('starts the service with pino logging and problem responses, and logs where it listens', async () => {
    const logs: Array<Record<string, unknown>> = [];
    @Module({
      imports: [
        LoggingModule.forRoot({
          serviceName: 'demo',
          destination: { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) },
        }),
        HealthModule.forRoot({ checks: () => [] }),
      ],
    })
    class DemoModule {}
    const signalListeners = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT') };

    const sut = await bootstrapService({ serviceName: 'demo', module: DemoModule, port: 0, host: '127.0.0.1' });
    try {
      const listening = logs.find((log) => log.msg === 'service listening');
      expect(listening).toMatchObject({
        service: 'demo',
        level: 'info',
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      });
      const url = listening!.url as string;

      const live = await fetch(`${url}/health/live`);
      const missing = await fetch(`${url}/nope`);

      expect(live.status).toBe(200);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(logs.some((log) => log.msg === 'request completed' && (log.req as { url: string }).url === '/nope')).toBe(
        true,
      );
      expect(logs.some((log) => (log.req as { url?: string } | undefined)?.url === '/health/live')).toBe(false);
    } finally {
      await sut.close();
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        for (const listener of process.listeners(signal)) {
          if (!signalListeners[signal].includes(listener)) process.removeListener(signal, listener);
        }
      }
    }
  });
});
