import { editDistance, nearest, suggestion } from './suggest';

describe(editDistance.name, () => {
  it.each([
    ['need', 'needs', 1],
    ['taks', 'task', 1],
    ['enviroment', 'environment', 1],
    ['timeout', 'timeout', 0],
    ['abc', 'xyz', 3],
  ])('%s -> %s is %d', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
});

describe(nearest.name, () => {
  it('suggests only plausible typos', () => {
    expect(nearest('need', ['name', 'needs', 'tasks'])).toBe('needs');
    expect(nearest('Tasks', ['tasks'])).toBe('tasks');
    expect(nearest('foo', ['name', 'needs'])).toBeUndefined();
  });
});

describe(suggestion.name, () => {
  it('lists the expected words when nothing is close', () => {
    expect(suggestion('x', ['a', 'b'])).toBe('; expected one of: a, b');
    expect(suggestion('nme', ['name'])).toBe('; did you mean "name"?');
  });
});
