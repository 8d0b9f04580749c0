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

  it('reports a missing logs endpoint as undefined, but a missing run as an error', async () => {
    engine = await fakeEngine((request) =>
      request.url.startsWith('/runs/gone')
        ? { status: 404, body: { code: 'run.not_found', message: 'Run gone does not exist' } }
        : { status: 404, body: { code: 'http.not_found', message: 'Cannot GET /runs/r/logs' } },
    );
    const sut = new PlatformClient(engine.url, 't');

    await expect(sut.getRunLogs('r', undefined)).resolves.toBeUndefined();
    await expect(sut.getRunLogs('gone', undefined)).rejects.toThrow('Run gone does not exist');
  });

  it('says which address it cannot reach', async () => {
    const port = await freePort();
    const sut = new PlatformClient(`http://127.0.0.1:${port}`, 't');
    await expect(sut.getRun('r')).rejects.toThrow(
      `cannot reach http://127.0.0.1:${port} (connect ECONNREFUSED 127.0.0.1:${port})`,
    );
  });
});
