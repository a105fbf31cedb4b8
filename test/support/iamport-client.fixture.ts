import { sinkLogLines } from './log-sink.js';
import type { LoggerService } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  IamportClient,
  IamportModule,
  type IamportModuleOptions,
  type IamportOrderRepository,
} from 'nestjs-iamport';
import type { SimulatorControl } from './simulator-control.js';

/** Everything the Nest logger printed, to prove that no secret reaches a log line. */
export class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown, ...rest: unknown[]) {
    this.capture('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.capture('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.capture('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.capture('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.capture('verbose', message, rest);
  }
  private capture(level: string, message: unknown, rest: unknown[]) {
    const line = [level, message, ...rest].map(String).join(' ');
    this.lines.push(line);
    sinkLogLines('in-process', line);
  }
}

export interface ClientFixture {
  client: IamportClient;
  logger: CapturingLogger;
  moduleRef: TestingModule;
  close(): Promise<void>;
}

/** The client tests verify no payment; any use of the orders is a bug in the test. */
const noOrders: IamportOrderRepository = {
  findByMerchantUid: () =>
    Promise.reject(new Error('client tests have no orders')),
  findPaymentRecord: () =>
    Promise.reject(new Error('client tests have no orders')),
  commit: () => Promise.reject(new Error('client tests have no orders')),
};

/** A real IamportModule talking to the simulator over HTTP, with fast retries for tests. */
export async function createClient(
  simulator: Pick<SimulatorControl, 'impKey' | 'impSecret' | 'url'>,
  options: Partial<IamportModuleOptions> = {},
): Promise<ClientFixture> {
  const logger = new CapturingLogger();
  const moduleRef = await Test.createTestingModule({
    imports: [
      IamportModule.forRoot({
        impKey: simulator.impKey,
        impSecret: simulator.impSecret,
        orderRepository: noOrders,
        routes: { redirect: false, webhook: false },
        apiBaseUrl: simulator.url,
        timeoutMs: 1000,
        retryBaseDelayMs: 5,
        retryMaxDelayMs: 20,
        ...options,
      }),
    ],
  }).compile();
  // After compile: the testing module installs its own logger while compiling.
  moduleRef.useLogger(logger);
  return {
    client: moduleRef.get(IamportClient),
    logger,
    moduleRef,
    close: () => moduleRef.close(),
  };
}

/** Waits for the promise to reject and returns the error, failing the test if it resolves. */
export async function rejectionOf(pending: Promise<unknown>): Promise<any> {
  try {
    await pending;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
