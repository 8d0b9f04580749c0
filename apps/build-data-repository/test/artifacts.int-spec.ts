import { createHash } from 'node:crypto';
import {
  ARTIFACT_PUBLISHED,
  ArtifactPublished,
  newCDEvent,
  parseMessage,
  sourceOf,
  type ArtifactPublished as ArtifactPublishedEvent,
} from '@pipewright/contracts';
import { uniqueId, waitFor } from '@pipewright/testing';
import request from 'supertest';
import type { VersionArtifactsResponse } from '../src/artifacts/artifact.dto';
import { aRun, type RunFixture } from './support/run-events.fixtures';
import { queueRun } from './support/run-stored';
import { startApp, type TestApp } from './support/start-app';

jest.setTimeout(90_000);

const digestOf = (content: string) => `sha256:${createHash('sha256').update(content).digest('hex')}`;

describe('artifacts', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startApp();
  });

  afterAll(async () => {
    await sut?.close();
  });

  const queuedRun = (run: RunFixture) => queueRun(sut, run);

  it('records what a build published, from its artifact.published event', async () => {
    const run = aRun({ component: uniqueId('image-') });
    const version = await queuedRun(run);
    const purl = `pkg:oci/${run.component}@${encodeURIComponent(digestOf('image'))}?repository_url=registry.local/shop`;
    const source = sourceOf('pipeline-engine');

    await sut.engine.publishDirect(
      ArtifactPublished,
      parseMessage(
        ArtifactPublished,
        newCDEvent(
          ARTIFACT_PUBLISHED,
          source,
          { id: purl, source, content: { sbom: { uri: 'https://sbom.local/image.spdx.json' } } },
          {
            component: run.component,
            version,
            digest: digestOf('image'),
            uri: `https://registry.local/shop/${run.component}`,
            runId: run.runId,
          },
        ),
      ),
    );

    const listed = await waitFor(
      async () => {
        const response = await request(sut.http)
          .get(`/components/${run.component}/versions/${version}/artifacts`)
          .expect(200);
        const body = response.body as VersionArtifactsResponse;
        return body.artifacts.length > 0 && body;
      },
      { description: 'the artifact recorded' },
    );
    expect(listed).toEqual({
      component: run.component,
      version,
      artifacts: [
        {
          purl,
          digest: digestOf('image'),
          uri: `https://registry.local/shop/${run.component}`,
          sbomUri: 'https://sbom.local/image.spdx.json',
          runId: run.runId,
          publishedAt: expect.any(String),
        },
      ],
    });
  });

  it('takes artifacts over HTTP: announced once, repeated harmlessly, never changed', async () => {
    const run = aRun({ component: uniqueId('package-') });
    const version = await queuedRun(run);
    const url = `/components/${run.component}/versions/${version}/artifacts`;
    const artifact = {
      purl: `pkg:npm/%40shop/${run.component}@${version}`,
      digest: digestOf('tarball'),
      uri: `https://npm.local/@shop/${run.component}/-/${run.component}-${version}.tgz`,
    };

    const created = await request(sut.http).post(url).send(artifact).expect(201);
    expect(created.body).toMatchObject({ ...artifact, runId: run.runId, sbomUri: null });
    const announced = await sut.tap.waitFor(
      (m) => m.attributes?.type === ARTIFACT_PUBLISHED && m.attributes.subject === artifact.purl,
      { description: 'the artifact announced' },
    );
    expect((announced.data as ArtifactPublishedEvent).customData).toEqual({
      component: run.component,
      version,
      digest: artifact.digest,
      uri: artifact.uri,
      runId: run.runId,
    });

    const repeated = await request(sut.http).post(url).send(artifact).expect(200);
    expect(repeated.body.publishedAt).toBe(created.body.publishedAt);
    const changed = await request(sut.http)
      .post(url)
      .send({ ...artifact, digest: digestOf('another tarball') })
      .expect(409);
    expect(changed.body).toMatchObject({
      code: 'artifact.conflict',
      details: { recorded: { digest: artifact.digest } },
    });

    // The announcement comes back through Kafka and leaves one record.
    await waitFor(
      async () => {
        const [row] = await sut.dataSource.query<{ count: number }[]>(
          `SELECT count(*)::int AS count FROM events WHERE type = $1 AND subject = $2`,
          [ARTIFACT_PUBLISHED, artifact.purl],
        );
        return row?.count === 1;
      },
      { description: 'the announcement in the event log' },
    );
    const listed = await request(sut.http).get(url).expect(200);
    expect((listed.body as VersionArtifactsResponse).artifacts).toHaveLength(1);
  });

  it('refuses artifacts of versions it never allocated, and bad input naming the field', async () => {
    const run = aRun({ component: uniqueId('refused-') });
    const version = await queuedRun(run);
    const good = {
      purl: `pkg:generic/${run.component}@${version}`,
      digest: digestOf('x'),
      uri: 'https://files.local/x',
    };

    const unknownVersion = await request(sut.http)
      .post(`/components/${run.component}/versions/999/artifacts`)
      .send(good)
      .expect(404);
    expect(unknownVersion.body).toMatchObject({ code: 'version.not_found' });
    await request(sut.http).get(`/components/never-built/versions/1/artifacts`).expect(404);

    const badDigest = await request(sut.http)
      .post(`/components/${run.component}/versions/${version}/artifacts`)
      .send({ ...good, digest: 'md5:abc' })
      .expect(400);
    expect(badDigest.body.details).toEqual([{ path: 'digest', message: expect.stringContaining('sha256') }]);
    const badPurl = await request(sut.http)
      .post(`/components/${run.component}/versions/${version}/artifacts`)
      .send({ ...good, purl: 'shop-api-1.tgz' })
      .expect(400);
    expect(badPurl.body.details[0].path).toBe('purl');
  });
});
