/** The OpenAPI shapes of terminus' answers, as `/health` and `/health/ready` give them. */

const indicator = (status: 'up' | 'down') => ({
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['up', 'down'], example: status },
  },
  additionalProperties: true,
});

const results = (example: Record<string, unknown>) => ({
  type: 'object',
  additionalProperties: indicator('up'),
  example,
});

/** terminus' `HealthCheckResult`: `status` and the indicators under `info`, `error` and `details`. */
export function healthCheckSchema(
  status: 'ok' | 'error',
  details: Record<string, unknown>,
) {
  const info = Object.fromEntries(
    Object.entries(details).filter(
      ([, value]) => (value as { status: string }).status === 'up',
    ),
  );
  const error = Object.fromEntries(
    Object.entries(details).filter(
      ([, value]) => (value as { status: string }).status === 'down',
    ),
  );
  return {
    type: 'object',
    required: ['status', 'info', 'error', 'details'],
    properties: {
      status: {
        type: 'string',
        enum: ['ok', 'error', 'shutting_down'],
        example: status,
      },
      info: results(info),
      error: results(error),
      details: results(details),
    },
  };
}

export const LIVE = healthCheckSchema('ok', {});

export const READY = healthCheckSchema('ok', {
  database: { status: 'up' },
  iamport: { status: 'up', responseTimeMs: 1 },
});

export const NOT_READY = healthCheckSchema('error', {
  database: { status: 'up' },
  iamport: {
    status: 'down',
    responseTimeMs: 312,
    lastError:
      'iamport getToken failed: iamport could not answer (HTTP 503, code -1: Service Unavailable)',
  },
});
