import { BadRequestException } from '@nestjs/common';
import { PortOneV2CompleteQueryDto } from '../v2/http/portone-v2-complete-query.dto.js';
import { RedirectQueryDto } from './dto/redirect-query.dto.js';
import { WebhookBodyDto } from './dto/webhook-body.dto.js';
import { StrictValidationPipe } from './strict-validation.pipe.js';

/** The reasons a 400 gives, or the validated parameters. */
async function reasons(
  pipe: StrictValidationPipe<object>,
  value: unknown,
): Promise<unknown> {
  try {
    return await pipe.transform(value);
  } catch (error) {
    if (!(error instanceof BadRequestException)) throw error;
    return (error.getResponse() as { message: unknown }).message;
  }
}

describe('StrictValidationPipe', () => {
  const webhook = new StrictValidationPipe(WebhookBodyDto);
  const redirect = new StrictValidationPipe(RedirectQueryDto);
  const v2Redirect = new StrictValidationPipe(PortOneV2CompleteQueryDto);

  it('says only "required" of a missing parameter, not also that its shape is wrong', async () => {
    expect(await reasons(webhook, {})).toEqual(['imp_uid is required']);
    expect(await reasons(redirect, {})).toEqual([
      'imp_uid or merchant_uid is required',
    ]);
    expect(await reasons(v2Redirect, {})).toEqual(['paymentId is required']);
  });

  it('gives one reason per bad parameter', async () => {
    expect(
      await reasons(webhook, {
        imp_uid: 'imp_1; DROP TABLE',
        merchant_uid: '',
        status: 'PAID',
      }),
    ).toEqual([
      'imp_uid must look like imp_123456789012',
      'merchant_uid must be 1 to 40 visible ASCII characters',
      'status must be a lower-case word',
    ]);
  });

  it.each([null, undefined, 'imp_uid=imp_1', 42, [{ imp_uid: 'imp_1' }]])(
    'refuses %j, which is no set of parameters',
    async (value) => {
      expect(await reasons(webhook, value)).toEqual([
        'expected key=value parameters',
      ]);
    },
  );

  it('refuses a parameter given twice or not as text before the DTO sees it', async () => {
    expect(
      await reasons(webhook, { imp_uid: ['imp_1', 'imp_2'], status: 1 }),
    ).toEqual(['imp_uid was given more than once', 'status must be a string']);
  });

  it('passes a valid notification through, without the parameters it does not know', async () => {
    const body = await reasons(webhook, {
      imp_uid: 'imp_123456789012',
      merchant_uid: 'order_1',
      status: 'paid',
      amount: '1',
    });
    expect(body).toBeInstanceOf(WebhookBodyDto);
    expect(body).toEqual({
      imp_uid: 'imp_123456789012',
      merchant_uid: 'order_1',
      status: 'paid',
    });
  });
});
