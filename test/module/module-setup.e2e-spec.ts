import { IamportConfigurationError } from 'nestjs-iamport';
import {
  type ModuleForm,
  startModuleApp,
} from '../support/module-app.fixture.js';
import { SimulatorControl } from '../support/simulator-control.js';

describe('IamportModule set-up', () => {
  let sim: SimulatorControl;

  beforeAll(async () => {
    sim = await SimulatorControl.start();
  });
  afterAll(() => sim.close());

  it.each<ModuleForm>(['forRoot', 'useFactory', 'useClass', 'useExisting'])(
    'works end to end when configured with %s',
    async (form) => {
      const shop = await startModuleApp(sim, { form });
      try {
        const merchantUid = await shop.createOrder(4400);
        const payment = await sim.createPayment({
          merchant_uid: merchantUid,
          amount: 4400,
        });
        const response = await fetch(
          `${shop.url}/payments/complete?imp_uid=${payment.imp_uid}&merchant_uid=${merchantUid}`,
        );
        expect(response.status).toBe(200);
        expect((await response.json()).outcome).toBe('paid');
        expect((await shop.order(merchantUid)).status).toBe('paid');
        expect(shop.events.map((event) => event.type)).toEqual(['paid']);
      } finally {
        await shop.close();
      }
    },
  );

  it('moves the routes, or switches them off', async () => {
    const shop = await startModuleApp(sim, {
      routes: { redirect: 'shop/iamport/return', webhook: false },
    });
    try {
      const merchantUid = await shop.createOrder(100);
      const payment = await sim.createPayment({
        merchant_uid: merchantUid,
        amount: 100,
      });
      const moved = await fetch(
        `${shop.url}/shop/iamport/return?imp_uid=${payment.imp_uid}`,
      );
      expect((await moved.json()).outcome).toBe('paid');
      expect(
        (
          await fetch(
            `${shop.url}/payments/complete?imp_uid=${payment.imp_uid}`,
          )
        ).status,
      ).toBe(404);
      const webhook = await fetch(`${shop.url}/payments/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ imp_uid: payment.imp_uid }),
      });
      expect(webhook.status).toBe(404);
    } finally {
      await shop.close();
    }
  });

  it('redirects (303) to the configured result pages with merchant_uid and outcome, and nowhere else', async () => {
    const shop = await startModuleApp(sim, {
      options: {
        resultPages: {
          success: '/result/ok?from=iamport',
          pending: 'https://shop.example/wait',
          failure: '/result/failed',
        },
      },
    });
    try {
      const paidOrder = await shop.createOrder(2000);
      const paid = await sim.createPayment({
        merchant_uid: paidOrder,
        amount: 2000,
      });
      const failedOrder = await shop.createOrder(2000);
      const failed = await sim.createPayment({
        merchant_uid: failedOrder,
        amount: 2000,
        status: 'failed',
      });
      const location = async (query: string) => {
        const response = await fetch(`${shop.url}/payments/complete?${query}`, {
          redirect: 'manual',
        });
        expect(response.status).toBe(303);
        return response.headers.get('location');
      };
      expect(
        await location(`imp_uid=${paid.imp_uid}&merchant_uid=${paidOrder}`),
      ).toBe(`/result/ok?from=iamport&merchant_uid=${paidOrder}&outcome=paid`);
      expect(await location(`imp_uid=${failed.imp_uid}&imp_success=true`)).toBe(
        `/result/failed?merchant_uid=${failedOrder}&outcome=failed`,
      );
      const api = await fetch(
        `${shop.url}/payments/complete?imp_uid=${paid.imp_uid}`,
        {
          headers: { accept: 'application/json' },
          redirect: 'manual',
        },
      );
      expect(api.status).toBe(200);
      expect((await api.json()).outcome).toBe('paid');
      await sim.fault({
        kind: 'http_error',
        operation: 'getPaymentByImpUid',
        times: 5,
      });
      expect(
        await location(
          `imp_uid=${paid.imp_uid}&merchant_uid=${paidOrder}&m_redirect=https://evil.example`,
        ),
      ).toBe(
        `https://shop.example/wait?merchant_uid=${paidOrder}&outcome=unconfirmed`,
      );
    } finally {
      await sim.control('DELETE', '/_sim/faults');
      await shop.close();
    }
  });

  it('fails the boot, not the first payment, when a key is missing', async () => {
    const booting = startModuleApp(sim, {
      options: { impKey: '', impSecret: 'the-secret-value' },
    });
    await expect(booting).rejects.toBeInstanceOf(IamportConfigurationError);
    await expect(booting).rejects.toThrow(/impKey is required/);
    await expect(booting).rejects.not.toThrow(/the-secret-value/);
  });
});
