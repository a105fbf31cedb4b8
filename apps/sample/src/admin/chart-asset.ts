import { readFileSync } from 'node:fs';
import path from 'node:path';
import { appLocations, resolveFromApp } from '../app-packages.js';

let chartJs: string | null = null;

/**
 * Chart.js's UMD build, read once from the shop's node_modules, found from
 * the package's own entry (its `exports` do not list the UMD file). Nothing
 * is fetched from a CDN. Throws when the package is not installed.
 */
export function chartJsSource(
  locations: readonly string[] = appLocations(),
): string {
  if (chartJs !== null) return chartJs;
  const entry = resolveFromApp('chart.js', locations);
  chartJs = readFileSync(
    path.join(path.dirname(entry), 'chart.umd.min.js'),
    'utf8',
  );
  return chartJs;
}
