import { spawnSync } from 'node:child_process';

/** The checked-out commit of the repository, when it is a git repository with git installed. */
export function gitRevision(dir: string): string | undefined {
  const result = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8', timeout: 5_000 });
  const revision = result.status === 0 ? result.stdout.trim() : '';
  return /^[0-9a-f]{7,64}$/.test(revision) ? revision : undefined;
}
