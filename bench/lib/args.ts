/** `--name=value` and `--flag` arguments; anything else is refused. */
export class Args {
  private readonly values = new Map<string, string>();

  constructor(
    argv: readonly string[],
    private readonly known: readonly string[],
  ) {
    for (const arg of argv) {
      const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
      if (!match || !known.includes(match[1]!))
        throw new Error(
          `unknown argument ${arg}; known: ${known.map((k) => `--${k}`).join(', ')}`,
        );
      this.values.set(match[1]!, match[2] ?? 'true');
    }
  }

  flag(name: string): boolean {
    return this.values.get(name) === 'true';
  }

  text(name: string, fallback: string): string {
    return this.values.get(name) ?? fallback;
  }

  number(name: string, fallback: number): number {
    const value = this.values.get(name);
    if (value === undefined) return fallback;
    const parsed = Number(value.replace(/_/g, ''));
    if (!Number.isFinite(parsed) || parsed < 0)
      throw new Error(`--${name} must be a number (got ${value})`);
    return parsed;
  }

  numbers(name: string, fallback: readonly number[]): number[] {
    const value = this.values.get(name);
    if (value === undefined) return [...fallback];
    return value.split(',').map((item) => {
      const parsed = Number(item.replace(/_/g, ''));
      if (!Number.isFinite(parsed) || parsed < 0)
        throw new Error(`--${name} takes numbers (got ${value})`);
      return parsed;
    });
  }

  /** One of `allowed` (`--metrics=on`), or `fallback`. */
  choice<T extends string>(
    name: string,
    allowed: readonly T[],
    fallback: T,
  ): T {
    const value = this.values.get(name);
    if (value === undefined) return fallback;
    if (!allowed.includes(value as T))
      throw new Error(`--${name} takes ${allowed.join(' or ')} (got ${value})`);
    return value as T;
  }

  choices<T extends string>(
    name: string,
    allowed: readonly T[],
    fallback: readonly T[],
  ): T[] {
    const value = this.values.get(name);
    if (value === undefined) return [...fallback];
    return value.split(',').map((item) => {
      if (!allowed.includes(item as T))
        throw new Error(`--${name} takes ${allowed.join(', ')} (got ${item})`);
      return item as T;
    });
  }
}
