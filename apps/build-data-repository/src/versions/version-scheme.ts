/** How a component's versions are written. Semver with an auto-incremented part (`2.4.<n>`) comes next. */
export const VERSION_SCHEMES = ['counter'] as const;
export type VersionScheme = (typeof VERSION_SCHEMES)[number];

/** The counter series a new version draws its number from: one per component for the plain counter. */
export function seriesFor(scheme: VersionScheme): string {
  switch (scheme) {
    case 'counter':
      return '';
  }
}

/** The version string for the `number`-th version of a series. */
export function formatVersion(scheme: VersionScheme, number: number): string {
  switch (scheme) {
    case 'counter':
      return String(number);
  }
}
