import { type CheckoutConfig, PRODUCTS } from './checkout.config.js';
import { escapeHtml, page } from './html.js';

const won = (amount: number) => `${amount.toLocaleString('ko-KR')}원`;

/**
 * The checkout: pick a product, the page creates the order (`POST /orders`)
 * and opens iamport's window with `m_redirect_url`, so the buyer comes back to
 * `/payments/complete`, which verifies and sends them on to `/result`.
 */
export function checkoutPage(config: CheckoutConfig): string {
  const products = PRODUCTS.map(
    (product) => `<div class="product">
  <span>${escapeHtml(product.name)}<br><strong>${won(product.amount)}</strong></span>
  <button type="button" data-product="${product.id}" data-name="${escapeHtml(product.name)}" data-amount="${product.amount}">Pay</button>
</div>`,
  ).join('\n');
  const settings = JSON.stringify({
    impCode: config.impCode,
    completeUrl: `${config.publicUrl}/payments/complete`,
  });
  return page(
    'Sample shop',
    `<h1>Sample shop</h1>
<p>Payments go through iamport${config.sdkUrl.includes('cdn.iamport.kr') ? '' : ' (the local simulator: no real money)'}.</p>
${products}
<p id="message" class="error" role="alert"></p>
<script src="${escapeHtml(config.sdkUrl)}"></script>
<script>
const settings = ${settings.replace(/</g, '\\u003c')};
const message = document.getElementById('message');
document.querySelectorAll('button[data-product]').forEach((button) => {
  button.addEventListener('click', async () => {
    message.textContent = '';
    button.disabled = true;
    try {
      const response = await fetch('/orders', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: button.dataset.name, amount: Number(button.dataset.amount) }),
      });
      if (!response.ok) throw new Error('the order could not be created (' + response.status + ')');
      const order = await response.json();
      IMP.init(settings.impCode);
      IMP.request_pay({
        pg: 'html5_inicis',
        pay_method: 'card',
        merchant_uid: order.merchant_uid,
        name: order.name,
        amount: order.amount,
        currency: order.currency,
        buyer_name: 'Sample buyer',
        buyer_email: 'buyer@example.com',
        m_redirect_url: settings.completeUrl,
      }, (rsp) => {
        // Desktop windows that do not redirect still end on the same verification route.
        const query = new URLSearchParams({ imp_uid: rsp.imp_uid || '', merchant_uid: rsp.merchant_uid || order.merchant_uid });
        location.href = settings.completeUrl + '?' + query;
      });
    } catch (error) {
      message.textContent = error.message;
      button.disabled = false;
    }
  });
});
</script>`,
  );
}
