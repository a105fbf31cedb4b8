import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

let chartJs: string | null = null;

/**
 * Where the shop's packages are: its working directory, then its entry script
 * (`dist/apps/sample/main.js`, or the test runner's). Neither `import.meta`
 * (rspack writes the build machine's source path into the bundle) nor
 * `__dirname`, like `nestjs-iamport`'s own look-up of `@nestjs/swagger`.
 */
function appLocations(): string[] {
  const locations = [path.join(process.cwd(), 'noop.js')];
  const entry = process.argv[1];
  if (entry) locations.push(path.resolve(entry));
  return locations;
}

/**
 * Chart.js's UMD build, read once from the shop's node_modules, found from
 * the package's own entry (its `exports` do not list the UMD file). Nothing
 * is fetched from a CDN. Throws when the package is not installed.
 */
export function chartJsSource(
  locations: readonly string[] = appLocations(),
): string {
  if (chartJs !== null) return chartJs;
  for (const location of locations) {
    let entry: string;
    try {
      entry = createRequire(location).resolve('chart.js');
    } catch {
      // Not installed there: try the next place.
      continue;
    }
    chartJs = readFileSync(
      path.join(path.dirname(entry), 'chart.umd.min.js'),
      'utf8',
    );
    return chartJs;
  }
  throw new Error(
    `chart.js is not installed where the shop runs (${locations.join(', ')}): run npm ci`,
  );
}
