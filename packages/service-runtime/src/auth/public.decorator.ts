import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'pipewright:public-route';

/**
 * A route (or controller) the bearer-token guard lets through: health checks, and what proves itself
 * otherwise (a git webhook signed with its trigger's secret).
 */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);
