import { randomUUID } from 'node:crypto';
import { newCDEvent, sourceOf } from '../envelope/cdevent';
import { ContractViolation } from '../envelope/contract-violation';
import { parseMessage } from '../envelope/message-definition';
import { messageDefinitionFor } from '../messages';
import { VERSION_ALLOCATED, VersionAllocated } from './version.events';

const allocated = (content: Record<string, unknown>) =>
  newCDEvent(VERSION_ALLOCATED, sourceOf('build-data-repository'), { id: 'shop@7', content }, {});

describe('version contracts', () => {
  const sut = VersionAllocated;

  it("answers a run's queued event keyed by the run, so the engine reads it in order with the run", () => {
    const runId = randomUUID();
    const event = parseMessage(sut, allocated({ component: 'shop', version: '7', runId, revision: 'abc123' }));

    expect(sut.key(event)).toBe(runId);
    expect(sut.subject(event)).toBe('shop@7');
    expect(messageDefinitionFor(VERSION_ALLOCATED)).toBe(VersionAllocated);
  });

  it('announces an allocation without a run keyed by the component, with who asked for it', () => {
    const event = parseMessage(
      sut,
      allocated({ component: 'shop', version: '8', revision: 'abc123', requestedBy: 'jenkins' }),
    );

    expect(event.subject.content.runId).toBeUndefined();
    expect(event.subject.content.requestedBy).toBe('jenkins');
    expect(sut.key(event)).toBe('shop');
  });

  it('refuses an empty run id or requester rather than treating them as absent', () => {
    expect(() => parseMessage(sut, allocated({ component: 'shop', version: '9', runId: '' }))).toThrow(
      ContractViolation,
    );
    expect(() => parseMessage(sut, allocated({ component: 'shop', version: '9', requestedBy: '' }))).toThrow(
      /requestedBy/,
    );
  });
});
