import { assertTeamAccess, type Caller, mayActForTeam } from '@pipewright/service-runtime';
import { resolveRunDefinition } from '../runs/run-definition';
import type { TriggerDto } from './create-trigger.dto';

/**
 * Which team a trigger acts for: the team its workspace's pipewright.yml names, as when it fires.
 * A pipeline that cannot be read throws PipelineInvalid (400), saying where.
 */
function teamOf(workspace: string, flavourDirs: readonly string[]): string {
  return resolveRunDefinition({ kind: 'source', request: { workspace } }, { flavourDirs }).graph.team;
}

/** Throws a 403 problem unless the caller may act for the team of the pipeline in `workspace`. */
export function assertWorkspaceAccess(caller: Caller, workspace: string, flavourDirs: readonly string[]): void {
  if (caller.kind === 'open' || caller.admin) return;
  assertTeamAccess(caller, teamOf(workspace, flavourDirs));
}

/** The triggers whose workspace's pipeline belongs to one of the caller's teams (all for admin or open). */
export function visibleTriggers(caller: Caller, triggers: TriggerDto[], flavourDirs: readonly string[]): TriggerDto[] {
  if (caller.kind === 'open' || caller.admin) return triggers;
  return triggers.filter((trigger) => {
    try {
      return mayActForTeam(caller, teamOf(trigger.workspace, flavourDirs));
    } catch {
      // A workspace whose pipeline cannot be read belongs to no team a token can prove.
      return false;
    }
  });
}
