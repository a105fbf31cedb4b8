/** What `withinTime` answers when the time is up first. */
export const OUT_OF_TIME = Symbol('out of time');

/**
 * The settled value of `work`, or `OUT_OF_TIME` once `ms` have passed. The
 * work is not cancelled: it goes on, and whoever started it handles its end.
 * The timer never keeps the process alive.
 */
export async function withinTime<T>(
  work: Promise<T>,
  ms: number,
): Promise<T | typeof OUT_OF_TIME> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof OUT_OF_TIME>((resolve) => {
    timer = setTimeout(() => resolve(OUT_OF_TIME), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
