import { QueryFailedError } from 'typeorm';

/** A duplicate key, as each of the three databases reports it. */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as
    { code?: string; errno?: number } | undefined;
  const code = driverError?.code ?? '';
  return (
    code === '23505' || // PostgreSQL unique_violation
    code === 'ER_DUP_ENTRY' ||
    driverError?.errno === 1062 || // MariaDB / MySQL
    code.startsWith('SQLITE_CONSTRAINT_PRIMARYKEY') ||
    code.startsWith('SQLITE_CONSTRAINT_UNIQUE')
  );
}

/** A deadlock or serialization failure: the transaction was rolled back and may simply be run again. */
export function isDeadlock(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as
    { code?: string; errno?: number } | undefined;
  const code = driverError?.code ?? '';
  return (
    code === '40P01' ||
    code === '40001' ||
    code === 'ER_LOCK_DEADLOCK' ||
    driverError?.errno === 1213
  );
}
