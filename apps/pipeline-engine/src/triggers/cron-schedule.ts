import { CronExpressionParser } from 'cron-parser';

const FIELDS = ['minute', 'hour', 'day of month', 'month', 'day of week'] as const;

/**
 * Why a 5-field cron expression is wrong, naming the field (`hour: Constraint error, got value 25 ...`),
 * or undefined when it is fine. Each field is checked on its own, with `*` in the others, so the
 * message says which one to fix.
 */
export function cronProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== FIELDS.length) {
    return `expected 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`;
  }
  for (const [index, name] of FIELDS.entries()) {
    const probe = FIELDS.map((_, other) => (other === index ? fields[index] : '*')).join(' ');
    try {
      CronExpressionParser.parse(probe);
    } catch (error) {
      return `${name} field "${fields[index]}": ${(error as Error).message}`;
    }
  }
  try {
    CronExpressionParser.parse(expression);
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
}

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The first slot of `expression` strictly after `after`, in `timezone` (default UTC). */
export function nextSlot(expression: string, after: Date, timezone = 'UTC'): Date {
  return CronExpressionParser.parse(expression, { currentDate: after, tz: timezone }).next().toDate();
}
