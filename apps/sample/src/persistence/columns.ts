import type { ValueTransformer } from 'typeorm';

/** PostgreSQL returns BIGINT as a string; amounts are integers of the smallest unit, well within 2^53. */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) =>
    value === null ? null : Number(value),
};
