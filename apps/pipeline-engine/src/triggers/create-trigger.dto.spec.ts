import { ValidationError } from '@pipewright/service-runtime';
import { parseCreateTrigger } from './create-trigger.dto';

describe(parseCreateTrigger.name, () => {
  const base = { component: 'shop', workspace: '/srv/checkouts/shop' };

  it('defaults the webhook branch to main and the upstream outcome to success', () => {
    expect(parseCreateTrigger({ ...base, kind: 'webhook', webhook: { secret: 'x'.repeat(16) } })).toMatchObject({
      webhook: { branch: 'main' },
    });
    expect(parseCreateTrigger({ ...base, kind: 'upstream', upstream: { component: 'lib' } })).toMatchObject({
      upstream: { component: 'lib', outcome: 'success' },
    });
  });

  it.each([
    [{ ...base, kind: 'webhook', webhook: { secret: 'short' } }, 'webhook.secret'],
    [{ ...base, kind: 'schedule', schedule: { cron: '* * *' } }, 'schedule.cron'],
    [{ ...base, kind: 'schedule', schedule: { cron: '* * * * *', timezone: 'Mars/Olympus' } }, 'schedule.timezone'],
    [{ ...base, workspace: 'relative/path', kind: 'upstream', upstream: { component: 'lib' } }, 'workspace'],
    [{ ...base, kind: 'schedule', webhook: { secret: 'x'.repeat(16) } }, 'schedule'],
  ])('names the bad field (%#: %s)', (body, path) => {
    let sut: unknown;
    try {
      parseCreateTrigger(body);
    } catch (error) {
      sut = error;
    }
    expect(sut).toBeInstanceOf(ValidationError);
    expect((sut as ValidationError).details.map((issue) => issue.path)).toContain(path);
  });
});
