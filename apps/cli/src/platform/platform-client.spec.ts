import { fakeEngine, type FakeEngine } from '../../test/fake-engine';
import { freePort } from '../local-run/local-environments';
import { PlatformClient, PlatformError } from './platform-client';

describe(PlatformClient.name, () => {
  let engine: FakeEngine | undefined;
  afterEach(() => engine?.close());

  it('approves a stage with the bearer token', async () => {
    engine = await fakeEngine(() => ({ status: 200, body: { stage: 'production', decision: 'approved' } }));
    const sut = new PlatformClient(`${engine.url}/`, 'secret-token');

    await sut.approveStage('run-1', 'pre production', 'alice', 'looks good');

    expect(engine.received).toEqual([
      {
        method: 'POST',
        url: '/runs/run-1/stages/pre%20production/approve',
        authorization: 'Bearer secret-token',
        body: '{"by":"alice","comment":"looks good"}',
      },
    ]);
  });

  it("throws the problem body's message on an HTTP error", async () => {
    engine = await fakeEngine(() => ({
      status: 409,
      body: { code: 'approval.conflict', message: 'Stage production is not waiting for approval' },
    }));
    const sut = new PlatformClient(engine.url, undefined);

    const error = await sut.approveStage('run-1', 'production', 'alice').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PlatformError);
    expect((error as PlatformError).message).toBe(
      'POST /runs/run-1/stages/production/approve failed: 409 Stage production is not waiting for approval',
    );
    expect(engine.received[0]?.authorization).toBeUndefined();
  });

  it('asks for log lines after the cursor, and lists runs with only the filters given', async () => {
    engine = await fakeEngine((request) => ({
      status: 200,
      body: request.url.includes('/logs')
        ? { lines: [], dropped: [], next: '0:3', more: false }
        : { runs: [], next: null },
    }));
    const sut = new PlatformClient(engine.url, 't');

    await sut.getRunLogs('r', undefined);
    await sut.getRunLogs('r', '0:3,1:2');
    await sut.listRuns({ component: 'shop', status: 'failure,error', limit: 5 });

    expect(engine.received.map((r) => r.url)).toEqual([
      '/runs/r/logs',
      '/runs/r/logs?after=0%3A3%2C1%3A2',
      '/runs?component=shop&status=failure%2Cerror&limit=5',
    ]);
  });

  it('leaves "by" out of an approval when not given (the token says who approves)', async () => {
    engine = await fakeEngine(() => ({ status: 200, body: { by: 'alice' } }));
    const sut = new PlatformClient(engine.url, 'secret-token');

    await sut.approveStage('run-1', 'production', undefined);

    expect(engine.received[0]?.body).toBe('{}');
  });

  it('says which address it cannot reach', async () => {
    const port = await freePort();
    const sut = new PlatformClient(`http://127.0.0.1:${port}`, 't');
    await expect(sut.getRun('r')).rejects.toThrow(
      `cannot reach http://127.0.0.1:${port} (connect ECONNREFUSED 127.0.0.1:${port})`,
    );
  });
});
