import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localProcessSpecSchema, type LocalProcessSpec } from '@pipewright/contracts';
import { EnvironmentNotReady, type CreatedEnvironment } from '../environment-driver';
import { probeHttp } from './http-probe';
import { LocalProcessDriver } from './local-process.driver';

/** A web server on $PORT answering 200 on /health and echoing $GREETING elsewhere. */
const server = `'${process.execPath}' -e "require('http').createServer((q, s) => { s.statusCode = q.url === '/health' ? 200 : 404; s.end(String(process.env.GREETING)); }).listen(Number(process.env.PORT), '127.0.0.1')"`;

function spec(fields: Partial<LocalProcessSpec> & { command: string }): LocalProcessSpec {
  return localProcessSpecSchema.parse({ driver: 'local-process', healthPath: '/health', ...fields });
}

describe(LocalProcessDriver.name, () => {
  let logDir: string;
  let sut: LocalProcessDriver;
  const started: CreatedEnvironment[] = [];

  beforeAll(async () => {
    logDir = await mkdtemp(join(tmpdir(), 'local-process-'));
    sut = new LocalProcessDriver({ logDir, stopGraceMs: 2_000, pollIntervalMs: 50 });
  });
  afterEach(async () => {
    await sut.destroy(started.flatMap((created) => created.resources));
    started.length = 0;
  });
  afterAll(() => rm(logDir, { recursive: true, force: true }));

  async function create(environmentSpec: LocalProcessSpec): Promise<CreatedEnvironment> {
    const created = await sut.create('env-1', environmentSpec);
    started.push(created);
    return created;
  }

  it('starts the command on a free port with the spec env and waits until its health path answers', async () => {
    const created = await create(spec({ command: server, env: { GREETING: 'hello' } }));

    await created.ready();

    const [resource] = created.resources;
    expect(resource).toMatchObject({ type: 'process', details: { pid: expect.any(Number), port: expect.any(Number) } });
    expect(created.url).toBe(`http://127.0.0.1:${resource!.details.port}`);
    expect(await probeHttp(`${created.url}/health`, 1_000)).toBe(200);
    expect(await sut.exists(resource!)).toBe(true);
  });

  it('stops the whole process group on destroy', async () => {
    const created = await create(spec({ command: `sleep 30 & ${server}` }));
    await created.ready();

    await sut.destroy(created.resources);

    expect(await sut.exists(created.resources[0]!)).toBe(false);
    expect(() => process.kill(created.resources[0]!.details.pid as number, 0)).toThrow();
  });

  it('fails at once when the process exits before it is healthy, quoting its output', async () => {
    const created = await create(spec({ command: 'echo "cannot open config"; exit 3', readyTimeoutSeconds: 30 }));

    const attempt = created.ready();

    await expect(attempt).rejects.toThrow(EnvironmentNotReady);
    await expect(attempt).rejects.toThrow(
      /^process exited with code 3 before http:\/\/127\.0\.0\.1:\d+\/health answered 2xx; process output: cannot open config$/,
    );
  });

  it('fails when the health path does not answer 2xx in time, saying what it last saw', async () => {
    const created = await create(spec({ command: `echo starting; sleep 30`, readyTimeoutSeconds: 1 }));

    const attempt = created.ready();

    await expect(attempt).rejects.toThrow(
      /^health check http:\/\/127\.0\.0\.1:\d+\/health did not answer 2xx within 1 s \(last attempt: ECONNREFUSED\); process output: starting$/,
    );
    expect(await sut.exists(created.resources[0]!)).toBe(true); // stopping is the caller's decision
  });

  it('writes the output to a log file per environment and resource', async () => {
    const created = await create(spec({ command: `echo to-stdout; echo to-stderr >&2; ${server}` }));
    await created.ready();

    const logFile = created.resources[0]!.details.logFile as string;
    expect(logFile.startsWith(join(logDir, 'env-1-'))).toBe(true);
    expect(await readFile(logFile, 'utf8')).toBe('to-stdout\nto-stderr\n');
  });

  it('rejects a working directory that does not exist without starting anything', async () => {
    await expect(sut.create('env-1', spec({ command: server, cwd: join(logDir, 'nope') }))).rejects.toThrow(
      new EnvironmentNotReady(`working directory ${join(logDir, 'nope')} does not exist`),
    );
  });
});
