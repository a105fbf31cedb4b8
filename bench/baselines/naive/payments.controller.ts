import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Post,
  Query,
} from '@nestjs/common';
import axios from 'axios';
import { DataSource } from 'typeorm';
import {
  BASELINE_CONFIG,
  type BaselineConfig,
  placeholders,
} from '../shared/baseline-config.js';

/**
 * The integration of iamport's own samples ("결제 정보 검증"), ported to Nest:
 * on every notification a new access token, then the payment, then the order's
 * amount, and a plain UPDATE when they match. No token cache, no conditions on
 * the update, no retries, no refunds, no log.
 */
@Controller('payments')
export class PaymentsController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(BASELINE_CONFIG) private readonly config: BaselineConfig,
  ) {}

  /** The webhook (notice_url): `{imp_uid, merchant_uid, status}`. */
  @Post('webhook')
  @HttpCode(200)
  async webhook(@Body() body: { imp_uid: string; merchant_uid: string }) {
    return this.complete(body.imp_uid);
  }

  /** m_redirect_url: `?imp_uid=…&merchant_uid=…&imp_success=…`. */
  @Get('complete')
  async redirect(@Query('imp_uid') impUid: string) {
    return this.complete(impUid);
  }

  private async complete(impUid: string) {
    // 액세스 토큰(access token) 발급 받기
    const getToken = await axios({
      url: `${this.config.apiUrl}/users/getToken`,
      method: 'post',
      headers: { 'Content-Type': 'application/json' },
      data: { imp_key: this.config.impKey, imp_secret: this.config.impSecret },
    });
    const { access_token } = getToken.data.response;

    // imp_uid로 아임포트 서버에서 결제 정보 조회
    const getPaymentData = await axios({
      url: `${this.config.apiUrl}/payments/${impUid}`,
      method: 'get',
      headers: { Authorization: access_token },
    });
    const paymentData = getPaymentData.data.response as {
      merchant_uid: string;
      amount: number;
      status: string;
    };

    // DB에서 결제되어야 하는 금액 조회
    const [order] = (await this.dataSource.query(
      placeholders(
        this.dataSource,
        'SELECT amount FROM orders WHERE merchant_uid = ?',
      ),
      [paymentData.merchant_uid],
    )) as { amount: string | number }[];
    if (!order) throw new NotFoundException('no such order');
    const amountToBePaid = Number(order.amount);

    // 결제 검증하기
    const { amount, status } = paymentData;
    if (amount !== amountToBePaid)
      throw new BadRequestException({
        status: 'forgery',
        message: '위조된 결제시도',
      });
    // DB에 결제 정보 저장
    if (status === 'paid')
      await this.dataSource.query(
        placeholders(
          this.dataSource,
          "UPDATE orders SET status = 'paid' WHERE merchant_uid = ?",
        ),
        [paymentData.merchant_uid],
      );
    return { status: 'success', message: '일반 결제 성공' };
  }
}
