import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ComponentsModule } from '../components/components.module';
import { ComponentVersionsController } from './component-versions.controller';
import { VersionCounter } from './version-counter.entity';
import { Version } from './version.entity';
import { VersionService } from './version.service';

@Module({
  imports: [TypeOrmModule.forFeature([Version, VersionCounter]), ComponentsModule],
  controllers: [ComponentVersionsController],
  providers: [VersionService],
  exports: [VersionService],
})
export class VersionsModule {}
