import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pipewright } from './cli-harness';

describe('the pipewright command', () => {
  it('is installed as a bin whose script starts with a node shebang', () => {
    const manifest = JSON.parse(readFileSync(path.join(__dirname, '../package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(manifest.bin).toEqual({ pipewright: 'dist/main.js' });
    expect(readFileSync(path.join(__dirname, '../src/main.ts'), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('lists its commands, and suggests one for a typo (exit code 2)', async () => {
    const help = await pipewright(['--help'], { cwd: __dirname });
    expect(help.code).toBe(0);
    for (const command of [
      'validate',
      'graph',
      'run',
      'test',
      'trigger',
      'status',
      'logs',
      'approve',
      'cancel',
      'rerun',
    ])
      expect(help.stdout).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
    const typo = await pipewright(['rnu'], { cwd: __dirname });
    expect(typo).toEqual({
      code: 2,
      stdout: '',
      stderr: 'pipewright: unknown command "rnu"; did you mean "run"?\nRun pipewright --help for the commands.\n',
    });
  });

  it('shows a command’s options with --help', async () => {
    const sut = await pipewright(['run', '--help'], { cwd: __dirname });
    expect(sut.code).toBe(0);
    expect(sut.stdout).toContain('Usage: pipewright run [options]');
    expect(sut.stdout).toMatch(/--from-failed +Continue the latest run/);
  });
});
