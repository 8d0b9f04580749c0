import { graphOf } from '../../test/graphs';
import { runPipelineTests } from './run-pipeline-tests';

const graph = graphOf(`
  stages:
    - name: build
      tasks: [{ name: compile, run: make, outputs: [version] }]
    - name: test
      tasks:
        - parallel:
            - { name: a, run: ./test a }
            - { name: b, run: ./test b }
    - name: deploy
      approval: { approvers: [alice] }
      tasks:
        - { name: push, run: "./push \${{ stages.build.tasks.compile.outputs.version }}", retry: 3 }
      last:
        - { name: cleanup, run: ./cleanup }
    - name: publish
      tasks: [{ name: release, run: ./release }]
`);

const FILE = 'pipewright.test.yml';

describe(runPipelineTests.name, () => {
  it('runs every case in mock mode and passes the ones whose expectations hold', async () => {
    const text = `
- name: the happy path runs everything in order, tests in parallel
  given:
    outputs: { build.compile: { version: 1.2.3 } }
  expect:
    outcome: success
    ran: [build.compile, test.a, test.b, deploy.push, deploy.cleanup, publish.release]
    order: [[build.compile, test.a, deploy.push, publish.release]]
    parallel: [[test.a, test.b]]
    with: { deploy.push: { run: ./push 1.2.3 } }

- name: a failing deploy still runs the last section
  given:
    outcomes: { push: failure }
  expect:
    outcome: failure
    ran: [build.compile, deploy.push, deploy.cleanup]
    notRan: [publish.release]
    attempts: { deploy.push: 3 }
    stages: { deploy: failure, publish: skipped }
    tasks: { deploy.cleanup: success }

- name: a flaky push succeeds on its second attempt
  given:
    outcomes: { deploy.push: [failure, success] }
    durations: { deploy.push: 30s }
  expect: { outcome: success, attempts: { deploy.push: 2 } }

- name: a rejected deploy stops the pipeline
  given:
    approvals: { deploy: rejected }
  expect:
    outcome: failure
    notRan: [deploy.push, deploy.cleanup, publish.release]

- name: --to runs a stage and what it needs
  given: { to: test }
  expect: { outcome: success, notRan: [deploy.push] }
`;
    const result = await runPipelineTests(graph, text, FILE);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.cases.map((c) => [c.name, c.failures])).toEqual([
      ['the happy path runs everything in order, tests in parallel', []],
      ['a failing deploy still runs the last section', []],
      ['a flaky push succeeds on its second attempt', []],
      ['a rejected deploy stops the pipeline', []],
      ['--to runs a stage and what it needs', []],
    ]);
    expect(result.passed).toBe(5);
    expect(result.cases[0]?.durationMs).toBe(5000);
  });

  it('fails a case whose expectations do not hold, saying what happened instead', async () => {
    const text = `- name: wrong expectations
  given:
    outcomes: { build.compile: failure }
  expect:
    outcome: success
    ran: [test.a]
    notRan: [build.compile]
    order: [[test.b, test.a]]
    parallel: [[build.compile, test.a]]
    stages: { build: success }
    tasks: { publish.release: success }
    attempts: { build.compile: 2 }
`;
    const result = await runPipelineTests(graph, text, FILE);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const [only] = result.cases;
    expect(only?.passed).toBe(false);
    expect(only?.failures).toEqual([
      `${FILE}:5:5: expected the run to end success, but it ended failure; stages: build: failure (task "compile" failed (exit code 1)); test: skipped (it needs stage "build", which did not succeed (failure)); deploy: skipped (it needs stage "test", which did not succeed (skipped)); publish: skipped (it needs stage "deploy", which did not succeed (skipped))`,
      `${FILE}:6:11: expected test.a to run, but it was skipped (its stage was skipped: it needs stage "build", which did not succeed (failure)); tasks that ran: build.compile`,
      `${FILE}:7:14: expected build.compile not to run, but it ran (failure)`,
      `${FILE}:8:13: expected test.b to finish before test.a started, but test.b did not run and test.a did not run`,
      `${FILE}:9:16: expected build.compile and test.a to run at the same time, but build.compile ran 0–1000 ms and test.a did not run`,
      `${FILE}:10:15: expected stage build to end success, but it ended failure (task "compile" failed (exit code 1))`,
      `${FILE}:11:14: expected publish.release to end success, but it ended skipped (its stage was skipped: it needs stage "deploy", which did not succeed (skipped))`,
      `${FILE}:12:17: expected build.compile to run 2 attempts, but it ran 1 attempt`,
    ]);
    expect(result.failed).toBe(1);
  });

  it('reports mistakes in the test file at file:line:column, with the nearest name', async () => {
    const text = `- name: typos
  given:
    outcome: { deploy.push: failure }
    outcomes: { deploy.psh: failure, build.compile: broken }
    approvals: { build: rejected }
  expect:
    ran: [publish.relase]
    order: [[build.compile]]
    stages: { deplo: success }
    outcome: succes
- name: typos
  expect: {}
- given: {}
`;
    const result = await runPipelineTests(graph, text, FILE);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => `${e.file}:${e.line}:${e.column}: ${e.message}`)).toEqual([
      `${FILE}:3:5: unknown key "outcome" in "given"; did you mean "outcomes"?`,
      `${FILE}:4:17: unknown task "deploy.psh"; did you mean "deploy.push"?`,
      `${FILE}:4:53: outcome "broken" is not one of success, failure, error`,
      `${FILE}:5:18: stage "build" has no approval`,
      `${FILE}:7:11: unknown task "publish.relase"; did you mean "publish.release"?`,
      `${FILE}:8:13: a group of "expect.order" needs at least two tasks`,
      `${FILE}:9:15: unknown stage "deplo"; did you mean "deploy"?`,
      `${FILE}:10:14: the run outcome "succes" is not one of success, failure, cancel; did you mean "success"?`,
      `${FILE}:11:3: duplicate test case name "typos" (also on line 1)`,
      `${FILE}:12:11: test case "typos" needs at least one expectation in "expect"`,
      `${FILE}:13:3: a test case needs a "name"`,
      `${FILE}:13:3: test case "case on line 13" needs an "expect" with at least one expectation`,
    ]);
  });

  it('reports YAML syntax errors and a file that is not a list', async () => {
    const broken = await runPipelineTests(graph, '- name: x\n  expect: { ran: [a }\n', FILE);
    expect(broken.ok).toBe(false);
    if (!broken.ok)
      expect(broken.errors[0]).toMatchObject({ line: 2, message: expect.stringMatching(/^YAML syntax error/) });
    const notList = await runPipelineTests(graph, 'name: x\n', FILE);
    expect(notList).toEqual({
      ok: false,
      file: FILE,
      errors: [
        {
          file: FILE,
          line: 1,
          column: 1,
          message: 'expected a list of test cases (each "- name: …", with "given" and "expect")',
        },
      ],
    });
  });
});
