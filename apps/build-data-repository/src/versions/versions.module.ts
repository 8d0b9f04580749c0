import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ComponentsModule } from '../components/components.module';
import { ComponentVersionsController } from './component-versions.controller';
import { VersionCounter } from './version-counter.entity';
import { Version } from './version.entity';
import { RunVersionAllocator } from './run-version-allocator.service';
import { VersionService } from './version.service';

@Module({
  imports: [TypeOrmModule.forFeature([Version, VersionCounter]), ComponentsModule],
  controllers: [ComponentVersionsController],
  providers: [VersionService, RunVersionAllocator],
  exports: [VersionService, RunVersionAllocator],
})
export class VersionsModule {}
