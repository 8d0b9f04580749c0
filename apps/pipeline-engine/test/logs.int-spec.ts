import { randomUUID } from 'node:crypto';
import { uniqueId, waitFor } from '@pipewright/testing';
import type { RunListDto } from '../src/runs/list-runs.dto';
import type { RunLogLineDto, RunLogPageDto } from '../src/logs/run-logs.dto';
import type { RunDto } from '../src/runs/run.dto';
import { EngineAppTestbed } from './support/engine-app';

jest.setTimeout(120_000);

const TAIL_LINES = 50;

/** build: `chatty` prints 120 lines (more than the tail keeps) while `quiet` prints 2; then ship prints 3. */
function pipeline(component: string, team = 'team-logs') {
  return `component: ${component}
team: ${team}
solution: shop
pipeline:
  name: logged
  stages:
    - name: build
      tasks:
        - name: chatty
          run: for i in $(seq 1 120); do echo "chatty $i"; done
        - name: quiet
          run: echo "quiet 1" && echo "quiet 2" >&2
    - name: ship
      needs: [build]
      tasks:
        - name: chatty
          run: for i in 1 2 3; do echo "ship $i"; done
`;
}

describe('pipeline-engine run list and log tail', () => {
  let bed: EngineAppTestbed;

  beforeAll(async () => {
    bed = await EngineAppTestbed.open({ PIPEWRIGHT_ENGINE_LOG_TAIL_LINES: String(TAIL_LINES) });
  });

  afterAll(() => bed?.close());

  const http = () => bed.http();

  async function queue(component: string, team?: string): Promise<string> {
    const workspace = await bed.workspace('engine-logs-');
    const response = await http()
      .post('/runs')
      .send({ workspace, pipelineYaml: pipeline(component, team) })
      .expect(201);
    return (response.body as { id: string }).id;
  }

  async function finishedRun(runId: string): Promise<RunDto> {
    return waitFor(
      async () => {
        const run = (await http().get(`/runs/${runId}`).expect(200)).body as RunDto;
        return run.finishedAt !== null ? run : null;
      },
      { timeoutMs: 60_000, description: `run ${runId} finished` },
    );
  }

  describe('GET /runs/:id/logs', () => {
    let runId: string;
    beforeAll(async () => {
      runId = await queue(uniqueId('logged-'));
      await bed.peers.allocateVersion(runId, '1.0.0');
      expect((await finishedRun(runId)).status).toBe('success');
    });

    it("pages through the run's lines in order with the cursor, saying what left the tail", async () => {
      const lines: RunLogLineDto[] = [];
      const dropped: RunLogPageDto['dropped'] = [];
      let after = '';
      let pages = 0;
      for (;;) {
        const page = (await http().get(`/runs/${runId}/logs`).query({ after, limit: 20 }).expect(200))
          .body as RunLogPageDto;
        pages++;
        lines.push(...page.lines);
        dropped.push(...page.dropped);
        after = page.next;
        if (!page.more) break;
      }

      const text = (stage: string, task: string) =>
        lines.filter((l) => l.stage === stage && l.task === task).map((l) => l.text);
      expect(text('build', 'chatty')).toEqual(Array.from({ length: TAIL_LINES }, (_, i) => `chatty ${71 + i}`));
      expect(text('build', 'quiet')).toEqual(['quiet 1', 'quiet 2']);
      expect(lines.find((l) => l.text === 'quiet 2')).toMatchObject({ stream: 'stderr', seq: 2 });
      expect(text('ship', 'chatty')).toEqual(['ship 1', 'ship 2', 'ship 3']);
      // ship needs build: its lines were written after all of build's.
      expect(lines.slice(-3).map((l) => l.text)).toEqual(['ship 1', 'ship 2', 'ship 3']);
      expect(pages).toBe(Math.ceil((TAIL_LINES + 5) / 20));
      expect(dropped).toEqual([expect.objectContaining({ stage: 'build', task: 'chatty', lines: 70 })]);

      // Asked again from the end: nothing new, the same cursor.
      const end = (await http().get(`/runs/${runId}/logs`).query({ after }).expect(200)).body as RunLogPageDto;
      expect(end).toEqual({ lines: [], dropped: [], next: after, more: false });
    });

    it("gives one task's lines, named <stage>.<task> or by a name only it has", async () => {
      const ship = (await http().get(`/runs/${runId}/logs`).query({ task: 'ship.chatty' }).expect(200))
        .body as RunLogPageDto;
      expect(ship.lines.map((l) => l.text)).toEqual(['ship 1', 'ship 2', 'ship 3']);
      const quiet = (await http().get(`/runs/${runId}/logs`).query({ task: 'quiet' }).expect(200))
        .body as RunLogPageDto;
      expect(quiet.lines.map((l) => l.text)).toEqual(['quiet 1', 'quiet 2']);
    });

    it('answers 400 naming the bad parameter, and 404 for a run that does not exist', async () => {
      const problem = async (query: Record<string, string>) =>
        (await http().get(`/runs/${runId}/logs`).query(query).expect(400)).body as { details: { path: string }[] };
      expect((await problem({ task: 'chatty' })).details).toEqual([
        { path: 'task', message: expect.stringContaining('build.chatty or ship.chatty') },
      ]);
      expect((await problem({ task: 'nope' })).details[0]?.path).toBe('task');
      expect((await problem({ after: 'garbage' })).details[0]?.path).toBe('after');
      expect((await problem({ after: '99:1' })).details[0]?.path).toBe('after');
      expect((await problem({ limit: '0' })).details[0]?.path).toBe('limit');
      expect((await problem({ colour: 'red' })).details[0]?.path).toBe('');
      const missing = await http().get(`/runs/${randomUUID()}/logs`).expect(404);
      expect(missing.body).toMatchObject({ code: 'run.not_found' });
    });
  });

  describe('GET /runs', () => {
    it('lists runs newest first, filtered, a page at a time', async () => {
      const component = uniqueId('listed-');
      const other = uniqueId('other-');
      const first = await queue(component);
      const second = await queue(component, 'team-elsewhere');
      const third = await queue(component);
      await queue(other);

      const all = (await http().get('/runs').query({ component }).expect(200)).body as RunListDto;
      expect(all.runs.map((r) => r.id)).toEqual([third, second, first]);
      expect(all.runs[0]).toMatchObject({
        component,
        team: 'team-logs',
        status: 'queued',
        pipeline: 'logged',
        lease: null,
      });
      expect(all.next).toBeNull();

      const ids: string[] = [];
      let after: string | undefined;
      do {
        const page = (
          await http()
            .get('/runs')
            .query({ component, limit: 2, ...(after ? { after } : {}) })
            .expect(200)
        ).body as RunListDto;
        ids.push(...page.runs.map((r) => r.id));
        after = page.next ?? undefined;
      } while (after !== undefined);
      expect(ids).toEqual([third, second, first]);

      const team = (await http().get('/runs').query({ component, team: 'team-elsewhere' }).expect(200))
        .body as RunListDto;
      expect(team.runs.map((r) => r.id)).toEqual([second]);
      const finished = (await http().get('/runs').query({ component, status: 'success,failure' }).expect(200))
        .body as RunListDto;
      expect(finished.runs).toEqual([]);
    });

    it('answers 400 naming the bad parameter', async () => {
      for (const [query, path] of [
        [{ status: 'done' }, 'status.0'],
        [{ limit: '1000' }, 'limit'],
        [{ after: 'nonsense' }, 'after'],
        [{ component: 'no spaces' }, 'component'],
      ] as const) {
        const res = await http().get('/runs').query(query).expect(400);
        expect((res.body as { details: { path: string }[] }).details[0]?.path).toBe(path);
      }
    });
  });
});
