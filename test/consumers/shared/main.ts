// The shop as a process: IAMPORT_API_BASE_URL (the simulator's URL), PORT (0:
// any free port), IAMPORT_IMP_KEY and IAMPORT_IMP_SECRET, PORTONE_V2_API_SECRET,
// PORTONE_V2_STORE_ID and PORTONE_V2_WEBHOOK_SECRET (the simulator's defaults).
// Prints `shop listening on <url>`.
import 'reflect-metadata';
import { startShop } from './app.js';

async function main(): Promise<void> {
  const apiBaseUrl = process.env['IAMPORT_API_BASE_URL'];
  if (!apiBaseUrl) throw new Error('IAMPORT_API_BASE_URL is not set');
  const shop = await startShop(
    {
      apiBaseUrl,
      impKey: process.env['IAMPORT_IMP_KEY'] ?? 'imp_key_test',
      impSecret: process.env['IAMPORT_IMP_SECRET'] ?? 'imp_secret_test',
      v2: {
        apiSecret:
          process.env['PORTONE_V2_API_SECRET'] ?? 'portone_v2_secret_test',
        storeId:
          process.env['PORTONE_V2_STORE_ID'] ??
          'store-00000000-0000-4000-8000-000000000001',
        webhookSecret:
          process.env['PORTONE_V2_WEBHOOK_SECRET'] ??
          'whsec_aWFtcG9ydC1zaW11bGF0b3ItdjItd2ViaG9vay1rZXk=',
      },
    },
    Number(process.env['PORT'] ?? 0),
  );
  console.log(`shop listening on ${shop.url}`);
  process.once('SIGTERM', () => {
    shop.app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
