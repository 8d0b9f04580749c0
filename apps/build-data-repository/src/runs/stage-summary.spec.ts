import { plannedStages, stagesOfRun, summarizeStage, type TaskAttempt } from './stage-summary';

const at = (seconds: number) => new Date(Date.UTC(2026, 10, 22, 10, 0, seconds));

function attempt(overrides: Partial<TaskAttempt> & Pick<TaskAttempt, 'taskName'>): TaskAttempt {
  return { attempt: 1, status: 'finished', outcome: 'success', startedAt: at(0), finishedAt: at(1), ...overrides };
}

describe(summarizeStage.name, () => {
  it('is pending while no task has started', () => {
    expect(summarizeStage([], 2)).toMatchObject({ status: 'pending', outcome: null, tasksStarted: 0, startedAt: null });
  });

  it('runs until every task of the definition has finished', () => {
    const compile = attempt({ taskName: 'compile', startedAt: at(2), finishedAt: at(5) });

    expect(summarizeStage([compile], 2)).toMatchObject({
      status: 'running',
      outcome: 'success',
      tasksStarted: 1,
      tasksFinished: 1,
      startedAt: at(2),
      finishedAt: null,
      durationMs: null,
    });
  });

  it('finishes with the worst outcome, from the first start to the last finish', () => {
    const sut = summarizeStage(
      [
        attempt({ taskName: 'compile', startedAt: at(2), finishedAt: at(5) }),
        attempt({ taskName: 'lint', startedAt: at(3), finishedAt: at(9), outcome: 'failure' }),
      ],
      2,
    );

    expect(sut).toEqual({
      status: 'finished',
      outcome: 'failure',
      tasksStarted: 2,
      tasksFinished: 2,
      startedAt: at(2),
      finishedAt: at(9),
      durationMs: 7_000,
    });
  });

  it('counts each task by its latest attempt: a retry that passed makes the stage pass', () => {
    const sut = summarizeStage(
      [
        attempt({ taskName: 'deploy', attempt: 1, outcome: 'error', startedAt: at(1), finishedAt: at(2) }),
        attempt({ taskName: 'deploy', attempt: 2, outcome: 'success', startedAt: at(3), finishedAt: at(6) }),
      ],
      1,
    );

    expect(sut).toMatchObject({ status: 'finished', outcome: 'success', tasksStarted: 1, durationMs: 5_000 });
  });

  it('is running while the latest attempt runs, even after an earlier one failed', () => {
    const sut = summarizeStage(
      [
        attempt({ taskName: 'deploy', attempt: 2, status: 'running', outcome: null, finishedAt: null }),
        attempt({ taskName: 'deploy', attempt: 1, outcome: 'failure' }),
      ],
      1,
    );

    expect(sut).toMatchObject({ status: 'running', outcome: null, tasksFinished: 0 });
  });

  it('without the definition, finishes once every task seen has finished', () => {
    expect(summarizeStage([attempt({ taskName: 'compile' })], null).status).toBe('finished');
  });
});

describe(plannedStages.name, () => {
  it('reads the stages of a definition snapshot in order', () => {
    const sut = plannedStages({
      name: 'build-and-deploy',
      stages: [
        { name: 'build', tasks: [{ name: 'compile' }, { name: 'lint' }] },
        { name: 'deploy', environment: { name: 'test' }, tasks: [{ name: 'ship' }] },
      ],
    });

    expect(sut).toEqual([
      { name: 'build', position: 0, taskCount: 2 },
      { name: 'deploy', position: 1, taskCount: 1 },
    ]);
  });

  it('plans nothing for a definition it cannot read', () => {
    expect(plannedStages(null)).toEqual([]);
    expect(plannedStages({ stages: 'build' })).toEqual([]);
    expect(plannedStages({ graph: {} })).toEqual([]);
  });
});

describe(plannedStages.name, () => {
  it('counts the tasks of a resolved graph across sections and parallel lanes', () => {
    const task = { kind: 'task', task: {} };
    const definition = {
      stages: [
        {
          name: 'build',
          sections: { first: [task], main: [task, { kind: 'parallel', lanes: [[{}, {}], [{}]] }], last: [] },
        },
        { name: 'legacy', tasks: [{}, {}] },
        { name: 'unknown' },
      ],
    };
    expect(plannedStages(definition)).toEqual([
      { name: 'build', position: 0, taskCount: 5 },
      { name: 'legacy', position: 1, taskCount: 2 },
      { name: 'unknown', position: 2, taskCount: null },
    ]);
  });
});

describe(stagesOfRun.name, () => {
  const definition = {
    stages: [
      { name: 'build', tasks: [{}, {}] },
      { name: 'deploy', tasks: [{}] },
    ],
  };
  const inStage = (stage: string, overrides: Partial<TaskAttempt> & Pick<TaskAttempt, 'taskName'>) => ({
    stage,
    ...attempt(overrides),
  });

  it('lists the planned stages in the definition’s order, each summarized from its own task runs', () => {
    const compile = inStage('build', { taskName: 'compile', startedAt: at(2), finishedAt: at(5) });
    const lint = inStage('build', { taskName: 'lint', startedAt: at(3), finishedAt: at(4), outcome: 'failure' });

    const sut = stagesOfRun(definition, [compile, lint]);

    expect(sut).toEqual([
      {
        name: 'build',
        position: 0,
        taskCount: 2,
        status: 'finished',
        outcome: 'failure',
        tasksStarted: 2,
        tasksFinished: 2,
        startedAt: at(2),
        finishedAt: at(5),
        durationMs: 3_000,
        attempts: [compile, lint],
      },
      expect.objectContaining({ name: 'deploy', position: 1, taskCount: 1, status: 'pending', attempts: [] }),
    ]);
  });

  it('lists stages only task runs name after the planned ones, by first start, then by name', () => {
    const late = inStage('late', { taskName: 'a', startedAt: at(9) });
    const early = inStage('early', { taskName: 'b', startedAt: at(1) });
    const neverStartedB = inStage('b-unstarted', { taskName: 'c', startedAt: null });
    const neverStartedA = inStage('a-unstarted', { taskName: 'd', startedAt: null });

    const sut = stagesOfRun(definition, [late, neverStartedB, early, neverStartedA]);

    expect(sut.map((stage) => [stage.name, stage.position])).toEqual([
      ['build', 0],
      ['deploy', 1],
      ['early', null],
      ['late', null],
      ['a-unstarted', null],
      ['b-unstarted', null],
    ]);
    // Without a definition a stage is finished once every task seen has finished.
    expect(sut[2]).toMatchObject({ taskCount: null, status: 'finished', tasksStarted: 1 });
  });

  it('has only the stages task runs name while the definition is not known yet', () => {
    expect(stagesOfRun(null, [inStage('build', { taskName: 'compile' })]).map((stage) => stage.name)).toEqual([
      'build',
    ]);
  });
});
