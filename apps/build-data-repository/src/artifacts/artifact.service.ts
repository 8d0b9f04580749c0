import { Injectable, Logger } from '@nestjs/common';
import {
  ARTIFACT_PUBLISHED,
  ArtifactPublished,
  newCDEvent,
  type ArtifactPublished as ArtifactPublishedEvent,
} from '@pipewright/contracts';
import { EventBus, OutboxWriter } from '@pipewright/event-bus';
import { DataSource, type EntityManager } from 'typeorm';
import { ComponentService } from '../components/component.service';
import { assertVersionExists } from '../versions/known-version';
import { Version } from '../versions/version.entity';
import type { PublishArtifact } from './artifact.dto';
import { Artifact } from './artifact.entity';
import { ArtifactConflict } from './artifact.errors';

/** Artifacts per version, from `artifact.published` events and from tools outside Pipewright. */
@Injectable()
export class ArtifactService {
  private readonly logger = new Logger(ArtifactService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly components: ComponentService,
    private readonly outbox: OutboxWriter,
    private readonly bus: EventBus,
  ) {}

  /** The first publication of a purl for a version is the record; a later, different one is logged and ignored. */
  async recordPublished(manager: EntityManager, event: ArtifactPublishedEvent): Promise<void> {
    const data = event.customData;
    const inserted = await this.insert(manager, {
      component: data.component,
      version: data.version,
      purl: event.subject.id,
      digest: data.digest,
      uri: data.uri,
      sbomUri: event.subject.content.sbom?.uri ?? null,
      runId: data.runId ?? null,
      publishedAt: new Date(event.context.timestamp),
    });
    if (!inserted) {
      const recorded = await manager.findOneBy(Artifact, {
        component: data.component,
        version: data.version,
        purl: event.subject.id,
      });
      if (recorded && recorded.digest !== data.digest) {
        this.logger.warn(
          { component: data.component, version: data.version, purl: event.subject.id, digest: data.digest },
          'artifact published again with another digest; the first publication stays recorded',
        );
      }
    }
  }

  /**
   * Records an artifact of a version and announces it (`artifact.published`). The same artifact again is
   * answered with the record (`created: false`); the same purl with another digest or location is refused.
   * @throws ComponentNotFound, VersionNotFound, ArtifactConflict
   */
  async publish(component: string, version: string, request: PublishArtifact) {
    await this.components.get(component);
    return this.dataSource.transaction(async (manager) => {
      await assertVersionExists(manager, component, version);
      const recorded = await manager.findOneBy(Artifact, { component, version, purl: request.purl });
      if (recorded) return { artifact: sameOrConflict(recorded, request, component, version), created: false };
      const built = await manager.findOneBy(Version, { component, version });
      const event = newCDEvent(
        ARTIFACT_PUBLISHED,
        this.bus.source,
        {
          id: request.purl,
          source: this.bus.source,
          content: request.sbomUri === undefined ? {} : { sbom: { uri: request.sbomUri } },
        },
        {
          component,
          version,
          digest: request.digest,
          uri: request.uri,
          ...(built?.runId ? { runId: built.runId } : {}),
        },
      );
      const artifact = manager.create(Artifact, {
        component,
        version,
        purl: request.purl,
        digest: request.digest,
        uri: request.uri,
        sbomUri: request.sbomUri ?? null,
        runId: built?.runId ?? null,
        publishedAt: new Date(event.context.timestamp),
      });
      if (!(await this.insert(manager, artifact))) {
        // A concurrent request recorded the purl first: answer as if this one had come second.
        const winner = await manager.findOneByOrFail(Artifact, { component, version, purl: request.purl });
        return { artifact: sameOrConflict(winner, request, component, version), created: false };
      }
      await this.outbox.publish(manager, ArtifactPublished, event);
      return { artifact, created: true };
    });
  }

  /** @throws ComponentNotFound, VersionNotFound */
  async list(component: string, version: string): Promise<Artifact[]> {
    await this.components.get(component);
    await assertVersionExists(this.dataSource.manager, component, version);
    return this.dataSource.manager.find(Artifact, {
      where: { component, version },
      order: { publishedAt: 'ASC', purl: 'ASC' },
    });
  }

  private async insert(manager: EntityManager, artifact: Artifact): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(Artifact)
      .values(artifact)
      .orIgnore()
      .returning(['purl'])
      .execute();
    return (result.raw as unknown[]).length > 0;
  }
}

function sameOrConflict(recorded: Artifact, request: PublishArtifact, component: string, version: string): Artifact {
  if (recorded.digest !== request.digest || recorded.uri !== request.uri) {
    throw new ArtifactConflict(component, version, request.purl, recorded);
  }
  return recorded;
}
