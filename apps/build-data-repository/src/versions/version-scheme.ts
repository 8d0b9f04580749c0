import { z } from 'zod';

/**
 * How a component's versions are written:
 * - `counter`: 1, 2, 3, ...
 * - `semver`: a pattern with one auto-incremented part, `2.4.<n>` -> 2.4.0, 2.4.1, ... Each pattern is
 *   a series of its own, so changing the pattern starts a new series; going back continues the old one.
 */
export const VERSION_SCHEMES = ['counter', 'semver'] as const;
export type VersionScheme = (typeof VERSION_SCHEMES)[number];

export const VERSION_PLACEHOLDER = '<n>';

const part = String.raw`(?:0|[1-9]\d{0,8}|<n>)`;

/** `<major>.<minor>.<patch>` with exactly one part written `<n>`. */
export const semverPatternSchema = z
  .string()
  .regex(new RegExp(`^${part}\\.${part}\\.${part}$`), {
    message: 'must look like 2.4.<n>: three numbers, one of them <n>',
    abort: true,
  })
  .refine((pattern) => pattern.split(VERSION_PLACEHOLDER).length === 2, 'must contain <n> exactly once')
  .describe('For semver: the version with its auto-incremented part written <n>, e.g. 2.4.<n>');

/** What allocation needs to know about a component's scheme. */
export interface VersioningOf {
  versionScheme: VersionScheme;
  /** Set exactly when the scheme is `semver`. */
  versionPattern: string | null;
}

/** The counter series a new version draws its number from: one for the plain counter, one per semver pattern. */
export function seriesFor(component: VersioningOf): string {
  switch (component.versionScheme) {
    case 'counter':
      return '';
    case 'semver':
      return patternOf(component);
  }
}

/** `seriesFor` in SQL, given the scheme and pattern as SQL expressions. */
export function seriesSql(scheme: string, pattern: string): string {
  return `CASE ${scheme} WHEN 'counter' THEN '' ELSE ${pattern} END`;
}

/**
 * SQL for the version string of the `ordinal`-th version (ordinals start at 1) of a component's current
 * series, given the scheme and pattern as SQL expressions. Written in SQL so that allocation takes the
 * number and records the version in one statement: the counter row is locked for as short as possible.
 * - counter: the ordinal itself (1, 2, 3, ...)
 * - semver: the pattern with <n> replaced by ordinal - 1 (parts count from 0: 2.4.<n> starts at 2.4.0)
 */
export function versionSql(ordinal: string, scheme: string, pattern: string): string {
  return `CASE ${scheme} WHEN 'counter' THEN (${ordinal})::text ELSE replace(${pattern}, '${VERSION_PLACEHOLDER}', (${ordinal} - 1)::text) END`;
}

function patternOf(component: VersioningOf): string {
  if (component.versionPattern === null) throw new Error('a semver component needs a version pattern');
  return component.versionPattern;
}
