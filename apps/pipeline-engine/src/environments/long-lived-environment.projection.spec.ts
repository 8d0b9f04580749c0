import {
  applyEvent,
  type LongLivedEnvironmentEvent,
  type LongLivedEnvironmentFacts,
} from './long-lived-environment.projection';

const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 12, minute));
const about = { environmentId: 'env-1', name: 'qa', component: 'shop' };
const created = (minute: number, url = 'http://qa.test'): LongLivedEnvironmentEvent => ({
  ...about,
  kind: 'created',
  url,
  at: at(minute),
});
const failed = (minute: number, reason = 'disk full'): LongLivedEnvironmentEvent => ({
  ...about,
  kind: 'failed',
  reason,
  at: at(minute),
});
const deleted = (minute: number): LongLivedEnvironmentEvent => ({ ...about, kind: 'deleted', at: at(minute) });

/** Applies the events in the order given, as the consumer would, and returns what is known in the end. */
function project(events: readonly LongLivedEnvironmentEvent[]): LongLivedEnvironmentFacts | null {
  let facts: LongLivedEnvironmentFacts | null = null;
  for (const event of events) facts = applyEvent(facts, event) ?? facts;
  return facts;
}

/** Every order of `items`. */
function orders<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    orders([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describe(applyEvent.name, () => {
  it('makes a created environment ready at its URL', () => {
    const sut = applyEvent(null, created(1));

    expect(sut).toEqual({
      ...about,
      status: 'ready',
      url: 'http://qa.test',
      failureReason: null,
      statusAt: at(1),
      provisionedAt: at(1),
    });
  });

  it('records a failure with its reason, and a deletion', () => {
    expect(project([created(1), failed(2)])).toMatchObject({ status: 'failed', failureReason: 'disk full' });
    expect(project([created(1), deleted(2)])).toMatchObject({
      status: 'deleted',
      statusAt: at(2),
      failureReason: null,
    });
  });

  it('keeps a deletion when the creation it follows arrives after it', () => {
    const sut = project([deleted(5), created(3)]);

    expect(sut).toMatchObject({ status: 'deleted', statusAt: at(5), provisionedAt: at(3), url: 'http://qa.test' });
  });

  it('changes nothing for an older or a repeated event', () => {
    const ready = applyEvent(null, created(5))!;

    expect(applyEvent(ready, created(5))).toBeNull();
    expect(applyEvent(ready, failed(4))).toBeNull();
    expect(applyEvent(ready, created(4, 'http://old.test'))).toBeNull();
  });

  it('takes the URL of the newest creation, and none once it failed since', () => {
    expect(project([created(1, 'http://one.test'), created(2, 'http://two.test')])?.url).toBe('http://two.test');
    expect(project([created(2, 'http://two.test'), created(1, 'http://one.test')])?.url).toBe('http://two.test');
    expect(project([created(1), failed(2)])?.url).toBeNull();
  });

  it('lets the later stage of the lifecycle win between events of the same instant', () => {
    expect(project([deleted(1), created(1)])?.status).toBe('deleted');
    expect(project([created(1), failed(1)])?.status).toBe('failed');
  });

  it('ends in the same facts whatever order the events arrive in', () => {
    const histories = [
      [created(1), failed(2), created(3), deleted(4)],
      [created(1, 'http://one.test'), created(2, 'http://two.test'), failed(3, 'oom')],
      [failed(1), created(2), deleted(2)],
    ];
    for (const history of histories) {
      const inOrder = project(history);
      for (const order of orders(history)) expect(project(order)).toEqual(inOrder);
    }
  });
});
