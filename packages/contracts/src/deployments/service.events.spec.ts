import { ARTIFACT_PUBLISHED, ArtifactPublished } from '../artifacts/artifact.events';
import { newCDEvent, sourceOf } from '../envelope/cdevent';
import { parseMessage } from '../envelope/message-definition';
import { INCIDENT_DETECTED, IncidentDetected } from '../incidents/incident.events';
import { SERVICE_ROLLEDBACK, ServiceRolledback } from './service.events';

const source = sourceOf('pipeline-engine');

describe('deployment, incident and artifact events', () => {
  it('keys deployments and incidents by component, so they stay in order with each other', () => {
    const rollback = parseMessage(
      ServiceRolledback,
      newCDEvent(
        SERVICE_ROLLEDBACK,
        source,
        { id: 'service/shop-api', content: { environment: { id: 'production' }, artifactId: 'pkg:oci/shop-api@1' } },
        { component: 'shop-api', version: '1', commitTime: '2026-11-22T09:00:00Z' },
      ),
    );
    const incident = parseMessage(
      IncidentDetected,
      newCDEvent(
        INCIDENT_DETECTED,
        sourceOf('pager'),
        { id: 'inc-1', content: { environment: { id: 'production' } } },
        { component: 'shop-api', deploymentId: rollback.context.id },
      ),
    );

    expect(ServiceRolledback.key(rollback)).toBe('shop-api');
    expect(IncidentDetected.key(incident)).toBe('shop-api');
    expect(IncidentDetected.subject(incident)).toBe('inc-1');
  });

  it('refuses an artifact whose subject is not a package URL, or whose digest is not sha256', () => {
    const published = (purl: string, digest: string) =>
      newCDEvent(
        ARTIFACT_PUBLISHED,
        source,
        { id: purl, content: {} },
        { component: 'shop-api', version: '1', digest, uri: 'https://registry.local/shop-api' },
      );
    const digest = `sha256:${'a'.repeat(64)}`;

    expect(ArtifactPublished.key(parseMessage(ArtifactPublished, published('pkg:npm/shop-api@1', digest)))).toBe(
      'pkg:npm/shop-api@1',
    );
    expect(() => parseMessage(ArtifactPublished, published('shop-api-1.tgz', digest))).toThrow('subject.id');
    expect(() => parseMessage(ArtifactPublished, published('pkg:npm/shop-api@1', 'md5:abc'))).toThrow(
      'customData.digest',
    );
  });
});
