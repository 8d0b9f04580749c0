import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DocsController } from './docs.controller';
import { OpenApiRoutesService } from './openapi-routes.service';

@Module({
  imports: [DiscoveryModule],
  controllers: [DocsController],
  providers: [OpenApiRoutesService],
})
export class OpenApiModule {}
