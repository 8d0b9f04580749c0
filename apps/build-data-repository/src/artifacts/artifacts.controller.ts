import { Controller, Get, Post, Res } from '@nestjs/common';
import { ZodBody, ZodParams } from '@pipewright/service-runtime';
import { ApiRoute } from '../openapi/api-route.decorator';
import {
  artifactViewSchema,
  publishArtifactSchema,
  toArtifactView,
  versionArtifactsResponseSchema,
  versionParamsSchema,
  type ArtifactView,
  type PublishArtifact,
  type VersionArtifactsResponse,
  type VersionParams,
} from './artifact.dto';
import { ArtifactService } from './artifact.service';

@Controller('components/:name/versions/:version/artifacts')
export class ArtifactsController {
  constructor(private readonly artifacts: ArtifactService) {}

  @Post()
  @ApiRoute({
    summary: 'Record an artifact a version was published as',
    description: 'Announced as `dev.cdevents.artifact.published.0.3.0`. Recording the same artifact again is a no-op.',
    tags: ['artifacts'],
    params: versionParamsSchema,
    body: publishArtifactSchema,
    responses: {
      201: { description: 'Recorded', schema: artifactViewSchema },
      200: { description: 'Already recorded, with the same digest and location', schema: artifactViewSchema },
      404: { description: 'No such component or version' },
      409: { description: 'The purl is recorded for this version with another digest or location' },
    },
  })
  async publish(
    @ZodParams(versionParamsSchema) params: VersionParams,
    @ZodBody(publishArtifactSchema) body: PublishArtifact,
    @Res({ passthrough: true }) response: { status(code: number): unknown },
  ): Promise<ArtifactView> {
    const { artifact, created } = await this.artifacts.publish(params.name, params.version, body);
    response.status(created ? 201 : 200);
    return toArtifactView(artifact);
  }

  @Get()
  @ApiRoute({
    summary: "A version's artifacts",
    tags: ['artifacts'],
    params: versionParamsSchema,
    responses: {
      200: { description: 'Its artifacts, in the order they were published', schema: versionArtifactsResponseSchema },
      404: { description: 'No such component or version' },
    },
  })
  async list(@ZodParams(versionParamsSchema) params: VersionParams): Promise<VersionArtifactsResponse> {
    const artifacts = await this.artifacts.list(params.name, params.version);
    return { component: params.name, version: params.version, artifacts: artifacts.map(toArtifactView) };
  }
}
