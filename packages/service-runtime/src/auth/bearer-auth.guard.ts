import type { CanActivate, ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { Unauthenticated } from './auth.errors';
import { CALLER_KEY, OPEN_CALLER, type Caller } from './caller';
import { PUBLIC_ROUTE } from './public.decorator';
import type { TokenRegistry } from './token-file';

interface AuthRequest {
  headers: Record<string, string | string[] | undefined>;
  [CALLER_KEY]?: Caller;
}

/**
 * Requires `Authorization: Bearer <token>` on every route not marked `@Public()` when tokens are
 * configured, and records the caller on the request; with no tokens, every request is the open caller.
 */
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly tokens: TokenRegistry | undefined,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<AuthRequest>();
    if (this.tokens === undefined) {
      request[CALLER_KEY] = OPEN_CALLER;
      return true;
    }
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic === true) return true;
    request[CALLER_KEY] = this.authenticate(request.headers.authorization);
    return true;
  }

  private authenticate(header: string | string[] | undefined): Caller {
    const value = Array.isArray(header) ? header[0] : header;
    if (value === undefined || value.trim() === '') throw new Unauthenticated('missing');
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(value);
    if (!match?.[1]) throw new Unauthenticated('malformed');
    const entry = this.tokens?.find(match[1]);
    if (!entry) throw new Unauthenticated('unknown');
    return { kind: 'token', name: entry.name, teams: entry.teams, admin: entry.admin };
  }
}
