import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ComponentsModule } from '../components/components.module';
import { Artifact } from './artifact.entity';
import { ArtifactService } from './artifact.service';
import { ArtifactsController } from './artifacts.controller';

@Module({
  imports: [TypeOrmModule.forFeature([Artifact]), ComponentsModule],
  controllers: [ArtifactsController],
  providers: [ArtifactService],
  exports: [ArtifactService],
})
export class ArtifactsModule {}
