import { createStyle } from '../output/ansi';
import { formatTestResults, testFiles } from './test.command';

describe(testFiles.name, () => {
  it.each([
    [{}, { testFile: 'pipewright.test.yml', pipelineFile: 'pipewright.yml' }],
    [{ file: 'ci/release.yml' }, { testFile: 'ci/release.test.yml', pipelineFile: 'ci/release.yml' }],
    [
      { testFile: 'examples/x/pipewright.test.yml' },
      { testFile: 'examples/x/pipewright.test.yml', pipelineFile: 'examples/x/pipewright.yml' },
    ],
    [{ testFile: 'tests/order.yml' }, { testFile: 'tests/order.yml', pipelineFile: 'tests/pipewright.yml' }],
    [
      { testFile: 't.yml', file: 'p.yml' },
      { testFile: 't.yml', pipelineFile: 'p.yml' },
    ],
  ])('%j -> %j', (given, expected) => {
    expect(testFiles(given)).toEqual(expected);
  });
});

describe(formatTestResults.name, () => {
  it('marks passing cases, and lists what failed and what ran for the others', () => {
    const sut = formatTestResults(
      'pipewright.test.yml',
      [
        {
          name: 'happy path',
          line: 2,
          passed: true,
          failures: [],
          outcome: 'success',
          ran: ['build.compile'],
          durationMs: 3000,
        },
        {
          name: 'a failing build stops everything',
          line: 9,
          passed: false,
          failures: ['expected deploy.push to be skipped, but it ran'],
          outcome: 'failure',
          ran: ['build.compile', 'deploy.push'],
          durationMs: 2000,
        },
      ],
      createStyle(false),
    );
    expect(sut.split('\n')).toEqual([
      'pipewright.test.yml',
      '  ✓ happy path (success, 3.0s virtual)',
      '  ✗ a failing build stops everything (failure, 2.0s virtual)  pipewright.test.yml:9',
      '      - expected deploy.push to be skipped, but it ran',
      '      ran: build.compile, deploy.push',
      '',
      '1 failed, 1 passed',
      '',
    ]);
  });
});
