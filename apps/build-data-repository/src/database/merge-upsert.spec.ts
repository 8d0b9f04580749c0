import { earliest, forwardOnly, keepFirst, mergePatch, type MergeRules } from './merge-upsert';

interface Row {
  id: string;
  status?: string;
  note?: string | null;
  seenAt?: Date | null;
}

describe(mergePatch.name, () => {
  const rules: MergeRules<Row> = { status: forwardOnly(['new', 'open', 'closed']), note: keepFirst, seenAt: earliest };

  it('takes the incoming values as they are when nothing is stored', () => {
    const sut = mergePatch<Row>(undefined, { id: 'a', status: 'open', note: 'x', seenAt: undefined }, rules);

    expect(sut).toEqual({ id: 'a', status: 'open', note: 'x' });
  });

  it('leaves stored values alone where the patch says nothing', () => {
    const stored: Row = { id: 'a', status: 'open', note: 'x', seenAt: new Date(5) };

    expect(mergePatch(stored, { id: 'a', status: 'new' }, rules)).toEqual(stored);
  });

  it('moves a status forward only', () => {
    const stored: Row = { id: 'a', status: 'open' };

    expect(mergePatch(stored, { id: 'a', status: 'closed' }, rules).status).toBe('closed');
    expect(mergePatch(stored, { id: 'a', status: 'new' }, rules).status).toBe('open');
  });

  it('keeps the first known value and fills in a missing one', () => {
    expect(mergePatch<Row>({ id: 'a', note: 'first' }, { id: 'a', note: 'second' }, rules).note).toBe('first');
    expect(mergePatch<Row>({ id: 'a', note: null }, { id: 'a', note: 'second' }, rules).note).toBe('second');
  });

  it('keeps the earliest moment, ignoring unknown ones', () => {
    const early = new Date(1_000);
    const late = new Date(2_000);

    expect(mergePatch<Row>({ id: 'a', seenAt: late }, { id: 'a', seenAt: early }, rules).seenAt).toBe(early);
    expect(mergePatch<Row>({ id: 'a', seenAt: early }, { id: 'a', seenAt: late }, rules).seenAt).toBe(early);
    expect(mergePatch<Row>({ id: 'a', seenAt: null }, { id: 'a', seenAt: late }, rules).seenAt).toBe(late);
  });
});

describe(forwardOnly.name, () => {
  it('renders SQL that takes the incoming state only when it is further along', () => {
    const sut = forwardOnly(['queued', 'running']);

    expect(sut.sql('stored.status', 'EXCLUDED.status')).toBe(
      "CASE WHEN array_position(ARRAY['queued', 'running']::text[], EXCLUDED.status) > " +
        "array_position(ARRAY['queued', 'running']::text[], stored.status) THEN EXCLUDED.status ELSE stored.status END",
    );
  });
});
