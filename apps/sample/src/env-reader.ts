/** Reads typed values out of the environment, collecting every problem instead of stopping at the first. */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  text(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value === '' ? undefined : value;
  }

  /** A whole number from 0 to `max`, in the given `unit` (for the message). */
  wholeNumber(
    name: string,
    fallback: number,
    unit: string,
    max = Number.MAX_SAFE_INTEGER,
  ): number {
    const value = this.text(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (Number.isInteger(parsed) && parsed >= 0 && parsed <= max) return parsed;
    this.problems.push(`${name} must be ${unit} (got ${value})`);
    return fallback;
  }

  flag(name: string, fallback: boolean): boolean {
    const value = this.text(name);
    if (value === undefined) return fallback;
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    this.problems.push(`${name} must be true or false (got ${value})`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.text(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(
      `${name} must be one of ${allowed.join(', ')} (got ${value})`,
    );
    return fallback;
  }

  /** An absolute http(s) URL, without a trailing slash. */
  httpUrl(name: string): string | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    const protocol = URL.canParse(value) ? new URL(value).protocol : null;
    if (protocol === 'http:' || protocol === 'https:')
      return value.replace(/\/+$/, '');
    this.problems.push(`${name} must be an http(s) URL (got ${value})`);
    return undefined;
  }
}
