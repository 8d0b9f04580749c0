import { cronProblem, isTimeZone, nextSlot } from './cron-schedule';

describe('cron-schedule', () => {
  describe(cronProblem.name, () => {
    it.each(['*/5 * * * *', '0 3 * * 1-5', '15,45 8-18 1 */2 *'])('accepts %s', (expression) => {
      expect(cronProblem(expression)).toBeUndefined();
    });

    it('names the field that is out of range', () => {
      expect(cronProblem('0 25 * * *')).toMatch(/^hour field "25"/);
      expect(cronProblem('61 * * * *')).toMatch(/^minute field "61"/);
    });

    it('wants exactly five fields', () => {
      expect(cronProblem('* * * *')).toMatch(/expected 5 fields/);
      expect(cronProblem('0 * * * * *')).toMatch(/got 6/);
    });
  });

  describe(nextSlot.name, () => {
    it('gives the next slot strictly after the given time', () => {
      expect(nextSlot('*/5 * * * *', new Date('2026-01-01T00:02:00Z'))).toEqual(new Date('2026-01-01T00:05:00Z'));
      expect(nextSlot('*/5 * * * *', new Date('2026-01-01T00:05:00Z'))).toEqual(new Date('2026-01-01T00:10:00Z'));
    });

    it('reads hours in the given time zone', () => {
      expect(nextSlot('0 9 * * *', new Date('2026-01-01T00:00:00Z'), 'Europe/Berlin')).toEqual(
        new Date('2026-01-01T08:00:00Z'),
      );
    });
  });

  it('knows time zones', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Nowhere/Special')).toBe(false);
  });
});
