import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ValidationError } from '../errors/validation-error';
import { AdminRequired, TeamForbidden } from './auth.errors';

/**
 * Who is asking: the token's entry when bearer tokens are configured, or `open` when they are not
 * (a laptop: everybody may do everything, and says who they are in the request where it matters).
 */
export type Caller =
  | { readonly kind: 'token'; readonly name: string; readonly teams: readonly string[]; readonly admin: boolean }
  | { readonly kind: 'open' };

export const OPEN_CALLER: Caller = Object.freeze({ kind: 'open' });

/** Where the guard leaves the caller on the request. */
export const CALLER_KEY = 'pipewrightCaller';

/** `@CurrentCaller() caller: Caller` in a handler of a service that imports AuthModule. */
export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => {
  const request = context.switchToHttp().getRequest<Record<string, unknown>>();
  return (request[CALLER_KEY] as Caller | undefined) ?? OPEN_CALLER;
});

/** Whether the caller may see and act on what belongs to `team`. */
export function mayActForTeam(caller: Caller, team: string): boolean {
  return caller.kind === 'open' || caller.admin || caller.teams.includes(team);
}

/** Throws a 403 problem unless the caller may act for `team`. */
export function assertTeamAccess(caller: Caller, team: string): void {
  if (caller.kind === 'token' && !mayActForTeam(caller, team)) throw new TeamForbidden(caller.name, team);
}

/** Throws a 403 problem unless the caller is an admin (or tokens are off). */
export function assertAdmin(caller: Caller, what: string): void {
  if (caller.kind === 'token' && !caller.admin) throw new AdminRequired(caller.name, what);
}

/** The teams a caller sees, or undefined for all of them (admin, or tokens off). */
export function visibleTeams(caller: Caller): readonly string[] | undefined {
  return caller.kind === 'open' || caller.admin ? undefined : caller.teams;
}

/**
 * Who acts (approves, cancels, ...): the token's name when tokens are on, where nobody may speak for
 * someone else (a body's `by` naming another is a 400); else the name the request claims, if any.
 */
export function actingName(caller: Caller, claimed: string | undefined, role: string): string | undefined {
  if (caller.kind === 'open') return claimed;
  if (claimed !== undefined && claimed !== caller.name)
    throw new ValidationError('request body', [
      { path: 'by', message: `the ${role} is the bearer token's owner (${caller.name}); leave "by" out` },
    ]);
  return caller.name;
}
