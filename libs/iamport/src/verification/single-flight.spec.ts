import { SingleFlight } from './single-flight.js';

describe('SingleFlight', () => {
  it('lets concurrent callers of one key share one call, and starts afresh once it ended', async () => {
    const flights = new SingleFlight<number>();
    let calls = 0;
    const start = () => Promise.resolve(++calls);
    const first = flights.join('imp_1', start);
    const second = flights.join('imp_1', start);
    const other = flights.join('imp_2', start);
    expect([first.shared, second.shared, other.shared]).toEqual([
      false,
      true,
      false,
    ]);
    expect(
      await Promise.all([first.result, second.result, other.result]),
    ).toEqual([1, 1, 2]);
    expect(await flights.join('imp_1', start).result).toBe(3);
  });

  it('forgets a failed call', async () => {
    const flights = new SingleFlight<number>();
    await expect(
      flights.join('k', () => Promise.reject(new Error('down'))).result,
    ).rejects.toThrow('down');
    expect(await flights.join('k', () => Promise.resolve(7)).result).toBe(7);
  });
});
