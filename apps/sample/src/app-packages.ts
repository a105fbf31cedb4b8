import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Where the shop's packages are: its working directory, then its entry script
 * (`dist/apps/sample/main.js`, or the test runner's). Neither `import.meta`
 * (rspack writes the build machine's source path into the bundle) nor
 * `__dirname`, like `nestjs-iamport`'s own look-up of `@nestjs/swagger`.
 */
export function appLocations(): string[] {
  const locations = [path.join(process.cwd(), 'noop.js')];
  const entry = process.argv[1];
  if (entry) locations.push(path.resolve(entry));
  return locations;
}

/**
 * The file `specifier` names in the shop's node_modules, searched from each of
 * `locations` in turn; throws naming them all when none has it.
 */
export function resolveFromApp(
  specifier: string,
  locations: readonly string[] = appLocations(),
): string {
  for (const location of locations) {
    try {
      return createRequire(location).resolve(specifier);
    } catch {
      // Not installed there: try the next place.
    }
  }
  throw new Error(
    `${specifier} is not installed where the shop runs (${locations.join(', ')}): run npm ci`,
  );
}
