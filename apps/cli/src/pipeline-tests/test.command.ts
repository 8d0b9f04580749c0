import * as fs from 'node:fs';
import * as path from 'node:path';
import { runPipelineTests, type PipelineTestCaseResult } from '@pipewright/engine-core';
import { formatErrors, type PipelineGraph } from '@pipewright/pipeline-spec';
import { listOption, type ParsedArgs, stringOption } from '../args/command-args';
import type { CliIo } from '../cli-io';
import { EXIT, type Command } from '../command';
import { colourEnabled, createStyle, type Style } from '../output/ansi';
import { formatElapsed } from '../output/format-duration';
import { pipelineFileOptions } from '../pipeline/pipeline-options';
import { DEFAULT_PIPELINE_FILE, loadFromLocation, locatePipeline } from '../pipeline/repository-pipeline';

export const DEFAULT_TEST_FILE = 'pipewright.test.yml';

export const testCommand: Command = {
  spec: {
    name: 'test',
    summary: `Run the pipeline's tests (${DEFAULT_TEST_FILE} next to ${DEFAULT_PIPELINE_FILE}) in mock mode: order, lanes, fan-in, what runs after a failure.`,
    options: pipelineFileOptions,
    positionals: [
      {
        name: 'file',
        required: false,
        description: `The test file (default ${DEFAULT_TEST_FILE} next to the pipeline; x.test.yml tests x.yml).`,
      },
    ],
  },
  run: runTests,
};

/** The test file and the pipeline it tests: `x.test.yml` tests `x.yml` beside it, unless --file says otherwise. */
export function testFiles(args: { testFile?: string | undefined; file?: string | undefined }): {
  testFile: string;
  pipelineFile: string;
} {
  if (args.testFile !== undefined) {
    const pipelineFile =
      args.file ??
      (/\.test\.ya?ml$/.test(args.testFile)
        ? args.testFile.replace(/\.test(\.ya?ml)$/, '$1')
        : path.join(path.dirname(args.testFile), DEFAULT_PIPELINE_FILE));
    return { testFile: args.testFile, pipelineFile };
  }
  const pipelineFile = args.file ?? DEFAULT_PIPELINE_FILE;
  const testFile = /\.ya?ml$/.test(pipelineFile)
    ? pipelineFile.replace(/(\.ya?ml)$/, '.test$1')
    : path.join(path.dirname(pipelineFile), DEFAULT_TEST_FILE);
  return { testFile, pipelineFile };
}

async function runTests(args: ParsedArgs, io: CliIo): Promise<number> {
  const { testFile, pipelineFile } = testFiles({ testFile: args.positionals[0], file: stringOption(args, 'file') });
  const location = locatePipeline(io, { file: pipelineFile, flavours: listOption(args, 'flavours') });
  const style = createStyle(colourEnabled(io.stdout.isTTY, io.env));

  let text: string;
  try {
    text = fs.readFileSync(location.absolute(testFile), 'utf8');
  } catch {
    io.stderr.write(
      `${testFile}: cannot read the pipeline tests (write them in ${DEFAULT_TEST_FILE} next to ${DEFAULT_PIPELINE_FILE})\n`,
    );
    return EXIT.failed;
  }
  const loaded = loadFromLocation(location);
  if (!loaded.ok) {
    io.stderr.write(formatErrors(loaded.errors) + '\n');
    return EXIT.failed;
  }
  const loadGraph = (inputs: Record<string, string | number | boolean>): PipelineGraph => {
    const again = loadFromLocation(location, inputs);
    if (!again.ok) throw new Error(formatErrors(again.errors));
    return again.graph;
  };

  const result = await runPipelineTests(loaded.graph, text, testFile, { loadGraph });
  if (!result.ok) {
    io.stderr.write(result.errors.map((e) => `${e.file}:${e.line}:${e.column}: ${e.message}`).join('\n') + '\n');
    return EXIT.failed;
  }
  io.stdout.write(formatTestResults(result.file, result.cases, style));
  return result.failed === 0 ? EXIT.ok : EXIT.failed;
}

/** `✓ name` per passing case; `✗ name` with each unmet expectation and what actually ran for a failing one. */
export function formatTestResults(file: string, cases: readonly PipelineTestCaseResult[], style: Style): string {
  const lines = [style.bold(file)];
  for (const testCase of cases) {
    const timing = style.dim(`(${testCase.outcome}, ${formatElapsed(testCase.durationMs)} virtual)`);
    if (testCase.passed) {
      lines.push(`  ${style.green('✓')} ${testCase.name} ${timing}`);
      continue;
    }
    lines.push(`  ${style.red('✗')} ${testCase.name} ${timing}  ${style.dim(`${file}:${testCase.line}`)}`);
    for (const failure of testCase.failures) lines.push(`      ${style.red('-')} ${failure}`);
    lines.push(style.dim(`      ran: ${testCase.ran.length > 0 ? testCase.ran.join(', ') : '(nothing)'}`));
  }
  const passed = cases.filter((c) => c.passed).length;
  const failed = cases.length - passed;
  lines.push('', failed === 0 ? style.green(`${passed} passed`) : `${style.red(`${failed} failed`)}, ${passed} passed`);
  return lines.join('\n') + '\n';
}
