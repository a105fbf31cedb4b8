import { randomBytes } from 'node:crypto';

const ACCESS_TTL_MS = 30 * 60 * 1000;
const REFRESH_TTL_MS = 24 * 3600 * 1000;

export interface V2Tokens {
  accessToken: string;
  refreshToken: string;
}

const token = (kind: string): string =>
  `sim_v2_${kind}_${randomBytes(24).toString('base64url')}`;

/**
 * Access tokens (30 min) and the one live refresh token (1 day): each login or refresh expires
 * the refresh token issued before it (OAS LoginViaApiSecretResponse).
 */
export class V2TokenStore {
  private readonly access = new Map<string, number>();
  private refresh: { token: string; expiresAt: number } | null = null;

  issue(nowMs: number): V2Tokens {
    const accessToken = token('access');
    this.access.set(accessToken, nowMs + ACCESS_TTL_MS);
    const refreshToken = token('refresh');
    this.refresh = { token: refreshToken, expiresAt: nowMs + REFRESH_TTL_MS };
    return { accessToken, refreshToken };
  }

  isValidAccess(accessToken: string, nowMs: number): boolean {
    const expiresAt = this.access.get(accessToken);
    return expiresAt !== undefined && expiresAt > nowMs;
  }

  /** New tokens for the live refresh token, or null. */
  refreshWith(refreshToken: string, nowMs: number): V2Tokens | null {
    if (
      this.refresh === null ||
      this.refresh.token !== refreshToken ||
      this.refresh.expiresAt <= nowMs
    )
      return null;
    return this.issue(nowMs);
  }

  /** Expires every access token (the control endpoint's way to test a refresh). */
  expireAll(): number {
    const count = this.access.size;
    this.access.clear();
    return count;
  }

  clear(): void {
    this.access.clear();
    this.refresh = null;
  }
}
