import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { BUILD_DATA_CONFIG } from '../config/config.module';
import type { BuildDataConfig } from '../config/env';
import { internalRangeOf } from './webhook-address';

/** A webhook URL that may not be delivered to: the message says why, for the subscriber and the delivery log. */
export class WebhookTargetRefused extends Error {
  override readonly name = 'WebhookTargetRefused';
}

const HOW_TO_ALLOW = 'list the host in WEBHOOK_ALLOWED_HOSTS or set WEBHOOK_ALLOW_PRIVATE_NETWORKS=true to allow it';

/**
 * Keeps webhooks away from this host and the networks behind it (see webhook-address.ts), unless the
 * install allows them (WEBHOOK_ALLOWED_HOSTS, WEBHOOK_ALLOW_PRIVATE_NETWORKS). Checked when a subscription
 * is registered and again at every delivery: a host's DNS answer can change in between (DNS rebinding), so
 * deliveries resolve through `lookup`, which checks the addresses it hands to the socket. The connection
 * goes to exactly the address checked.
 */
@Injectable()
export class WebhookTargetGuard {
  private readonly allowedHosts: ReadonlySet<string>;

  constructor(@Inject(BUILD_DATA_CONFIG) private readonly config: BuildDataConfig) {
    this.allowedHosts = new Set(config.WEBHOOK_ALLOWED_HOSTS);
  }

  /**
   * For registration: the URL's host resolves, and only to addresses webhooks may go to.
   * @throws WebhookTargetRefused
   */
  async assertAllowed(url: URL): Promise<void> {
    const host = hostOf(url);
    if (this.allows(host)) return;
    if (isIP(host) !== 0) return this.assertAddresses(host, [host]);
    const addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
      dnsLookup(host, { all: true }, (error, found) =>
        error
          ? reject(new WebhookTargetRefused(`${host} does not resolve (${error.code ?? error.message})`))
          : resolve(found),
      ),
    );
    this.assertAddresses(
      host,
      addresses.map((a) => a.address),
    );
  }

  /**
   * For delivery, before connecting: an IP literal never goes through `lookup`.
   * @throws WebhookTargetRefused
   */
  assertLiteralAllowed(url: URL): void {
    const host = hostOf(url);
    if (isIP(host) !== 0 && !this.allows(host)) this.assertAddresses(host, [host]);
  }

  /** `lookup` for http(s).request: resolves like dns.lookup and fails for a host resolving to refused addresses. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      try {
        if (!this.allows(hostname.toLowerCase())) {
          this.assertAddresses(
            hostname,
            addresses.map((a) => a.address),
          );
        }
      } catch (refused) {
        return callback(refused as NodeJS.ErrnoException, '', 0);
      }
      if (options.all) return callback(null, addresses);
      const [first] = addresses;
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      return callback(null, first.address, first.family);
    });
  };

  private allows(host: string): boolean {
    return this.config.WEBHOOK_ALLOW_PRIVATE_NETWORKS || this.allowedHosts.has(host);
  }

  /** Refuses the host when any of its addresses is internal: a mixed answer is how rebinding starts. */
  private assertAddresses(host: string, addresses: readonly string[]): void {
    for (const address of addresses) {
      const range = internalRangeOf(address);
      if (range === null) continue;
      const resolved = address === host ? '' : ` resolves to ${address}, which`;
      throw new WebhookTargetRefused(`${host}${resolved} is a ${range} address; ${HOW_TO_ALLOW}`);
    }
  }
}

/** The URL's host as WEBHOOK_ALLOWED_HOSTS lists it: lower case, an IPv6 literal without brackets. */
function hostOf(url: URL): string {
  const host = url.hostname.toLowerCase();
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
