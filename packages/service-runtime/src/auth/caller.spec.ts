import { ValidationError } from '../errors/validation-error';
import { actingName, OPEN_CALLER, type Caller } from './caller';

const alice: Caller = { kind: 'token', name: 'alice', teams: ['team-a'], admin: false };

describe(actingName.name, () => {
  it('takes the name the request claims when tokens are off', () => {
    expect(actingName(OPEN_CALLER, 'bob', 'approver')).toBe('bob');
    expect(actingName(OPEN_CALLER, undefined, 'approver')).toBeUndefined();
  });

  it("takes the token's name when tokens are on, also when the request repeats it", () => {
    expect(actingName(alice, undefined, 'canceller')).toBe('alice');
    expect(actingName(alice, 'alice', 'canceller')).toBe('alice');
  });

  it('refuses a request that speaks for someone else, naming the field and the role', () => {
    const refusal = (() => {
      try {
        actingName(alice, 'bob', 'canceller');
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(ValidationError);
    expect((refusal as ValidationError).details).toEqual([
      { path: 'by', message: `the canceller is the bearer token's owner (alice); leave "by" out` },
    ]);
  });
});
