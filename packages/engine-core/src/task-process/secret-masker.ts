/** What a secret value is replaced with in task output. */
export const SECRET_MASK = '***';

/** Where one secret occurs in a text: `[start, end)`. */
export interface SecretOccurrence {
  readonly start: number;
  readonly end: number;
}

/**
 * Replaces secret values in text with `***`. Output is masked line by line, so a multi-line
 * secret (a private key, a JSON credential) is masked line by line too: each of its non-blank
 * lines counts as a secret of its own. Where secrets overlap, the longest one wins.
 */
export class SecretMasker {
  /** Length of the longest secret (0 without secrets): how much text a match can span. */
  readonly longest: number;
  private readonly pattern: RegExp | undefined;

  constructor(secrets: readonly string[] = []) {
    const values = [
      ...new Set(
        secrets
          .flatMap((secret) => secret.split(/\r?\n/))
          .map((line) => line.trim())
          .filter((line) => line.length > 0),
      ),
    ].sort((a, b) => b.length - a.length);
    this.longest = values[0]?.length ?? 0;
    // Alternatives are tried in order at each position, so sorting longest first makes the longest match win.
    this.pattern = values.length > 0 ? new RegExp(values.map(escapeRegExp).join('|'), 'g') : undefined;
  }

  get empty(): boolean {
    return this.pattern === undefined;
  }

  mask(text: string): string {
    return this.pattern ? text.replace(this.pattern, SECRET_MASK) : text;
  }

  /** Every occurrence, left to right, exactly as `mask` would replace them. */
  occurrences(text: string): SecretOccurrence[] {
    if (!this.pattern) return [];
    const found: SecretOccurrence[] = [];
    for (const match of text.matchAll(this.pattern)) {
      found.push({ start: match.index, end: match.index + match[0].length });
    }
    return found;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
