/** Minimal ANSI styling; every function returns the text unchanged when colours are off. */
export interface Style {
  readonly enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const wrap = (enabled: boolean, open: number, close: number) => (text: string) =>
  enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text;

export function createStyle(enabled: boolean): Style {
  return {
    enabled,
    bold: wrap(enabled, 1, 22),
    dim: wrap(enabled, 2, 22),
    red: wrap(enabled, 31, 39),
    green: wrap(enabled, 32, 39),
    yellow: wrap(enabled, 33, 39),
    cyan: wrap(enabled, 36, 39),
  };
}

/** Colours on a terminal, unless NO_COLOR is set (https://no-color.org) or FORCE_COLOR asks for them anyway. */
export function colourEnabled(isTTY: boolean | undefined, env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return isTTY === true && env.TERM !== 'dumb';
}

// eslint-disable-next-line no-control-regex
const ANSI_PATTERN = /\u001b\[[0-9;?]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, '');
}

/** Columns the text takes on a terminal (escape codes take none). */
export function visibleWidth(text: string): number {
  return [...stripAnsi(text)].length;
}

export const CURSOR = {
  hide: '\u001b[?25l',
  show: '\u001b[?25h',
  /** Moves up n lines, to their start. */
  up: (n: number) => (n > 0 ? `\u001b[${n}F` : '\r'),
  clearDown: '\u001b[0J',
  clearLine: '\u001b[2K',
} as const;

/** Cuts text to `width` terminal columns, keeping escape codes (and resetting styles when it cuts). */
export function truncateVisible(text: string, width: number): string {
  if (visibleWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  let index = 0;
  const chars = [...text];
  while (index < chars.length) {
    const ch = chars[index] ?? '';
    if (ch === '\u001b') {
      let sequence = ch;
      index++;
      while (index < chars.length) {
        const next = chars[index] ?? '';
        sequence += next;
        index++;
        if (/[A-Za-z]/.test(next)) break;
      }
      out += sequence;
      continue;
    }
    if (used >= width - 1) break;
    out += ch;
    used++;
    index++;
  }
  return `${out}…\u001b[0m`;
}
