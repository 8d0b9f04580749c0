import {
  INCIDENT_DETECTED,
  INCIDENT_RESOLVED,
  IncidentDetected,
  IncidentResolved,
  newCDEvent,
  parseMessage,
  sourceOf,
} from '@pipewright/contracts';
import { mergePatch } from '../database/merge-upsert';
import { distinctOrders } from '../../test/support/run-events.fixtures';
import { detectedIncident, incidentMergeRules, resolvedIncident, type IncidentPatch } from './incident-merge';

const source = sourceOf('pager');

function incidentEvent(
  type: typeof INCIDENT_DETECTED | typeof INCIDENT_RESOLVED,
  timestamp: string,
  description: string,
) {
  const event = newCDEvent(
    type,
    source,
    { id: 'inc-1', source, content: { description, environment: { id: 'production' } } },
    { component: 'shop-api', deploymentId: 'dep-7' },
  );
  return { ...event, context: { ...event.context, timestamp } };
}

const fold = (patches: IncidentPatch[]) =>
  patches.reduce<IncidentPatch | undefined>(
    (stored, patch) => mergePatch(stored, patch, incidentMergeRules),
    undefined,
  );

describe('incident merge rules', () => {
  const detected = detectedIncident(
    parseMessage(IncidentDetected, incidentEvent(INCIDENT_DETECTED, '2026-11-22T10:00:00.000Z', 'checkout fails')),
  );
  const detectedAgain = detectedIncident(
    parseMessage(IncidentDetected, incidentEvent(INCIDENT_DETECTED, '2026-11-22T10:02:00.000Z', 'still failing')),
  );
  const resolved = resolvedIncident(
    parseMessage(IncidentResolved, incidentEvent(INCIDENT_RESOLVED, '2026-11-22T11:30:00.000Z', 'rolled back')),
  );

  it('ends in the same incident for every order of detected and resolved, each delivered twice', () => {
    const orders = distinctOrders([detected, detected, resolved, resolved]);
    expect(orders).toHaveLength(6);

    for (const order of orders) {
      expect(fold(order)).toEqual({
        id: 'inc-1',
        component: 'shop-api',
        environment: 'production',
        description: 'checkout fails',
        deploymentId: 'dep-7',
        revision: null,
        version: null,
        artifactId: null,
        detectedAt: new Date('2026-11-22T10:00:00.000Z'),
        resolvedAt: new Date('2026-11-22T11:30:00.000Z'),
      });
    }
  });

  it('takes the earliest of two detections as the start, in either order', () => {
    expect(fold([detectedAgain, resolved, detected])?.detectedAt).toEqual(new Date('2026-11-22T10:00:00.000Z'));
    expect(fold([detected, detectedAgain])?.detectedAt).toEqual(new Date('2026-11-22T10:00:00.000Z'));
  });

  it('leaves the start unknown while only the resolution has arrived', () => {
    const sut = fold([resolved]);

    expect(sut).toMatchObject({ resolvedAt: new Date('2026-11-22T11:30:00.000Z') });
    expect(sut?.detectedAt).toBeUndefined();
  });
});
